"""Tests for course_lib.interpolation: worked examples, hand-built arrays, PyTorch, bad input."""
import math

import numpy as np
import pytest

from course_lib.interpolation import interpolate, interpolation_matrix, source_coordinates

MODES = ["nearest", "nearest-exact", "bilinear"]


# --- worked examples and hand-built references ----------------------------------------------

def test_course_bilinear_example():
    expected = [[1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5], [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4]]
    result = interpolate(np.array([[1, 2], [3, 4]]), scale_factor=2, mode="bilinear", align_corners=False)
    np.testing.assert_array_equal(result, expected)
    # None means False, and size=4 is the same as scale_factor=2 here
    np.testing.assert_array_equal(interpolate([[1, 2], [3, 4]], size=4, mode="bilinear"), expected)


def test_bilinear_align_corners_true_hits_both_ends():
    result = interpolate([[0, 3]], size=(1, 4), mode="bilinear", align_corners=True)
    np.testing.assert_allclose(result, [[0, 1, 2, 3]], atol=1e-12)
    corners = interpolate([[1, 2], [3, 4]], size=5, mode="bilinear", align_corners=True)
    np.testing.assert_array_equal(corners[[0, 0, -1, -1], [0, -1, 0, -1]], [1, 2, 3, 4])


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
def test_nearest_upsampling_by_two_repeats_blocks(mode):
    x = np.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(interpolate(x, scale_factor=2, mode=mode), np.kron(x, np.ones((2, 2))))


@pytest.mark.parametrize(
    "mode, expected",
    [("nearest", [0, 2]), ("nearest-exact", [1, 3])],  # top-left corner vs centre of each output pixel
)
def test_nearest_vs_nearest_exact_when_downsampling(mode, expected):
    row = np.arange(4).reshape(1, 4)
    np.testing.assert_array_equal(interpolate(row, size=(1, 2), mode=mode), [expected])


def test_nearest_modes_differ_on_upsampling_by_three_halves():
    row = np.arange(2).reshape(1, 2)
    # out = 3: nearest floor(dst*2/3) = 0,0,1; nearest-exact floor((dst+0.5)*2/3) = 0,1,1
    np.testing.assert_array_equal(interpolate(row, size=(1, 3), mode="nearest"), [[0, 0, 1]])
    np.testing.assert_array_equal(interpolate(row, size=(1, 3), mode="nearest-exact"), [[0, 1, 1]])


def test_scale_factor_uses_one_over_factor_not_in_over_out():
    # in = 3, scale_factor 1.5 -> out = floor(4.5) = 4; torch's scale is 1/1.5, not 3/4
    column = np.array([[0.0], [3.0], [6.0]])  # values = 3 * position, so output = 3 * src
    by_factor = interpolate(column, scale_factor=(1.5, 1), mode="bilinear")[:, 0]
    by_size = interpolate(column, size=(4, 1), mode="bilinear")[:, 0]
    np.testing.assert_allclose(by_factor, [0, 1.5, 3.5, 5.5], atol=1e-12)  # src 0(clamped), 0.5, 7/6, 11/6
    np.testing.assert_allclose(by_size, [0, 1.875, 4.125, 6], atol=1e-12)  # src 0, 0.625, 1.375, 2.125->2


def test_scale_factor_that_keeps_the_size_copies():
    x = np.arange(9.0).reshape(3, 3)
    for mode in MODES:  # floor(3 * 1.2) = 3: torch copies instead of using scale 1/1.2
        np.testing.assert_array_equal(interpolate(x, scale_factor=1.2, mode=mode), x)


def test_rank_and_dtype_rules(rng):
    batch = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    result = interpolate(batch, scale_factor=(1.5, 0.5), mode="bilinear")
    assert result.shape == (2, 3, 6, 2) and result.dtype == np.float32
    assert interpolate(np.ones((3, 4), dtype=np.int32), size=(5, 7)).shape == (5, 7)
    assert interpolate(np.ones((3, 4), dtype=np.int32), size=(5, 7)).dtype == np.float64
    assert interpolate(np.ones((3, 4), dtype=np.float16), size=2).dtype == np.float64
    # each image of a batch is resized on its own
    np.testing.assert_array_equal(result[1, 2], interpolate(batch[1, 2], scale_factor=(1.5, 0.5), mode="bilinear"))


# --- helpers for the coordinate diagrams ----------------------------------------------------

@pytest.mark.parametrize(
    "args, expected",
    [
        ((2, 4, "bilinear"), [0, 0.25, 0.75, 1.25]),
        ((2, 4, "bilinear", True), [0, 1 / 3, 2 / 3, 1]),
        ((4, 2, "bilinear"), [0.5, 2.5]),
        ((4, 2, "nearest"), [0, 2]),
        ((4, 2, "nearest-exact"), [1, 3]),
        ((3, 4, "nearest-exact"), [0.375, 1.125, 1.875, 2.625]),
        ((3, 1, "bilinear", True), [0]),
    ],
)
def test_source_coordinates(args, expected):
    np.testing.assert_allclose(source_coordinates(*args), expected, rtol=1e-6)


