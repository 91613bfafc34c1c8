"""05_transposed_conv: transposed convolution by scattering kernel copies (follows notebook 05)."""
import numpy as np

from course_lib import conv_transpose2d, conv_transpose_output_size
from grading.spec import Assignment, Case, Test, random_shape

X = K = np.array([[0, 1], [2, 3]])


def size_case(rng):
    while True:
        size, k, s = int(rng.integers(1, 9)), int(rng.integers(1, 7)), int(rng.integers(1, 5))
        p = int(rng.integers(0, k))
        if (size - 1) * s + k - 2 * p >= 1:  # something left after cropping: a valid layer
            return Case("transposed_output_size", (size, k), {"stride": s, "padding": p})


def conv_case(rng, strided, padded):
    while True:
        image, kernel = rng.normal(size=random_shape(rng, 1, 6)), rng.normal(size=random_shape(rng, 1, 5))
        kwargs = {}
        if strided:
            kwargs["stride"] = int(rng.integers(2, 5))
        if padded:
            kwargs["padding"] = int(rng.integers(1, min(kernel.shape) + 1))
        s, p = kwargs.get("stride", 1), kwargs.get("padding", 0)
        if p < min(kernel.shape) and all((n - 1) * s + k - 2 * p >= 1 for n, k in zip(image.shape, kernel.shape)):
            return Case("transposed_conv2d", (image, kernel), kwargs)


def transposed_ref(x, kernel, stride=1, padding=0):
    return conv_transpose2d(np.asarray(x, dtype=float), np.asarray(kernel, dtype=float), stride=stride, padding=padding)


SPEC = Assignment(
    name="05_transposed_conv",
    notebook="transposed_conv",
    forbidden=("conv_transpose2d", "conv_transpose2d_loop", "conv_transpose_output_size",
               "conv_transpose2d_as_conv", "conv_matrix"),
    allowed=("conv2d", "conv_output_size", "zero_insert"),
    tests=(
        Test("test_output_size",
             visible=[Case("transposed_output_size", (2, 2)), Case("transposed_output_size", (2, 2), {"stride": 2}),
                      Case("transposed_output_size", (2, 2), {"padding": 1}),
                      Case("transposed_output_size", (4, 4), {"stride": 2, "padding": 1})],
             draw=lambda rng: [size_case(rng) for _ in range(16)],
             reference=conv_transpose_output_size, exact=True),
        Test("test_transposed_basic",
             visible=[Case("transposed_conv2d", (X, K)), Case("transposed_conv2d", ([[1, 2]], [[1, 1, 1]]))],
             draw=lambda rng: [conv_case(rng, strided=False, padded=False) for _ in range(8)],
             reference=transposed_ref),
        Test("test_transposed_stride",
             visible=[Case("transposed_conv2d", (X, K), {"stride": 2}),
                      Case("transposed_conv2d", ([[1, 1, 1]], [[1, 1, 1]]), {"stride": 2})],
             draw=lambda rng: [conv_case(rng, strided=True, padded=False) for _ in range(8)],
             reference=transposed_ref),
        Test("test_transposed_padding",
             visible=[Case("transposed_conv2d", (X, K), {"padding": 1}),
                      Case("transposed_conv2d", (X, K), {"stride": 2, "padding": 1})],
             draw=lambda rng: [conv_case(rng, strided=bool(rng.integers(2)), padded=True) for _ in range(8)],
             reference=transposed_ref),
    ),
)
