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
* The nearest modes follow torch's two CPU kernels (``UpSampleKernel.cpp``),
  chosen as torch chooses them (``_use_vectorized_kernel_cond_2d``): the
  "vectorized" one when ``out_H + out_W <= 128`` (or the input has more than 3
  channels and is 1x1), the "generic" one otherwise. The vectorized kernel
  computes the index in float32 whatever the input dtype, copies when
  ``out == in`` and uses ``dst // 2`` when ``out == 2 * in`` (even when a
  ``scale_factor`` such as 1.2 gave ``out == in``); the generic one computes
  ``dst * scale`` in the input's precision with no shortcuts, and rounds the
  product to float32 before ``floor``. See :func:`source_coordinates`.
* bilinear computes in the input's precision (float32 or float64) and copies
  when ``out == in`` (even if a ``scale_factor`` such as 1.2 was given).
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ._checks import (MAX_ELEMENTS, as_float_dtype, as_images, as_int, as_pair, check_elements, restore_rank,
                      result_dtype)

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
        is_number = isinstance(scale, numbers.Real) and not isinstance(scale, (bool, np.bool_))
        raise (ValueError if is_number else TypeError)(f"scale must be a positive finite number or None, got {scale!r}")
    return bool(align_corners)


def _check_path(path, dtype, out_size):
    """Validate the helpers' ``path`` and ``dtype``; refuse an output too long to hold."""
    if path not in ("vectorized", "generic"):
        raise ValueError(f"path must be 'vectorized' or 'generic', got {path!r}")
    return path, as_float_dtype(dtype)


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


def _nearest_source(in_size, out_size, scale, exact, path="vectorized", dtype=np.float64):
    """Unrounded nearest-mode source positions (float64); floor gives torch's index before clamping.

    torch 2.13's CPU kernel has two index computations (``UpSampleKernel.cpp``):

    * "vectorized" (``nearest_idx`` / ``nearest_exact_idx``, its channels-last
      kernel): the scale is float32, ``float32(1 / scale_factor)`` or
      ``float32(in) / out``. nearest: a copy when ``out == in``, ``dst >> 1``
      when ``out == 2 * in``, else ``floorf(float32(dst) * scale)``.
      nearest-exact: ``floorf((dst + 0.5) * scale)``, the product in double.
    * "generic" (``HelperInterpNearest`` / ``HelperInterpNearestExact``): the
      scale and the product are in the input's precision (``dtype``: float32
      or float64), with no shortcuts. nearest: ``floorf(dst * scale)``;
      nearest-exact: ``floorf(max(scale*(dst + 0.5) - 0.5, 0) + 0.5)``.
      ``floorf`` takes a float, so a float64 product is first rounded to
      float32 (a product just below an integer can round up to it).
    """
    dst = np.arange(out_size)
    if path == "vectorized":
        scale32 = np.float32(scale) if scale is not None else np.float32(in_size) / np.float32(out_size)
        if exact:  # (dst + 0.5) in double times the float scale, rounded to float by floorf
            return ((dst + 0.5) * np.float64(scale32)).astype(np.float32).astype(np.float64)
        if out_size == in_size:
            return dst.astype(np.float64)
        if out_size == 2 * in_size:
            return dst / 2.0
        return (dst.astype(np.float32) * scale32).astype(np.float64)
    cast = np.dtype(dtype).type
    ratio = cast(scale) if scale is not None else cast(in_size) / cast(out_size)
    if not exact:
        return (ratio * dst.astype(dtype)).astype(np.float32).astype(np.float64)
    # area_pixel_compute_source_index in dtype: scale * (dst + 0.5) - 0.5 rounded once (the
    # compiled kernel fuses the multiply-add), clamped at 0; then + 0.5 in double and floorf.
    wide = np.float64 if np.dtype(dtype) == np.float32 else np.longdouble
    source = (wide(ratio) * (dst + wide(0.5)) - wide(0.5)).astype(dtype)
    source = np.maximum(source, cast(0))
    return (source.astype(np.float64) + 0.5).astype(np.float32).astype(np.float64)


