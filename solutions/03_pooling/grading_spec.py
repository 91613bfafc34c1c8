"""03_pooling: max pooling with switches, max unpooling, bed of nails (follows notebook 03)."""
import numpy as np

from course_lib import bed_of_nails, max_pool2d
from grading.spec import Assignment, Case, Test

ONE_TO_16 = np.arange(1, 17).reshape(4, 4)


def pooling_case(rng, part, integers):
    k = int(rng.integers(1, 5))
    s = int(rng.integers(1, 5))
    shape = tuple(int(n) for n in rng.integers(k, k + 7, size=2))
    image = rng.integers(0, 4, size=shape) if integers else rng.normal(size=shape)  # integers: many ties
    return Case("max_pool_with_switches", (image, k, s), part=part)


def unpool_case(rng):
    k = int(rng.integers(1, 5))
    shape = tuple(int(n) for n in rng.integers(k, 4 * k + 1, size=2))
    values, switches = max_pool2d(rng.normal(size=shape), k, k)
    return Case("max_unpool", (values, switches, shape))


def max_unpool_ref(values, switches, output_shape):
    out = np.zeros(output_shape)
    out.ravel()[np.asarray(switches).ravel()] = np.asarray(values, dtype=float).ravel()
    return out


SPEC = Assignment(
    name="03_pooling",
    notebook="pooling",
    forbidden=("max_pool2d", "max_unpool2d", "bed_of_nails"),
    allowed=(),
    tests=(
        Test("test_max_pool_values",
             visible=[Case("max_pool_with_switches", (ONE_TO_16, 2, 2), part=0),
                      Case("max_pool_with_switches", (ONE_TO_16, 3, 1), part=0)],
             draw=lambda rng: [pooling_case(rng, 0, integers=False) for _ in range(10)],
             reference=max_pool2d),
        Test("test_max_pool_switches",
             visible=[Case("max_pool_with_switches", (ONE_TO_16, 2, 2), part=1),
                      Case("max_pool_with_switches", (np.array([[1, 1, 0], [1, 1, 0], [0, 0, 0]]), 2, 1), part=1)],
             draw=lambda rng: [pooling_case(rng, 1, integers=True) for _ in range(10)],
             reference=max_pool2d, exact=True),
        Test("test_max_unpool",
             visible=[Case("max_unpool", ([[6, 8], [14, 16]], [[5, 7], [13, 15]], (4, 4))),
                      Case("max_unpool", ([[7]], [[4]], (2, 3)))],
             draw=lambda rng: [unpool_case(rng) for _ in range(8)],
             reference=max_unpool_ref),
        Test("test_bed_of_nails",
             visible=[Case("bed_of_nails", ([[1, 2], [3, 4]], 2)), Case("bed_of_nails", ([[5, 6]], 3))],
             draw=lambda rng: [Case("bed_of_nails", (rng.normal(size=tuple(int(n) for n in rng.integers(1, 7, 2))),
                                                     int(rng.integers(1, 5)))) for _ in range(8)],
             reference=bed_of_nails),
    ),
)
