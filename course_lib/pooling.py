"""Max pooling with switches, max unpooling (SegNet) and bed-of-nails upsampling.

Notebook 03. ``max_pool2d`` returns the values and the "switches": where each
maximum came from, as PyTorch's flat index ``h * W + w`` into its input plane.
``max_unpool2d`` puts each value back at its switch and zeros everywhere else,
so it restores *where* the maxima were but not the other values: it does not
invert pooling. ``bed_of_nails`` is unpooling without switches: every value
goes to the top-left corner of its block.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_array, as_images, as_pair, check_elements, non_empty_images, restore_rank, result_dtype
from ._shapes import pool_geometry, unpool_geometry

__all__ = ["max_pool2d", "max_unpool2d", "bed_of_nails"]


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Max pooling with indices, as ``torch.nn.functional.max_pool2d(..., return_indices=True)``.

    Parameters
    ----------
    x : (H, W) or (N, C, H, W) array_like
        One single-channel image, or a batch of multi-channel images.
    kernel_size : int or (int, int)
        Window size ``k``.
    stride : int or (int, int), optional
        Window step ``s``; None means ``kernel_size``.
    padding : int or (int, int)
        ``-inf`` added on each side; at most ``kernel_size // 2`` (as torch).

    Returns
    -------
    values : (oH, oW) or (N, C, oH, oW) ndarray
        The maximum of each window, ``o = floor((i + 2p - k) / s) + 1``.
        float32 for float32 input, float64 otherwise.
    indices : (oH, oW) or (N, C, oH, oW) ndarray of int64
        Flat position ``h * W + w`` of each maximum in its (unpadded) input
        plane. Ties go to the first maximum in row-major window order; a NaN
        wins over numbers (the last NaN, as torch's CPU kernel).

    Raises
    ------
    TypeError, ValueError
        Wrong rank or dtype, non-positive kernel_size or stride, negative
        padding, padding above ``kernel_size // 2``, a window larger than the
        padded input.

    Examples
    --------
    >>> values, indices = max_pool2d([[1, 5, 2, 0], [3, 4, 8, 8]], 2)
    >>> values
    array([[5., 8.]])
    >>> indices
    array([[1, 6]])
    """
    images, rank = as_images(x, "x")
    (kh, kw), (sh, sw), (ph, pw), (oh, ow) = pool_geometry(images, kernel_size, stride, padding)
    dtype = result_dtype(images)
    n, c, height, width = images.shape
    padded = np.full((n, c, height + 2 * ph, width + 2 * pw), -np.inf, dtype=dtype)
    padded[:, :, ph : ph + height, pw : pw + width] = images
    flat = np.full((height + 2 * ph, width + 2 * pw), -1, dtype=np.int64)  # -1 marks padding
    flat[ph : ph + height, pw : pw + width] = np.arange(height * width).reshape(height, width)

    def windows(array):  # (..., oh, ow, kh*kw), window taps in row-major order
        view = np.lib.stride_tricks.sliding_window_view(array, (kh, kw), axis=(-2, -1))
        view = view[..., : (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw, :, :]
        return view.reshape(*view.shape[:-2], kh * kw)

    values, where = windows(padded), windows(flat)
    valid = where >= 0
    best = values.max(axis=-1, keepdims=True, initial=-np.inf, where=valid & ~np.isnan(values))
    # first valid tap equal to the maximum (an all -inf window gives its first valid tap, as torch)
    tap = np.argmax(valid & (values == best), axis=-1)
    nan = valid & np.isnan(values)
    last_nan = kh * kw - 1 - np.argmax(nan[..., ::-1], axis=-1)
    tap = np.where(nan.any(axis=-1), last_nan, tap)
    indices = np.take_along_axis(np.broadcast_to(where, values.shape), tap[..., None], axis=-1)[..., 0]
    pooled = np.take_along_axis(values, tap[..., None], axis=-1)[..., 0]
    return restore_rank(np.ascontiguousarray(pooled), rank), restore_rank(np.ascontiguousarray(indices), rank)


def max_unpool2d(x, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of :func:`max_pool2d`, as ``torch.nn.functional.max_unpool2d``.

    Parameters
    ----------
    x : (oH, oW) or (N, C, oH, oW) array_like
        Pooled values.
    indices : array_like of int, same shape as ``x``
        The switches from :func:`max_pool2d`: flat ``h * W + w`` positions in
        the unpooled plane, each in ``0 .. H*W - 1``.
    kernel_size, stride, padding : int or (int, int)
        The pooling's ``k``, ``s`` (None means ``kernel_size``) and ``p``.
    output_size : (int, int) or (N, C, int, int), optional
        The unpooled ``(H, W)`` when the default is ambiguous (pooling floors);
        must lie strictly between ``default - s`` and ``default + s``.

    Returns
    -------
    (H, W) or (N, C, H, W) ndarray
        Zeros, with ``x`` written at ``indices``. ``H = (oH - 1)s - 2p + k``
        unless ``output_size`` is given. If two switches coincide the later one
        (row-major) wins, as torch's CPU kernel. float32 for float32 ``x``,
        float64 otherwise.

    Raises
    ------
    TypeError, ValueError
        Wrong rank or dtype, indices of another shape, non-integer indices or
        indices outside the plane, bad kernel_size/stride/padding, an
        output_size of the wrong length, out of range or not matching ``x``'s
        (N, C).

    Examples
    --------
    The PyTorch ``MaxUnpool2d`` example:

    >>> x = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]
    >>> values, indices = max_pool2d(x, 2)
    >>> max_unpool2d(values, indices, 2).astype(int)
    array([[ 0,  0,  0,  0],
           [ 0,  6,  0,  8],
           [ 0,  0,  0,  0],
           [ 0, 14,  0, 16]])
    """
    images, rank = as_images(x, "x")
    switches = as_array(indices, "indices")
    if not np.issubdtype(switches.dtype, np.integer):
        raise TypeError(f"indices must be an integer array (the switches of max_pool2d), got dtype {switches.dtype}")
    if switches.shape != np.shape(x):
        raise ValueError(f"indices must have the shape of x {np.shape(x)}, got shape {switches.shape}")
    k, s, p, out = unpool_geometry(images, kernel_size, stride, padding)
    n, c = images.shape[:2]
    if output_size is not None:
        if not isinstance(output_size, (tuple, list)) or len(output_size) not in (2, 4):
            raise ValueError(f"output_size must be (H, W) or (N, C, H, W), got {output_size!r}")
        if len(output_size) == 4 and tuple(output_size[:2]) != (n, c):
            raise ValueError(f"output_size {tuple(output_size)!r} does not match x's (N, C) = {(n, c)}")
        requested = as_pair(tuple(output_size[-2:]), "output_size", minimum=1)
        for axis, (size, default, step) in enumerate(zip(requested, out, s)):
            if not default - step < size < default + step:
                raise ValueError(
                    f"output_size {tuple(output_size)!r} is invalid: dim {axis} must be strictly between "
                    f"{default - step} and {default + step}"
                )
        out = requested
    elif min(out) < 1:
        raise ValueError(
            f"kernel_size={kernel_size!r}, stride={stride!r}, padding={padding!r} give an empty "
            f"unpooled size {out} for input size {images.shape[2:]}; pass output_size"
        )
    plane = out[0] * out[1]
    check_elements(n * c * plane, f"the output {(n, c) + tuple(out)}",
                   f"kernel_size={kernel_size!r}, stride={stride!r}, output_size={output_size!r}")
    switches = switches.reshape(images.shape).astype(np.int64)
    if switches.size and (switches.min() < 0 or switches.max() >= plane):
        bad = switches[(switches < 0) | (switches >= plane)][0]
        raise ValueError(f"indices must lie in 0..{plane - 1} for an output of size {out}, got {bad}")
    dtype = result_dtype(images)
    unpooled = np.zeros((n, c, plane), dtype=dtype)
    if n * c == 0:  # an empty batch or no channels: nothing to place (torch refuses C = 0)
        return restore_rank(unpooled.reshape(n, c, *out), rank)
    planes = np.arange(n * c).reshape(n, c, 1)
    # numpy assigns repeated indices in order, so the last switch wins, as torch's CPU loop
    unpooled.reshape(n * c, plane)[planes.ravel()[:, None], switches.reshape(n * c, -1)] = images.reshape(n * c, -1)
    return restore_rank(unpooled.reshape(n, c, *out), rank)


def bed_of_nails(x, stride):
    """Unpooling without switches: each value at the top-left of its stride x stride block.

    Parameters
    ----------
    x : (H, W) or (N, C, H, W) array_like
        Images to upsample.
    stride : int or (int, int)
        Block size ``s``.

    Returns
    -------
    (H*sH, W*sW) or (N, C, H*sH, W*sW) ndarray
        Zeros, with ``out[..., i*sH, j*sW] = x[..., i, j]``. float32 for
        float32 input, float64 otherwise.

    Raises
    ------
    TypeError, ValueError
        Wrong rank or dtype, non-positive stride.

    Examples
    --------
    >>> bed_of_nails([[1, 2], [3, 4]], 2).astype(int)
    array([[1, 0, 2, 0],
           [0, 0, 0, 0],
           [3, 0, 4, 0],
           [0, 0, 0, 0]])
    """
    images, rank = as_images(x, "x")
    non_empty_images(images, "x", np.shape(x))
    sh, sw = as_pair(stride, "stride", minimum=1)
    n, c, height, width = images.shape
    check_elements(n * c * height * sh * width * sw, f"the output {(n, c, height * sh, width * sw)}", f"stride={stride!r}")
    out = np.zeros((n, c, height * sh, width * sw), dtype=result_dtype(images))
    out[:, :, ::sh, ::sw] = images
    return restore_rank(out, rank)
