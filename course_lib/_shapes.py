"""Output-size formulas and matrix-product helpers shared by the compute modules.

Package-public internals: the compute modules import these by their public
names (no private name crosses a module). One helper per formula:
:func:`conv_size` (convolution, notebook 04), :func:`transposed_size`
(transposed convolution, 05 and 06), :func:`pool_geometry` (pooling and
unpooling, 03). Not part of the course's API (``course_lib.__all__``).
"""
from __future__ import annotations

import numpy as np

from ._checks import as_array, as_pair

__all__ = ["conv_params", "conv_size", "transposed_params", "transposed_size", "pool_geometry", "unpool_geometry",
           "as_kernels", "as_bias", "add_bias", "shifted_matmul"]

#: PyTorch's weight layouts, by operator.
LAYOUTS = {"conv2d": "(C_out, C_in, kH, kW)", "conv_transpose2d": "(C_in, C_out, kH, kW)"}


def conv_params(kernel_size, stride, padding, dilation):
    """Per-axis (k, s, p, d) tuples from int-or-pair arguments."""
    k = as_pair(kernel_size, "kernel_size", minimum=1)
    s = as_pair(stride, "stride", minimum=1)
    p = as_pair(padding, "padding", minimum=0)
    d = as_pair(dilation, "dilation", minimum=1)
    return tuple(zip(k, s, p, d))


def conv_size(i, k, s, p, d):
    """Convolution output length ``floor((i + 2p - d(k-1) - 1) / s) + 1``; ValueError if the kernel does not fit."""
    span = d * (k - 1) + 1
    if span > i + 2 * p:
        raise ValueError(
            f"kernel_size {k} (dilated span {span}) is larger than the padded input "
            f"size {i} + 2*{p} = {i + 2 * p}"
        )
    return (i + 2 * p - span) // s + 1


def transposed_params(stride, padding, output_padding, dilation):
    """Per-axis (s, p, output_padding, d) tuples of a transposed convolution, validated."""
    s = as_pair(stride, "stride", minimum=1)
    p = as_pair(padding, "padding", minimum=0)
    op = as_pair(output_padding, "output_padding", minimum=0)
    d = as_pair(dilation, "dilation", minimum=1)
    for axis in range(2):
        if op[axis] >= max(s[axis], d[axis]):
            raise ValueError(
                f"output_padding must be smaller than stride or dilation, got output_padding="
                f"{output_padding!r} with stride={stride!r}, dilation={dilation!r}"
            )
    return tuple(zip(s, p, op, d))


def transposed_size(i, k, s, p, op, d):
    """Transposed-convolution output length ``(i-1)s - 2p + d(k-1) + op + 1``; ValueError if < 1."""
    size = (i - 1) * s - 2 * p + d * (k - 1) + op + 1
    if size < 1:
        raise ValueError(
            f"padding {p} leaves no output: (i-1)s - 2p + d(k-1) + output_padding + 1 = "
            f"({i}-1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1 = {size}"
        )
    return size


def _window_pairs(images, kernel_size, stride, padding):
    k = as_pair(kernel_size, "kernel_size", minimum=1)
    s = k if stride is None else as_pair(stride, "stride", minimum=1)
    p = as_pair(padding, "padding", minimum=0)
    sizes = images.shape[2:]
    if min(sizes) < 1:
        raise ValueError(f"x must have non-empty height and width, got shape {images.shape[2:]}")
    return k, s, p, sizes


