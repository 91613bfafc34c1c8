"""Interpolation: upsampling with a fixed rule, as ``torch.nn.functional.interpolate``.

Notebook 02. Every mode is separable: each output row and column gets one
(nearest modes) or two (bilinear) source pixels and weights, computed once
per axis, and the image is gathered with index arrays. ``source_coordinates``
and ``interpolation_matrix`` expose the same per-axis computation so a notebook
can draw where each output pixel samples the input.

PyTorch details reproduced on purpose (``recompute_scale_factor=None``):

* With ``size`` the scale is ``in / out``; with ``scale_factor`` the output
  length is ``floor(in * scale_factor)`` and the scale is ``1 / scale_factor``
  (so ``in / out`` and ``1 / scale_factor`` differ when ``in * scale_factor``
  is not an integer).
* The nearest modes compute their source index in float32, whatever the input
  dtype; bilinear computes in the input's precision (float32 or float64).
* "nearest" copies when ``out == in`` and uses ``dst // 2`` when
  ``out == 2 * in``; "bilinear" copies when ``out == in`` (even if a
  ``scale_factor`` such as 1.2 was given).
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ._checks import as_images, as_int, as_pair, restore_rank, result_dtype

__all__ = ["interpolate", "source_coordinates", "interpolation_matrix"]

MODES = ("nearest", "nearest-exact", "bilinear")


def _check_options(mode, align_corners, scale=None):
    """Validate mode, align_corners and an optional per-axis scale; return align_corners as bool."""
    if not isinstance(mode, str):
        raise TypeError(f"mode must be one of {MODES}, got {mode!r}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if align_corners is not None and not isinstance(align_corners, (bool, np.bool_)):
        raise TypeError(f"align_corners must be None, True or False, got {align_corners!r}")
    if mode != "bilinear" and align_corners is not None:
        raise ValueError(
            f"align_corners can only be set with mode='bilinear', got align_corners={align_corners!r} "
            f"with mode={mode!r} (leave it None, as torch requires)"
        )
    if scale is not None and not _is_positive_real(scale):
        raise ValueError(f"scale must be a positive finite number or None, got {scale!r}")
    return bool(align_corners)


def _is_positive_real(value) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, (bool, np.bool_))
        and math.isfinite(value)
        and value > 0
    )


def _scale_factors(scale_factor):
    """scale_factor as a pair of positive floats."""
    message = f"scale_factor must be a positive number or (h, w) pair of positive numbers, got {scale_factor!r}"
    values = scale_factor if isinstance(scale_factor, (tuple, list)) else (scale_factor, scale_factor)
    if len(values) != 2 or not all(
        isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in values
    ):
        raise TypeError(message)
    if not all(_is_positive_real(v) for v in values):
        raise ValueError(message)
    return float(values[0]), float(values[1])


def _nearest_source(in_size, out_size, scale, exact):
    """Unrounded nearest-mode source positions (float64); floor gives torch's index before clamping.

    torch computes these in float32: ``scale = float32(1 / scale_factor)`` or
    ``float32(in) / float32(out)``.
    """
    dst = np.arange(out_size)
    scale32 = np.float32(scale) if scale is not None else np.float32(in_size) / np.float32(out_size)
    if exact:  # (dst + 0.5) in double times the float scale, rounded to float by floorf
        return ((dst + 0.5) * np.float64(scale32)).astype(np.float32).astype(np.float64)
    if out_size == in_size:
        return dst.astype(np.float64)
    if out_size == 2 * in_size:
        return dst / 2.0
    return (dst.astype(np.float32) * scale32).astype(np.float64)


def _linear_source(in_size, out_size, scale, align_corners, dtype):
    """Bilinear source positions in ``dtype`` arithmetic, clamped at 0 (align_corners=False)."""
    cast = dtype.type
    dst = np.arange(out_size, dtype=dtype)
    if out_size == in_size:
        return dst
    if align_corners:
        ratio = cast(in_size - 1) / cast(out_size - 1) if out_size > 1 else cast(0)
        return ratio * dst
    ratio = cast(scale) if scale is not None else cast(in_size) / cast(out_size)
    # torch's compiled kernel rounds ratio*(dst+0.5) - 0.5 once (a fused multiply-add);
    # evaluating it in wider precision and rounding to dtype reproduces its weights.
    wide = np.float64 if dtype == np.float32 else np.longdouble
    source = (wide(ratio) * (np.arange(out_size) + wide(0.5)) - wide(0.5)).astype(dtype)
    return np.maximum(source, cast(0))


def _axis_plan(in_size, out_size, mode, align_corners, scale, dtype):
    """Per-axis gather plan: (index0, index1, weight0, weight1), weights in ``dtype``."""
    if mode in ("nearest", "nearest-exact"):
        source = _nearest_source(in_size, out_size, scale, exact=mode == "nearest-exact")
        index = np.minimum(np.floor(source).astype(np.int64), in_size - 1)
        return index, index, np.ones(out_size, dtype), np.zeros(out_size, dtype)
    elif mode == "bilinear":
        source = _linear_source(in_size, out_size, scale, align_corners, dtype)
        # torch: index = min(floorf(src), in - 1); lambda = clamp(src - index, 0, 1)
        index0 = np.minimum(np.floor(source.astype(np.float32)).astype(np.int64), in_size - 1)
        weight1 = np.clip(source - index0.astype(dtype), 0, 1).astype(dtype)
        index1 = np.where(index0 < in_size - 1, index0 + 1, index0)
        return index0, index1, (dtype.type(1) - weight1).astype(dtype), weight1
    else:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")


def interpolate(x, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Resize images, as ``torch.nn.functional.interpolate`` (``recompute_scale_factor=None``).

    Parameters
    ----------
    x : (H, W) or (N, C, H, W) array_like
        One single-channel image, or a batch of multi-channel images.
    size : int or (int, int), optional
        Output size ``(out_H, out_W)``. Exactly one of ``size`` and ``scale_factor``.
    scale_factor : float or (float, float), optional
        Multiplier for the spatial size; the output is ``floor(in * scale_factor)``.
    mode : {"nearest", "nearest-exact", "bilinear"}
        Source rule per output pixel ``dst`` (``scale = in/out`` with ``size``,
        ``1/scale_factor`` with ``scale_factor``):
        nearest ``min(floor(dst*scale), in-1)``;
        nearest-exact ``min(floor((dst+0.5)*scale), in-1)``;
        bilinear: linear in each axis between ``floor(src)`` and the next pixel.
    align_corners : bool, optional
        Bilinear only (None means False; torch raises if it is set for a nearest mode).
        False: ``src = max((dst+0.5)*scale - 0.5, 0)``; True: ``src = dst*(in-1)/(out-1)``.

    Returns
    -------
    (out_H, out_W) or (N, C, out_H, out_W) ndarray
        ``out = size`` or ``out = floor(in * scale_factor)`` per axis. float32 for
        float32 input, float64 otherwise.

    Raises
    ------
    TypeError, ValueError
        Wrong rank or dtype of ``x``, both or neither of ``size`` and
        ``scale_factor``, a non-positive size or scale factor, an empty
        output, an unknown ``mode``, ``align_corners`` set with a nearest mode.

    Notes
    -----
    The two pixel-coordinate conventions of bilinear, for ``in = 2, out = 4``
    (``x`` marks an input pixel centre, ``o`` an output pixel centre)::

        align_corners=False: pixels are areas; the image edges line up.
        input   |     x=0     |     x=1     |      src = (dst + 0.5) * 2/4 - 0.5
        output  | o0 | o1 | o2 | o3 |             = -0.25 (-> 0), 0.25, 0.75, 1.25
                ^ outer edges coincide ^           (1.25 is past x=1: copies x=1)

        align_corners=True: pixels are points; the corner centres line up.
        input     x=0 ------------------ x=1     src = dst * (2-1)/(4-1)
        output    o0 ----- o1 ----- o2 ----- o3         = 0, 1/3, 2/3, 1

    "nearest" takes the input pixel under each output pixel's top-left corner
    (``floor(dst*scale)``), which shifts the image by half a pixel when
    downsampling; "nearest-exact" takes the one under its centre, like
    ``scipy.ndimage.zoom(..., order=0, grid_mode=True)`` and Pillow.

    Examples
    --------
    >>> interpolate([[1, 2], [3, 4]], scale_factor=2, mode="bilinear")
    array([[1.  , 1.25, 1.75, 2.  ],
           [1.5 , 1.75, 2.25, 2.5 ],
           [2.5 , 2.75, 3.25, 3.5 ],
           [3.  , 3.25, 3.75, 4.  ]])
    >>> interpolate([[1, 2], [3, 4]], size=(2, 3), mode="nearest")
    array([[1., 1., 2.],
           [3., 3., 4.]])
    """
    images, rank = as_images(x, "x")
    align = _check_options(mode, align_corners)
    in_sizes = images.shape[2:]
    if min(in_sizes) < 1:
        raise ValueError(f"x must have non-empty height and width, got shape {np.shape(x)}")
    if (size is None) == (scale_factor is None):
        raise ValueError(
            f"give exactly one of size and scale_factor, got size={size!r}, scale_factor={scale_factor!r}"
        )
    if size is not None:
        out_sizes, scales = as_pair(size, "size", minimum=1), (None, None)
    else:
        factors = _scale_factors(scale_factor)
        out_sizes = tuple(int(math.floor(i * f)) for i, f in zip(in_sizes, factors))
        if min(out_sizes) < 1:
            raise ValueError(
                f"scale_factor={scale_factor!r} gives an empty output: floor({tuple(in_sizes)} * "
                f"scale_factor) = {out_sizes}"
            )
        scales = tuple(1.0 / f for f in factors)
    dtype = result_dtype(images)
    images = images.astype(dtype, copy=False)
    (h0, h1, a0, a1), (w0, w1, b0, b1) = (
        _axis_plan(i, o, mode, align, s, dtype) for i, o, s in zip(in_sizes, out_sizes, scales)
    )
    if mode in ("nearest", "nearest-exact"):
        out = images[:, :, h0[:, None], w0[None, :]]
    else:
        # torch's order: a0 * (b0*x00 + b1*x01) + a1 * (b0*x10 + b1*x11)
        top, bottom = images[:, :, h0, :], images[:, :, h1, :]
        top = top[..., w0] * b0 + top[..., w1] * b1
        bottom = bottom[..., w0] * b0 + bottom[..., w1] * b1
        out = top * a0[:, None] + bottom * a1[:, None]
    return restore_rank(np.ascontiguousarray(out, dtype=dtype), rank)


