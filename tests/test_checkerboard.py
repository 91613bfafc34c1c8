"""Tests for course_lib.checkerboard: kernel overlap counts and pixel shuffle."""
import numpy as np
import pytest

from course_lib.checkerboard import overlap_counts, overlap_counts_2d, pixel_shuffle, stacked_overlap_counts


# --- the Distill article's overlaps ---------------------------------------------------------

@pytest.mark.parametrize(
    "kernel_size, expected_interior",
    [(3, [1, 2, 1, 2, 1, 2]), (4, [2, 2, 2, 2, 2, 2]), (5, [2, 3, 2, 3, 2, 3])],
)
def test_distill_one_d_overlaps(kernel_size, expected_interior):
    counts = overlap_counts(kernel_size, 2, 8)
    assert len(counts) == 7 * 2 + kernel_size
    np.testing.assert_array_equal(counts[kernel_size : kernel_size + 6], expected_interior)


def test_distill_two_d_unevenness_is_squared():
    counts = overlap_counts_2d(3, 2, (6, 6))
    assert set(np.unique(counts[2:-2, 2:-2])) == {1, 2, 4}
    np.testing.assert_array_equal(counts[4:7, 4:7], [[4, 2, 4], [2, 1, 2], [4, 2, 4]])
    assert set(np.unique(overlap_counts_2d(4, 2, (6, 6))[2:-2, 2:-2])) == {4}


def test_hand_built_counts():
    np.testing.assert_array_equal(overlap_counts(3, 2, 3), [1, 1, 2, 1, 2, 1, 1])
    np.testing.assert_array_equal(overlap_counts(2, 3, 3), [1, 1, 0, 1, 1, 0, 1, 1])  # gaps when s > k
    np.testing.assert_array_equal(overlap_counts(3, 1, 1), [1, 1, 1])
    reference = np.zeros((5, 4), dtype=int)
    reference[:, :] = np.outer([1, 1, 2, 1, 1], [1, 1, 1, 1])
    np.testing.assert_array_equal(overlap_counts_2d((3, 2), (2, 2), (2, 2)), reference)


@pytest.mark.parametrize("kernel_size", range(1, 9))
@pytest.mark.parametrize("stride", range(1, 5))
def test_interior_even_exactly_when_stride_divides_kernel(kernel_size, stride):
    counts = overlap_counts(kernel_size, stride, 12)
    assert counts.dtype == np.int64
    assert len(counts) == 11 * stride + kernel_size
    assert counts.sum() == 12 * kernel_size  # every kernel copy is counted once per position it touches
    interior = counts[kernel_size : -kernel_size]
    assert (len(set(interior)) == 1) == (kernel_size % stride == 0)
    if kernel_size % stride == 0:
        assert interior[0] == kernel_size // stride


# --- stacked layers -------------------------------------------------------------------------

def test_stacked_one_layer_is_overlap_counts():
    np.testing.assert_array_equal(stacked_overlap_counts(5, 2, 7, 1), overlap_counts(5, 2, 7))


def test_stacked_hand_built_two_layers():
    # layer 1: [1, 1, 2, 1, 1]; layer 2 pastes each value on 3 positions, 2 apart
    np.testing.assert_array_equal(stacked_overlap_counts(3, 2, 2, 2), [1, 1, 2, 1, 3, 2, 3, 1, 2, 1, 1])


@pytest.mark.parametrize("kernel_size, stride, n_layers", [(3, 2, 2), (3, 2, 3), (4, 2, 3), (5, 3, 2), (2, 2, 4)])
def test_stacked_lengths_and_totals(kernel_size, stride, n_layers):
    counts = stacked_overlap_counts(kernel_size, stride, 5, n_layers)
    length = 5
    for _ in range(n_layers):
        length = (length - 1) * stride + kernel_size
    assert len(counts) == length
    assert counts.sum() == 5 * kernel_size**n_layers


