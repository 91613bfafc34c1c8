"""07_checkerboard: overlap counts, uneven overlap, resize-convolution (follows notebook 07)."""
import numpy as np

from course_lib import conv2d, interpolate, overlap_counts
from grading.spec import Assignment, Case, Test

X = np.array([[1, 2], [3, 4]])


def is_uneven_ref(kernel_size, stride):
    interior = overlap_counts(kernel_size, stride, 30)[kernel_size + stride:-(kernel_size + stride)]
    return bool(interior.min() != interior.max())


def overlap_2d_ref(kernel_size, stride, n_inputs):
    counts = overlap_counts(kernel_size, stride, n_inputs)
    return np.outer(counts, counts)


def resize_conv_ref(x, kernel, scale):
    kernel = np.asarray(kernel, dtype=float)
    upsampled = interpolate(np.asarray(x, dtype=float), scale_factor=scale, mode="nearest")
    return conv2d(upsampled, kernel, padding=(kernel.shape[0] // 2, kernel.shape[1] // 2))


def odd_kernel(rng):
    return rng.normal(size=tuple(int(n) for n in 2 * rng.integers(0, 3, size=2) + 1))


def resize_case(rng, constant):
    shape = tuple(int(n) for n in rng.integers(1, 6, size=2))
    image = np.full(shape, rng.normal()) if constant else rng.normal(size=shape)
    return Case("resize_conv", (image, odd_kernel(rng), int(rng.integers(1, 5))))


SPEC = Assignment(
    name="07_checkerboard",
    notebook="checkerboard",
    forbidden=("overlap_counts", "overlap_counts_2d", "stacked_overlap_counts"),
    allowed=("conv2d", "conv_transpose2d", "interpolate"),
    tests=(
        Test("test_overlap_1d",
             visible=[Case("overlap_counts_1d", (3, 2, 4)), Case("overlap_counts_1d", (4, 2, 4)),
                      Case("overlap_counts_1d", (1, 2, 3))],
             draw=lambda rng: [Case("overlap_counts_1d", tuple(int(n) for n in rng.integers(1, [9, 6, 8])))
                               for _ in range(16)],
             reference=overlap_counts, exact=True),
        Test("test_is_uneven",
             visible=[Case("is_uneven", (3, 2)), Case("is_uneven", (4, 2)), Case("is_uneven", (5, 2)),
                      Case("is_uneven", (3, 1)), Case("is_uneven", (2, 3))],
             draw=lambda rng: [Case("is_uneven", tuple(int(n) for n in rng.integers(1, [13, 7]))) for _ in range(20)],
             reference=is_uneven_ref, exact=True),
        Test("test_overlap_2d",
             visible=[Case("overlap_counts_2d", (3, 2, 2))],
             draw=lambda rng: [Case("overlap_counts_2d", tuple(int(n) for n in rng.integers(1, [8, 5, 6])))
                               for _ in range(8)],
             reference=overlap_2d_ref, exact=True),
        Test("test_resize_conv",
             visible=[Case("resize_conv", (X, [[0, 0, 0], [0, 1, 0], [0, 0, 0]], 2)),
                      Case("resize_conv", (X, [[0, 0, 0], [1, 0, 0], [0, 0, 0]], 2)),
                      Case("resize_conv", (np.ones((2, 3)), np.ones((5, 3)), 3))],
             draw=lambda rng: [resize_case(rng, constant=False) for _ in range(8)],
             reference=resize_conv_ref),
        Test("test_resize_conv_removes_pattern",
             visible=[Case("resize_conv", (np.ones((6, 6)), np.random.default_rng(0).normal(size=(3, 3)), 2))],
             # constant images (the pattern test) and non-constant ones: a shortcut that
             # only handles constant images (x[0, 0] * kernel.sum()) fails
             draw=lambda rng: [resize_case(rng, constant=i % 2 == 0) for i in range(8)],
             reference=resize_conv_ref),
    ),
)
