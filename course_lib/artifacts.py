"""Checkerboard artifacts: where they come from, how to measure them, how to avoid them.

Notebook 07 (Odena, Dumoulin & Olah, Distill 2016, "Deconvolution and
Checkerboard Artifacts"). A transposed convolution with stride ``s`` sends
kernel cell ``(r, c)`` only to output pixels whose position modulo ``s`` is
``(r % s, c % s)``: the kernel splits into ``s * s`` *phases*, and each output
phase is made by its own sub-kernel. Whenever the phases differ (uneven
overlap, or simply sub-kernels with different sums) a flat input comes out
as a periodic pattern with period ``s``: the checkerboard.

* :func:`upsample_stack` repeats one transposed convolution ``layers`` times.
* :func:`kernel_phase_sums` and :func:`phase_means` measure the phases;
  :func:`checkerboard_strength` condenses them to one number for a whole image.
* :func:`flat_window_spreads` and :func:`period_energy_share` measure the
  pattern locally, where image content cannot hide it (notebook 08): the
  phase-mean spread over windows where a reference image is flat, and the
  share of an error's energy at the period-``stride`` frequencies.
* :func:`resize_conv` (interpolate, then convolve) and :func:`icnr` (a pixel
  shuffle initialised so all phases start equal) are the fixes.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_array, as_bool, as_choice, as_int, as_pair, check_elements, result_dtype
from .convolution import conv2d
from .interpolation import interpolate
from .transposed import conv_transpose2d

__all__ = [
    "upsample_stack",
    "kernel_phase_sums",
    "phase_means",
    "checkerboard_strength",
    "flat_window_spreads",
    "period_energy_share",
    "resize_conv",
    "icnr",
]

PADDING_MODES = ("zeros", "replicate")
MAX_LAYERS = 100  # each layer costs a transposed convolution, even when the size does not grow


def _image(x, name="x"):
    """A 2-D (H, W) image, or raise naming the argument."""
    array = as_array(x, name)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"{name} must be a non-empty 2-D (H, W) image, got shape {array.shape}")
    return array


def upsample_stack(image, kernel, stride, layers, normalise=False):
    """Upsample an image by ``layers`` identical transposed convolutions.

    Parameters
    ----------
    image : (H, W) array_like
    kernel : (k, k) array_like
        The same kernel for every layer (e.g. ``np.ones((3, 3))``).
    stride : int
        Stride of every layer.
    layers : int
        How many transposed convolutions to stack (0 returns the image).
    normalise : bool
        Divide each layer's output by ``kernel.sum() / stride**2``, the
        average number of kernel copies per output pixel weighted by the
        kernel: a flat image then keeps its mean brightness, so only the
        pattern changes. Needs a kernel whose sum is not 0.

    Returns
    -------
    (H_L, W_L) ndarray
        ``H_{l+1} = (H_l - 1) * stride + k`` per layer; float64 (float32 for
        float32 inputs).

    Raises
    ------
    TypeError, ValueError
        ``image`` or ``kernel`` not 2-D numeric, a bad ``stride`` or
        ``layers`` (at most 100), a result of more than 2**27 pixels,
        ``normalise`` not a bool or with a kernel that sums to 0.

    Examples
    --------
    A flat 2x2 image, one 3x3 layer of ones with stride 2: the overlap counts
    1, 2, 1, 2, 1 in each direction, multiplied.

    >>> upsample_stack(np.ones((2, 2)), np.ones((3, 3)), stride=2, layers=1)
    array([[1., 1., 2., 1., 1.],
           [1., 1., 2., 1., 1.],
           [2., 2., 4., 2., 2.],
           [1., 1., 2., 1., 1.],
           [1., 1., 2., 1., 1.]])
    """
    result = _image(image, "image")
    weights = _image(kernel, "kernel")
    stride = as_int(stride, "stride", minimum=1)
    layers = as_int(layers, "layers", minimum=0)
    if layers > MAX_LAYERS:
        raise ValueError(f"layers must be at most {MAX_LAYERS}, got {layers}")
    normalise = as_bool(normalise, "normalise")
    height, width = result.shape
    for _ in range(layers):  # every layer's size, before computing any
        height, width = (height - 1) * stride + weights.shape[0], (width - 1) * stride + weights.shape[1]
        check_elements(height * width, f"the output after {layers} layers", f"layers={layers}, stride={stride}")
    dtype = result_dtype(result, weights)
    result = result.astype(dtype)
    weights = weights.astype(dtype)
    scale = 1.0
    if normalise:
        total = float(weights.sum())
        if total == 0:
            raise ValueError("normalise=True needs a kernel whose sum is not 0, got a kernel summing to 0")
        scale = stride * stride / total
    for _ in range(layers):
        result = conv_transpose2d(result, weights, stride=stride)
        if normalise:
            result = result * dtype.type(scale)
    return result


def kernel_phase_sums(kernel, stride):
    """The sum of each of the ``stride x stride`` sub-kernels (phases) of a kernel.

    Output pixel ``(i, j)`` of a stride-``s`` transposed convolution only
    receives kernel cells ``kernel[i % s :: s, j % s :: s]``. For a constant
    input of ones, every interior output pixel of phase ``(a, b)`` equals
    ``kernel[a::s, b::s].sum()``. Equal sums: no checkerboard on flat regions.

    Parameters
    ----------
    kernel : (kH, kW) array_like
    stride : int or (int, int)

    Returns
    -------
    (sH, sW) float64 ndarray
        Entry ``[a, b] = kernel[a::sH, b::sW].sum()`` (0 when the phase is
        empty because the kernel is smaller than the stride).

    Raises
    ------
    TypeError, ValueError
        ``kernel`` not 2-D numeric, ``stride`` not a positive int or pair.

    Examples
    --------
    Ones: 3x3 with stride 2 has uneven phases; 4x4 has even ones.

    >>> kernel_phase_sums(np.ones((3, 3)), 2)
    array([[4., 2.],
           [2., 1.]])
    >>> kernel_phase_sums(np.ones((4, 4)), 2)
    array([[4., 4.],
           [4., 4.]])
    """
    weights = _image(kernel, "kernel").astype(np.float64)
    sh, sw = as_pair(stride, "stride", minimum=1)
    check_elements(sh * sw, f"the phase sums ({sh}, {sw})", f"stride={stride!r}")
    sums = np.zeros((sh, sw))
    for a in range(sh):
        for b in range(sw):
            sums[a, b] = weights[a::sh, b::sw].sum()
    return sums


def phase_means(image, stride):
    """Mean of each phase of an image: pixels ``image[a::s, b::s]``.

    Parameters
    ----------
    image : (H, W) array_like
        At least ``stride`` pixels in each direction.
    stride : int or (int, int)

    Returns
    -------
    (sH, sW) float64 ndarray
        Entry ``[a, b] = image[a::sH, b::sW].mean()``. A checkerboard of
        period ``s`` makes these differ; a smooth image gives nearly equal means.

    Raises
    ------
    TypeError, ValueError
        ``image`` not 2-D numeric or smaller than ``stride``.

    Examples
    --------
    >>> phase_means([[1, 2, 1, 2], [3, 4, 3, 4]], 2)
    array([[1., 2.],
           [3., 4.]])
    """
    array = _image(image, "image").astype(np.float64)
    sh, sw = as_pair(stride, "stride", minimum=1)
    if array.shape[0] < sh or array.shape[1] < sw:
        raise ValueError(f"image must be at least stride = {(sh, sw)} pixels, got shape {array.shape}")
    means = np.zeros((sh, sw))
    for a in range(sh):
        for b in range(sw):
            means[a, b] = array[a::sh, b::sw].mean()
    return means


def checkerboard_strength(image, stride, border=0):
    """How strong the period-``stride`` pattern is: spread of phase means over the mean.

    ``(max - min) / mean(|image|)`` of :func:`phase_means`, after cropping
    ``border`` pixels off every side (border pixels get fewer kernel copies
    and would count as pattern). 0 means all phases are alike; 1 means the
    phases differ by as much as the average brightness.

    Parameters
    ----------
    image : (H, W) array_like
    stride : int or (int, int)
    border : int
        Pixels to ignore at each side.

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        As :func:`phase_means`; a negative ``border``, or one that leaves less
        than ``stride`` pixels; an image that is zero everywhere.

    Examples
    --------
    >>> checkerboard_strength([[1, 2, 1, 2], [1, 2, 1, 2]], 2)
    0.6666666666666666
    >>> checkerboard_strength(np.ones((4, 4)), 2)
    0.0
    """
    array = _image(image, "image").astype(np.float64)
    border = as_int(border, "border", minimum=0)
    if border:
        if min(array.shape) <= 2 * border:
            raise ValueError(f"border must leave some pixels of the {array.shape} image, got {border}")
        array = array[border:-border, border:-border]
    scale = float(np.abs(array).mean())
    if scale == 0:
        raise ValueError("image must not be zero everywhere (the strength is relative to its mean)")
    means = phase_means(array, stride)
    return float((means.max() - means.min()) / scale)


def _planes(x, name):
    """A real array of one or more (H, W) planes (shape (..., H, W)), as float64, or raise naming the argument."""
    array = as_array(x, name)
    if array.ndim < 2 or 0 in array.shape:
        raise ValueError(f"{name} must be a non-empty array of (H, W) images (at least 2-D), got shape {array.shape}")
    return array.astype(np.float64)


def flat_window_spreads(image, reference, stride=2, window=8, tolerance=0.01, border=0):
    """Phase-mean spread of ``image`` in every window where ``reference`` is flat.

    :func:`checkerboard_strength` averages over a whole image, so the phase
    differences of real content (edges, texture) can hide a small pattern.
    This measure looks only where the reference (e.g. the target a network
    should produce) is flat, so that any period-``stride`` pattern found there
    was added. After cropping ``border`` pixels off every side, the planes are
    cut into non-overlapping ``window x window`` tiles starting at the top-left;
    a tile counts as flat when the reference's standard deviation over it is
    below ``tolerance``. For each flat tile ``T`` of ``image``::

        spread(T) = max_ab m_ab - min_ab m_ab,   m_ab = mean of T[a::s, b::s]

    (the :func:`phase_means` of the tile), in the image's own units (for
    images in [0, 1]: grey levels), not divided by the brightness.

    Parameters
    ----------
    image, reference : (..., H, W) array_like
        The same shape; leading axes (images, channels) are planes measured alike.
    stride : int
        The pattern's period ``s``.
    window : int
        Tile size, a multiple of ``stride`` (so every tile's phases line up
        with the image's).
    tolerance : float
        A tile is flat when ``reference.std() < tolerance`` over it.
    border : int
        Pixels ignored at each side (border pixels see a layer's padding).

    Returns
    -------
    1-D float64 ndarray
        One spread per flat tile, planes in order, tiles row by row; empty
        when no tile is flat.

    Raises
    ------
    TypeError, ValueError
        ``image`` or ``reference`` not real numeric arrays of at least 2-D of
        the same shape; ``stride`` or ``window`` not positive ints, ``window``
        not a multiple of ``stride``; ``tolerance`` not a positive number;
        ``border`` negative or leaving less than one window.

    Examples
    --------
    A flat reference and an image with a +-0.1 checkerboard on it: both 4x4
    tiles are flat, and in each the phase means are 0.6 and 0.4.

    >>> reference = np.full((4, 8), 0.5)
    >>> checker = 0.1 * (-1.0) ** np.add.outer(np.arange(4), np.arange(8))
    >>> flat_window_spreads(reference + checker, reference, window=4).round(6)
    array([0.2, 0.2])
    """
    array = _planes(image, "image")
    target = _planes(reference, "reference")
    if array.shape != target.shape:
        raise ValueError(f"image and reference must have the same shape, got {array.shape} and {target.shape}")
    stride = as_int(stride, "stride", minimum=1)
    window = as_int(window, "window", minimum=1)
    if window % stride:
        raise ValueError(f"window must be a multiple of stride={stride}, got {window}")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float, np.integer, np.floating)) \
            or not np.isfinite(tolerance) or tolerance <= 0:
        raise ValueError(f"tolerance must be a positive number, got {tolerance!r}")
    border = as_int(border, "border", minimum=0)
    height, width = array.shape[-2] - 2 * border, array.shape[-1] - 2 * border
    if height < window or width < window:
        raise ValueError(f"border={border} must leave at least one {window}x{window} window of the "
                         f"{array.shape[-2:]} images")
    rows, columns = height // window, width // window

    def tiles(planes):  # (..., rows, columns, window, window)
        cropped = planes[..., border:border + rows * window, border:border + columns * window]
        shaped = cropped.reshape(planes.shape[:-2] + (rows, window, columns, window))
        return np.moveaxis(shaped, -3, -2).reshape(-1, window, window)

    image_tiles, reference_tiles = tiles(array), tiles(target)
    flat = reference_tiles.std(axis=(1, 2)) < tolerance
    selected = image_tiles[flat]
    phases = selected.reshape(len(selected), window // stride, stride, window // stride, stride).mean(axis=(1, 3))
    return (phases.max(axis=(1, 2)) - phases.min(axis=(1, 2))).astype(np.float64)


def period_energy_share(error, stride=2):
    """Share of an image's energy at the period-``stride`` frequencies (a checkerboard's share).

    The discrete Fourier transform ``X`` of an ``H x W`` plane has one
    coefficient per frequency; a pattern that repeats every ``s`` pixels lives
    only at the frequencies ``(a H/s, b W/s)``, ``a, b = 0 .. s-1``. Leaving out
    the mean (``a = b = 0``) the share is::

        share = sum_{(a, b) != (0, 0)} |X(aH/s, bW/s)|^2  /  sum_{all (u, v)} |X(u, v)|^2
              = mean_ab (m_ab - mean(m))^2  /  mean(x^2)

    where ``m_ab`` are the :func:`phase_means` (the second form follows from
    Parseval's theorem; it is how it is computed). Applied to an error
    ``output - target``: 0 when the error has no period-``s`` part, 1 for a
    pure checkerboard; white noise puts about ``(s*s - 1) / (H*W)`` of its
    energy there (3 of 1,024 frequencies for 32x32 and ``s = 2``). Several
    planes (leading axes) are pooled: their energies are summed first.

    Parameters
    ----------
    error : (..., H, W) array_like
        ``H`` and ``W`` divisible by ``stride``.
    stride : int

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    TypeError, ValueError
        ``error`` not a real numeric array of at least 2-D, or zero everywhere
        (it has no energy to share); ``stride`` not a positive int or not
        dividing ``H`` and ``W``.

    Examples
    --------
    >>> checker = (-1.0) ** np.add.outer(np.arange(4), np.arange(4))
    >>> period_energy_share(checker, 2)
    1.0
    >>> period_energy_share(np.ones((4, 4)), 2)
    0.0
    >>> period_energy_share([[1, 0], [0, 0]], 2)   # one pixel: every frequency alike
    0.75
    """
    array = _planes(error, "error")
    stride = as_int(stride, "stride", minimum=1)
    height, width = array.shape[-2:]
    if height % stride or width % stride:
        raise ValueError(f"error's height and width must be divisible by stride={stride}, got {(height, width)}")
    total = float(np.mean(array**2))
    if total == 0:
        raise ValueError("error must not be zero everywhere (the share is relative to its energy)")
    planes = array.reshape(-1, height // stride, stride, width // stride, stride)
    phases = planes.mean(axis=(1, 3))                                   # (planes, s, s)
    deviations = phases - phases.mean(axis=(1, 2), keepdims=True)
    return float(np.mean(deviations**2) / total)


def resize_conv(x, weight, scale_factor=2, mode="nearest", padding_mode="replicate"):
    """Resize-convolution: interpolate, then a stride-1 convolution that keeps the size.

    The fix Odena et al. recommend: the upsampling has no kernel, so every
    output pixel is made the same way and no phase pattern can appear; the
    convolution after it is learned as usual.

    Parameters
    ----------
    x : (H, W) array_like
    weight : (kH, kW) array_like
    scale_factor : int
        Upsampling factor.
    mode : {"nearest", "bilinear"}
        Interpolation mode (bilinear uses ``align_corners=False``).
    padding_mode : {"replicate", "zeros"}
        Border pixels added before the convolution, ``(k-1)//2`` before and
        the rest after (``padding="same"``): "replicate" repeats the edge
        (no dark frame), "zeros" is PyTorch's default.

    Returns
    -------
    (H * scale_factor, W * scale_factor) ndarray

    Raises
    ------
    TypeError, ValueError
        ``x`` or ``weight`` not 2-D numeric, ``scale_factor`` not a positive
        int, an unknown ``mode`` or ``padding_mode``.

    Examples
    --------
    >>> resize_conv([[1, 2], [3, 4]], [[1]], 2)
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]])
    """
    image = _image(x, "x")
    weights = _image(weight, "weight")
    factor = as_int(scale_factor, "scale_factor", minimum=1)
    as_choice(mode, "mode", ("nearest", "bilinear"))
    as_choice(padding_mode, "padding_mode", PADDING_MODES)
    dtype = result_dtype(image, weights)
    image = image.astype(dtype)
    upsampled = interpolate(image, scale_factor=factor, mode=mode)
    kh, kw = weights.shape
    widths = (((kh - 1) // 2, kh - 1 - (kh - 1) // 2), ((kw - 1) // 2, kw - 1 - (kw - 1) // 2))
    padded = np.pad(upsampled, widths, mode="edge" if padding_mode == "replicate" else "constant")
    return conv2d(padded, weights.astype(dtype))


def icnr(weight, upscale_factor):
    """ICNR initialisation for a convolution followed by a pixel shuffle (Aitken et al. 2017).

    Repeats every output channel of ``weight`` ``r * r`` times, so the ``r*r``
    channels that :func:`course_lib.pixel_shuffle` spreads over one ``r x r``
    block are identical: at initialisation, conv + pixel shuffle equals the
    original convolution followed by nearest-neighbour upsampling, which has
    no checkerboard. Training may then move the channels apart.

    Parameters
    ----------
    weight : (C_out, C_in, kH, kW) array_like
        A conv2d weight (e.g. random).
    upscale_factor : int
        ``r``.

    Returns
    -------
    (C_out * r * r, C_in, kH, kW) ndarray
        Channel ``c * r * r + i`` is a copy of channel ``c`` for ``i < r * r``.

    Raises
    ------
    TypeError, ValueError
        ``weight`` not 4-D numeric, ``upscale_factor`` not a positive int.

    Examples
    --------
    >>> icnr(np.arange(2).reshape(2, 1, 1, 1), 2)[:, 0, 0, 0]
    array([0, 0, 0, 0, 1, 1, 1, 1])
    """
    weights = as_array(weight, "weight")
    if weights.ndim != 4:
        raise ValueError(f"weight must be 4-D (C_out, C_in, kH, kW), got shape {weights.shape}")
    r = as_int(upscale_factor, "upscale_factor", minimum=1)
    check_elements(weights.size * r * r, "the repeated weight", f"upscale_factor={upscale_factor!r}")
    return np.repeat(weights, r * r, axis=0)