def test_source_coordinates_scale_argument_is_one_over_scale_factor():
    np.testing.assert_allclose(source_coordinates(3, 4, "bilinear", scale=1 / 1.5), [0, 0.5, 7 / 6, 11 / 6])
    np.testing.assert_allclose(source_coordinates(3, 4, "bilinear"), [0, 0.625, 1.375, 2.125])


@pytest.mark.parametrize("mode, align_corners", [("nearest", None), ("nearest-exact", None),
                                                 ("bilinear", False), ("bilinear", True)])
@pytest.mark.parametrize("in_size, out_size", [(2, 4), (5, 3), (3, 7), (4, 8), (6, 6), (1, 3), (7, 1)])
def test_matrix_and_coordinates_agree_with_interpolate(mode, align_corners, in_size, out_size, rng):
    x = rng.standard_normal((in_size, 3))
    rows = interpolation_matrix(in_size, out_size, mode, align_corners)
    columns = interpolation_matrix(3, 2, mode, align_corners)
    result = interpolate(x, size=(out_size, 2), mode=mode, align_corners=align_corners)
    np.testing.assert_allclose(rows @ x @ columns.T, result, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(rows.sum(axis=1), 1, rtol=1e-12)
    if mode != "bilinear":  # floor of the coordinate is the copied pixel
        index = np.minimum(np.floor(source_coordinates(in_size, out_size, mode)), in_size - 1)
        np.testing.assert_array_equal(rows.argmax(axis=1), index)


# --- PyTorch as the oracle ------------------------------------------------------------------

def _compare(torch, x, size, scale_factor, mode, align_corners):
    F = torch.nn.functional
    expected = F.interpolate(torch.from_numpy(x), size=size, scale_factor=scale_factor, mode=mode,
                             align_corners=align_corners).numpy()
    result = interpolate(x, size=size, scale_factor=scale_factor, mode=mode, align_corners=align_corners)
    assert result.shape == expected.shape and result.dtype == expected.dtype
    if mode == "bilinear":
        tol = 2e-6 if x.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(result, expected, rtol=tol, atol=tol)
    else:  # copies: bit for bit
        np.testing.assert_array_equal(result, expected)


EXPLICIT = [  # (shape, size, scale_factor): sizes torch treats specially and non-integer factors
    ((1, 1, 3, 5), None, 1.7),
    ((2, 3, 5, 4), None, (1.7, 0.6)),
    ((1, 2, 7, 9), None, 0.4),
    ((1, 1, 5, 5), None, 2.1),  # out = 2 * in: nearest's dst // 2 shortcut
    ((1, 1, 39, 4), None, (2.0256, 1.0)),
    ((1, 1, 3, 3), None, 1.2),  # out == in
    ((1, 1, 10, 10), None, 1 / 3),
    ((2, 1, 4, 6), (9, 13), None),
    ((1, 3, 9, 8), (7, 5), None),
    ((1, 1, 1, 1), (3, 2), None),
    ((1, 1, 6, 4), (1, 1), None),
    ((1, 1, 8, 8), 32, None),
    ((1, 1, 14, 26), (46, 22), None),  # nearest: a float64 scale would pick other pixels here
    ((1, 1, 2, 4), (41, 47), None),  # nearest-exact: likewise
    ((1, 1, 11, 16), None, (3.7, 2.3)),  # both nearest modes: torch's scale is float32(1/3.7), float32(1/2.3)
]


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode, align_corners", [("nearest", None), ("nearest-exact", None),
                                                 ("bilinear", None), ("bilinear", True)])
@pytest.mark.parametrize("shape, size, scale_factor", EXPLICIT)
def test_matches_torch_on_special_sizes(torch, rng, shape, size, scale_factor, mode, align_corners, dtype):
    x = rng.standard_normal(shape).astype(dtype)
    _compare(torch, x, size, scale_factor, mode, align_corners)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bilinear_weights_are_bit_exact(torch, dtype):
    # Interpolating the identity exposes each weight exactly (1*w + 0*w' == w in any precision).
    F = torch.nn.functional
    for in_size in (3, 5, 7, 12):
        eye = np.eye(in_size, dtype=dtype).reshape(in_size, 1, 1, in_size)
        for out_size in range(1, 40):
            for align_corners in (False, True):
                expected = F.interpolate(torch.from_numpy(eye), size=(1, out_size), mode="bilinear",
                                         align_corners=align_corners).numpy()
                result = interpolate(eye, size=(1, out_size), mode="bilinear", align_corners=align_corners)
                np.testing.assert_array_equal(result, expected, err_msg=f"{in_size} -> {out_size}, {align_corners}")


