"""Independent overlap oracles shared by the checkerboard drawing and explorer tests.

Computed by hand (pasting kernels of ones), not with course_lib, so the tests of
both layers check the library against the same plain arithmetic.
"""
import numpy as np

from course_lib.explore_checkerboard import N_INPUTS


def expected_size(kernel_size, stride, layers, n=N_INPUTS):
    """Output length after ``layers`` transposed convolutions of ``n`` inputs: (n-1)s + k each time."""
    for _ in range(layers):
        n = (n - 1) * stride + kernel_size
    return n


def interior_is_even(kernel_size, stride):
    """Independent check: paste n kernels of ones by hand, look far from the border."""
    n = 40
    counts = np.zeros((n - 1) * stride + kernel_size, dtype=int)
    for i in range(n):
        counts[i * stride : i * stride + kernel_size] += 1
    interior = counts[2 * kernel_size : -2 * kernel_size]
    return interior.min() == interior.max()
