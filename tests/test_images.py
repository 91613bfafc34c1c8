"""Sample images: sizes, ranges, determinism, bad arguments."""
import numpy as np
import pytest

from course_lib.images import grace_hopper, shapes


def test_grace_hopper_sizes_and_range():
    gray = grace_hopper(32)
    colour = grace_hopper(32, gray=False)
    assert gray.shape == (32, 32) and colour.shape == (32, 32, 3)
    assert 0 <= gray.min() and gray.max() <= 1 and gray.dtype == np.float64
    np.testing.assert_array_equal(gray, grace_hopper(32))          # deterministic
    np.testing.assert_allclose(gray, colour @ [0.299, 0.587, 0.114])


def test_shapes_is_binary_and_deterministic():
    card = shapes(32)
    assert card.shape == (32, 32) and set(np.unique(card)) == {0.0, 1.0}
    np.testing.assert_array_equal(card, shapes(32))


@pytest.mark.parametrize("function, size, error, message", [
    (grace_hopper, 0, ValueError, "size must be a positive int, got 0"),
    (grace_hopper, 12.5, TypeError, "size must be a positive int, got 12.5"),
    (grace_hopper, "64", TypeError, "size must be a positive int, got '64'"),
    (grace_hopper, 10**6, ValueError, "size must be at most"),
    (shapes, 7, ValueError, "size must be a >= 8 int, got 7"),
    (shapes, None, TypeError, "size must be a >= 8 int, got None"),
])
def test_bad_sizes(function, size, error, message):
    with pytest.raises(error, match=message):
        function(size)
