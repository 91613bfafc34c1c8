import numpy as np
import pytest

from course_lib import conv2d, conv2d_loop, conv_output_size
from tests._random_configs import conv_configs

SLIDES_INPUT = np.array([
    [0, 1, 0, 1, 1],
    [0, 0, 1, 1, 0],
    [1, 1, 0, 1, 0],
    [0, 1, 0, 0, 1],
    [0, 0, 1, 1, 0],
])
LAPLACIAN = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
SLIDES_FEATURE_MAP = np.array([[3, -3, -1], [-2, 3, -3], [-3, 2, 3]])


@pytest.mark.parametrize("conv", [conv2d, conv2d_loop])
def test_slides_edge_detector(conv):
    result = conv(SLIDES_INPUT, LAPLACIAN)
    np.testing.assert_array_equal(result, SLIDES_FEATURE_MAP)
    assert result.dtype == np.float64 and result.shape == (3, 3)


@pytest.mark.parametrize("conv", [conv2d, conv2d_loop])
def test_d2l_correlation(conv):
    np.testing.assert_array_equal(conv(np.arange(9).reshape(3, 3), [[1, 2], [3, 4]]), [[27, 37], [57, 67]])


def test_hand_built_stride_padding_dilation():
    x = np.arange(16).reshape(4, 4)
    # 1x1 kernel with stride 2 picks every other pixel.
    np.testing.assert_array_equal(conv2d(x, [[1]], stride=2), [[0, 2], [8, 10]])
    # padding 1 with a 1x1 kernel of 1 shows the zero border.
    padded = conv2d(x, [[1]], padding=1)
    assert padded.shape == (6, 6) and padded[0].sum() == 0 and padded[1:5, 1:5].sum() == x.sum()
    # dilation 3 on a 2x2 kernel of ones sums the four corners.
    np.testing.assert_array_equal(conv2d(x, np.ones((2, 2)), dilation=3), [[0 + 3 + 12 + 15]])


def test_bias_channels_and_batch():
    x = np.ones((2, 3, 4, 4))
    weight = np.ones((5, 3, 2, 2))
    bias = np.arange(5)
    result = conv2d(x, weight, bias=bias)
    assert result.shape == (2, 5, 3, 3)
    np.testing.assert_array_equal(result[1, :, 0, 0], 12 + bias)


def test_float32_stays_float32_and_ints_become_float64():
    x32 = np.ones((1, 1, 3, 3), np.float32)
    assert conv2d(x32, np.ones((1, 1, 2, 2), np.float32)).dtype == np.float32
    assert conv2d(x32, np.ones((1, 1, 2, 2), np.float64)).dtype == np.float64
    assert conv2d(np.ones((3, 3), int), np.ones((2, 2), int)).dtype == np.float64


@pytest.mark.parametrize("config", conv_configs(40, seed=1))
def test_loop_equals_fast(config, rng):
    x_shape, w_shape, stride, padding, dilation = config
    x, w, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    fast = conv2d(x, w, b, stride, padding, dilation)
    loop = conv2d_loop(x, w, b, stride, padding, dilation)
    np.testing.assert_allclose(fast, loop, rtol=1e-12, atol=1e-12)
    assert fast.shape[2:] == conv_output_size(x_shape[2:], w_shape[2:], stride, padding, dilation)


@pytest.mark.torch
@pytest.mark.parametrize("config", conv_configs(60, seed=2))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(config, dtype, torch, rng):
    x_shape, w_shape, stride, padding, dilation = config
    x = rng.normal(size=x_shape).astype(dtype)
    w = rng.normal(size=w_shape).astype(dtype)
    b = rng.normal(size=w_shape[0]).astype(dtype)
    ours = conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
    theirs = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b),
                                        stride=stride, padding=padding, dilation=dilation).numpy()
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    tolerance = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(ours, theirs, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize(
    "args, expected",
    [((5, 3), 3), ((5, 3, 2), 2), ((5, 3, 1, 1), 5), ((7, 3, 1, 0, 2), 3), ((64, 4, 2, 1), 32),
     (((6, 5), (3, 2), (1, 2)), (4, 2))],
)
def test_output_size(args, expected):
    assert conv_output_size(*args) == expected


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(x=np.ones((3, 3, 3))), ValueError, r"x must be 2-D .* got 3-D"),
        (dict(x=np.ones(5)), ValueError, r"x must be 2-D .* got 1-D"),
        (dict(x=[["a", "b"], ["c", "d"]]), TypeError, r"x must be a real numeric array, got dtype <U1"),
        (dict(x=np.ones((3, 3), bool)), TypeError, r"x must be a real numeric array, got dtype bool"),
        (dict(x=np.ones((3, 3), complex)), TypeError, r"x must be a real numeric array, got dtype complex128"),
        (dict(weight=np.ones((1, 1, 2, 2))), ValueError, r"weight must be 2-D \(kH, kW\) for a 2-D x, got shape \(1, 1, 2, 2\)"),
        (dict(stride=0), ValueError, r"stride must be a positive int or \(h, w\) pair, got 0"),
        (dict(stride=1.5), TypeError, r"stride must be a positive int or \(h, w\) pair, got 1.5"),
        (dict(stride=(1, 2, 3)), TypeError, r"stride must be .* got \(1, 2, 3\)"),
        (dict(padding=-1), ValueError, r"padding must be a non-negative int or \(h, w\) pair, got -1"),
        (dict(dilation=0), ValueError, r"dilation must be a positive int or \(h, w\) pair, got 0"),
        (dict(weight=np.ones((6, 6))), ValueError, r"kernel_size 6 \(dilated span 6\) is larger than the padded input size 4"),
        (dict(weight=np.ones((3, 3)), dilation=2), ValueError, r"dilated span 5\) is larger than the padded input size 4"),
        (dict(bias=[1, 2]), ValueError, r"bias must have shape \(1,\) .* got \(2,\)"),
        (dict(weight=np.ones((0, 2))), ValueError, r"must not be empty"),
    ],
)
def test_bad_input_2d(kwargs, error, match):
    arguments = dict(x=np.ones((4, 4)), weight=np.ones((2, 2)))
    arguments.update(kwargs)
    for conv in (conv2d, conv2d_loop):
        with pytest.raises(error, match=match):
            conv(**arguments)


def test_bad_input_channels():
    with pytest.raises(ValueError, match=r"weight has C_in=2 .* but x has 3 channels"):
        conv2d(np.ones((1, 3, 4, 4)), np.ones((4, 2, 2, 2)))
    with pytest.raises(ValueError, match=r"weight must be 4-D \(C_out, C_in, kH, kW\) for a 4-D x, got shape \(2, 2\)"):
        conv2d(np.ones((1, 1, 4, 4)), np.ones((2, 2)))


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((0, 3), ValueError, r"size must be a positive int or \(h, w\) pair, got 0"),
        ((5, 0), ValueError, r"kernel_size must be a positive int .* got 0"),
        ((5, 6), ValueError, r"kernel_size 6 .* larger than the padded input size 5"),
        ((5, 3, -2), ValueError, r"stride must be a positive int .* got -2"),
        ((5, "3"), TypeError, r"kernel_size must be a positive int or \(h, w\) pair, got '3'"),
        ((True, 3), TypeError, r"size must be a positive int or \(h, w\) pair, got True"),
    ],
)
def test_output_size_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        conv_output_size(*args)