def source_coordinates(in_size, out_size, mode, align_corners=None, scale=None):
    """Where each output pixel samples the input along one axis (the number before rounding).

    Parameters
    ----------
    in_size, out_size : int
        Input and output lengths.
    mode : {"nearest", "nearest-exact", "bilinear"}
        As in :func:`interpolate`.
    align_corners : bool, optional
        Bilinear only, as in :func:`interpolate`.
    scale : float, optional
        The scale torch uses: None means ``in_size / out_size`` (``interpolate``
        with ``size``); ``interpolate(x, scale_factor=f)`` uses ``scale = 1/f``.

    Returns
    -------
    (out_size,) ndarray of float64
        nearest ``dst*scale``; nearest-exact ``(dst+0.5)*scale``: input pixel
        ``i`` covers ``[i, i+1)`` and the index is ``min(floor(src), in-1)``.
        bilinear: ``max((dst+0.5)*scale - 0.5, 0)`` or ``dst*(in-1)/(out-1)``
        (align_corners=True), with input pixel ``i`` centred at ``i``.
        torch's shortcuts are included (a copy when ``out == in``, ``dst/2``
        for nearest when ``out == 2*in``) and the nearest modes are computed in
        float32 as torch does, so ``floor`` of the result gives torch's index.

    Raises
    ------
    TypeError, ValueError
        Non-positive sizes or scale, unknown mode, align_corners with a nearest mode.

    Examples
    --------
    >>> source_coordinates(2, 4, "bilinear")
    array([0.  , 0.25, 0.75, 1.25])
    >>> source_coordinates(2, 4, "bilinear", align_corners=True) * 3
    array([0., 1., 2., 3.])
    >>> source_coordinates(4, 2, "nearest"), source_coordinates(4, 2, "nearest-exact")
    (array([0., 2.]), array([1., 3.]))
    """
    in_size, out_size = as_int(in_size, "in_size", minimum=1), as_int(out_size, "out_size", minimum=1)
    align = _check_options(mode, align_corners, scale)
    if mode in ("nearest", "nearest-exact"):
        return _nearest_source(in_size, out_size, scale, exact=mode == "nearest-exact")
    elif mode == "bilinear":
        return _linear_source(in_size, out_size, scale, align, np.dtype(np.float64))
    else:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")


