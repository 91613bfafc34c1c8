"""A NaN or inf reaches only the outputs it can reach: fast = loop = PyTorch.

One NaN (or +-inf) at every position of small inputs, across strides,
paddings, dilations and kernel sizes. The fast versions multiply zero weights
(kernel cells of other phases) with pixels; they must not spread 0 * NaN.
"""
import numpy as np
import pytest

from course_lib import conv2d, conv2d_loop, conv_transpose2d, conv_transpose2d_loop

GEOMETRIES = [  # (H, W, kernel, stride, padding, dilation)
    (5, 6, 1, 2, 0, 1),
    (5, 5, 3, 2, 1, 1),
    (6, 5, 2, 3, 0, 2),
    (4, 4, 3, 1, 2, 2),
    (7, 7, 3, 4, 1, 1),
    (5, 6, (1, 3), (2, 1), (0, 1), (1, 2)),
    (4, 5, 2, 5, 0, 1),  # stride longer than the kernel
]


def _pattern(result):
    return np.isnan(result), np.isposinf(result), np.isneginf(result)


def _same_pattern(result, expected, context):
    for got, want, kind in zip(_pattern(result), _pattern(expected), ("NaN", "+inf", "-inf")):
        np.testing.assert_array_equal(got, want, err_msg=f"{kind} pattern differs: {context}")
    finite = np.isfinite(expected)
    tol = 1e-5 if result.dtype == np.float32 else 1e-10
    np.testing.assert_allclose(result[finite], expected[finite], rtol=tol, atol=tol, err_msg=str(context)[:300])


def _cases(shape_in, weight_shape, rng):
    for value in (np.nan, np.inf, -np.inf):
        for position in range(shape_in[2] * shape_in[3]):
            x = rng.standard_normal(shape_in)
            x[0, position % shape_in[1]].flat[position] = value
            yield x, rng.standard_normal(weight_shape), (value, position)


def _kernel(k):
    return (k, k) if isinstance(k, int) else k


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_conv2d_fast_gives_the_loop_pattern(geometry, rng):
    h, w, k, s, p, d = geometry
    for x, weight, where in _cases((1, 2, h, w), (3, 2) + _kernel(k), rng):
        fast = conv2d(x, weight, stride=s, padding=p, dilation=d)
        _same_pattern(fast, conv2d_loop(x, weight, stride=s, padding=p, dilation=d), (geometry, where))


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_conv_transpose2d_fast_gives_the_loop_pattern(geometry, rng):
    h, w, k, s, p, d = geometry
    for x, weight, where in _cases((1, 2, h, w), (2, 3) + _kernel(k), rng):
        kwargs = dict(stride=s, padding=p, dilation=d)
        _same_pattern(conv_transpose2d(x, weight, **kwargs), conv_transpose2d_loop(x, weight, **kwargs), (geometry, where))


@pytest.mark.torch
@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_non_finite_patterns_match_torch(torch, geometry, rng):
    F = torch.nn.functional
    h, w, k, s, p, d = geometry
    for x, weight, where in _cases((1, 2, h, w), (3, 2) + _kernel(k), rng):
        expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(weight), stride=s, padding=p, dilation=d).numpy()
        _same_pattern(conv2d(x, weight, stride=s, padding=p, dilation=d), expected, ("conv2d", geometry, where))
    for x, weight, where in _cases((1, 2, h, w), (2, 3) + _kernel(k), rng):
        expected = F.conv_transpose2d(torch.from_numpy(x), torch.from_numpy(weight), stride=s, padding=p,
                                      dilation=d).numpy()
        _same_pattern(conv_transpose2d(x, weight, stride=s, padding=p, dilation=d), expected,
                      ("conv_transpose2d", geometry, where))


def _kernel_cases(shape_in, weight_shape, rng):
    """A NaN or +-inf at every tap of the kernel (of one channel pair), finite input."""
    for value in (np.nan, np.inf, -np.inf):
        for tap in range(weight_shape[2] * weight_shape[3]):
            weight = rng.standard_normal(weight_shape)
            weight[tap % weight_shape[0], tap % weight_shape[1]].flat[tap] = value
            yield rng.standard_normal(shape_in), weight, (value, "kernel tap", tap)


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_conv_transpose2d_non_finite_kernel_gives_the_loop_pattern(geometry, rng):
    """The fast version once multiplied a NaN tap with its phase's zero padding: more NaN than the loop."""
    h, w, k, s, p, d = geometry
    for x, weight, where in _kernel_cases((1, 2, h, w), (2, 3) + _kernel(k), rng):
        kwargs = dict(stride=s, padding=p, dilation=d)
        _same_pattern(conv_transpose2d(x, weight, **kwargs), conv_transpose2d_loop(x, weight, **kwargs), (geometry, where))


