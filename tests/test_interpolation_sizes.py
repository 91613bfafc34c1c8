"""interpolate's nearest modes at every size: torch 2.13 has two CPU kernels with different index arithmetic.

``out_H + out_W <= 128`` (or a 1x1 input with more than 3 channels): the
vectorized kernel, float32 scale, copy / ``dst >> 1`` shortcuts. Larger outputs:
the generic kernel, the input's precision, no shortcuts, ``floorf``.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.interpolation import interpolate, interpolation_matrix, source_coordinates
from tests._budget import refused_before_allocating

SWEEP = settings(max_examples=150, deadline=None, derandomize=True)


def _torch_interpolate(torch, x, **kwargs):
    return torch.nn.functional.interpolate(torch.from_numpy(np.ascontiguousarray(x)), **kwargs).numpy()


# --- the examples, pinned without torch -----------------------------------------------------

def test_48_to_148_float64_reads_column_12_like_torch():
    # 37 * 48/148 = 12 exactly. The float32 scale gives 11.999999 (index 11); for an output
    # this large (148 + 148 > 128) torch multiplies in float64 and rounds to float32 first: 12.
    x = np.tile(np.arange(48.0), (48, 1))
    result = interpolate(x, size=148, mode="nearest")
    assert result[0, 37] == 12 and result[0, 74] == 24
    # the same image to a small output (<= 128 in total) keeps torch's float32 arithmetic
    assert source_coordinates(48, 148, "nearest")[37] < 12
    assert source_coordinates(48, 148, "nearest", path="generic")[37] == 12


def test_scale_factor_that_keeps_a_size_reads_row_zero_twice_in_large_outputs():
    # 2 x 100 times 1.4 -> 2 x 140: out_H == in_H, but 2 + 140 > 128 so torch's generic
    # kernel runs: no copy shortcut, row floor(1 / 1.4) = 0.
    x = np.arange(200.0).reshape(2, 100)
    result = interpolate(x, scale_factor=1.4, mode="nearest")
    np.testing.assert_array_equal(result[1], result[0])
    # a small output keeps the copy shortcut
    small = interpolate(x[:, :10], scale_factor=1.4, mode="nearest")
    np.testing.assert_array_equal(small[:, 0], [0, 100])


def test_matrix_with_generic_path_matches_large_interpolate(rng):
    x = rng.standard_normal((48, 5))
    rows = interpolation_matrix(48, 148, "nearest", path="generic")
    columns = interpolation_matrix(5, 3, "nearest", path="generic")
    np.testing.assert_array_equal(rows @ x @ columns.T, interpolate(x, size=(148, 3), mode="nearest"))


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(path="fast"), ValueError, r"path must be 'vectorized' or 'generic', got 'fast'"),
    (dict(dtype=np.int32), ValueError, r"dtype must be float32 or float64"),   # one rule with layers (_checks)
    (dict(dtype="nope"), TypeError, r"dtype must be float32 or float64, got 'nope'"),
])
def test_helpers_reject_bad_path_and_dtype(kwargs, error, match):
    for helper in (source_coordinates, interpolation_matrix):
        with pytest.raises(error, match=match):
            helper(3, 5, "nearest", **kwargs)


# --- PyTorch across sizes ---------------------------------------------------------------------------

@st.composite
def configurations(draw):
    channels = draw(st.sampled_from([1, 1, 2, 3, 4]))
    if draw(st.integers(0, 9)) == 0:
        height = width = 1  # a 1x1 image with > 3 channels is channels-last: always the vectorized kernel
    else:
        height, width = draw(st.integers(1, 300)), draw(st.integers(1, 300))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    mode = draw(st.sampled_from(["nearest", "nearest-exact"]))
    if draw(st.booleans()):
        size = (draw(st.integers(1, 400)), draw(st.integers(1, 400)))
        return channels, height, width, dtype, mode, dict(size=size)
    factors = []
    for length in (height, width):
        digits = draw(st.integers(1, 3))
        factor = round(draw(st.floats(0.2, 4.0)), digits)
        factors.append(max(factor, round(1.0 / length + 10.0**-digits, digits)))
    return channels, height, width, dtype, mode, dict(scale_factor=tuple(factors))


@pytest.mark.torch
@SWEEP
@given(configurations())
def test_nearest_modes_match_torch_at_every_size(torch, configuration):
    channels, height, width, dtype, mode, kwargs = configuration
    x = np.random.default_rng(height * 1000 + width).standard_normal((1, channels, height, width)).astype(dtype)
    expected = _torch_interpolate(torch, x, mode=mode, **kwargs)
    result = interpolate(x, mode=mode, **kwargs)
    assert result.dtype == expected.dtype
    np.testing.assert_array_equal(result, expected)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
def test_every_output_width_up_to_400_matches_torch(torch, dtype, mode):
    # One row per input width: the index of every output column, both kernels (out_W
    # crosses 127), size and the scale_factor that gives the same size.
    for in_width in (3, 7, 13, 48, 61, 100):
        x = np.arange(in_width, dtype=dtype).reshape(1, 1, 1, in_width)
        for out_width in range(1, 401, 3):
            for kwargs in (dict(size=(1, out_width)), dict(scale_factor=(1.0, out_width / in_width))):
                if int(in_width * kwargs.get("scale_factor", (1, 1))[1]) < 1:
                    continue
                expected = _torch_interpolate(torch, x, mode=mode, **kwargs)
                np.testing.assert_array_equal(interpolate(x, mode=mode, **kwargs), expected,
                                              err_msg=f"{in_width} -> {kwargs}")


@pytest.mark.torch
@pytest.mark.parametrize("shape, size", [((1, 5, 1, 1), (200, 90)), ((2, 4, 1, 1), (97, 301)),
                                         ((1, 4, 2, 1), (200, 90)), ((3, 2, 48, 48), (148, 148))])
def test_channel_count_and_layout_choose_the_kernel_as_torch(torch, shape, size):
    for dtype in (np.float32, np.float64):
        x = np.random.default_rng(1).standard_normal(shape).astype(dtype)
        for mode in ("nearest", "nearest-exact"):
            np.testing.assert_array_equal(interpolate(x, size=size, mode=mode),
                                          _torch_interpolate(torch, x, size=size, mode=mode))


# --- absurd sizes fail at once ------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, match", [
    (dict(size=2 * 10**7), r"size=20000000 is too large: the output \(1, 1, 20000000, 20000000\) would hold 400,000,000,000,000 values"),
    (dict(size=(20000, 20000)), r"size=\(20000, 20000\) is too large: the output \(1, 1, 20000, 20000\) would hold"),
    (dict(size=10**9), r"size must be at most"),
    (dict(scale_factor=1e300), r"scale_factor=1e\+300 is too large: it gives an output side of 2e\+300 pixels"),
    (dict(scale_factor=(1, 1e9)), r"scale_factor=\(1, 1000000000.0\) is too large"),
    (dict(scale_factor=float("inf")), r"scale_factor must be a positive number"),
    (dict(scale_factor=10000), r"scale_factor=10000 is too large: the output \(1, 1, 20000, 20000\)"),
])
def test_absurd_output_sizes_are_refused_at_once(kwargs, match):
    with refused_before_allocating(ValueError, match):   # refused before the output is allocated
        interpolate(np.ones((2, 2)), **kwargs)


def test_absurd_helper_sizes_are_refused_at_once():
    with refused_before_allocating(ValueError, r"the matrix \(100000, 100000\) would hold 10,000,000,000 values"):
        interpolation_matrix(10**5, 10**5, "nearest")
    with refused_before_allocating(ValueError, r"out_size must be at most"):
        source_coordinates(3, 10**12, "nearest")


def test_huge_scale_gives_the_last_pixel_not_an_overflow():
    np.testing.assert_array_equal(interpolation_matrix(3, 2, "nearest", scale=2.0**70).argmax(axis=1), [0, 2])


@pytest.mark.parametrize("value", ["a", b"2", [2], object()])
def test_scale_factor_of_the_wrong_type_is_a_type_error(value):
    with pytest.raises(TypeError, match=r"scale_factor must be a positive number"):
        interpolate(np.ones((2, 2)), scale_factor=value)


@pytest.mark.parametrize("scale", ["a", [0.5], True])
def test_helper_scale_of_the_wrong_type_is_a_type_error(scale):
    with pytest.raises(TypeError, match=r"scale must be a positive finite number or None"):
        source_coordinates(3, 5, "nearest", scale=scale)
