"""Tests for course_lib.pooling: max pooling with switches, max unpooling, bed of nails."""
import numpy as np
import pytest

from course_lib.pooling import bed_of_nails, max_pool2d, max_unpool2d

SIXTEEN = np.arange(1, 17).reshape(4, 4)


# --- worked examples and hand-built references ----------------------------------------------

def test_torch_maxunpool2d_doc_example():
    values, indices = max_pool2d(SIXTEEN, 2, stride=2)
    np.testing.assert_array_equal(values, [[6, 8], [14, 16]])
    np.testing.assert_array_equal(indices, [[5, 7], [13, 15]])
    expected = [[0, 0, 0, 0], [0, 6, 0, 8], [0, 0, 0, 0], [0, 14, 0, 16]]
    np.testing.assert_array_equal(max_unpool2d(values, indices, 2, stride=2), expected)
    # the doc's second call: output_size one larger than the default in each axis
    wider = max_unpool2d(values, indices, 2, stride=2, output_size=(5, 5))
    reference = np.zeros((5, 5))
    reference.ravel()[[5, 7, 13, 15]] = [6, 8, 14, 16]
    np.testing.assert_array_equal(wider, reference)


def test_indices_are_flat_positions_in_the_input_plane():
    x = np.zeros((3, 5))
    x[2, 4], x[0, 1] = 7, 3
    values, indices = max_pool2d(x, (3, 2), stride=(1, 3))  # windows: columns 0-1 and 3-4
    np.testing.assert_array_equal(values, [[3, 7]])
    np.testing.assert_array_equal(indices, [[1, 2 * 5 + 4]])
    assert indices.dtype == np.int64


@pytest.mark.parametrize(
    "window, first",
    [([[1, 1], [1, 1]], 0), ([[0, 2], [2, 0]], 1), ([[0, 0], [3, 3]], 2), ([[-1, -1], [-1, -1]], 0)],
)
def test_ties_go_to_the_first_maximum(window, first):
    values, indices = max_pool2d(window, 2)
    assert indices[0, 0] == first
    assert values[0, 0] == np.max(window)


def test_padding_is_minus_infinity():
    x = np.array([[1, 2], [3, 4]]) - 10  # all negative: zero padding would win, -inf never does
    values, indices = max_pool2d(x, 2, stride=2, padding=1)  # each window holds one real pixel
    np.testing.assert_array_equal(values, x)
    np.testing.assert_array_equal(indices, [[0, 1], [2, 3]])
    values, indices = max_pool2d(x, 3, stride=1, padding=1)
    np.testing.assert_array_equal(values, [[-6, -6], [-6, -6]])
    np.testing.assert_array_equal(indices, [[3, 3], [3, 3]])


def test_window_of_minus_infinity_points_at_its_first_real_pixel():
    x = np.full((2, 2), -np.inf)
    values, indices = max_pool2d(x, 2, stride=1, padding=1)
    assert np.all(values == -np.inf)
    np.testing.assert_array_equal(indices, [[0, 0, 1], [0, 0, 1], [2, 2, 3]])


def test_nan_wins_and_the_last_nan_is_reported():
    x = np.array([[np.nan, 5.0], [np.nan, 1.0]])
    values, indices = max_pool2d(x, 2)
    assert np.isnan(values[0, 0]) and indices[0, 0] == 2


