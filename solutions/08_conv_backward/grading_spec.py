"""08_conv_backward: the backward pass of a convolution (follows notebook 08).

The input-gradient is checked against ``conv_transpose2d`` (with the
``output_padding`` that gives back the input's size), the weight-gradient
against a ``conv2d`` of the padded input with the output gradient as the
kernel, dilated by the stride. The finite-difference cell is graded against
central finite differences computed here, in the grader: the loss
``sum(conv2d(x, w) * grad_y)`` is linear in ``x`` and in ``w``, so they are
exact up to rounding (about 1e-9, well inside the 1e-6 tolerance).
"""
import numpy as np

from course_lib import conv2d, conv_output_size, conv_transpose2d
from grading.spec import Assignment, Case, Test, random_shape

# The notebook's visible examples.
W = np.array([[1.0, 2.0], [3.0, 4.0]])
SOBEL = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
DIAGONAL = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, -1.0]])
_rng8 = np.random.default_rng(8)  # the finite-difference cell's data, drawn as the notebook draws it
FD_X, FD_W = _rng8.normal(size=(6, 7)), _rng8.normal(size=(3, 3))
FD_G = _rng8.normal(size=conv2d(FD_X, FD_W, stride=2, padding=1).shape)


def output_padding_ref(input_size, kernel_size, stride, padding):
    """The size rule: the input size minus what a transposed convolution of the output gives back
    without output_padding, ``(o - 1) s - 2p + k`` (which can be 0 here, so not conv_transpose_output_size)."""
    out = conv_output_size(input_size, kernel_size, stride, padding)
    return input_size - ((out - 1) * stride - 2 * padding + kernel_size)


def input_gradient_ref(grad_y, weight, input_shape, stride=1, padding=0):
    weight = np.asarray(weight, dtype=float)
    extra = tuple(output_padding_ref(n, k, stride, padding) for n, k in zip(input_shape, weight.shape))
    return conv_transpose2d(np.asarray(grad_y, dtype=float), weight, stride=stride, padding=padding,
                            output_padding=extra)


def weight_gradient_ref(x, grad_y, kernel_shape, stride=1, padding=0):
    padded = np.pad(np.asarray(x, dtype=float), padding)
    return conv2d(padded, np.asarray(grad_y, dtype=float), dilation=stride)[:kernel_shape[0], :kernel_shape[1]]