def _nearest_path(channels, in_sizes, out_sizes):
    """Which of torch's two CPU nearest kernels runs (``_use_vectorized_kernel_cond_2d``).

    torch uses its vectorized (channels-last) kernel when the input is
    channels-last contiguous with more than 3 channels, or when
    ``out_H + out_W <= 128``; otherwise the generic one. A C-contiguous
    (N, C, H, W) array is also channels-last contiguous exactly when ``C == 1``
    or ``H == W == 1``.
    """
    channels_last = channels == 1 or in_sizes[0] * in_sizes[1] == 1
    if (channels_last and channels > 3) or out_sizes[0] + out_sizes[1] <= 128:
        return "vectorized"
    return "generic"


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


def _axis_plan(in_size, out_size, mode, align_corners, scale, dtype, path="vectorized"):
    """Per-axis gather plan: (index0, index1, weight0, weight1), weights in ``dtype``."""
    if mode in ("nearest", "nearest-exact"):
        source = _nearest_source(in_size, out_size, scale, mode == "nearest-exact", path, dtype)
        index = np.floor(np.minimum(source, in_size - 1)).astype(np.int64)  # clamp before the cast
        return index, index, np.ones(out_size, dtype), np.zeros(out_size, dtype)
    elif mode == "bilinear":
        source = _linear_source(in_size, out_size, scale, align_corners, dtype)
        # torch: index = min(floorf(src), in - 1); lambda = clamp(src - index, 0, 1)
        index0 = np.floor(np.minimum(source.astype(np.float32), in_size - 1)).astype(np.int64)
        weight1 = np.clip(source - index0.astype(dtype), 0, 1).astype(dtype)
        index1 = np.where(index0 < in_size - 1, index0 + 1, index0)
        if out_size == in_size:  # torch's copy shortcut reads one pixel (no 0 * NaN from a neighbour)
            index1 = index0
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
        output or one of more than 2**27 values, an unknown ``mode``,
        ``align_corners`` set with a nearest mode.

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

    The nearest formulas are exact in real numbers; torch evaluates them in
    floating point, and so does this function, with torch's precision. When
    ``dst * in / out`` is an integer the float result can land just below it:
    for a 48x48 float64 image resized to 148x148, ``37 * 48/148 = 12``, but
    the float32 scale ``0.3243243`` gives ``37 * scale = 11.999999`` and
    index 11. torch uses that float32 arithmetic (and its shortcuts) only when
    ``out_H + out_W <= 128``; for larger outputs it multiplies in the input's
    precision (here float64: ``11.999999999999998``) and rounds to float32
    before ``floor`` (``12.0``), so this 148x148 output reads column 12. A
    ``scale_factor`` that leaves a size unchanged (2 rows times 1.4 = 2) copies
    the rows in the vectorized kernel but reads row ``floor(1/1.4) = 0`` twice
    in the generic one. Both behaviours are reproduced bit for bit.

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
        culprit = f"size={size!r}"
    else:
        factors = _scale_factors(scale_factor)
        culprit = f"scale_factor={scale_factor!r}"
        products = [i * f for i, f in zip(in_sizes, factors)]  # floats: may be huge or inf
        if max(products) > MAX_ELEMENTS:
            raise ValueError(
                f"{culprit} is too large: it gives an output side of {max(products):.3g} pixels, more than "
                f"the {MAX_ELEMENTS:,} values course_lib allows in one array"
            )
        out_sizes = tuple(int(math.floor(v)) for v in products)
        if min(out_sizes) < 1:
            raise ValueError(
                f"scale_factor={scale_factor!r} gives an empty output: floor({tuple(in_sizes)} * "
                f"scale_factor) = {out_sizes}"
            )
        scales = tuple(1.0 / f for f in factors)
    n, c = images.shape[:2]
    # the output, and bilinear's intermediate rows (N, C, out_H, W)
    check_elements(n * c * out_sizes[0] * max(out_sizes[1], in_sizes[1]),
                   f"the output {(n, c) + tuple(out_sizes)}", culprit)
    dtype = result_dtype(images)
    images = images.astype(dtype, copy=False)
    path = _nearest_path(images.shape[1], in_sizes, out_sizes)
    (h0, h1, a0, a1), (w0, w1, b0, b1) = (
        _axis_plan(i, o, mode, align, s, dtype, path) for i, o, s in zip(in_sizes, out_sizes, scales)
    )
    if mode in ("nearest", "nearest-exact"):
        out = images[:, :, h0[:, None], w0[None, :]]
    else:
        # torch's order: a0 * (b0*x00 + b1*x01) + a1 * (b0*x10 + b1*x11)
        top, bottom = images[:, :, h0, :], images[:, :, h1, :]
        with np.errstate(invalid="ignore"):  # inf * 0 = NaN, as in torch: no warning
            top = top[..., w0] * b0 + top[..., w1] * b1
            bottom = bottom[..., w0] * b0 + bottom[..., w1] * b1
            out = top * a0[:, None] + bottom * a1[:, None]
    return restore_rank(np.ascontiguousarray(out, dtype=dtype), rank)


