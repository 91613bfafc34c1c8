import numpy as np
import pytest

from course_lib import conv2d, conv_matrix, conv_output_size, conv_transpose2d, conv_transpose2d_as_conv, zero_insert
from tests._random_configs import transposed_configs
from tests.test_convolution import LAPLACIAN, SLIDES_FEATURE_MAP, SLIDES_INPUT

D2L_X = np.arange(9).reshape(3, 3)
D2L_K = np.array([[1, 2], [3, 4]])


def test_d2l_conv_matrix():
    C = conv_matrix(D2L_K, (3, 3))
    assert C.shape == (4, 9)
    np.testing.assert_array_equal(C[0], [1, 2, 0, 3, 4, 0, 0, 0, 0])
    np.testing.assert_array_equal(C[3], [0, 0, 0, 0, 1, 2, 0, 3, 4])
    y = C @ D2L_X.ravel()
    np.testing.assert_array_equal(y.reshape(2, 2), [[27, 37], [57, 67]])
    back = C.T @ y
    np.testing.assert_array_equal(back.reshape(3, 3), [[27, 91, 74], [138, 400, 282], [171, 429, 268]])
    np.testing.assert_array_equal(back.reshape(3, 3), conv_transpose2d([[27, 37], [57, 67]], D2L_K))


def test_slides_claim_transposed_conv_gives_back_the_input_is_false():
    back = conv_transpose2d(SLIDES_FEATURE_MAP, LAPLACIAN)
    assert back.shape == SLIDES_INPUT.shape
    assert not np.array_equal(back, SLIDES_INPUT)
    np.testing.assert_array_equal(back, [[0, 3, -3, -1, 0],
                                         [3, -17, 17, -2, -1],
                                         [-2, 11, -18, 17, -3],
                                         [-3, 12, -5, -13, 3],
                                         [0, -3, 2, 3, 0]])
    # By hand: the centre collects -4 * 3 from the middle value and its four neighbours 2, -3, -2, -3.
    assert back[2, 2] == -4 * 3 + 2 - 3 - 2 - 3
    C = conv_matrix(LAPLACIAN, (5, 5))
    assert C.shape == (9, 25)
    assert np.linalg.matrix_rank(C.T @ C) <= 9 < 25  # C^T C cannot be the identity


def test_zero_insert():
    np.testing.assert_array_equal(zero_insert([[1, 2], [3, 4]], 2), [[1, 0, 2], [0, 0, 0], [3, 0, 4]])
    assert zero_insert(np.ones((2, 3, 4, 5)), (3, 1)).shape == (2, 3, 10, 5)
    with pytest.raises(ValueError, match=r"stride must be a positive int .* got 0"):
        zero_insert([[1]], 0)


def geometries(count, seed):
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        h, w, kh, kw = (int(v) for v in rng.integers(1, 8, size=4))
        stride = tuple(int(v) for v in rng.integers(1, 4, size=2))
        padding = tuple(int(v) for v in rng.integers(0, 3, size=2))
        dilation = tuple(int(v) for v in rng.integers(1, 3, size=2))
        if d_span(dilation[0], kh) > h + 2 * padding[0] or d_span(dilation[1], kw) > w + 2 * padding[1]:
            continue
        out.append(((h, w), (kh, kw), stride, padding, dilation))
    return out


def d_span(d, k):
    return d * (k - 1) + 1


@pytest.mark.parametrize("geometry", geometries(50, seed=5))
def test_matrix_and_its_transpose_against_the_operators(geometry, rng):
    (h, w), (kh, kw), stride, padding, dilation = geometry
    kernel = rng.normal(size=(kh, kw))
    x = rng.normal(size=(h, w))
    C = conv_matrix(kernel, (h, w), stride, padding, dilation)
    y_shape = conv_output_size((h, w), (kh, kw), stride, padding, dilation)
    assert C.shape == (y_shape[0] * y_shape[1], h * w)
    np.testing.assert_allclose(C @ x.ravel(), conv2d(x, kernel, None, stride, padding, dilation).ravel(), atol=1e-12)
    y = rng.normal(size=y_shape)
    output_padding = tuple((i + 2 * p - d_span(d, k)) % s for i, p, d, k, s in zip((h, w), padding, dilation, (kh, kw), stride))
    transposed = conv_transpose2d(y, kernel, None, stride, padding, output_padding, dilation)
    np.testing.assert_allclose((C.T @ y.ravel()).reshape(h, w), transposed, atol=1e-12)
    # The adjoint identity <conv(x), y> == <x, conv_T(y)>.
    np.testing.assert_allclose(np.vdot(conv2d(x, kernel, None, stride, padding, dilation), y), np.vdot(x, transposed))


@pytest.mark.parametrize("config", transposed_configs(40, seed=6))
def test_zero_insertion_padding_and_flip_equal_the_transposed_conv(config, rng):
    x_shape, w_shape, stride, padding, output_padding, dilation = config
    x, w = rng.normal(size=x_shape), rng.normal(size=w_shape)
    np.testing.assert_allclose(conv_transpose2d_as_conv(x, w, stride, padding, output_padding, dilation),
                               conv_transpose2d(x, w, None, stride, padding, output_padding, dilation), atol=1e-12)


def test_gradient_of_conv_is_a_transposed_conv(rng):
    x, kernel, g = rng.normal(size=(5, 6)), rng.normal(size=(3, 2)), None
    g = rng.normal(size=conv_output_size((5, 6), (3, 2), 2, 1))
    loss = lambda inp: np.vdot(conv2d(inp, kernel, stride=2, padding=1), g)  # noqa: E731
    numeric = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = 1e-6
        numeric[index] = (loss(x + step) - loss(x - step)) / 2e-6
    analytic = conv_transpose2d(g, kernel, stride=2, padding=1, output_padding=0)
    np.testing.assert_allclose(numeric, analytic, atol=1e-6)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((np.ones((2, 2, 2)), (3, 3)), {}, ValueError, r"kernel must be a non-empty 2-D \(kH, kW\) array, got shape \(2, 2, 2\)"),
        (([["a"]], (3, 3)), {}, TypeError, r"kernel must be a real numeric array"),
        ((np.ones((2, 2)), (0, 3)), {}, ValueError, r"input_shape must be a positive int or \(h, w\) pair, got \(0, 3\)"),
        ((np.ones((2, 2)), (3, 3, 3)), {}, TypeError, r"input_shape must be .* got \(3, 3, 3\)"),
        ((np.ones((4, 4)), (3, 3)), {}, ValueError, r"kernel_size 4 .* larger than the padded input size 3"),
        ((np.ones((2, 2)), (3, 3)), {"stride": 0}, ValueError, r"stride must be a positive int .* got 0"),
        ((np.ones((2, 2)), (3, 3)), {"padding": -1}, ValueError, r"padding must be a non-negative int .* got -1"),
    ],
)
def test_conv_matrix_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        conv_matrix(*args, **kwargs)


def test_as_conv_bad_input():
    with pytest.raises(ValueError, match=r"output_padding must be smaller than stride or dilation"):
        conv_transpose2d_as_conv(np.ones((2, 2)), np.ones((2, 2)), output_padding=1)
    with pytest.raises(ValueError, match=r"weight must be 2-D \(kH, kW\) for a 2-D x, got shape \(2,\)"):
        conv_transpose2d_as_conv(np.ones((2, 2)), np.ones(2))
