"""The overlap explorer of notebook 07, in the spirit of the Distill article's figures.

Three sliders ("kernel size", "stride", "layers") drive one light figure:

1. the 1-D overlap counts of ``layers`` stacked transposed convolutions with
   kernels of ones applied to a few input ones (bar profile);
2. the 2-D overlap map (the outer product of the 1-D counts);
3. a photo upsampled by the same stacked transposed convolutions, each layer
   normalised so that even overlap keeps the brightness: whatever pattern is
   left is the checkerboard.

An HTML line states the output size and whether the overlap is even. The
figure is built once; a slider move updates the artists in place and
re-renders one PNG (see :mod:`course_lib.widgets`).
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import LineCollection

from ._checks import as_int
from .artifacts import upsample_stack
from .checkerboard import stacked_overlap_counts
from .draw_overlap import OVERLAP_CMAP
from .images import grace_hopper
from .widgets import blit_renderer, new_figure

__all__ = ["overlap_explorer", "overlap_figure", "overlap_summary", "photo_sizes", "grid_step",
           "N_INPUTS", "KERNEL_RANGE", "STRIDE_RANGE", "LAYERS_RANGE"]

#: Input length of the overlap counts (a few ones, as in the Distill figures).
N_INPUTS = 6
#: Slider ranges (inclusive).
KERNEL_RANGE = (1, 7)
STRIDE_RANGE = (1, 3)
LAYERS_RANGE = (1, 3)
#: The explorer shows the centre PHOTO_TARGET x PHOTO_TARGET pixels of the upsampled photo.
PHOTO_TARGET = 216


def _settings(kernel_size, stride, layers):
    """Validate the three explorer settings against the slider ranges."""
    values = []
    for name, value, (low, high) in (("kernel_size", kernel_size, KERNEL_RANGE),
                                     ("stride", stride, STRIDE_RANGE),
                                     ("layers", layers, LAYERS_RANGE)):
        value = as_int(value, name, minimum=1)
        if value > high:
            raise ValueError(f"{name} must be at most {high} in the explorer, got {value}")
        values.append(value)
    return tuple(values)


def photo_sizes(stride, layers):
    """Which part of the photo the explorer upsamples: ``(photo side, crop side)``.

    The photo is loaded at ``max(24, round(216 / f))`` pixels, ``f =
    stride**layers``, and its centre ``min(side, ceil(216 / f) + 2)`` pixels
    go through the layers, so the result is always a little over 216 pixels
    (its centre 216 x 216 is shown, one data pixel per screen pixel). Large
    factors therefore zoom in on the face instead of growing the image.

    Parameters
    ----------
    stride, layers : int

    Returns
    -------
    (int, int)

    Examples
    --------
    >>> photo_sizes(2, 1), photo_sizes(3, 3), photo_sizes(1, 2)
    ((108, 108), (24, 10), (216, 216))
    """
    stride = as_int(stride, "stride", minimum=1)
    layers = as_int(layers, "layers", minimum=1)
    factor = stride**layers
    side = max(24, round(PHOTO_TARGET / factor))
    return side, min(side, math.ceil(PHOTO_TARGET / factor) + 2)


def overlap_summary(kernel_size, stride, layers):
    """The explorer's HTML line: output size of the overlap map and whether overlap is even.

    Parameters
    ----------
    kernel_size, stride, layers : int
        Within the slider ranges (kernel size 1-7, stride 1-3, layers 1-3).

    Returns
    -------
    str
        HTML starting with ``"output size: H x W"`` (the 2-D map of
        ``N_INPUTS x N_INPUTS`` ones after ``layers`` layers), then the photo's
        size, then "even overlap" (``kernel_size`` divisible by ``stride``) or
        "uneven overlap" with the interior counts of one layer.

    Raises
    ------
    TypeError, ValueError
        A setting outside the slider ranges.

    Examples
    --------
    >>> overlap_summary(4, 2, 1)[:22]
    'output size: 14 x 14 ·'
    """
    kernel_size, stride, layers = _settings(kernel_size, stride, layers)
    size = N_INPUTS
    side, crop = photo_sizes(stride, layers)
    photo_out = crop
    for _ in range(layers):
        size = (size - 1) * stride + kernel_size
        photo_out = (photo_out - 1) * stride + kernel_size
    counts = _counts(kernel_size, stride, layers)
    ones = f"{N_INPUTS} x {N_INPUTS} ones, {layers} layer{'s' if layers > 1 else ''}, highest count {counts.max()}"
    used = f"{crop} x {crop}" + (f" (centre of {side} x {side})" if crop < side else "")
    shown = min(photo_out, PHOTO_TARGET)
    step = grid_step(int(counts.max()))
    ones += f"; dotted lines every {step} cop{'y' if step == 1 else 'ies'}"
    head = (f"output size: {size} x {size} · ({ones}) · photo {used} → {photo_out} x {photo_out}, "
            f"centre {shown} x {shown} shown<br>")
    stacked = layers > 1
    if kernel_size % stride == 0:
        per_layer = kernel_size // stride
        verdict = (f"<b style='color:#1a7f37'>even overlap</b>: kernel size {kernel_size} is divisible by "
                   f"stride {stride}, every interior position gets {per_layer} kernel "
                   f"cop{'y' if per_layer == 1 else 'ies'} per layer"
                   + ("; stacked layers stay even away from the border" if stacked else ""))
    elif kernel_size < stride:
        verdict = (f"<b style='color:#c62828'>uneven overlap, with holes</b>: kernel size {kernel_size} is "
                   f"smaller than stride {stride}, some positions get no kernel copy at all")
    else:
        low, high = kernel_size // stride, kernel_size // stride + 1
        verdict = (f"<b style='color:#c62828'>uneven overlap</b>: {kernel_size} is not divisible by "
                   f"{stride}; per layer the interior gets {low} or {high} copies in 1-D, "
                   f"{low * low}, {low * high} or {high * high} in 2-D"
                   + (f"; {layers} layers compound it" if stacked else ""))
    return head + verdict


def _counts(kernel_size, stride, layers):
    return stacked_overlap_counts(kernel_size, stride, N_INPUTS, layers)


def _build(kernel_size, stride, layers):
    """Make the figure and its reusable artists, drawn in the given state.

    Everything that changes with the sliders is an image or a step outline;
    titles and frames never change, so the explorer can blit. The photo axes
    is exactly 216 x 216 screen pixels, one per data pixel.
    """
    width, height, side = 720, 252, PHOTO_TARGET
    figure = new_figure((width / 72, height / 72), dpi=72)
    bottom = 18 / height
    boxes = ((8, 250), (272, side), (498, side))
    ax_bars, ax_map, ax_photo = (figure.add_axes((left / width, bottom, w / width, side / height))
                                 for left, w in boxes)
    bars = ax_bars.stairs([0], [0, 1], fill=True, color="#f08c3a")
    grid = LineCollection([], colors="0.35", linewidths=0.7, linestyles=":")
    ax_bars.add_collection(grid)
    # Figure images are pasted pixel for pixel (no resampling): arrays are brought to side x side first.
    blank = np.zeros((side, side))
    map_image = figure.figimage(blank, xo=boxes[1][0], yo=18, cmap=OVERLAP_CMAP, vmin=0, vmax=1, origin="upper")
    photo_image = figure.figimage(blank, xo=boxes[2][0], yo=18, cmap="gray", vmin=0, vmax=1, origin="upper")
    for ax, title, label in ((ax_bars, "1-D overlap counts", "output position; dotted: count levels"),
                             (ax_map, "2-D overlap map", "white: no copy · dark red: most copies"),
                             (ax_photo, "photo through the same layers", "ones kernels, normalised per layer")):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=10, pad=3)
        ax.set_xlabel(label, fontsize=9, labelpad=2)
    parts = {"figure": figure, "axes": (ax_bars, ax_map, ax_photo), "bars": bars, "grid": grid,
             "map": map_image, "photo": photo_image, "photos": {}}
    _draw(parts, kernel_size, stride, layers)
    return parts


def _changing(parts):
    """The artists a slider move changes (drawn on top of the cached background)."""
    return [parts["bars"], parts["grid"], parts["map"], parts["photo"]]


def grid_step(top):
    """Spacing of the dotted count levels in the 1-D panel: 1 up to 10 copies, then 5, 10, 50...

    Examples
    --------
    >>> grid_step(4), grid_step(17), grid_step(95)
    (1, 5, 10)
    """
    for step in (1, 5, 10, 50, 100):
        if top <= 10 * step:
            return step
    return 10 ** len(str(top))


def _to_screen(array, side=PHOTO_TARGET):
    """Nearest-neighbour resize to ``side x side`` screen pixels (index arrays, no interpolation)."""
    rows = np.arange(side) * array.shape[0] // side
    columns = np.arange(side) * array.shape[1] // side
    return array[rows[:, None], columns[None, :]]


def _photo(parts, size):
    """The photo at ``size`` pixels, loaded once per size."""
    cache = parts["photos"]
    if size not in cache:
        cache[size] = grace_hopper(size)
    return cache[size]


def _draw(parts, kernel_size, stride, layers):
    """Update every changing artist for the given settings (no new artists)."""
    counts = _counts(kernel_size, stride, layers)
    # One bar per position with a gap after it: the bar, then a zero-height gap.
    values = np.zeros(2 * counts.size)
    values[::2] = counts
    edges = np.repeat(np.arange(counts.size + 1), 2)[1:].astype(float)
    edges[1::2] -= 0.12 if counts.size <= 60 else 0.0
    parts["bars"].set_data(values, edges)
    ax_bars = parts["axes"][0]
    top = int(counts.max())
    ax_bars.set_xlim(0, counts.size)
    ax_bars.set_ylim(0, top * 1.05)
    step = grid_step(top)
    parts["grid"].set_segments([[(0, level), (counts.size, level)] for level in range(step, top + 1, step)])
    overlap = np.outer(counts, counts)
    parts["map"].set_data(_to_screen(overlap))
    parts["map"].set_clim(0, overlap.max())
    side, crop = photo_sizes(stride, layers)
    start = (side - crop) // 2
    patch = _photo(parts, side)[start : start + crop, start : start + crop]
    photo = upsample_stack(patch, np.ones((kernel_size, kernel_size)), stride, layers, normalise=True)
    excess = max(0, photo.shape[0] - PHOTO_TARGET)
    photo = photo[excess // 2 : excess // 2 + PHOTO_TARGET, excess // 2 : excess // 2 + PHOTO_TARGET]
    parts["photo"].set_data(_to_screen(photo))
    parts["photo"].set_clim(0, max(1.0, float(photo.max())))


def overlap_figure(kernel_size=3, stride=2, layers=1):
    """The explorer's figure for one setting, as a static matplotlib Figure.

    Notebooks show it below the explorer so the page reads well without a
    running kernel (``display(overlap_figure())``).

    Parameters
    ----------
    kernel_size, stride, layers : int
        Kernel size 1-7, stride 1-3, layers 1-3.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes: 1-D counts, 2-D overlap map, upsampled photo.

    Raises
    ------
    TypeError, ValueError
        A setting outside the slider ranges.
    """
    kernel_size, stride, layers = _settings(kernel_size, stride, layers)
    return _build(kernel_size, stride, layers)["figure"]


def overlap_explorer(kernel_size=3, stride=2, layers=1):
    """Sliders for kernel size, stride and number of stacked transposed convolutions.

    Parameters
    ----------
    kernel_size, stride, layers : int
        Initial slider values (kernel size 1-7, stride 1-3, layers 1-3).

    Returns
    -------
    ipywidgets.VBox
        Children: an HBox of three ``IntSlider`` ("kernel size", "stride",
        "layers"), an ``ipywidgets.HTML`` line (:func:`overlap_summary`) and
        an ``ipywidgets.Image`` with the figure of :func:`overlap_figure`.

    Raises
    ------
    TypeError, ValueError
        A setting outside the slider ranges.
    """
    import ipywidgets

    kernel_size, stride, layers = _settings(kernel_size, stride, layers)
    parts = _build(kernel_size, stride, layers)
    style = {"description_width": "initial"}
    layout = ipywidgets.Layout(width="250px")
    sliders = [ipywidgets.IntSlider(value=value, min=low, max=high, description=name, style=style, layout=layout)
               for name, value, (low, high) in (("kernel size", kernel_size, KERNEL_RANGE),
                                                ("stride", stride, STRIDE_RANGE),
                                                ("layers", layers, LAYERS_RANGE))]
    text = ipywidgets.HTML(overlap_summary(kernel_size, stride, layers))
    render = blit_renderer(parts["figure"], _changing(parts))
    image = ipywidgets.Image(value=render(), format="png")

    def update(change=None):
        k, s, n = (slider.value for slider in sliders)
        _draw(parts, k, s, n)
        text.value = overlap_summary(k, s, n)
        image.value = render()

    for slider in sliders:
        slider.observe(update, names="value")
    return ipywidgets.VBox([ipywidgets.HBox(sliders), text, image])