def interpolation_matrix(in_size, out_size, mode, align_corners=None, scale=None):
    """The 1-D interpolation as a matrix ``M``: ``interpolate`` of an image is ``M_h @ X @ M_w.T``.

    Parameters
    ----------
    in_size, out_size, mode, align_corners, scale
        As in :func:`source_coordinates`.

    Returns
    -------
    (out_size, in_size) ndarray of float64
        Row ``dst`` holds the weight of each input pixel: one 1 for the nearest
        modes, at most two weights summing to 1 for bilinear.

    Raises
    ------
    TypeError, ValueError
        As :func:`source_coordinates`.

    Examples
    --------
    >>> interpolation_matrix(2, 4, "bilinear") * 4
    array([[4., 0.],
           [3., 1.],
           [1., 3.],
           [0., 4.]])
    """
    in_size, out_size = as_int(in_size, "in_size", minimum=1), as_int(out_size, "out_size", minimum=1)
    align = _check_options(mode, align_corners, scale)
    index0, index1, weight0, weight1 = _axis_plan(in_size, out_size, mode, align, scale, np.dtype(np.float64))
    matrix = np.zeros((out_size, in_size))
    rows = np.arange(out_size)
    np.add.at(matrix, (rows, index0), weight0)
    np.add.at(matrix, (rows, index1), weight1)
    return matrix