@pytest.mark.torch
@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_non_finite_kernel_patterns_match_torch(torch, geometry, rng):
    F = torch.nn.functional
    h, w, k, s, p, d = geometry
    for x, weight, where in _kernel_cases((1, 2, h, w), (2, 3) + _kernel(k), rng):
        expected = F.conv_transpose2d(torch.from_numpy(x), torch.from_numpy(weight), stride=s, padding=p,
                                      dilation=d).numpy()
        _same_pattern(conv_transpose2d(x, weight, stride=s, padding=p, dilation=d), expected,
                      ("conv_transpose2d", geometry, where))
    for x, weight, where in _kernel_cases((1, 2, h, w), (3, 2) + _kernel(k), rng):
        expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(weight), stride=s, padding=p, dilation=d).numpy()
        _same_pattern(conv2d(x, weight, stride=s, padding=p, dilation=d), expected, ("conv2d", geometry, where))


def test_issue_examples():
    # one NaN, 1x1 kernel, stride-2 transposed convolution: exactly one NaN (the fast version gave 4)
    x = np.zeros((3, 3))
    x[1, 1] = np.nan
    assert np.isnan(conv_transpose2d(x, np.ones((1, 1)), stride=2)).sum() == 1
    # stride-2 conv2d: the output whose window misses the NaN stays a number
    x = np.zeros((4, 4))
    x[1, 1] = np.nan
    result = conv2d(x, np.ones((1, 1)), stride=2)
    assert np.isnan(result).sum() == 0
    x[2, 2] = np.nan
    np.testing.assert_array_equal(np.isnan(conv2d(x, np.ones((1, 1)), stride=2)), [[False, False], [False, True]])
    # a NaN kernel tap, stride 2, no padding: it reaches one output per input value (the fast version gave more)
    kernel = np.ones((3, 3))
    kernel[0, 0] = np.nan
    result = conv_transpose2d(np.ones((4, 4)), kernel, stride=2)
    assert np.isnan(result).sum() == 16
    np.testing.assert_array_equal(np.isnan(result), np.isnan(conv_transpose2d_loop(np.ones((4, 4)), kernel, stride=2)))


def test_nan_weight_and_whole_nan_image_match_the_loop(rng):
    x = rng.standard_normal((1, 2, 5, 5))
    weight = rng.standard_normal((2, 2, 3, 3))
    weight[1, 0, 2, 1] = np.nan
    _same_pattern(conv2d(x, weight, stride=2, padding=1), conv2d_loop(x, weight, stride=2, padding=1), "nan weight")
    _same_pattern(conv_transpose2d(x, weight, stride=2, padding=1),
                  conv_transpose2d_loop(x, weight, stride=2, padding=1), "nan weight")
    x[:] = np.nan
    assert np.isnan(conv2d(x, np.ones((1, 2, 2, 2)), stride=3)).all()
    assert np.isnan(conv_transpose2d(x, np.ones((2, 1, 2, 2)), stride=2)).sum() == 2 * 2 * 5 * 5


def test_bilinear_copy_does_not_read_a_neighbour():
    # out == in along an axis: torch copies that axis (one pixel, weight 1); reading the
    # next pixel with weight 0 would turn 0 * NaN into a NaN in the row above.
    from course_lib import interpolate

    x = np.zeros((4, 3))
    x[2, 1] = np.nan
    result = interpolate(x, size=(4, 5), mode="bilinear")
    assert np.isnan(result[2]).any() and not np.isnan(result[[0, 1, 3]]).any()


@pytest.mark.torch
def test_interpolate_and_pooling_non_finite_patterns_match_torch(torch):
    from course_lib import interpolate, max_pool2d, max_unpool2d

    F = torch.nn.functional
    rng = np.random.default_rng(7)
    for trial in range(60):
        h, w = (int(v) for v in rng.integers(1, 9, 2))
        x = rng.standard_normal((1, 2, h, w)).astype((np.float32, np.float64)[trial % 2])
        x.flat[rng.integers(x.size)] = (np.nan, np.inf, -np.inf)[trial % 3]
        if trial % 5 == 0:
            x.flat[rng.integers(x.size)] = np.nan
        for mode, align in [("nearest", None), ("nearest-exact", None), ("bilinear", False), ("bilinear", True)]:
            size = tuple(int(v) for v in rng.integers(1, 12, 2))
            expected = F.interpolate(torch.from_numpy(x), size=size, mode=mode, align_corners=align).numpy()
            _same_pattern(interpolate(x, size=size, mode=mode, align_corners=align), expected, (mode, align, x, size))
        k = int(rng.integers(1, min(h, w) + 1))
        s, p = int(rng.integers(1, 3)), int(rng.integers(0, k // 2 + 1))
        values, indices = F.max_pool2d(torch.from_numpy(x), k, s, p, return_indices=True)
        ours, our_indices = max_pool2d(x, k, s, p)
        _same_pattern(ours, values.numpy(), ("max_pool2d", x, k, s, p))
        np.testing.assert_array_equal(our_indices, indices.numpy())
        expected = F.max_unpool2d(values, indices, k, s, p, output_size=(h, w)).numpy()
        _same_pattern(max_unpool2d(ours, our_indices, k, s, p, output_size=(h, w)), expected, ("unpool", x))
