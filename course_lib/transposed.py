"""Transposed convolution: one input to many outputs.

Notebook 05. Every input value scales a copy of the kernel; the copies are
placed ``stride`` apart and summed where they overlap (the slides' picture).
``conv_transpose2d_loop`` does exactly that, one input position at a time;
``conv_transpose2d`` computes the same sums phase by phase with matrix
products (see the comments in its body).
"""
from __future__ import annotations

import numpy as np

from ._checks import as_images, as_pair, check_elements, restore_rank, result_dtype
from ._shapes import add_bias, as_bias, as_kernels, shifted_matmul, transposed_params, transposed_size

__all__ = ["conv_transpose2d", "conv_transpose2d_loop", "conv_transpose_output_size"]


def conv_transpose_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """Output length of a transposed convolution along one axis (or two, for pairs).

    Parameters
    ----------
    size : int or (int, int)
        Input length ``i`` (or ``(H, W)``).
    kernel_size, stride, padding, output_padding, dilation : int or (int, int)
        ``k``, ``s``, ``p``, ``output_padding`` and ``d``, as in :func:`conv_transpose2d`.

    Returns
    -------
    int or (int, int)
        ``o = (i - 1)s - 2p + d(k-1) + output_padding + 1``; a pair when any
        argument is a pair.

    Raises
    ------
    TypeError, ValueError
        For a non-int or out-of-range argument, ``output_padding`` not smaller
        than ``stride`` or ``dilation``, or a padding that leaves no output.

    Examples
    --------
    >>> conv_transpose_output_size(2, 2)
    3
    >>> conv_transpose_output_size(32, 4, stride=2, padding=1)
    64
    >>> conv_transpose_output_size(32, (3, 4), stride=2)  # a pair argument gives a pair
    (65, 66)
    """
    pair_in = any(isinstance(v, (tuple, list))
                  for v in (size, kernel_size, stride, padding, output_padding, dilation))
    sizes = as_pair(size, "size", minimum=1)
    k = as_pair(kernel_size, "kernel_size", minimum=1)
    result = tuple(
        transposed_size(i, kk, *axis)
        for i, kk, axis in zip(sizes, k, transposed_params(stride, padding, output_padding, dilation))
    )
    return result if pair_in else result[0]


def _prepare(x, weight, bias, stride, padding, output_padding, dilation):
    images, rank = as_images(x, "x")
    weight, kernels = as_kernels(weight, images, rank, "conv_transpose2d")
    if 0 in kernels.shape[1:] or 0 in images.shape[2:]:  # no input channels is allowed (zeros)
        raise ValueError(f"x and weight must not be empty, got shapes {images.shape} and {weight.shape}")
    geometry = transposed_params(stride, padding, output_padding, dilation)
    out = tuple(transposed_size(i, k, *axis) for i, k, axis in zip(images.shape[2:], kernels.shape[2:], geometry))
    s, p, op, d = zip(*geometry)
    check_elements(
        images.shape[0] * kernels.shape[1] * int(np.prod(_full_shape(images, kernels, s, op, d), dtype=object)),
        "the output before cropping", f"stride={stride!r}, dilation={dilation!r} with x {images.shape} and "
        f"weight {weight.shape}")
    bias_vector = as_bias(bias, kernels.shape[1])
    dtype = result_dtype(images, kernels)
    s, p, op, d = zip(*geometry)
    return images.astype(dtype, copy=False), kernels.astype(dtype, copy=False), bias_vector, s, p, op, d, out, rank


def _full_shape(images, kernels, s, op, d):
    """Size of the uncropped sum of kernel copies, plus output_padding rows/columns."""
    return tuple((i - 1) * s[a] + d[a] * (k - 1) + 1 + op[a] for a, (i, k) in enumerate(zip(images.shape[2:], kernels.shape[2:])))