def test_stacked_uneven_layers_stay_uneven_and_even_ones_stay_even():
    uneven = stacked_overlap_counts(3, 2, 16, 3)
    assert len(set(uneven[20:-20])) > 2
    even = stacked_overlap_counts(4, 2, 16, 3)
    assert len(set(even[30:-30])) == 1  # k divisible by s: flat away from the borders (8 = 2**3)
    assert even[len(even) // 2] == 8


# --- PyTorch as the oracle ------------------------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("kernel_size, stride, n_inputs", [(3, 2, 5), (4, 2, 6), (5, 2, 4), (2, 3, 4), (7, 3, 9), (1, 1, 3)])
def test_overlap_counts_equal_transposed_convolution_of_ones(torch, kernel_size, stride, n_inputs):
    F = torch.nn.functional
    ones = torch.ones(1, 1, n_inputs, dtype=torch.float64)
    kernel = torch.ones(1, 1, kernel_size, dtype=torch.float64)
    np.testing.assert_array_equal(overlap_counts(kernel_size, stride, n_inputs),
                                  F.conv_transpose1d(ones, kernel, stride=stride)[0, 0].numpy())
    stacked = ones
    for _ in range(3):
        stacked = F.conv_transpose1d(stacked, kernel, stride=stride)
    np.testing.assert_array_equal(stacked_overlap_counts(kernel_size, stride, n_inputs, 3), stacked[0, 0].numpy())


@pytest.mark.torch
@pytest.mark.parametrize("kernel_size, stride, input_shape", [(3, 2, (4, 5)), ((4, 3), (2, 2), (3, 3)), ((5, 2), (3, 1), (2, 6))])
def test_overlap_counts_2d_equal_transposed_convolution_of_ones(torch, kernel_size, stride, input_shape):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    expected = torch.nn.functional.conv_transpose2d(
        torch.ones(1, 1, *input_shape, dtype=torch.float64), torch.ones(1, 1, kh, kw, dtype=torch.float64), stride=stride)
    np.testing.assert_array_equal(overlap_counts_2d(kernel_size, stride, input_shape), expected[0, 0].numpy())


def test_overlap_counts_2d_equal_course_conv_transpose2d():
    from course_lib import transposed

    expected = transposed.conv_transpose2d(np.ones((4, 3)), np.ones((3, 5)), stride=(2, 3))
    np.testing.assert_array_equal(overlap_counts_2d((3, 5), (2, 3), (4, 3)), expected)


@pytest.mark.torch
@pytest.mark.parametrize("seed", range(12))
def test_pixel_shuffle_matches_torch(torch, seed):
    rng = np.random.default_rng(seed)
    r = int(rng.integers(1, 4))
    shape = (int(rng.integers(1, 3)), int(rng.integers(1, 4)) * r * r, int(rng.integers(1, 5)), int(rng.integers(1, 5)))
    dtype = (np.float32, np.float64)[seed % 2]
    x = rng.standard_normal(shape).astype(dtype)
    expected = torch.nn.functional.pixel_shuffle(torch.from_numpy(x), r).numpy()
    result = pixel_shuffle(x, r)
    assert result.dtype == dtype
    np.testing.assert_array_equal(result, expected)


# --- pixel shuffle by hand ------------------------------------------------------------------

def test_pixel_shuffle_hand_built():
    x = np.arange(8).reshape(1, 8, 1, 1)  # C = 2 output channels, r = 2
    result = pixel_shuffle(x, 2)
    assert result.shape == (1, 2, 2, 2) and result.dtype == np.float64
    np.testing.assert_array_equal(result[0], [[[0, 1], [2, 3]], [[4, 5], [6, 7]]])


def test_pixel_shuffle_formula(rng):
    r, c = 3, 2
    x = rng.standard_normal((2, c * r * r, 2, 3))
    out = pixel_shuffle(x, r)
    assert out.shape == (2, c, 6, 9)
    for channel, i, j, h, w in [(0, 0, 0, 0, 0), (1, 2, 1, 1, 2), (1, 0, 2, 1, 0), (0, 1, 1, 0, 1)]:
        assert out[1, channel, h * r + i, w * r + j] == x[1, channel * r * r + i * r + j, h, w]
    np.testing.assert_array_equal(pixel_shuffle(x, 1), x)


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "function, args, error, match",
    [
        (overlap_counts, (0, 2, 4), ValueError, r"kernel_size must be a positive int, got 0"),
        (overlap_counts, (3, 0, 4), ValueError, r"stride must be a positive int, got 0"),
        (overlap_counts, (3, 2, -1), ValueError, r"n_inputs must be a positive int, got -1"),
        (overlap_counts, (3.0, 2, 4), TypeError, r"kernel_size must be a positive int, got 3.0"),
        (overlap_counts, (3, True, 4), TypeError, r"stride must be a positive int, got True"),
        (overlap_counts_2d, (3, 2, (4, 0)), ValueError, r"input_shape must be a positive int or \(h, w\) pair, got \(4, 0\)"),
        (overlap_counts_2d, ((3, 3, 3), 2, (4, 4)), TypeError, r"kernel_size must be .* got \(3, 3, 3\)"),
        (overlap_counts_2d, (3, -2, 4), ValueError, r"stride must be .* got -2"),
        (stacked_overlap_counts, (3, 2, 4, 0), ValueError, r"n_layers must be a positive int, got 0"),
        (stacked_overlap_counts, (3, 2, 4, 2.5), TypeError, r"n_layers must be a positive int, got 2.5"),
        (stacked_overlap_counts, (3, 2, 4, 40), ValueError, r"n_layers=40 is too many"),
        (pixel_shuffle, (np.ones((4, 4)), 2), ValueError, r"x must be 4-D .* got 2-D with shape \(4, 4\)"),
        (pixel_shuffle, (np.ones((4, 2, 2)), 2), ValueError, r"x must be 4-D .* got 3-D"),
        (pixel_shuffle, (np.ones((1, 6, 2, 2)), 2), ValueError,
         r"x has 6 channels, not divisible by upscale_factor\*\*2 = 4 \(upscale_factor=2\)"),
        (pixel_shuffle, (np.ones((1, 4, 2, 2)), 0), ValueError, r"upscale_factor must be a positive int, got 0"),
        (pixel_shuffle, (np.ones((1, 4, 2, 2)), 2.0), TypeError, r"upscale_factor must be a positive int, got 2.0"),
        (pixel_shuffle, (np.full((1, 4, 1, 1), "a"), 2), TypeError, r"x must be a real numeric array"),
    ],
)
def test_rejects_bad_input(function, args, error, match):
    with pytest.raises(error, match=match):
        function(*args)
