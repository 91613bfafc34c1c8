import numpy as np
import pytest

from course_lib import conv_transpose2d, conv_transpose2d_loop, conv_transpose_output_size
from tests._random_configs import transposed_configs

X = K = np.array([[0, 1], [2, 3]])
BOTH = [conv_transpose2d, conv_transpose2d_loop]


@pytest.mark.parametrize("conv_t", BOTH)
def test_slides_example_is_the_sum_of_four_scaled_kernel_copies(conv_t):
    copies = np.zeros((4, 3, 3))
    for index, (i, j) in enumerate(np.ndindex(2, 2)):
        copies[index, i : i + 2, j : j + 2] = X[i, j] * K
    np.testing.assert_array_equal(copies[3], [[0, 0, 0], [0, 0, 3], [0, 6, 9]])
    expected = [[0, 0, 1], [0, 4, 6], [4, 12, 9]]
    np.testing.assert_array_equal(copies.sum(axis=0), expected)
    np.testing.assert_array_equal(conv_t(X, K), expected)


@pytest.mark.parametrize("conv_t", BOTH)
def test_d2l_stride_and_padding(conv_t):
    np.testing.assert_array_equal(conv_t(X, K, stride=2), [[0, 0, 0, 1], [0, 0, 2, 3], [0, 2, 0, 3], [4, 6, 6, 9]])
    np.testing.assert_array_equal(conv_t(X, K, padding=1), [[4]])


@pytest.mark.parametrize("conv_t", BOTH)
def test_output_padding_adds_no_values_only_size(conv_t):
    plain = conv_t(X, K, stride=2)
    extended = conv_t(X, K, stride=2, output_padding=1)
    assert extended.shape == (5, 5)
    np.testing.assert_array_equal(extended[:4, :4], plain)
    assert not extended[4].any() and not extended[:, 4].any()


def test_output_padding_with_padding_and_bias():
    # Rows beyond the kernel copies carry only the bias.
    result = conv_transpose2d(X, K, bias=10, stride=3, padding=1, output_padding=2)
    assert result.shape == (3 * 1 - 2 + 1 + 2 + 1,) * 2
    np.testing.assert_array_equal(result[-1], 10)


def test_channels_batch_bias():
    x = np.ones((2, 3, 2, 2))
    weight = np.ones((3, 4, 2, 2))
    result = conv_transpose2d(x, weight, bias=np.arange(4))
    assert result.shape == (2, 4, 3, 3)
    np.testing.assert_array_equal(result[0, :, 1, 1], 3 * 4 + np.arange(4))
    np.testing.assert_array_equal(result[1, 2], 3 * np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) + 2)


@pytest.mark.parametrize("config", transposed_configs(40, seed=3))
def test_loop_equals_fast(config, rng):
    x_shape, w_shape, stride, padding, output_padding, dilation = config
    x, w, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[1])
    fast = conv_transpose2d(x, w, b, stride, padding, output_padding, dilation)
    loop = conv_transpose2d_loop(x, w, b, stride, padding, output_padding, dilation)
    np.testing.assert_allclose(fast, loop, rtol=1e-12, atol=1e-12)
    assert fast.shape[2:] == conv_transpose_output_size(x_shape[2:], w_shape[2:], stride, padding, output_padding, dilation)


@pytest.mark.torch
@pytest.mark.parametrize("config", transposed_configs(60, seed=4))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(config, dtype, torch, rng):
    x_shape, w_shape, stride, padding, output_padding, dilation = config
    x = rng.normal(size=x_shape).astype(dtype)
    w = rng.normal(size=w_shape).astype(dtype)
    b = rng.normal(size=w_shape[1]).astype(dtype)
    ours = conv_transpose2d(x, w, b, stride, padding, output_padding, dilation)
    theirs = torch.nn.functional.conv_transpose2d(
        torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), stride=stride, padding=padding,
        output_padding=output_padding, dilation=dilation).numpy()
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    tolerance = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(ours, theirs, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize(
    "args, expected",
    [((2, 2), 3), ((2, 2, 2), 4), ((2, 2, 1, 1), 1), ((32, 4, 2, 1), 64), ((3, 3, 2, 0, 1), 8),
     ((3, 3, 1, 0, 0, 2), 7), (((2, 3), (2, 3), (2, 1)), (4, 5))],
)
def test_output_size(args, expected):
    assert conv_transpose_output_size(*args) == expected


def test_output_padding_picks_one_of_the_stride_sizes():
    # A stride-2 conv maps both 7 and 8 to 3; output_padding chooses which to return to.
    from course_lib import conv_output_size

    assert conv_output_size(7, 3, 2) == conv_output_size(8, 3, 2) == 3
    assert conv_transpose_output_size(3, 3, 2) == 7
    assert conv_transpose_output_size(3, 3, 2, output_padding=1) == 8


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(x=np.ones((1, 2, 2))), ValueError, r"x must be 2-D .* got 3-D"),
        (dict(x=np.array([[None, 1]])), TypeError, r"x must be a real numeric array, got dtype object"),
        (dict(weight="kernel"), TypeError, r"weight must be a real numeric array, got dtype <U6"),
        (dict(weight=np.ones((1, 1, 2, 2))), ValueError, r"weight must be 2-D \(kH, kW\) for a 2-D x"),
        (dict(stride=0), ValueError, r"stride must be a positive int or \(h, w\) pair, got 0"),
        (dict(stride=(2, 0)), ValueError, r"stride must be a positive int or \(h, w\) pair, got \(2, 0\)"),
        (dict(padding=-1), ValueError, r"padding must be a non-negative int or \(h, w\) pair, got -1"),
        (dict(output_padding=-1), ValueError, r"output_padding must be a non-negative int .* got -1"),
        (dict(output_padding=1), ValueError, r"output_padding must be smaller than stride or dilation, got output_padding=1 with stride=1, dilation=1"),
        (dict(stride=2, output_padding=2), ValueError, r"output_padding must be smaller than stride or dilation, got output_padding=2"),
        (dict(dilation=0), ValueError, r"dilation must be a positive int .* got 0"),
        (dict(padding=2), ValueError, r"padding 2 leaves no output: .* = -1"),
        (dict(bias=np.ones((2, 2))), ValueError, r"bias must have shape \(1,\) .* got \(2, 2\)"),
    ],
)
def test_bad_input_2d(kwargs, error, match):
    arguments = dict(x=X, weight=K)
    arguments.update(kwargs)
    for conv_t in BOTH:
        with pytest.raises(error, match=match):
            conv_t(**arguments)


def test_bad_input_channels():
    with pytest.raises(ValueError, match=r"weight has C_in=2 .*\(C_in, C_out, kH, kW\).* but x has 3 channels"):
        conv_transpose2d(np.ones((1, 3, 2, 2)), np.ones((2, 3, 2, 2)))
    with pytest.raises(ValueError, match=r"weight must be 4-D \(C_in, C_out, kH, kW\) for a 4-D x"):
        conv_transpose2d(np.ones((1, 1, 2, 2)), np.ones((2, 2)))


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((0, 2), ValueError, r"size must be a positive int .* got 0"),
        ((2, 2.0), TypeError, r"kernel_size must be a positive int or \(h, w\) pair, got 2.0"),
        ((2, 2, 1, 0, 1), ValueError, r"output_padding must be smaller than stride or dilation"),
        ((1, 1, 1, 1), ValueError, r"padding 1 leaves no output"),
    ],
)
def test_output_size_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        conv_transpose_output_size(*args)
