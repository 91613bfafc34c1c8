"""Argument checks shared by every course_lib module.

Each check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right
kind, wrong value) with a message that names the argument and quotes the value,
e.g. ``stride must be a positive int or (h, w) pair, got 0``.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["as_array", "as_matrix", "as_shape", "as_pair", "as_images", "as_int", "restore_rank", "result_dtype",
           "as_bool", "as_choice", "as_float_dtype", "as_positive_float", "non_empty_images", "check_elements",
           "MAX_ELEMENTS"]

# The largest array any course_lib function builds: 2**27 values (1 GiB of float64).
# Sizes are checked before anything is allocated, so an absurd argument fails at
# once with a message instead of swapping for minutes and killing the kernel.
MAX_ELEMENTS = 2**27


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _kind(minimum: int) -> str:
    return "positive" if minimum == 1 else "non-negative" if minimum == 0 else f">= {minimum}"


def as_int(value, name: str, *, minimum: int) -> int:
    """Return ``value`` as an int, or raise if it is not an int in ``minimum .. MAX_ELEMENTS``.

    No length, stride or padding above :data:`MAX_ELEMENTS` can describe an array
    course_lib builds, and refusing them here keeps numpy's int64 from overflowing.
    """
    kind = _kind(minimum)
    if not _is_int(value):
        raise TypeError(f"{name} must be a {kind} int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be a {kind} int, got {value!r}")
    if value > MAX_ELEMENTS:
        raise ValueError(f"{name} must be at most {MAX_ELEMENTS:,} (2**27), got {value!r}")
    return int(value)


def as_pair(value, name: str, *, minimum: int) -> tuple[int, int]:
    """Return an int or (h, w) pair as a pair of ints, each >= ``minimum``."""
    message = f"{name} must be a {_kind(minimum)} int or (h, w) pair, got {value!r}"
    if _is_int(value):
        pair = (int(value), int(value))
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(_is_int(v) for v in value):
        pair = (int(value[0]), int(value[1]))
    else:
        raise TypeError(message)
    if min(pair) < minimum:
        raise ValueError(message)
    if max(pair) > MAX_ELEMENTS:
        raise ValueError(f"{name} must be at most {MAX_ELEMENTS:,} (2**27) per axis, got {value!r}")
    return pair


def as_positive_float(value, name: str) -> float:
    """Return ``value`` as a positive finite float: ``TypeError`` for a non-number (bool included), else ``ValueError``.

    numpy scalars count as numbers (``np.float32(0.1)``); ``True``, ``inf`` and ``nan`` do not pass.

    Examples
    --------
    >>> as_positive_float(np.float32(0.5), "lr")
    0.5
    """
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a positive finite number, got {_short(value)}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def as_bool(value, name: str) -> bool:
    """Return ``value`` as a bool, or raise ``TypeError`` (no truthy lists, strings or arrays)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_short(value)}")
    return bool(value)


def as_choice(value, name: str, choices: tuple) -> str:
    """Return ``value`` if it is one of the strings ``choices``; ``TypeError`` for a non-string."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {choices}, got {_short(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


def non_empty_images(images: np.ndarray, name: str, shape) -> None:
    """Refuse images with no height or width (a batch or channel count of 0 is allowed)."""
    if 0 in images.shape[2:]:
        raise ValueError(f"{name} must have non-empty height and width, got shape {shape}")


def check_elements(count, what: str, culprit: str) -> None:
    """Refuse, before allocating, an array of more than :data:`MAX_ELEMENTS` values.

    ``what`` describes the array (``"the output (1, 1, 20000, 20000)"``) and
    ``culprit`` names the argument(s) responsible and quotes their values.
    """
    if count > MAX_ELEMENTS:
        raise ValueError(
            f"{culprit} is too large: {what} would hold {count:,} values, more than the "
            f"{MAX_ELEMENTS:,} (1 GiB of float64) course_lib allows"
        )


def result_dtype(*arrays: np.ndarray) -> np.dtype:
    """float32 when every array is float32, float64 otherwise (the course's rule)."""
    if all(a.dtype.kind == "f" and a.dtype.itemsize == 4 for a in arrays):  # any byte order
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def as_float_dtype(dtype, name: str = "dtype") -> np.dtype:
    """Return ``dtype`` as ``np.dtype`` float32 or float64: ``TypeError`` if it is no dtype, ``ValueError`` if another.

    Examples
    --------
    >>> as_float_dtype("float32")
    dtype('float32')
    """
    try:
        kind = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be float32 or float64, got {dtype!r}") from None
    if kind not in (np.float32, np.float64):
        raise ValueError(f"{name} must be float32 or float64, got {dtype!r}")
    return kind


def as_array(x, name: str) -> np.ndarray:
    """Return ``x`` as a real numeric ndarray, or raise ``TypeError``."""
    try:
        array = np.asarray(x)
    except Exception as error:  # ragged nested lists and the like
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__}: {error}") from None
    # bool, complex, str, object, datetime64 and timedelta64 are refused: numpy would
    # silently turn booleans into 0/1 and drop imaginary parts, and the others are not numbers.
    # (numpy counts timedelta64 as an integer type, hence the check on the kind.)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real numeric array, got dtype {array.dtype} ({_short(x)})")
    return array


def as_images(x, name: str = "x") -> tuple[np.ndarray, int]:
    """Return ``x`` as a 4-D (N, C, H, W) array and the rank it came with (2 or 4).

    A 2-D array is one single-channel image (H, W); a 4-D array is a batch.
    The dtype is left alone; callers convert with :func:`result_dtype`.
    """
    array = as_array(x, name)
    if array.ndim == 2:
        return array[None, None], 2
    if array.ndim == 4:
        return array, 4
    raise ValueError(
        f"{name} must be 2-D (H, W) or 4-D (N, C, H, W), got {array.ndim}-D with shape {array.shape}"
    )


def restore_rank(y: np.ndarray, rank: int) -> np.ndarray:
    """Undo :func:`as_images`: a 2-D input gives a 2-D result."""
    return y[0, 0] if rank == 2 else y


def _short(x) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def as_matrix(x, name: str) -> np.ndarray:
    """Return ``x`` as a non-empty 2-D (H, W) real array, or raise naming ``name``."""
    array = as_array(x, name)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (H, W) array, got {array.ndim}-D with shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    return array


def as_shape(value, name: str) -> tuple[int, int]:
    """Return an (h, w) pair of positive ints (a shape: no single int), or raise naming ``name``."""
    if not isinstance(value, (tuple, list)) or len(value) != 2 or not all(_is_int(v) for v in value):
        raise TypeError(f"{name} must be an (h, w) pair of ints, got {value!r}")
    if min(value) < 1:
        raise ValueError(f"{name} must be an (h, w) pair of positive ints, got {tuple(value)!r}")
    return int(value[0]), int(value[1])
