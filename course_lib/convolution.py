"""Convolution (cross-correlation, as in PyTorch): many inputs to one output.

Notebook 04. ``conv2d`` is the fast version (the padded input split into its
stride phases, then one matrix product for all kernel shifts; see the comments
in its body); ``conv2d_loop`` is the readable version that slides the kernel
one output position at a time. Tests hold them equal.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_images, as_pair, check_elements, restore_rank, result_dtype
from ._shapes import add_bias, as_bias, as_kernels, conv_params, conv_size, shifted_matmul

__all__ = ["conv2d", "conv2d_loop", "conv_output_size"]


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """Output length of a convolution along one axis (or two, for pairs).

    Parameters
    ----------
    size : int or (int, int)
        Input length ``i`` (or ``(H, W)``).
    kernel_size, stride, padding, dilation : int or (int, int)
        ``k``, ``s``, ``p`` and ``d``, as in :func:`conv2d`.

    Returns
    -------
    int or (int, int)
        ``o = floor((i + 2p - d(k-1) - 1) / s) + 1``; a pair when any argument
        is a pair.

    Raises
    ------
    TypeError, ValueError
        For a non-int or out-of-range argument, or when the dilated kernel
        ``d(k-1) + 1`` is larger than the padded input ``i + 2p``.

    Examples
    --------
    >>> conv_output_size(5, 3)
    3
    >>> conv_output_size(64, 4, stride=2, padding=1)
    32
    >>> conv_output_size(32, (3, 5))  # one pair argument: a pair, the int used on both axes
    (30, 28)
    """
    pair_in = any(isinstance(v, (tuple, list)) for v in (size, kernel_size, stride, padding, dilation))
    sizes = as_pair(size, "size", minimum=1)
    params = conv_params(kernel_size, stride, padding, dilation)
    result = tuple(conv_size(i, *axis) for i, axis in zip(sizes, params))
    return result if pair_in else result[0]


def _prepare(x, weight, bias, stride, padding, dilation):
    """Validate conv2d arguments; return 4-D x, weight, bias and the geometry."""
    images, rank = as_images(x, "x")
    weight, kernels = as_kernels(weight, images, rank, "conv2d")
    if 0 in kernels.shape[2:] or 0 in images.shape[2:] or kernels.shape[0] == 0:
        raise ValueError(f"x and weight must not be empty, got shapes {images.shape} and {weight.shape}")
    s = as_pair(stride, "stride", minimum=1)
    p = as_pair(padding, "padding", minimum=0)
    d = as_pair(dilation, "dilation", minimum=1)
    out = tuple(
        conv_size(i, k, *axis)
        for i, k, axis in zip(images.shape[2:], kernels.shape[2:], zip(s, p, d))
    )
    check_elements(images.shape[0] * kernels.shape[0] * out[0] * out[1], f"the output {(images.shape[0], kernels.shape[0]) + out}",
                   f"x {images.shape} with padding={padding!r}")
    # the zero-padded input conv2d_loop builds
    check_elements(images.shape[0] * images.shape[1] * (images.shape[2] + 2 * p[0]) * (images.shape[3] + 2 * p[1]),
                   "the padded input", f"padding={padding!r}")
    bias_vector = as_bias(bias, kernels.shape[0])
    dtype = result_dtype(images, kernels)
    return images.astype(dtype, copy=False), kernels.astype(dtype, copy=False), bias_vector, s, p, d, out, rank


def _pad(images, padding):
    ph, pw = padding
    if ph == pw == 0:
        return images
    return np.pad(images, ((0, 0), (0, 0), (ph, ph), (pw, pw)))


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """2-D convolution (cross-correlation, no kernel flip), as ``torch.nn.functional.conv2d``.

    Parameters
    ----------
    x : (H, W) or (N, C_in, H, W) array_like
        One single-channel image, or a batch of multi-channel images.
    weight : (kH, kW) or (C_out, C_in, kH, kW) array_like
        Kernel(s); 2-D exactly when ``x`` is 2-D.
    bias : (C_out,) array_like or scalar, optional
        Added to every output position of each output channel.
    stride, padding, dilation : int or (int, int)
        Step of the kernel, zeros added on each side, spacing of kernel taps.

    Returns
    -------
    (oH, oW) or (N, C_out, oH, oW) ndarray
        ``o = floor((i + 2p - d(k-1) - 1) / s) + 1`` per axis. float32 if both
        ``x`` and ``weight`` are float32, else float64.

    Raises
    ------
    TypeError, ValueError
        Wrong rank or dtype, channel mismatch, bad stride/padding/dilation, a
        (dilated) kernel larger than the padded input, or an output (or
        intermediate array) of more than 2**27 values.

    Notes
    -----
    A NaN or inf in ``x`` reaches exactly the outputs whose window reads it (as
    :func:`conv2d_loop` and PyTorch): one NaN pixel shows which outputs an
    input pixel reaches. With no input channels (``C_in = 0``) every window sum
    is empty: the result is the bias (or zeros), as in :func:`conv2d_loop`
    (PyTorch 2.13 returns a malformed empty tensor there). The cost follows
    the output: a stride longer than the kernel skips the unread pixels.

    Examples
    --------
    The slides' edge detector on a 3x3 input:

    >>> conv2d([[0, 1, 0], [0, 0, 1], [1, 1, 0]], [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    array([[3.]])
    """
    images, kernels, bias, s, p, d, (oh, ow), rank = _prepare(x, weight, bias, stride, padding, dilation)
    with np.errstate(invalid="ignore"):  # inf * 0 in the products: handled below
        out = _conv2d_fast(images, kernels, s, p, d, (oh, ow))
    # The products also multiply zero weights (kernel cells between phases) with pixels
    # no tap reads, and 0 * NaN = NaN. A non-finite input that a window reads makes that
    # output non-finite anyway, so an all-finite output needs no look at the input.
    if not np.isfinite(out).all():
        finite = np.isfinite(images)
        if not finite.all():  # recompute with those pixels at 0, then fix the outputs they reach
            out = _conv2d_fast(np.where(finite, images, 0), kernels, s, p, d, (oh, ow))
            _fix_non_finite(out, images, kernels, ~finite.all(axis=1), s, p, d)
    return restore_rank(add_bias(out, bias), rank)


def _conv2d_fast(images, kernels, s, p, d, out_size):
    """conv2d of 4-D arrays by space-to-depth and one GEMM (finite inputs: see conv2d)."""
    n, c_in, h, w = images.shape
    c_out, _, kh, kw = kernels.shape
    oh, ow = out_size
    if images.size == 0:  # no images, or no input channels: every window sum is empty (0)
        return np.zeros((n, c_out, oh, ow), dtype=images.dtype)
    spans = [dd * (kk - 1) + 1 for kk, dd in zip((kh, kw), d)]
    if s[0] > spans[0] or s[1] > spans[1]:
        # A stride longer than the dilated kernel skips rows/columns no window reads.
        # Keep only the read ones (oH * span_h rows), so memory and time follow the
        # output instead of growing with stride**2: then the stride equals the span.
        images, s, p = _read_rows_only(images, s, p, spans, (oh, ow))
        n, c_in, h, w = images.shape
    # Tap r reads padded row i*s + r*d = (i + m)*s + a, with phase a = (r*d) % s and
    # shift m = (r*d) // s. Splitting the padded input into its s*s phases
    # (space-to-depth) turns the strided convolution into a sum of matrix products
    # over contiguous shifted slices, done as one GEMM (shifted_matmul: no im2col of the kernel taps).
    shifts = [(kk - 1) * dd // ss + 1 for kk, ss, dd in zip((kh, kw), s, d)]
    rows, cols = (-(-(i + 2 * pp) // ss) for i, pp, ss in zip((h, w), p, s))
    check_elements(c_in * s[0] * s[1] * n * rows * cols, "the phase-split input", "x with stride and padding")
    check_elements(shifts[0] * shifts[1] * c_out * n * rows * cols, "the shifted products", "x, weight and dilation")
    phases = _space_to_depth(images, s, p, rows, cols).reshape(c_in * s[0] * s[1], -1)
    # Weights regrouped by shift: (shift_h, shift_w, C_out, C_in * s * s).
    grouped = np.zeros((shifts[0], shifts[1], c_out, c_in, s[0], s[1]), dtype=images.dtype)
    for r in range(kh):
        for c in range(kw):
            (m, a), (m2, b) = divmod(r * d[0], s[0]), divmod(c * d[1], s[1])
            grouped[m, m2, :, :, a, b] = kernels[:, :, r, c]
    out = shifted_matmul(grouped.reshape(shifts[0], shifts[1], c_out, -1), phases, cols)
    out = out.reshape(c_out, n, rows, cols)[:, :, :oh, :ow]
    return np.ascontiguousarray(out.transpose(1, 0, 2, 3))


def _read_rows_only(images, s, p, spans, out_size):
    """Drop the rows/columns no window reads, on each axis whose stride exceeds the span.

    On such an axis the windows read padded positions ``i*s + t``, ``t < span``:
    these are gathered (zeros for padding) into a new unpadded axis whose windows
    sit ``span`` apart. Returns the new images, strides and paddings.
    """
    index, strides, paddings = [], [], []
    for ss, pp, span, o, size in zip(s, p, spans, out_size, images.shape[2:]):
        if ss > span:
            positions = (np.arange(o)[:, None] * ss + np.arange(span)[None, :]).ravel() - pp
            strides.append(span)
            paddings.append(0)
        else:
            positions = np.arange(size)
            strides.append(ss)
            paddings.append(pp)
        index.append((np.clip(positions, 0, size - 1), (positions >= 0) & (positions < size)))
    (rows, row_ok), (cols, col_ok) = index
    gathered = images[:, :, rows[:, None], cols[None, :]]
    if not (row_ok.all() and col_ok.all()):
        gathered = np.where(row_ok[:, None] & col_ok[None, :], gathered, 0).astype(images.dtype, copy=False)
    return gathered, tuple(strides), tuple(paddings)


def _fix_non_finite(out, images, kernels, bad, s, p, d):
    """Recompute, window by window, the outputs whose window reads a non-finite pixel.

    ``bad`` is (N, H, W): a non-finite value in some channel. Output ``(i, j)``
    reads padded pixels ``(i*s + r*d, j*s + c*d)``; those outputs are set to the
    window sum, as :func:`conv2d_loop` computes it (NaN or inf wherever it reaches).
    """
    kh, kw = kernels.shape[2:]
    oh, ow = out.shape[2:]
    reached = np.zeros((out.shape[0], oh, ow), dtype=bool)
    bn, bh, bw = np.nonzero(bad)
    for r in range(kh):  # output i reads image row i*s - p + r*d
        for c in range(kw):
            i, ri = np.divmod(bh + p[0] - r * d[0], s[0])
            j, rj = np.divmod(bw + p[1] - c * d[1], s[1])
            ok = (ri == 0) & (rj == 0) & (i >= 0) & (i < oh) & (j >= 0) & (j < ow)
            reached[bn[ok], i[ok], j[ok]] = True
    on, oi, oj = np.nonzero(reached)
    h, w = images.shape[2:]
    for start in range(0, len(on), 4096):  # windows in chunks: bounded memory
        n_, i_, j_ = on[start : start + 4096], oi[start : start + 4096], oj[start : start + 4096]
        rows = i_[:, None] * s[0] - p[0] + np.arange(kh)[None, :] * d[0]  # (M, kh)
        cols = j_[:, None] * s[1] - p[1] + np.arange(kw)[None, :] * d[1]  # (M, kw)
        inside = ((rows >= 0) & (rows < h))[:, :, None] & ((cols >= 0) & (cols < w))[:, None, :]
        windows = images[n_[:, None, None], :, np.clip(rows, 0, h - 1)[:, :, None], np.clip(cols, 0, w - 1)[:, None, :]]
        windows = np.where(inside[..., None], windows, 0)  # (M, kh, kw, C_in); padding reads 0
        out[n_, :, i_, j_] = np.tensordot(windows, kernels, axes=([1, 2, 3], [2, 3, 1]))


def _space_to_depth(images, stride, padding, rows, cols):
    """The zero-padded images split into their stride phases, shape (C, s_h, s_w, N, rows, cols).

    ``out[c, a, b, n, q, u]`` is padded pixel ``(q*s_h + a, u*s_w + b)`` of
    image ``n``, channel ``c`` (zero outside the image). One strided copy per
    phase; the padding is never materialised.
    """
    n, c_in, h, w = images.shape
    out = np.zeros((c_in, stride[0], stride[1], n, rows, cols), dtype=images.dtype)
    channels_first = images.transpose(1, 0, 2, 3)
    spans = []
    for size, s, p, count in zip((h, w), stride, padding, (rows, cols)):
        # Phase a holds padded rows q*s + a, i.e. image rows q*s + a - p within [0, size).
        spans.append([(a, max(0, -(-(p - a) // s)), min(count, -(-(size + p - a) // s))) for a in range(s)])
    for a, q0, q1 in spans[0]:
        for b, u0, u1 in spans[1]:
            if q1 > q0 and u1 > u0:
                top, left = q0 * stride[0] + a - padding[0], u0 * stride[1] + b - padding[1]
                out[:, a, b, :, q0:q1, u0:u1] = channels_first[
                    :, :, top : top + (q1 - q0 - 1) * stride[0] + 1 : stride[0],
                    left : left + (u1 - u0 - 1) * stride[1] + 1 : stride[1]]
    return out


def conv2d_loop(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """Readable :func:`conv2d`: visit each output position, sum kernel * window.

    Many-to-one: every output value is the weighted sum of one window of the
    (padded) input. Same arguments, result and errors as :func:`conv2d`.

    Examples
    --------
    >>> conv2d_loop([[1, 2], [3, 4]], [[1, 0], [0, 1]])
    array([[5.]])
    """
    images, kernels, bias, s, p, d, (oh, ow), rank = _prepare(x, weight, bias, stride, padding, dilation)
    kh, kw = kernels.shape[2:]
    padded = _pad(images, p)
    out = np.zeros((images.shape[0], kernels.shape[0], oh, ow), dtype=images.dtype)
    for i in range(oh):
        for j in range(ow):
            top, left = i * s[0], j * s[1]
            window = padded[:, :, top : top + d[0] * (kh - 1) + 1 : d[0], left : left + d[1] * (kw - 1) + 1 : d[1]]
            # (N, C_in, kH, kW) against (C_out, C_in, kH, kW): sum over C_in, kH, kW.
            out[:, :, i, j] = np.tensordot(window, kernels, axes=([1, 2, 3], [1, 2, 3]))
    return restore_rank(add_bias(out, bias), rank)