def pool_geometry(images, kernel_size, stride, padding):
    """Validated (k, s, p) pairs of a max pooling and its output (H, W).

    ``o = floor((i + 2p - k) / s) + 1`` and, as torch requires, ``p <= k // 2``.
    """
    k, s, p, sizes = _window_pairs(images, kernel_size, stride, padding)
    if any(pad > kernel // 2 for pad, kernel in zip(p, k)):
        raise ValueError(f"padding must be at most half of kernel_size {k}, got padding={padding!r}")
    too_big = [(i, kk, pp) for i, kk, pp in zip(sizes, k, p) if kk > i + 2 * pp]
    if too_big:
        i, kk, pp = too_big[0]
        raise ValueError(
            f"kernel_size {kernel_size!r} is larger than the padded input size {i} + 2*{pp} = {i + 2 * pp}"
        )
    return k, s, p, tuple((i + 2 * pp - kk) // ss + 1 for i, kk, ss, pp in zip(sizes, k, s, p))


def unpool_geometry(images, kernel_size, stride, padding):
    """Validated (k, s, p) pairs of a max unpooling and its default output (H, W): ``o = (i - 1)s - 2p + k``."""
    k, s, p, sizes = _window_pairs(images, kernel_size, stride, padding)
    return k, s, p, tuple((i - 1) * ss - 2 * pp + kk for i, kk, ss, pp in zip(sizes, k, s, p))


def as_kernels(weight, images, rank, operator):
    """``(weight, kernels)``: ``weight`` as an array and as 4-D kernels in ``operator``'s layout, checked against x.

    ``rank`` is x's rank (2: one image and a (kH, kW) kernel; 4: a batch and a 4-D
    weight in :data:`LAYOUTS` ``[operator]``); ``images`` is x as 4-D. Raises
    ``ValueError`` naming the layout when the rank or the input channels do not match.

    Examples
    --------
    >>> _, kernels = as_kernels(np.ones((2, 3)), np.ones((1, 1, 4, 4)), 2, "conv2d")
    >>> kernels.shape
    (1, 1, 2, 3)
    """
    layout = LAYOUTS[operator]
    weight = as_array(weight, "weight")
    if weight.ndim != rank:
        shape = "(kH, kW)" if rank == 2 else layout
        raise ValueError(f"weight must be {rank}-D {shape} for a {rank}-D x, got shape {weight.shape}")
    kernels = weight[None, None] if rank == 2 else weight
    channels = kernels.shape[1 if operator == "conv2d" else 0]
    if channels != images.shape[1]:
        raise ValueError(f"weight has C_in={channels} (shape {weight.shape}; {operator} layout is {layout}) "
                         f"but x has {images.shape[1]} channels (shape {images.shape})")
    return weight, kernels


def as_bias(bias, channels):
    """Bias as a (channels,) vector (its dtype kept; the caller casts), or None; a scalar is one channel."""
    if bias is None:
        return None
    vector = as_array(bias, "bias")
    if vector.ndim == 0:
        vector = vector.reshape(1)
    if vector.shape != (channels,):
        raise ValueError(f"bias must have shape ({channels},) (one value per output channel), got {vector.shape}")
    return vector


def add_bias(out, bias):
    """Add a (C,) bias (or None) to each channel of a (N, C, H, W) array, in place; returns it."""
    if bias is not None:
        out += bias.astype(out.dtype)[None, :, None, None]
    return out


def shifted_matmul(grouped, flat, row_length):
    """Sum over shifts (t, u) of ``grouped[t, u] @ flat[:, t*row_length + u :]``.

    ``flat`` holds images flattened row by row (rows of ``row_length``), so a
    2-D shift is a 1-D offset. Positions near the right and bottom edges mix
    neighbouring rows or images; callers crop them away. Returns an array of
    ``flat``'s length (the unreachable tail is zero).

    One matrix product either way, whichever moves less memory: with fewer
    input rows than output rows (few channels), the shifted slices of ``flat``
    are stacked as rows (an im2col of the shifts only) and multiplied once;
    otherwise all shifts' weights are stacked as rows (a taller GEMM) and the
    shifted products are added afterwards.
    """
    shifts_h, shifts_w, rows, depth = grouped.shape
    total = flat.shape[1]
    length = total - (shifts_h - 1) * row_length - (shifts_w - 1)
    out = np.empty((rows, total), dtype=flat.dtype)
    out[:, length:] = 0
    if shifts_h * shifts_w == 1:
        np.matmul(grouped[0, 0], flat[:, :length], out=out[:, :length])
    elif depth < rows:
        stacked = np.empty((shifts_h, shifts_w, depth, length), dtype=flat.dtype)
        for t in range(shifts_h):
            for u in range(shifts_w):
                offset = t * row_length + u
                stacked[t, u] = flat[:, offset : offset + length]
        weights = grouped.transpose(2, 0, 1, 3).reshape(rows, -1)
        np.matmul(weights, stacked.reshape(-1, length), out=out[:, :length])
    else:
        products = (grouped.reshape(shifts_h * shifts_w * rows, -1) @ flat).reshape(shifts_h, shifts_w, rows, total)
        offsets = [(t, u, t * row_length + u) for t in range(shifts_h) for u in range(shifts_w)]
        (t, u, a), (t2, u2, b) = offsets[:2]
        np.add(products[t, u, :, a : a + length], products[t2, u2, :, b : b + length], out=out[:, :length])
        for t, u, offset in offsets[2:]:
            out[:, :length] += products[t, u, :, offset : offset + length]
    return out