def test_output_size_formula_and_default_stride(rng):
    x = rng.standard_normal((2, 3, 11, 8))
    values, indices = max_pool2d(x, (3, 2))  # stride None = kernel_size
    assert values.shape == indices.shape == (2, 3, (11 - 3) // 3 + 1, (8 - 2) // 2 + 1)
    values, _ = max_pool2d(x, 3, stride=2, padding=1)
    assert values.shape == (2, 3, (11 + 2 - 3) // 2 + 1, (8 + 2 - 3) // 2 + 1)


def test_dtypes(rng):
    x = rng.standard_normal((1, 1, 4, 4))
    assert max_pool2d(x.astype(np.float32), 2)[0].dtype == np.float32
    assert max_pool2d(x.astype(np.float16), 2)[0].dtype == np.float64
    assert max_pool2d(SIXTEEN, 2)[0].dtype == np.float64
    assert max_pool2d(SIXTEEN, 2)[1].dtype == np.int64
    assert max_unpool2d(np.ones((2, 2), np.float32), np.zeros((2, 2), np.int32), 2).dtype == np.float32
    assert bed_of_nails(np.ones((2, 2), np.int8), 2).dtype == np.float64


def test_unpooling_keeps_where_but_not_what(rng):
    x = rng.standard_normal((2, 2, 6, 6))
    values, indices = max_pool2d(x, 2)
    restored = max_unpool2d(values, indices, 2)
    kept = restored != 0
    assert kept.sum() == values.size  # one value per window survives, the rest is zero
    np.testing.assert_array_equal(restored[kept], x[kept])
    assert not np.allclose(restored, x)  # max unpooling does not invert max pooling
    np.testing.assert_array_equal(max_pool2d(restored, 2)[0], np.maximum(values, 0))


def test_unpool_output_size_accepts_leading_dims():
    values, indices = max_pool2d(SIXTEEN[None, None], 2)
    a = max_unpool2d(values, indices, 2, output_size=(1, 1, 5, 4))
    b = max_unpool2d(values, indices, 2, output_size=[5, 4])
    assert a.shape == (1, 1, 5, 4)
    np.testing.assert_array_equal(a, b)


def test_unpool_later_duplicate_switch_wins():
    values = np.array([[1.0, 2.0]])
    indices = np.array([[1, 1]])  # both values point at position 1 (overlapping windows do this)
    # default size (2 - 1) * 1 + 3 = 4 columns
    np.testing.assert_array_equal(max_unpool2d(values, indices, (1, 3), stride=(1, 1)), [[0, 2, 0, 0]])


def test_bed_of_nails_hand_built():
    x = np.array([[1, 2, 3], [4, 5, 6]])
    expected = np.zeros((4, 9))
    expected[::2, ::3] = x
    np.testing.assert_array_equal(bed_of_nails(x, (2, 3)), expected)
    batch = np.stack([x, -x])[:, None]
    result = bed_of_nails(batch, 2)
    assert result.shape == (2, 1, 4, 6)
    np.testing.assert_array_equal(result[1, 0, ::2, ::2], -x)
    assert np.count_nonzero(result) == 12


def test_bed_of_nails_is_unpooling_with_top_left_switches(rng):
    x = rng.standard_normal((2, 3, 4, 5))
    height, width = 4 * 3, 5 * 2
    rows, columns = np.meshgrid(np.arange(4) * 3, np.arange(5) * 2, indexing="ij")
    top_left = np.broadcast_to(rows * width + columns, x.shape)
    np.testing.assert_array_equal(bed_of_nails(x, (3, 2)), max_unpool2d(x, top_left, (3, 2)))
    assert bed_of_nails(x, (3, 2)).shape == (2, 3, height, width)


# --- PyTorch as the oracle ------------------------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("seed", range(40))
def test_max_pool_and_unpool_match_torch(torch, seed):
    rng = np.random.default_rng(seed)
    F = torch.nn.functional
    dtype = (np.float32, np.float64)[seed % 2]
    kernel = tuple(int(v) for v in rng.integers(1, 5, 2))
    stride = None if seed % 5 == 0 else tuple(int(v) for v in rng.integers(1, 4, 2))
    padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
    height = int(rng.integers(max(1, kernel[0] - 2 * padding[0]), 10))
    width = int(rng.integers(max(1, kernel[1] - 2 * padding[1]), 10))
    shape = (int(rng.integers(1, 3)), int(rng.integers(1, 4)), height, width)
    # small integers make many ties; some configurations also get NaN and -inf
    x = (rng.integers(-2, 3, shape) if seed % 3 == 0 else rng.standard_normal(shape)).astype(dtype)
    if seed % 7 == 0:
        x[rng.random(shape) < 0.2] = np.nan
    if seed % 8 == 0:
        x[rng.random(shape) < 0.4] = -np.inf
    expected_values, expected_indices = F.max_pool2d(torch.from_numpy(x), kernel, stride, padding, return_indices=True)
    values, indices = max_pool2d(x, kernel, stride, padding)
    assert values.dtype == x.dtype and indices.dtype == np.int64
    np.testing.assert_array_equal(values, expected_values.numpy())
    np.testing.assert_array_equal(indices, expected_indices.numpy())
    expected = F.max_unpool2d(expected_values, expected_indices, kernel, stride, padding, output_size=(height, width))
    np.testing.assert_array_equal(max_unpool2d(values, indices, kernel, stride, padding, output_size=(height, width)),
                                  expected.numpy())


@pytest.mark.torch
@pytest.mark.parametrize(
    "size, kernel_size, stride, padding",  # sizes where (i + 2p - k) is divisible by s: no index falls outside
    [((8, 6), 2, 2, 0), ((9, 7), 3, 2, 1), ((5, 7), 2, 1, 0), ((8, 6), 4, 2, 1), ((9, 4), (3, 2), (2, 1), (1, 0))],
)
def test_unpool_default_size_matches_torch(torch, rng, size, kernel_size, stride, padding):
    F = torch.nn.functional
    x = torch.from_numpy(rng.standard_normal((2, 2, *size)))
    values, indices = F.max_pool2d(x, kernel_size, stride, padding, return_indices=True)
    expected = F.max_unpool2d(values, indices, kernel_size, stride, padding).numpy()
    result = max_unpool2d(values.numpy(), indices.numpy(), kernel_size, stride, padding)
    np.testing.assert_array_equal(result, expected)


@pytest.mark.torch
def test_two_d_input_matches_torch_on_one_plane(torch, rng):
    x = rng.standard_normal((7, 6))
    expected_values, expected_indices = torch.nn.functional.max_pool2d(
        torch.from_numpy(x)[None, None], 3, 2, 1, return_indices=True)
    values, indices = max_pool2d(x, 3, 2, 1)
    assert values.shape == (4, 3)
    np.testing.assert_array_equal(values, expected_values[0, 0].numpy())
    np.testing.assert_array_equal(indices, expected_indices[0, 0].numpy())


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((np.ones(4), 2), {}, ValueError, r"x must be 2-D .* got 1-D"),
        ((np.ones((1, 4, 4)), 2), {}, ValueError, r"x must be 2-D .* got 3-D"),
        ((np.ones((4, 4), bool), 2), {}, TypeError, r"x must be a real numeric array, got dtype bool"),
        ((np.ones((4, 4)), 0), {}, ValueError, r"kernel_size must be a positive int or \(h, w\) pair, got 0"),
        ((np.ones((4, 4)), 2.0), {}, TypeError, r"kernel_size must be .* got 2.0"),
        ((np.ones((4, 4)), 2), dict(stride=0), ValueError, r"stride must be a positive .* got 0"),
        ((np.ones((4, 4)), 2), dict(stride=(1, 2, 3)), TypeError, r"stride must be .* got \(1, 2, 3\)"),
        ((np.ones((4, 4)), 2), dict(padding=-1), ValueError, r"padding must be a non-negative .* got -1"),
        ((np.ones((4, 4)), 3), dict(padding=2), ValueError, r"padding must be at most half of kernel_size \(3, 3\), got padding=2"),
        ((np.ones((4, 4)), (2, 4)), dict(padding=(1, 3)), ValueError, r"at most half .* got padding=\(1, 3\)"),
        ((np.ones((2, 5)), 3), {}, ValueError, r"kernel_size 3 is larger than the padded input size 2 \+ 2\*0 = 2"),
        ((np.ones((0, 5)), 1), {}, ValueError, r"x must have non-empty height and width, got shape \(0, 5\)"),
    ],
)
def test_max_pool_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        max_pool2d(*args, **kwargs)


