"""06_equivalence: the convolution matrix, its transpose, zero insertion (follows notebook 06)."""
import numpy as np

from course_lib import conv_matrix, conv_output_size, conv_transpose2d, zero_insert
from grading.spec import Assignment, Case, Test, random_shape

X = K = np.array([[0, 1], [2, 3]])
IMAGE = np.array([[0, 1, 0, 1, 1], [0, 0, 1, 1, 0], [1, 1, 0, 1, 0], [0, 1, 0, 0, 1], [0, 0, 1, 1, 0]])
LAPLACIAN = [[0, 1, 0], [1, -4, 1], [0, 1, 0]]


def layer(rng):
    """A random valid convolution: input shape, kernel, stride, padding."""
    while True:
        input_shape, kernel = random_shape(rng, 1, 8), rng.normal(size=random_shape(rng, 1, 5))
        s, p = int(rng.integers(1, 4)), int(rng.integers(0, 3))
        if p < min(kernel.shape) and all(n + 2 * p >= k for n, k in zip(input_shape, kernel.shape)):
            return input_shape, kernel, s, p


def matrix_case(rng, d2l):
    if d2l:  # d2l's setting, other numbers: a 2x2 kernel, stride 1, no padding
        return Case("conv_matrix", (rng.integers(-5, 6, size=(2, 2)), random_shape(rng, 2, 7)))
    input_shape, kernel, s, p = layer(rng)
    return Case("conv_matrix", (kernel, input_shape), {"stride": s, "padding": p})


def via_matrix_case(rng):
    input_shape, kernel, s, p = layer(rng)
    out_shape = tuple(conv_output_size(n, k, stride=s, padding=p) for n, k in zip(input_shape, kernel.shape))
    return Case("transposed_conv_via_matrix", (rng.normal(size=out_shape), kernel, input_shape),
                {"stride": s, "padding": p})


def via_conv_case(rng):
    while True:
        y, kernel = rng.normal(size=random_shape(rng, 1, 6)), rng.normal(size=random_shape(rng, 1, 5))
        s, p = int(rng.integers(1, 4)), int(rng.integers(0, 3))
        if p < min(kernel.shape) and all((n - 1) * s + k - 2 * p >= 1 for n, k in zip(y.shape, kernel.shape)):
            return Case("transposed_conv_via_conv", (y, kernel), {"stride": s, "padding": p})


def conv_matrix_ref(kernel, input_shape, stride=1, padding=0):
    return conv_matrix(np.asarray(kernel, dtype=float), input_shape, stride=stride, padding=padding)


def via_matrix_ref(y, kernel, input_shape, stride=1, padding=0):
    kernel = np.asarray(kernel, dtype=float)
    # the rows a strided convolution skipped at the bottom/right, restored by output_padding
    extra = tuple((n + 2 * padding - k) % stride for n, k in zip(input_shape, kernel.shape))
    return conv_transpose2d(np.asarray(y, dtype=float), kernel, stride=stride, padding=padding, output_padding=extra)


def via_conv_ref(y, kernel, stride=1, padding=0):
    return conv_transpose2d(np.asarray(y, dtype=float), np.asarray(kernel, dtype=float), stride=stride, padding=padding)


SPEC = Assignment(
    name="06_equivalence",
    notebook="equivalence",
    forbidden=("conv_matrix", "conv_transpose2d", "conv_transpose2d_loop", "zero_insert",
               "conv_transpose2d_as_conv"),
    allowed=("conv2d", "conv_output_size", "conv_transpose_output_size"),
    tests=(
        Test("test_conv_matrix_d2l",
             visible=[Case("conv_matrix", ([[1, 2], [3, 4]], (3, 3)))],
             draw=lambda rng: [matrix_case(rng, d2l=True) for _ in range(6)],
             reference=conv_matrix_ref),
        Test("test_conv_matrix_any_shape",
             visible=[Case("conv_matrix", (LAPLACIAN, (5, 5))),
                      Case("conv_matrix", ([[1, 2], [3, 4]], (3, 4)), {"stride": 2, "padding": 1})],
             draw=lambda rng: [matrix_case(rng, d2l=False) for _ in range(10)],
             reference=conv_matrix_ref),
        Test("test_transposed_via_matrix",
             visible=[Case("transposed_conv_via_matrix", ([[27, 37], [57, 67]], [[1, 2], [3, 4]], (3, 3))),
                      Case("transposed_conv_via_matrix", (X, K, (3, 3)))],
             draw=lambda rng: [via_matrix_case(rng) for _ in range(8)],
             reference=via_matrix_ref),
        Test("test_zero_insert",
             visible=[Case("zero_insert", ([[1, 2], [3, 4]], 2)), Case("zero_insert", ([[1, 2]], 3))],
             draw=lambda rng: [Case("zero_insert", (rng.normal(size=random_shape(rng, 1, 6)), int(rng.integers(1, 5))))
                               for _ in range(8)],
             reference=zero_insert),
        Test("test_transposed_via_conv",
             visible=[Case("transposed_conv_via_conv", (X, K)),
                      Case("transposed_conv_via_conv", (X, K), {"stride": 2}),
                      Case("transposed_conv_via_conv", (X, K), {"padding": 1})],
             draw=lambda rng: [via_conv_case(rng) for _ in range(8)],
             reference=via_conv_ref),
    ),
)
