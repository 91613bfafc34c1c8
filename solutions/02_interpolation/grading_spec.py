"""02_interpolation: nearest and bilinear upsampling (follows notebook 02)."""
import numpy as np

from course_lib import interpolate
from grading.spec import Assignment, Case, Test

X = np.array([[1, 2], [3, 4]])


def sizes(rng):
    return int(rng.integers(1, 10)), int(rng.integers(1, 17))


def image_and_size(rng):
    shape = tuple(int(n) for n in rng.integers(1, 7, size=2))
    size = tuple(int(n) for n in rng.integers(1, 13, size=2))
    return rng.normal(size=shape), size


def edge_sizes(rng):
    """One output row or column: align_corners=True must not divide by zero."""
    image, size = image_and_size(rng)
    return [(image, (1, size[1])), (image, (size[0], 1))]


def nearest_indices_ref(in_size, out_size, exact=False):
    ramp = np.arange(in_size, dtype=float)[None, :]  # interpolating a ramp gives the indices
    return interpolate(ramp, size=(1, out_size), mode="nearest-exact" if exact else "nearest")[0]


def bilinear_coords_ref(in_size, out_size, align_corners=False):
    dst = np.arange(out_size, dtype=float)
    if align_corners:
        return dst * (in_size - 1) / max(out_size - 1, 1)
    return np.clip((dst + 0.5) * in_size / out_size - 0.5, 0, None)


def upsample_nearest_ref(x, size, exact=False):
    return interpolate(np.asarray(x, dtype=float), size=size, mode="nearest-exact" if exact else "nearest")


def upsample_bilinear_ref(x, size, align_corners=False):
    return interpolate(np.asarray(x, dtype=float), size=size, mode="bilinear", align_corners=align_corners)


SPEC = Assignment(
    name="02_interpolation",
    notebook="interpolation",
    forbidden=("interpolate", "interpolation_matrix", "source_coordinates"),
    allowed=(),
    tests=(
        Test("test_nearest_indices",
             visible=[Case("nearest_indices", (2, 4)), Case("nearest_indices", (3, 5)),
                      Case("nearest_indices", (3, 5), {"exact": True}), Case("nearest_indices", (4, 2)),
                      Case("nearest_indices", (4, 2), {"exact": True})],
             draw=lambda rng: [Case("nearest_indices", sizes(rng), {"exact": bool(rng.integers(2))})
                               for _ in range(16)] + [Case("nearest_indices", (1, 3)),
                                                      Case("nearest_indices", (5, 1), {"exact": True})],
             reference=nearest_indices_ref, exact=True),
        Test("test_upsample_nearest",
             visible=[Case("upsample_nearest", (X, (4, 4))),
                      Case("upsample_nearest", (np.array([[1, 2, 3], [4, 5, 6]]), (4, 6))),
                      Case("upsample_nearest", ([[1, 2, 3]], (1, 5)), {"exact": True})],
             draw=lambda rng: [Case("upsample_nearest", image_and_size(rng), {"exact": bool(rng.integers(2))})
                               for _ in range(10)],
             reference=upsample_nearest_ref),
        Test("test_bilinear_coords",
             visible=[Case("bilinear_source_coords", (2, 4)),
                      Case("bilinear_source_coords", (2, 4), {"align_corners": True}),
                      Case("bilinear_source_coords", (4, 2))],
             # random sizes, and always the edge cases: one output pixel, one input pixel
             draw=lambda rng: [Case("bilinear_source_coords", sizes(rng), {"align_corners": bool(rng.integers(2))})
                               for _ in range(16)] + [
                 Case("bilinear_source_coords", (int(rng.integers(2, 9)), 1), {"align_corners": True}),
                 Case("bilinear_source_coords", (int(rng.integers(2, 9)), 1), {"align_corners": False}),
                 Case("bilinear_source_coords", (1, int(rng.integers(2, 9))), {"align_corners": True})],
             reference=bilinear_coords_ref),
        Test("test_bilinear_align_false",
             visible=[Case("upsample_bilinear", (X, (4, 4))), Case("upsample_bilinear", ([[0, 4]], (1, 4)))],
             draw=lambda rng: [Case("upsample_bilinear", image_and_size(rng)) for _ in range(10)],
             reference=upsample_bilinear_ref),
        Test("test_bilinear_align_true",
             visible=[Case("upsample_bilinear", (X, (3, 3)), {"align_corners": True}),
                      Case("upsample_bilinear", (X, (5, 7)), {"align_corners": True})],
             draw=lambda rng: [Case("upsample_bilinear", image_and_size(rng), {"align_corners": True})
                               for _ in range(10)] + [Case("upsample_bilinear", args, {"align_corners": True})
                                                      for args in edge_sizes(rng)],
             reference=upsample_bilinear_ref),
    ),
)