VALUES, INDICES = np.array([[6.0, 8.0], [14.0, 16.0]]), np.array([[5, 7], [13, 15]])


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((VALUES, INDICES.astype(float), 2), {}, TypeError, r"indices must be an integer array .* got dtype float64"),
        ((VALUES, INDICES.astype(bool), 2), {}, TypeError, r"indices must be a real numeric array, got dtype bool"),
        ((VALUES, INDICES[:1], 2), {}, ValueError, r"indices must have the shape of x \(2, 2\), got shape \(1, 2\)"),
        ((VALUES, INDICES + 1, 2), {}, ValueError, r"indices must lie in 0..15 for an output of size \(4, 4\), got 16"),
        ((VALUES, INDICES - 6, 2), {}, ValueError, r"indices must lie in 0..15 .* got -1"),
        ((VALUES, INDICES, 2), dict(output_size=(6, 4)), ValueError,
         r"output_size \(6, 4\) is invalid: dim 0 must be strictly between 2 and 6"),
        ((VALUES, INDICES, 2), dict(output_size=(4,)), ValueError, r"output_size must be \(H, W\) or \(N, C, H, W\), got \(4,\)"),
        ((VALUES, INDICES, 2), dict(output_size=(2, 1, 4, 4)), ValueError,
         r"output_size \(2, 1, 4, 4\) does not match x's \(N, C\) = \(1, 1\)"),
        ((VALUES, INDICES, 2), dict(output_size=(4.0, 4)), TypeError, r"output_size must be .* got \(4.0, 4\)"),
        ((VALUES, INDICES, 0), {}, ValueError, r"kernel_size must be a positive .* got 0"),
        ((VALUES, INDICES, 2), dict(padding=-2), ValueError, r"padding must be a non-negative .* got -2"),
        ((np.ones((1, 1)), np.zeros((1, 1), int), 2), dict(padding=1), ValueError,
         r"padding=1 give an empty unpooled size \(0, 0\)"),
        ((VALUES.ravel(), INDICES.ravel(), 2), {}, ValueError, r"x must be 2-D .* got 1-D"),
    ],
)
def test_max_unpool_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        max_unpool2d(*args, **kwargs)


@pytest.mark.parametrize(
    "x, stride, error, match",
    [
        (np.ones((2, 2)), 0, ValueError, r"stride must be a positive int or \(h, w\) pair, got 0"),
        (np.ones((2, 2)), (2, -1), ValueError, r"stride must be .* got \(2, -1\)"),
        (np.ones((2, 2)), "2", TypeError, r"stride must be .* got '2'"),
        (np.ones((2, 2, 2)), 2, ValueError, r"x must be 2-D .* got 3-D"),
    ],
)
def test_bed_of_nails_rejects_bad_input(x, stride, error, match):
    with pytest.raises(error, match=match):
        bed_of_nails(x, stride)