def numerical_gradient(loss, array, eps=1e-6):
    """Central finite differences of the scalar ``loss(array)`` with respect to every entry of ``array``."""
    array, grad = np.array(array, dtype=float), np.zeros(np.shape(array))
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + eps
        plus = loss(array)
        array[index] = saved - eps
        minus = loss(array)
        array[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def input_gradient_fd(grad_y, weight, input_shape, stride=1, padding=0):
    """dL/dx of L = sum(conv2d(x, weight) * grad_y) by finite differences (L is linear in x: any x will do)."""
    grad_y, weight = np.asarray(grad_y, dtype=float), np.asarray(weight, dtype=float)
    return numerical_gradient(lambda x: float(np.sum(conv2d(x, weight, stride=stride, padding=padding) * grad_y)),
                              np.zeros(input_shape))


def weight_gradient_fd(x, grad_y, kernel_shape, stride=1, padding=0):
    """dL/dw of L = sum(conv2d(x, w) * grad_y) by finite differences (L is linear in w: any w will do)."""
    x, grad_y = np.asarray(x, dtype=float), np.asarray(grad_y, dtype=float)
    return numerical_gradient(lambda w: float(np.sum(conv2d(x, w, stride=stride, padding=padding) * grad_y)),
                              np.zeros(kernel_shape))


def size_case(rng):
    while True:
        i, k, s, p = int(rng.integers(1, 16)), int(rng.integers(1, 7)), int(rng.integers(1, 6)), int(rng.integers(0, 4))
        if k <= i + 2 * p:  # the kernel fits the padded input
            return Case("output_padding", (i, k, s, p))


def geometry(rng, strided=True, padded=True):
    """A random valid convolution: input shape, kernel shape (not square in general), stride, padding."""
    while True:
        shape, kernel_shape = random_shape(rng, 1, 10), random_shape(rng, 1, 6)
        s = int(rng.integers(2, 4)) if strided else 1
        p = int(rng.integers(1, 3)) if padded else 0
        if all(k <= n + 2 * p for n, k in zip(shape, kernel_shape)):
            return shape, kernel_shape, s, p


def varied_geometry(rng, index):
    """Cycles through stride 1 / > 1 and padding 0 / > 0, so every kind is drawn."""
    return geometry(rng, strided=index % 4 != 0, padded=index % 2 == 1)


def input_case(rng, index):
    shape, kernel_shape, s, p = varied_geometry(rng, index)
    grad_y = rng.normal(size=conv_output_size(shape, kernel_shape, s, p))
    return Case("input_gradient", (grad_y, rng.normal(size=kernel_shape), shape), {"stride": s, "padding": p})


def weight_case(rng, index):
    shape, kernel_shape, s, p = varied_geometry(rng, index)
    grad_y = rng.normal(size=conv_output_size(shape, kernel_shape, s, p))
    return Case("weight_gradient", (rng.normal(size=shape), grad_y, kernel_shape), {"stride": s, "padding": p})


def pattern_case(rng, index):
    """The gradient of a strided convolution: of sum(conv2d) with a kernel of ones (the overlap count),
    of sum(conv2d) with a random kernel (its phase sums), and of a random loss (random grad_y)."""
    k, s, p = int(rng.integers(2, 6)), int(rng.integers(2, 4)), int(rng.integers(0, 3))
    shape = random_shape(rng, max(k, 8), 15)
    kernel = np.ones((k, k)) if index % 3 == 0 else rng.normal(size=(k, k))
    out = conv_output_size(shape, (k, k), s, p)
    grad_y = rng.normal(size=out) if index % 3 == 2 else np.ones(out)
    return Case("input_gradient", (grad_y, kernel, shape), {"stride": s, "padding": p})


SPEC = Assignment(
    name="08_conv_backward",
    notebook="conv_backward",
    # kernel_gradient (course_lib.layers) computes the weight-gradient; every layer's
    # backward pass and course_lib.training go through it and conv_transpose2d.
    forbidden=("conv_transpose2d", "conv_transpose2d_loop", "conv_transpose2d_as_conv", "conv_matrix",
               "layers.kernel_gradient"),
    allowed=("conv2d", "conv_output_size", "conv_transpose_output_size"),
    tests=(
        Test("test_output_padding",
             visible=[Case("output_padding", (5, 3, 2, 1)), Case("output_padding", (6, 3, 2, 1)),
                      Case("output_padding", (7, 3, 1, 0))],
             draw=lambda rng: [size_case(rng) for _ in range(20)],
             reference=output_padding_ref, exact=True),
        Test("test_input_gradient",
             visible=[Case("input_gradient", (np.ones((2, 2)), W, (3, 3))),
                      Case("input_gradient", (DIAGONAL, SOBEL, (5, 5)), {"stride": 2, "padding": 1}),
                      Case("input_gradient", (np.ones((3, 3)), SOBEL, (6, 6)), {"stride": 2, "padding": 1})],
             draw=lambda rng: [input_case(rng, i) for i in range(8)],
             reference=input_gradient_ref),
        Test("test_weight_gradient",
             visible=[Case("weight_gradient", (np.arange(9.0).reshape(3, 3), np.ones((2, 2)), (2, 2))),
                      Case("weight_gradient", (np.arange(25.0).reshape(5, 5), DIAGONAL, (3, 3)),
                           {"stride": 2, "padding": 1})],
             draw=lambda rng: [weight_case(rng, i) for i in range(8)],
             reference=weight_gradient_ref),
        Test("test_finite_differences",
             visible=[Case("input_gradient", (FD_G, FD_W, (6, 7)), {"stride": 2, "padding": 1}),
                      Case("weight_gradient", (FD_X, FD_G, (3, 3)), {"stride": 2, "padding": 1})],
             draw=lambda rng: [(input_case if i % 2 == 0 else weight_case)(rng, i // 2 + 1) for i in range(8)],
             reference={"input_gradient": input_gradient_fd, "weight_gradient": weight_gradient_fd}),
        Test("test_strided_pattern",
             visible=[Case("input_gradient", (np.ones((6, 6)), np.ones((3, 3)), (12, 12)),
                           {"stride": 2, "padding": 1})],
             draw=lambda rng: [pattern_case(rng, i) for i in range(9)],
             reference=input_gradient_ref),
    ),
)