@pytest.mark.torch
@pytest.mark.parametrize("seed", range(40))
def test_matches_torch_on_random_configurations(torch, seed):
    rng = np.random.default_rng(seed)
    dtype = (np.float32, np.float64)[seed % 2]
    height, width = (int(v) for v in rng.integers(1, 13, 2))
    x = (rng.standard_normal((int(rng.integers(1, 3)), int(rng.integers(1, 4)), height, width)) * 10).astype(dtype)
    if seed % 4 < 2:
        size, scale_factor = tuple(int(v) for v in rng.integers(1, 30, 2)), None
    else:
        size = None
        scale_factor = tuple(float(v) for v in np.round(rng.uniform(0.3, 3.5, 2), int(rng.integers(1, 4))))
        scale_factor = tuple(max(f, 1.0 / n) for f, n in zip(scale_factor, (height, width)))
        assert math.floor(height * scale_factor[0]) >= 1 and math.floor(width * scale_factor[1]) >= 1
    for mode, align_corners in [("nearest", None), ("nearest-exact", None), ("bilinear", False), ("bilinear", True)]:
        _compare(torch, x, size, scale_factor, mode, align_corners)


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(x=np.ones(4), size=2), ValueError, r"x must be 2-D .* got 1-D"),
        (dict(x=np.ones((1, 2, 3)), size=2), ValueError, r"x must be 2-D .* got 3-D"),
        (dict(x=np.array([["a", "b"]]), size=2), TypeError, r"x must be a real numeric array"),
        (dict(x=np.ones((0, 3)), size=2), ValueError, r"x must have non-empty .* \(0, 3\)"),
        (dict(x=np.ones((2, 2))), ValueError, r"exactly one of size and scale_factor, got size=None, scale_factor=None"),
        (dict(x=np.ones((2, 2)), size=4, scale_factor=2), ValueError, r"size=4, scale_factor=2"),
        (dict(x=np.ones((2, 2)), size=0), ValueError, r"size must be a positive int or \(h, w\) pair, got 0"),
        (dict(x=np.ones((2, 2)), size=2.5), TypeError, r"size must be .* got 2.5"),
        (dict(x=np.ones((2, 2)), size=(2, -1)), ValueError, r"size must be .* got \(2, -1\)"),
        (dict(x=np.ones((2, 2)), scale_factor=0), ValueError, r"scale_factor must be a positive .* got 0"),
        (dict(x=np.ones((2, 2)), scale_factor=-1.5), ValueError, r"scale_factor .* got -1.5"),
        (dict(x=np.ones((2, 2)), scale_factor=float("nan")), ValueError, r"scale_factor .* got nan"),
        (dict(x=np.ones((2, 2)), scale_factor="2"), TypeError, r"scale_factor .* got '2'"),
        (dict(x=np.ones((2, 2)), scale_factor=(2, 2, 2)), TypeError, r"scale_factor .* got \(2, 2, 2\)"),
        (dict(x=np.ones((2, 2)), scale_factor=True), TypeError, r"scale_factor .* got True"),
        (dict(x=np.ones((2, 2)), scale_factor=0.25), ValueError, r"scale_factor=0.25 gives an empty output"),
        (dict(x=np.ones((2, 2)), size=3, mode="bicubic"), ValueError, r"mode must be one of .* got 'bicubic'"),
        (dict(x=np.ones((2, 2)), size=3, mode=None), TypeError, r"mode must be one of .* got None"),
        (dict(x=np.ones((2, 2)), size=3, mode="nearest", align_corners=False), ValueError,
         r"align_corners can only be set with mode='bilinear', got align_corners=False with mode='nearest'"),
        (dict(x=np.ones((2, 2)), size=3, mode="nearest-exact", align_corners=True), ValueError,
         r"align_corners=True with mode='nearest-exact'"),
        (dict(x=np.ones((2, 2)), size=3, mode="bilinear", align_corners="yes"), TypeError,
         r"align_corners must be None, True or False, got 'yes'"),
    ],
)
def test_interpolate_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        interpolate(**kwargs)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((0, 4, "bilinear"), {}, ValueError, r"in_size must be a positive int, got 0"),
        ((2, 4.0, "bilinear"), {}, TypeError, r"out_size must be a positive int, got 4.0"),
        ((2, 4, "linear"), {}, ValueError, r"mode must be one of .* got 'linear'"),
        ((2, 4, "bilinear"), dict(scale=-0.5), ValueError, r"scale must be a positive finite number .* got -0.5"),
        ((2, 4, "nearest"), dict(align_corners=True), ValueError, r"align_corners=True with mode='nearest'"),
    ],
)
def test_helpers_reject_bad_input(args, kwargs, error, match):
    for helper in (source_coordinates, interpolation_matrix):
        with pytest.raises(error, match=match):
            helper(*args, **kwargs)
