"""Convolution as a matrix C; transposed convolution as C^T.

Notebook 06. A convolution is linear, so it is a matrix ``C`` acting on the
flattened input. The transposed convolution is ``C.T`` acting on the
flattened output: same connectivity, arrows reversed. It returns the input's
*shape*, not its values (``C.T`` is not ``C``'s inverse). The same operation
is a direct convolution of the zero-inserted, padded input with the kernel
flipped by 180 degrees.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_array, as_images, as_pair, check_elements, non_empty_images, restore_rank
from ._shapes import as_kernels, conv_size, transposed_params, transposed_size
from .convolution import conv2d

__all__ = ["conv_matrix", "zero_insert", "conv_transpose2d_as_conv"]


def conv_matrix(kernel, input_shape, stride=1, padding=0, dilation=1):
    """The matrix ``C`` of a single-channel 2-D convolution.

    Parameters
    ----------
    kernel : (kH, kW) array_like
    input_shape : (int, int)
        ``(H, W)`` of the input image.
    stride, padding, dilation : int or (int, int)
        As in :func:`course_lib.conv2d`.

    Returns
    -------
    C : (oH*oW, H*W) ndarray
        With ``C @ x.ravel() == conv2d(x, kernel, ...).ravel()`` and
        ``(C.T @ y.ravel()).reshape(H, W) == conv_transpose2d(y, kernel, ...,
        output_padding=op)``, where ``op = (H + 2p - d(kH-1) - 1) % s`` per axis
        (the rows the strided convolution skipped). float64.

    Raises
    ------
    TypeError, ValueError
        A kernel that is not 2-D and numeric, a bad ``input_shape``, bad
        stride/padding/dilation, or a kernel larger than the padded input.

    Examples
    --------
    d2l's 2x2 kernel on a 3x3 input gives a 4x9 matrix:

    >>> C = conv_matrix([[1, 2], [3, 4]], (3, 3))
    >>> C.shape
    (4, 9)
    >>> C[0]
    array([1., 2., 0., 3., 4., 0., 0., 0., 0.])
    """
    weights = as_array(kernel, "kernel")
    if weights.ndim != 2 or 0 in weights.shape:
        raise ValueError(f"kernel must be a non-empty 2-D (kH, kW) array, got shape {weights.shape}")
    h, w = as_pair(input_shape, "input_shape", minimum=1)
    s = as_pair(stride, "stride", minimum=1)
    p = as_pair(padding, "padding", minimum=0)
    d = as_pair(dilation, "dilation", minimum=1)
    kh, kw = weights.shape
    oh = conv_size(h, kh, s[0], p[0], d[0])
    ow = conv_size(w, kw, s[1], p[1], d[1])
    culprit = f"input_shape={input_shape!r} with kernel {weights.shape}"
    check_elements(oh * ow * h * w, f"the matrix ({oh * ow}, {h * w})", culprit)
    check_elements(oh * ow * kh * kw, "the tap table (oH*oW*kH*kW)", culprit)
    # Row index (output position), input row/column of every kernel tap.
    out_i, out_j, r, c = np.meshgrid(np.arange(oh), np.arange(ow), np.arange(kh), np.arange(kw), indexing="ij")
    in_i = out_i * s[0] - p[0] + r * d[0]
    in_j = out_j * s[1] - p[1] + c * d[1]
    inside = (in_i >= 0) & (in_i < h) & (in_j >= 0) & (in_j < w)  # taps on padding touch nothing
    matrix = np.zeros((oh * ow, h * w))
    rows = (out_i * ow + out_j)[inside]
    columns = (in_i * w + in_j)[inside]
    matrix[rows, columns] = weights.astype(np.float64)[r[inside], c[inside]]
    return matrix


def zero_insert(x, stride):
    """Insert ``stride - 1`` zeros between neighbouring pixels.

    Parameters
    ----------
    x : (H, W) or (N, C, H, W) array_like
    stride : int or (int, int)

    Returns
    -------
    ((H-1)s+1, (W-1)s+1) or (N, C, (H-1)s+1, (W-1)s+1) ndarray
        ``x``'s values at every ``s``-th position, zeros between; dtype of ``x``
        (native byte order).

    Examples
    --------
    >>> zero_insert([[1, 2], [3, 4]], 2)
    array([[1, 0, 2],
           [0, 0, 0],
           [3, 0, 4]])
    """
    images, rank = as_images(x, "x")
    non_empty_images(images, "x", np.shape(x))
    s = as_pair(stride, "stride", minimum=1)
    h, w = images.shape[2:]
    n, c = images.shape[:2]
    check_elements(n * c * ((h - 1) * s[0] + 1) * ((w - 1) * s[1] + 1), "the zero-inserted image", f"stride={stride!r}")
    dtype = images.dtype.newbyteorder("=")  # x's type, in native byte order
    out = np.zeros(images.shape[:2] + ((h - 1) * s[0] + 1, (w - 1) * s[1] + 1), dtype=dtype)
    out[:, :, :: s[0], :: s[1]] = images
    return restore_rank(out, rank)


def conv_transpose2d_as_conv(x, weight, stride=1, padding=0, output_padding=0, dilation=1):
    """A transposed convolution computed as a direct convolution.

    Steps: insert ``s - 1`` zeros between input pixels, pad each border with
    ``d(k-1) - p`` zeros (a negative amount crops; ``output_padding`` more at
    the bottom/right), then convolve (stride 1) with the kernel rotated by 180
    degrees and its channel axes swapped.

    Parameters and result as :func:`course_lib.conv_transpose2d` (no bias).

    Examples
    --------
    >>> conv_transpose2d_as_conv([[0, 1], [2, 3]], [[0, 1], [2, 3]])
    array([[ 0.,  0.,  1.],
           [ 0.,  4.,  6.],
           [ 4., 12.,  9.]])
    """
    images, rank = as_images(x, "x")
    non_empty_images(images, "x", np.shape(x))
    weights, kernels = as_kernels(weight, images, rank, "conv_transpose2d")
    if 0 in kernels.shape[1:]:
        raise ValueError(f"weight must not be empty, got shape {weights.shape}")
    geometry = transposed_params(stride, padding, output_padding, dilation)
    sizes = []
    for (s, p, op, d), k, i in zip(geometry, kernels.shape[2:], images.shape[2:]):
        # the direct convolution's input: the transposed output plus the dilated kernel's reach
        sizes.append(transposed_size(i, k, s, p, op, d) + d * (k - 1))
    check_elements(images.shape[0] * images.shape[1] * sizes[0] * sizes[1], "the padded zero-inserted input",
                   f"stride={stride!r}, dilation={dilation!r}")
    spread = zero_insert(images, tuple(g[0] for g in geometry))
    for axis, ((s, p, op, d), k) in enumerate(zip(geometry, kernels.shape[2:])):
        border = d * (k - 1) - p
        before, after = border, border + op
        spread = _pad_or_crop(spread, 2 + axis, before, after)
    flipped = np.ascontiguousarray(kernels[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))
    result = conv2d(spread, flipped, dilation=tuple(g[3] for g in geometry))
    return restore_rank(result, rank)


def _pad_or_crop(array, axis, before, after):
    """Pad ``axis`` with zeros (positive amounts) or crop it (negative amounts)."""
    widths = [(0, 0)] * array.ndim
    widths[axis] = (max(before, 0), max(after, 0))
    array = np.pad(array, widths)
    stop = array.shape[axis] - max(-after, 0)
    index = [slice(None)] * array.ndim
    index[axis] = slice(max(-before, 0), stop)
    return array[tuple(index)]
