"""The shared size formulas and matrix-product helpers of the compute modules (course_lib._shapes)."""
import numpy as np
import pytest

from course_lib._shapes import (
    add_bias,
    as_bias,
    conv_params,
    conv_size,
    pool_geometry,
    shifted_matmul,
    transposed_params,
    transposed_size,
    unpool_geometry,
)


def test_size_formulas():
    assert conv_size(5, 3, 1, 0, 1) == 3 and conv_size(64, 4, 2, 1, 1) == 32 and conv_size(7, 3, 1, 0, 2) == 3
    with pytest.raises(ValueError, match="kernel_size 5 .* larger than the padded input"):
        conv_size(3, 5, 1, 0, 1)
    assert transposed_size(2, 2, 1, 0, 0, 1) == 3 and transposed_size(32, 4, 2, 1, 0, 1) == 64
    with pytest.raises(ValueError, match="padding 2 leaves no output"):
        transposed_size(1, 1, 1, 2, 0, 1)


def test_params_validate_and_pair_up():
    assert conv_params(3, (1, 2), 0, 1) == ((3, 1, 0, 1), (3, 2, 0, 1))
    assert transposed_params(2, 1, 1, 1) == ((2, 1, 1, 1), (2, 1, 1, 1))
    with pytest.raises(ValueError, match="output_padding must be smaller than stride or dilation"):
        transposed_params(1, 0, 1, 1)
    with pytest.raises(TypeError, match="stride must be"):
        conv_params(3, 1.5, 0, 1)


def test_pool_and_unpool_geometry():
    images = np.zeros((1, 1, 4, 6))
    assert pool_geometry(images, 2, None, 0) == ((2, 2), (2, 2), (0, 0), (2, 3))
    assert unpool_geometry(np.zeros((1, 1, 2, 3)), 2, None, 0) == ((2, 2), (2, 2), (0, 0), (4, 6))
    with pytest.raises(ValueError, match="padding must be at most half of kernel_size"):
        pool_geometry(images, 2, None, 2)
    with pytest.raises(ValueError, match="x must have non-empty height and width"):
        unpool_geometry(np.zeros((1, 1, 0, 3)), 2, None, 0)


def test_bias_helpers():
    assert as_bias(None, 3) is None
    np.testing.assert_array_equal(as_bias(2.0, 1), [2.0])
    assert as_bias(np.ones(2, np.float32), 2).dtype == np.float32        # the dtype is kept
    with pytest.raises(ValueError, match=r"bias must have shape \(3,\)"):
        as_bias([1, 2], 3)
    out = add_bias(np.zeros((1, 2, 1, 1)), np.array([1.0, -1.0]))
    np.testing.assert_array_equal(out[0, :, 0, 0], [1, -1])


@pytest.mark.parametrize("shifts, rows, depth", [((2, 2), 3, 4), ((2, 3), 5, 2), ((3, 1), 2, 2), ((1, 1), 3, 2)])
def test_shifted_matmul_sums_shifted_products(rng, shifts, rows, depth):
    # both strategies: weights stacked (depth >= rows) and shifted slices stacked (depth < rows)
    grouped = rng.normal(size=shifts + (rows, depth))
    flat = rng.normal(size=(depth, 30))
    out = shifted_matmul(grouped, flat, 5)
    expected = np.zeros((rows, 30))
    length = 30 - 5 * (shifts[0] - 1) - (shifts[1] - 1)
    for t in range(shifts[0]):
        for u in range(shifts[1]):
            expected[:, :length] += grouped[t, u] @ flat[:, t * 5 + u : t * 5 + u + length]
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