def source_coordinates(in_size, out_size, mode, align_corners=None, scale=None, *, path="vectorized",
                       dtype=np.float64):
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
    path : {"vectorized", "generic"}
        Nearest modes only: which of torch's CPU kernels to follow.
        :func:`interpolate` uses "vectorized" when ``out_H + out_W <= 128``
        (every diagram of the course) and "generic" for larger outputs of
        images with at most 3 channels.
    dtype : {float64, float32}
        The input's precision; the "generic" path computes in it.

    Returns
    -------
    (out_size,) ndarray of float64
        nearest ``dst*scale``; nearest-exact ``(dst+0.5)*scale``: input pixel
        ``i`` covers ``[i, i+1)`` and the index is ``min(floor(src), in-1)``.
        bilinear: ``max((dst+0.5)*scale - 0.5, 0)`` or ``dst*(in-1)/(out-1)``
        (align_corners=True), with input pixel ``i`` centred at ``i``.
        torch's shortcuts are included (a copy when ``out == in``, ``dst/2``
        for nearest when ``out == 2*in``, "vectorized" path) and the nearest
        modes are computed in torch's precision (float32 for "vectorized";
        ``dtype``, then rounded to float32, for "generic"), so ``floor`` of
        the result gives torch's index. For "generic" nearest-exact the value
        is ``max((dst+0.5)*scale - 0.5, 0) + 0.5``.

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
    path, dtype = _check_path(path, dtype, out_size)
    check_elements(out_size, "the coordinates", f"out_size={out_size}")
    if mode in ("nearest", "nearest-exact"):
        return _nearest_source(in_size, out_size, scale, mode == "nearest-exact", path, dtype)
    elif mode == "bilinear":
        return _linear_source(in_size, out_size, scale, align, np.dtype(np.float64))
    else:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")


def interpolation_matrix(in_size, out_size, mode, align_corners=None, scale=None, *, path="vectorized",
                         dtype=np.float64):
    """The 1-D interpolation as a matrix ``M``: ``interpolate`` of an image is ``M_h @ X @ M_w.T``.

    Parameters
    ----------
    in_size, out_size, mode, align_corners, scale, path, dtype
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
    path, dtype = _check_path(path, dtype, out_size)
    check_elements(out_size * in_size, f"the matrix ({out_size}, {in_size})", f"in_size={in_size}, out_size={out_size}")
    index0, index1, weight0, weight1 = _axis_plan(in_size, out_size, mode, align, scale, dtype, path)
    matrix = np.zeros((out_size, in_size))
    rows = np.arange(out_size)
    np.add.at(matrix, (rows, index0), weight0)
    np.add.at(matrix, (rows, index1), weight1)
    return matrix
