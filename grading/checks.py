"""The checks the visible tests of the graded exercises use (learners see these).

They tell a learner *what* is wrong (shape, first wrong value), not just that
something is. They do not decide any grade: at grading time the grader calls
the functions on fresh inputs and compares outside the student's kernel.

>>> check_array([1, 2], [1, 2], "demo")
>>> check_array([1, 3], [1, 2], "demo")
Traceback (most recent call last):
...
AssertionError: demo: 1 of 2 values differ, the first at index (1,) (expected 2, got 3).
expected:
[1. 2.]
yours:
[1 3]
>>> check_equal(3, 3, "size")
"""
from __future__ import annotations

import numpy as np

__all__ = ["check_array", "check_equal"]


def check_array(yours, expected, what):
    """Assert that ``yours`` equals ``expected`` (to 1e-6); if not, say where."""
    expected = np.asarray(expected, dtype=float)
    assert yours is not None, f"{what}: your function returned None (a missing `return`?)"
    yours = np.asarray(yours)
    assert yours.dtype.kind in "biuf", f"{what}: expected numbers, got an array of dtype {yours.dtype}"
    assert yours.shape == expected.shape, f"{what}: expected shape {expected.shape}, got shape {yours.shape}"
    wrong = ~np.isclose(yours, expected, rtol=1e-9, atol=1e-6)
    if wrong.any():
        first = tuple(int(i) for i in np.argwhere(wrong)[0])
        raise AssertionError(
            f"{what}: {int(wrong.sum())} of {wrong.size} values differ, the first at index {first} "
            f"(expected {expected[first]:g}, got {yours[first]:g}).\n"
            f"expected:\n{expected}\nyours:\n{yours}")


def check_equal(yours, expected, what):
    """Assert that ``yours == expected`` for a single value (an int, a bool, a shape)."""
    assert yours == expected, f"{what}: expected {expected!r}, got {yours!r}"