def _crop(full, p, out):
    return full[..., p[0] : p[0] + out[0], p[1] : p[1] + out[1]]


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    """2-D transposed convolution, as ``torch.nn.functional.conv_transpose2d``.

    Each input value multiplies a copy of the kernel; copies sit ``stride``
    apart in the output and are summed where they overlap; ``padding`` then
    crops ``p`` rows/columns from each border.

    Parameters
    ----------
    x : (H, W) or (N, C_in, H, W) array_like
        One single-channel image, or a batch of multi-channel images.
    weight : (kH, kW) or (C_in, C_out, kH, kW) array_like
        Kernel(s) in PyTorch's transposed layout; 2-D exactly when ``x`` is 2-D.
    bias : (C_out,) array_like or scalar, optional
    stride, padding, output_padding, dilation : int or (int, int)
        ``output_padding`` (smaller than ``stride`` or ``dilation``) only
        chooses among the ``s`` input sizes that a strided convolution maps to
        the same output size; it adds rows/columns at the bottom/right.

    Returns
    -------
    (oH, oW) or (N, C_out, oH, oW) ndarray
        ``o = (i - 1)s - 2p + d(k-1) + output_padding + 1`` per axis.

    Raises
    ------
    TypeError, ValueError
        Wrong rank or dtype, channel mismatch, bad stride/padding/dilation,
        ``output_padding`` too large, a padding that leaves no output, or an
        output (before cropping) of more than 2**27 values.

    Notes
    -----
    A NaN or inf in ``x`` reaches exactly the outputs its kernel copy covers,
    and one in ``weight`` exactly the outputs that tap reaches from some input
    value (as :func:`conv_transpose2d_loop` and PyTorch). With no input channels the
    result is the bias (or zeros).

    Examples
    --------
    The slides' example (and d2l's):

    >>> conv_transpose2d([[0, 1], [2, 3]], [[0, 1], [2, 3]])
    array([[ 0.,  0.,  1.],
           [ 0.,  4.,  6.],
           [ 4., 12.,  9.]])
    """
    images, kernels, bias, s, p, op, d, out, rank = _prepare(x, weight, bias, stride, padding, output_padding, dilation)
    finite, finite_taps = np.isfinite(images), np.isfinite(kernels)
    if finite.all() and finite_taps.all():
        full = _full_sum(images, kernels, s, op, d)
    else:
        # The phase products also multiply zero weights (kernel cells of other phases)
        # with pixels, and pixels of the zero padding with every tap of a phase, and
        # 0 * NaN = NaN: compute with the non-finite pixels and taps set to 0, then
        # recompute the outputs they reach, copy by copy.
        full = _full_sum(np.where(finite, images, 0), np.where(finite_taps, kernels, 0), s, op, d)
        _fix_non_finite(full, images, kernels, ~finite.all(axis=1), ~finite_taps.all(axis=(0, 1)), s, d)
    result = np.ascontiguousarray(_crop(full, p, out))
    return restore_rank(add_bias(result, bias), rank)


def _full_sum(images, kernels, s, op, d):
    """The uncropped sum of kernel copies (plus output_padding), shape (N, C_out) + _full_shape."""
    full_shape = _full_shape(images, kernels, s, op, d)
    spans = [dd * (kk - 1) + 1 for kk, dd in zip(kernels.shape[2:], d)]
    if s[0] <= spans[0] and s[1] <= spans[1]:
        return _phase_sum(images, kernels, s, op, d, full_shape)
    # A stride longer than the dilated kernel leaves gaps no copy touches. Compute the
    # copies side by side (stride = span) and move each block to its place, so the
    # cost follows the output instead of stride**2 (a 1x1 input with stride 10**5).
    inner_s = tuple(min(ss, span) for ss, span in zip(s, spans))
    inner = _phase_sum(images, kernels, inner_s, (0, 0), d,
                       _full_shape(images, kernels, inner_s, (0, 0), d))
    full = np.zeros(images.shape[:1] + kernels.shape[1:2] + full_shape, dtype=images.dtype)
    places = [
        (np.arange(size)[:, None] * ss + np.arange(span)[None, :]).ravel() if ss > span else np.arange(inner_size)
        for size, ss, span, inner_size in zip(images.shape[2:], s, spans, inner.shape[2:])
    ]
    full[:, :, places[0][:, None], places[1][None, :]] = inner
    return full


