"""Checkerboard artifacts: uneven overlap of transposed-convolution kernels, and pixel shuffle.

Notebook 07. A transposed convolution pastes one scaled kernel copy per input
value, ``stride`` apart. When ``kernel_size`` is not divisible by ``stride``
some output positions are covered by more copies than their neighbours
(Odena, Dumoulin & Olah, "Deconvolution and Checkerboard Artifacts", Distill
2016). Counting copies is a transposed convolution of ones with a kernel of
ones; in 2-D the count is the outer product of the two 1-D counts, so the
unevenness is squared. ``pixel_shuffle`` (Shi et al. 2016) upsamples without
overlap at all.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_array, as_int, as_pair, check_elements, result_dtype

__all__ = ["overlap_counts", "overlap_counts_2d", "stacked_overlap_counts", "pixel_shuffle"]

MAX_LENGTH = 10**7  # stacked layers grow like stride**n_layers: refuse absurd requests
MAX_LAYERS = 100  # with kernel 1 and stride 1 the length never grows; the time still would


def _check_overlap(kernel_size, stride, n_inputs, n_layers=1):
    """Validate the 1-D overlap arguments; return them as ints."""
    kernel_size = as_int(kernel_size, "kernel_size", minimum=1)
    stride = as_int(stride, "stride", minimum=1)
    n_inputs = as_int(n_inputs, "n_inputs", minimum=1)
    n_layers = as_int(n_layers, "n_layers", minimum=1)
    if n_layers > MAX_LAYERS:
        raise ValueError(f"n_layers must be at most {MAX_LAYERS}, got {n_layers}")
    length, peak = n_inputs, 1
    for _ in range(n_layers):
        length = (length - 1) * stride + kernel_size
        peak *= -(-kernel_size // stride)  # a position is touched by at most ceil(k/s) copies
        if length > MAX_LENGTH or peak > 2**62:
            raise ValueError(
                f"n_layers={n_layers} is too many for kernel_size={kernel_size}, stride={stride}, "
                f"n_inputs={n_inputs}: the result would exceed {MAX_LENGTH} positions or int64"
            )
    return kernel_size, stride, n_inputs, n_layers


def _transpose_ones(values, kernel_size, stride):
    """1-D transposed convolution of ``values`` with a kernel of ones.

    Output ``f`` sums ``values[i]`` over ``f - k < i*s <= f``: the values
    spread ``stride`` apart (zeros between), then a moving sum of ``k`` terms
    taken as a difference of cumulative sums. Exact in int64, and the cost
    follows the output length, not the number of kernel taps.
    """
    span = (len(values) - 1) * stride + 1
    spread = np.zeros(span + kernel_size - 1, dtype=np.int64)
    spread[:span:stride] = values
    running = np.cumsum(spread)
    out = running.copy()
    out[kernel_size:] -= running[:-kernel_size]
    return out


def overlap_counts(kernel_size, stride, n_inputs):
    """How many kernel copies touch each output position of a 1-D transposed convolution.

    Parameters
    ----------
    kernel_size, stride, n_inputs : int
        Kernel length ``k``, stride ``s`` and input length ``n`` (all positive).

    Returns
    -------
    (L,) ndarray of int64
        ``L = (n - 1)s + k``: the transposed convolution of ``n`` ones with a
        kernel of ``k`` ones. Away from the borders it is even exactly when
        ``s`` divides ``k`` (then it is ``k / s``).

    Raises
    ------
    TypeError, ValueError
        A non-int or non-positive argument.

    Examples
    --------
    The Distill article's cases: k3 s2 alternates 1, 2; k4 s2 is 2; k5 s2 alternates 2, 3.

    >>> overlap_counts(3, 2, 4)
    array([1, 1, 2, 1, 2, 1, 2, 1, 1])
    >>> overlap_counts(4, 2, 4)
    array([1, 1, 2, 2, 2, 2, 2, 2, 1, 1])
    >>> overlap_counts(5, 2, 4)
    array([1, 1, 2, 2, 3, 2, 3, 2, 2, 1, 1])
    """
    kernel_size, stride, n_inputs, _ = _check_overlap(kernel_size, stride, n_inputs)
    return _transpose_ones(np.ones(n_inputs, dtype=np.int64), kernel_size, stride)


def overlap_counts_2d(kernel_size, stride, input_shape):
    """2-D kernel overlap: the transposed convolution of an all-ones image with a kernel of ones.

    Parameters
    ----------
    kernel_size, stride : int or (int, int)
        Kernel size and stride, per axis.
    input_shape : int or (int, int)
        Input size ``(H, W)``.

    Returns
    -------
    (oH, oW) ndarray of int64
        ``o = (i - 1)s + k`` per axis; equal to
        ``np.outer(overlap_counts(kH, sH, H), overlap_counts(kW, sW, W))``, so
        for k3 s2 the interior holds 1, 2 and 4.

    Raises
    ------
    TypeError, ValueError
        A non-int or non-positive argument.

    Examples
    --------
    >>> overlap_counts_2d(3, 2, (2, 2))
    array([[1, 1, 2, 1, 1],
           [1, 1, 2, 1, 1],
           [2, 2, 4, 2, 2],
           [1, 1, 2, 1, 1],
           [1, 1, 2, 1, 1]])
    """
    k = as_pair(kernel_size, "kernel_size", minimum=1)
    s = as_pair(stride, "stride", minimum=1)
    shape = as_pair(input_shape, "input_shape", minimum=1)
    lengths = [(i - 1) * ss + kk for kk, ss, i in zip(k, s, shape)]
    check_elements(lengths[0] * lengths[1], f"the counts {tuple(lengths)}",
                   f"kernel_size={kernel_size!r}, stride={stride!r}, input_shape={input_shape!r}")
    rows, columns = (overlap_counts(*axis) for axis in zip(k, s, shape))
    return np.outer(rows, columns)


def stacked_overlap_counts(kernel_size, stride, n_inputs, n_layers):
    """Overlap after ``n_layers`` stacked 1-D transposed convolutions, all weights one.

    Layer 1 is :func:`overlap_counts`; each further layer applies the same
    transposed convolution (kernel of ones) to the previous layer's output,
    so uneven coverage compounds, as in the Distill article's figure of
    stacked deconvolutions. For 2-D, take ``np.outer`` of the two axes' results.

    Parameters
    ----------
    kernel_size, stride, n_inputs : int
        As in :func:`overlap_counts`, the same for every layer.
    n_layers : int
        Number of stacked layers (at least 1).

    Returns
    -------
    (L,) ndarray of int64
        ``L_0 = n``, ``L_j = (L_{j-1} - 1)s + k``; the number of paths from
        the input to each output position.

    Raises
    ------
    TypeError, ValueError
        A non-int or non-positive argument, more than 100 layers, or a
        result longer than 10**7 positions (the length grows like
        ``stride ** n_layers``).

    Examples
    --------
    >>> stacked_overlap_counts(3, 2, 2, 2)
    array([1, 1, 2, 1, 3, 2, 3, 1, 2, 1, 1])
    """
    kernel_size, stride, n_inputs, n_layers = _check_overlap(kernel_size, stride, n_inputs, n_layers)
    counts = np.ones(n_inputs, dtype=np.int64)
    for _ in range(n_layers):
        counts = _transpose_ones(counts, kernel_size, stride)
    return counts


def pixel_shuffle(x, upscale_factor):
    """Rearrange channels into space, as ``torch.nn.functional.pixel_shuffle``.

    Parameters
    ----------
    x : (N, C*r**2, H, W) array_like
        A 4-D batch. A 2-D array (one single-channel image) is rejected: it
        has one channel, so there is nothing to rearrange.
    upscale_factor : int
        ``r``; the channel count must be divisible by ``r**2``.

    Returns
    -------
    (N, C, H*r, W*r) ndarray
        ``out[n, c, h*r + i, w*r + j] = x[n, c*r*r + i*r + j, h, w]``.
        float32 for float32 input, float64 otherwise.

    Raises
    ------
    TypeError, ValueError
        Input not 4-D or not numeric, non-positive ``upscale_factor``, channels
        not divisible by ``upscale_factor**2``.

    Examples
    --------
    >>> pixel_shuffle(np.arange(4).reshape(1, 4, 1, 1), 2)[0, 0]
    array([[0., 1.],
           [2., 3.]])
    """
    array = as_array(x, "x")
    if array.ndim != 4:
        raise ValueError(
            f"x must be 4-D (N, C*r**2, H, W) for pixel_shuffle (a 2-D image has one channel), "
            f"got {array.ndim}-D with shape {array.shape}"
        )
    r = as_int(upscale_factor, "upscale_factor", minimum=1)
    n, channels, height, width = array.shape
    if channels % (r * r):
        raise ValueError(
            f"x has {channels} channels, not divisible by upscale_factor**2 = {r * r} (upscale_factor={r})"
        )
    c = channels // (r * r)
    out = array.reshape(n, c, r, r, height, width).transpose(0, 1, 4, 2, 5, 3)
    return out.reshape(n, c, height * r, width * r).astype(result_dtype(array))