def _phase_sum(images, kernels, s, op, d, full_shape):
    """_full_sum for strides at most the dilated kernel span (finite inputs: see conv_transpose2d)."""
    n, c_in, h, w = images.shape
    _, c_out, kh, kw = kernels.shape
    if images.size == 0:  # no images, or no input channels: nothing is pasted
        return np.zeros((n, c_out) + tuple(full_shape), dtype=images.dtype)
    # Output row f = i*s + r*d receives x[i] * w[r]. Write f = q*s + a (phase a) and
    # r*d = m*s + a: phase a of the output is a stride-1 correlation of x with the
    # taps of that phase, x[q - m] * w[r]. All s*s phases come out of one sum of
    # matrix products over shifted slices of the zero-padded input; interleaving
    # the phases is a reshape. No scatter-add, no im2col of the kernel taps.
    extra = [(kk - 1) * dd // ss for kk, ss, dd in zip((kh, kw), s, d)]  # largest shift m
    rows, cols = (-(-size // ss) for size, ss in zip(full_shape, s))  # q per phase
    height, width = rows + extra[0], cols + extra[1]
    check_elements(c_out * s[0] * s[1] * n * height * width * (extra[0] + 1) * (extra[1] + 1),
                   "the shifted phase products", "x, weight, stride and dilation")
    padded = np.zeros((c_in, n, height, width), dtype=images.dtype)
    padded[:, :, extra[0] : extra[0] + h, extra[1] : extra[1] + w] = images.transpose(1, 0, 2, 3)
    # Shift t = extra - m reads padded[q + t]; weights (t_h, t_w, C_out * s * s, C_in).
    grouped = np.zeros((extra[0] + 1, extra[1] + 1, c_out, s[0], s[1], c_in), dtype=images.dtype)
    for r in range(kh):
        for c in range(kw):
            (m, a), (m2, b) = divmod(r * d[0], s[0]), divmod(c * d[1], s[1])
            grouped[extra[0] - m, extra[1] - m2, :, a, b, :] = kernels[:, :, r, c].T
    grouped = grouped.reshape(extra[0] + 1, extra[1] + 1, c_out * s[0] * s[1], c_in)
    phases = shifted_matmul(grouped, padded.reshape(c_in, -1), width)
    phases = phases.reshape(c_out, s[0], s[1], n, height, width)[..., :rows, :cols]
    interleaved = phases.transpose(3, 0, 4, 1, 5, 2).reshape(n, c_out, rows * s[0], cols * s[1])
    return interleaved[:, :, : full_shape[0], : full_shape[1]]


def _fix_non_finite(full, images, kernels, bad, bad_taps, s, d):
    """Recompute the uncropped outputs that a non-finite input value or kernel tap reaches.

    ``bad`` is (N, H, W): a non-finite value in some channel; ``bad_taps`` is
    (kH, kW): a non-finite weight for some channel pair. Input ``(i, j)`` sends
    ``x[i, j] * w[r, c]`` to ``(i*s + r*d, j*s + c*d)``; each touched output is
    set to the sum of the copies reaching it, as :func:`conv_transpose2d_loop`
    adds them (NaN or inf wherever one reaches; ``0 * inf`` is NaN there too).
    """
    kh, kw = kernels.shape[2:]
    h, w = images.shape[2:]
    touched = np.zeros((full.shape[0],) + full.shape[2:], dtype=bool)
    bn, bh, bw = np.nonzero(bad)
    for r in range(kh):
        for c in range(kw):
            touched[bn, bh * s[0] + r * d[0], bw * s[1] + c * d[1]] = True
            if bad_taps[r, c]:   # every input position sends this tap somewhere
                touched[:, (np.arange(h) * s[0] + r * d[0])[:, None], (np.arange(w) * s[1] + c * d[1])[None, :]] = True
    on, fi, fj = np.nonzero(touched)
    for start in range(0, len(on), 4096):  # bounded memory
        n_, i_, j_ = on[start : start + 4096], fi[start : start + 4096], fj[start : start + 4096]
        total = np.zeros((len(n_), kernels.shape[1]), dtype=full.dtype)
        for r in range(kh):
            for c in range(kw):
                i, ri = np.divmod(i_ - r * d[0], s[0])
                j, rj = np.divmod(j_ - c * d[1], s[1])
                ok = (ri == 0) & (rj == 0) & (i >= 0) & (i < h) & (j >= 0) & (j < w)
                total[ok] += images[n_[ok], :, i[ok], j[ok]] @ kernels[:, :, r, c]
        full[n_, :, i_, j_] = total


def conv_transpose2d_loop(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    """Readable :func:`conv_transpose2d`: scatter one scaled kernel copy per input value.

    One-to-many: input value ``x[i, j]`` adds ``x[i, j] * kernel`` to the
    output window whose top-left corner is ``(i * stride, j * stride)``.
    Same arguments, result and errors as :func:`conv_transpose2d`.

    Examples
    --------
    >>> conv_transpose2d_loop([[0, 1], [2, 3]], [[0, 1], [2, 3]], stride=2)
    array([[0., 0., 0., 1.],
           [0., 0., 2., 3.],
           [0., 2., 0., 3.],
           [4., 6., 6., 9.]])
    """
    images, kernels, bias, s, p, op, d, out, rank = _prepare(x, weight, bias, stride, padding, output_padding, dilation)
    n, _, h, w = images.shape
    kh, kw = kernels.shape[2:]
    full = np.zeros((n, kernels.shape[1]) + _full_shape(images, kernels, s, op, d), dtype=images.dtype)
    for i in range(h):
        for j in range(w):
            top, left = i * s[0], j * s[1]
            # (N, C_in) values times (C_in, C_out, kH, kW) kernels -> (N, C_out, kH, kW) copies.
            copy = np.tensordot(images[:, :, i, j], kernels, axes=([1], [0]))
            full[:, :, top : top + d[0] * (kh - 1) + 1 : d[0], left : left + d[1] * (kw - 1) + 1 : d[1]] += copy
    result = np.ascontiguousarray(_crop(full, p, out))
    return restore_rank(add_bias(result, bias), rank)
