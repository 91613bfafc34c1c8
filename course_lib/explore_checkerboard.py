"""The overlap explorer of notebook 07, in the spirit of the Distill article's figures.

Three sliders ("kernel size", "stride", "layers") drive one light figure,
:class:`OverlapFigure`:

1. the 1-D overlap counts of ``layers`` stacked transposed convolutions with
   kernels of ones applied to a few input ones (bar profile);
2. the 2-D overlap map (the outer product of the 1-D counts);
3. a photo upsampled by the same stacked transposed convolutions, each layer
   normalised so that even overlap keeps the brightness: whatever pattern is
   left is the checkerboard.

A text line (:func:`overlap_line`) states the output size and whether the
overlap is even. Each move validates the settings and computes the counts
once (:func:`overlap_state`); the figure and the line both read that state.
The figure is built once; a slider move calls the handle's ``show`` and
re-renders only its changing artists (:func:`course_lib.widgets.wire`).
:func:`overlap_state_figure` is the same setting at reading size, for the
page under the widget.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection

from ._checks import as_int
from .artifacts import upsample_stack
from .checkerboard import stacked_overlap_counts
from .draw_checkerboard import OVERLAP_CMAP, plot_overlap_1d, plot_overlap_2d
from .images import grace_hopper
from .plotting import SCREEN_DPI, new_figure, plot_image
from .widgets import int_slider, wire

__all__ = ["overlap_explorer", "OverlapFigure", "OverlapState", "overlap_state", "overlap_line", "overlap_summary",
           "overlap_figure", "overlap_state_figure", "photo_sizes", "grid_step", "RANGES", "N_INPUTS",
           "KERNEL_RANGE", "STRIDE_RANGE", "LAYERS_RANGE", "PHOTO_TARGET"]

#: Input length of the overlap counts (a few ones, as in the Distill figures).
N_INPUTS = 6
#: Slider ranges (inclusive), in the sliders' order.
RANGES = {"kernel size": (1, 7), "stride": (1, 3), "layers": (1, 3)}
KERNEL_RANGE, STRIDE_RANGE, LAYERS_RANGE = RANGES.values()
#: The explorer shows the centre PHOTO_TARGET x PHOTO_TARGET pixels of the upsampled photo.
PHOTO_TARGET = 216
_EVEN, _UNEVEN = "#1a7f37", "#c62828"


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


def grid_step(top):
    """Spacing of the dotted count levels in the 1-D panel: 1 up to 10 copies, then 5, 10, 50...

    Examples
    --------
    >>> grid_step(4), grid_step(17), grid_step(95)
    (1, 5, 10)
    """
    top = as_int(top, "top", minimum=0)
    for step in (1, 5, 10, 50, 100):
        if top <= 10 * step:
            return step
    return 10 ** len(str(top))


@dataclass(frozen=True)
class OverlapState:
    """One setting of the explorer, validated, with everything the figure and the text line show.

    Attributes: ``kernel_size``, ``stride``, ``layers``; ``counts`` (the 1-D
    overlap counts of :data:`N_INPUTS` ones), ``size`` (their length),
    ``photo_side`` and ``crop`` (:func:`photo_sizes`), ``photo_out`` (the
    crop's size after the layers).
    """

    kernel_size: int
    stride: int
    layers: int
    counts: np.ndarray
    photo_side: int
    crop: int
    photo_out: int

    @property
    def settings(self):
        return self.kernel_size, self.stride, self.layers

    @property
    def size(self):
        return int(self.counts.size)


def overlap_state(kernel_size, stride, layers):
    """Validate one setting against :data:`RANGES` and compute its counts and sizes (once).

    Raises
    ------
    TypeError, ValueError
        A setting outside the slider ranges.

    Examples
    --------
    >>> state = overlap_state(3, 2, 1)
    >>> state.size, int(state.counts.max()), state.photo_out
    (13, 2, 217)
    """
    values = []
    for name, value, (low, high) in zip(("kernel_size", "stride", "layers"), (kernel_size, stride, layers),
                                        RANGES.values()):
        value = as_int(value, name, minimum=1)
        if value > high:
            raise ValueError(f"{name} must be at most {high} in the explorer, got {value}")
        values.append(value)
    kernel_size, stride, layers = values
    side, crop = photo_sizes(stride, layers)
    photo_out = crop
    for _ in range(layers):
        photo_out = (photo_out - 1) * stride + kernel_size
    counts = stacked_overlap_counts(kernel_size, stride, N_INPUTS, layers)
    return OverlapState(kernel_size, stride, layers, counts, side, crop, photo_out)


def overlap_line(state, *, html=True):
    """The explorer's text line for an :class:`OverlapState`: sizes, then the even/uneven verdict.

    With ``html=False``: the same words as plain text on two lines, without the
    note on the bars' dotted lines (a static figure's title).

    Examples
    --------
    >>> print(overlap_line(overlap_state(4, 2, 1), html=False).splitlines()[1][:40])
    even overlap: kernel size 4 is divisible
    """
    if not isinstance(state, OverlapState):
        raise TypeError(f"state must be an OverlapState (from overlap_state), got {type(state).__name__}")
    k, s, n = state.settings
    top = int(state.counts.max())
    ones = f"{N_INPUTS} x {N_INPUTS} ones, {n} layer{'s' if n > 1 else ''}, highest count {top}"
    if html:
        step = grid_step(top)
        ones += f"; dotted lines every {step} cop{'y' if step == 1 else 'ies'}"
    used = f"{state.crop} x {state.crop}" + (f" (centre of {state.photo_side} x {state.photo_side})"
                                             if state.crop < state.photo_side else "")
    shown = min(state.photo_out, PHOTO_TARGET)
    head = (f"output size: {state.size} x {state.size} · ({ones}) · photo {used} → "
            f"{state.photo_out} x {state.photo_out}, centre {shown} x {shown} shown")
    if k % s == 0:
        per_layer = k // s
        label, colour = "even overlap", _EVEN
        rest = (f"kernel size {k} is divisible by stride {s}, every interior position gets {per_layer} kernel "
                f"cop{'y' if per_layer == 1 else 'ies'} per layer"
                + ("; stacked layers stay even away from the border" if n > 1 else ""))
    elif k < s:
        label, colour = "uneven overlap, with holes", _UNEVEN
        rest = f"kernel size {k} is smaller than stride {s}, some positions get no kernel copy at all"
    else:
        low, high = k // s, k // s + 1
        label, colour = "uneven overlap", _UNEVEN
        rest = (f"{k} is not divisible by {s}; per layer the interior gets {low} or {high} copies in 1-D, "
                f"{low * low}, {low * high} or {high * high} in 2-D" + (f"; {n} layers compound it" if n > 1 else ""))
    if html:
        return f"{head}<br><b style='color:{colour}'>{label}</b>: {rest}"
    return f"{head}\n{label}: {rest}"


def overlap_summary(kernel_size, stride, layers):
    """The explorer's HTML line for one setting (:func:`overlap_line` of :func:`overlap_state`).

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
    return overlap_line(overlap_state(kernel_size, stride, layers))


def _photo_through_layers(photo, state):
    """The centre crop of ``photo`` through the stacked layers, cut to at most PHOTO_TARGET pixels."""
    start = (state.photo_side - state.crop) // 2
    patch = photo[start : start + state.crop, start : start + state.crop]
    result = upsample_stack(patch, np.ones((state.kernel_size, state.kernel_size)), state.stride, state.layers,
                            normalise=True)
    excess = max(0, result.shape[0] - PHOTO_TARGET)
    return result[excess // 2 : excess // 2 + PHOTO_TARGET, excess // 2 : excess // 2 + PHOTO_TARGET]


def _to_screen(array, side=PHOTO_TARGET):
    """Nearest-neighbour resize to ``side x side`` screen pixels (index arrays, no interpolation)."""
    rows = np.arange(side) * array.shape[0] // side
    columns = np.arange(side) * array.shape[1] // side
    return array[rows[:, None], columns[None, :]]


class OverlapFigure:
    """The overlap explorer's figure (1-D counts, 2-D overlap map, photo) and its changing artists.

    Built once for ``(kernel_size, stride, layers)``; :meth:`show` updates the
    artists in place for another setting (no new artists: titles and frames
    never change, so a widget can blit ``artists``). The photo axes is exactly
    216 x 216 screen pixels, one per data pixel. Attributes: ``figure``,
    ``axes`` (bars, map, photo), ``artists``, ``state`` (the
    :class:`OverlapState` shown), ``settings``.

    Raises ``TypeError``/``ValueError`` for a setting outside the slider ranges.

    Examples
    --------
    >>> handle = OverlapFigure(3, 2, 1)
    >>> handle.show(4, 2, 2).settings
    (4, 2, 2)
    """

    def __init__(self, kernel_size=3, stride=2, layers=1):
        state = overlap_state(kernel_size, stride, layers)
        # Laid out in screen pixels at SCREEN_DPI (fonts show at their point size): the photo and
        # the map are pasted pixel for pixel, 216 x 216, between a title and a label line.
        width, side, below, above = 720, PHOTO_TARGET, 26, 26
        height = below + side + above
        figure = new_figure((width / SCREEN_DPI, height / SCREEN_DPI), dpi=SCREEN_DPI)
        boxes = ((8, 250), (272, side), (498, side))
        ax_bars, ax_map, ax_photo = (figure.add_axes((left / width, below / height, w / width, side / height))
                                     for left, w in boxes)
        self.bars = ax_bars.stairs([0], [0, 1], fill=True, color="#f08c3a")
        self.grid = LineCollection([], colors="0.35", linewidths=0.7, linestyles=":")
        ax_bars.add_collection(self.grid)
        # Figure images are pasted pixel for pixel (no resampling): arrays are brought to side x side first.
        blank = np.zeros((side, side))
        self.map = figure.figimage(blank, xo=boxes[1][0], yo=below, cmap=OVERLAP_CMAP, vmin=0, vmax=1,
                                   origin="upper")
        self.photo = figure.figimage(blank, xo=boxes[2][0], yo=below, cmap="gray", vmin=0, vmax=1, origin="upper")
        for ax, title, label in ((ax_bars, "1-D overlap counts", "dotted: count levels"),
                                 (ax_map, "2-D overlap map", "white: none, red: most"),
                                 (ax_photo, "photo, same layers", "ones kernels, normalised")):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(title, fontsize=11, pad=4)
            ax.set_xlabel(label, fontsize=10, labelpad=3)
        self.figure, self.axes = figure, (ax_bars, ax_map, ax_photo)
        self.artists = [self.bars, self.grid, self.map, self.photo]
        self._photos = {}
        self.show(*state.settings)

    @property
    def settings(self):
        return self.state.settings

    def _photo(self, size):
        """The photo at ``size`` pixels, loaded once per size."""
        if size not in self._photos:
            self._photos[size] = grace_hopper(size)
        return self._photos[size]

    def show(self, kernel_size, stride, layers):
        """Update every changing artist for the given settings; returns the handle."""
        state = self.state = overlap_state(kernel_size, stride, layers)
        counts = state.counts
        # One bar per position with a gap after it: the bar, then a zero-height gap.
        values = np.zeros(2 * counts.size)
        values[::2] = counts
        edges = np.repeat(np.arange(counts.size + 1), 2)[1:].astype(float)
        edges[1::2] -= 0.12 if counts.size <= 60 else 0.0
        self.bars.set_data(values, edges)
        ax_bars = self.axes[0]
        top = int(counts.max())
        ax_bars.set_xlim(0, counts.size)
        ax_bars.set_ylim(0, top * 1.05)
        step = grid_step(top)
        self.grid.set_segments([[(0, level), (counts.size, level)] for level in range(step, top + 1, step)])
        overlap = np.outer(counts, counts)
        self.map.set_data(_to_screen(overlap))
        self.map.set_clim(0, overlap.max())
        photo = _photo_through_layers(self._photo(state.photo_side), state)
        self.photo.set_data(_to_screen(photo))
        self.photo.set_clim(0, max(1.0, float(photo.max())))
        return self


def overlap_figure(kernel_size=3, stride=2, layers=1):
    """The explorer's figure for one setting, as a static matplotlib Figure.

    Parameters
    ----------
    kernel_size, stride, layers : int
        Kernel size 1-7, stride 1-3, layers 1-3.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes: 1-D counts, 2-D overlap map, upsampled photo (an Agg
        figure outside pyplot: show it with ``render_png``).

    Raises
    ------
    TypeError, ValueError
        A setting outside the slider ranges.

    Examples
    --------
    >>> [ax.get_title() for ax in overlap_figure(4, 2, 1).axes]
    ['1-D overlap counts', '2-D overlap map', 'photo, same layers']
    """
    return OverlapFigure(kernel_size, stride, layers).figure


def overlap_state_figure(kernel_size=3, stride=2, layers=1):
    """A readable static figure of one overlap-explorer setting, for the page under the widget.

    The explorer's own frame is small and has no scales; this figure shows the
    same three panels at reading size: the 1-D counts with a y axis (and the
    values written when there are at most 40 positions), the 2-D overlap map
    with a colour bar, the photo through the same layers, and, as the figure
    title, the explorer's text line (:func:`overlap_line`: sizes and the
    even/uneven verdict).

    Parameters
    ----------
    kernel_size, stride, layers : int
        Kernel size 1-7, stride 1-3, layers 1-3.

    Returns
    -------
    matplotlib.figure.Figure
        An Agg figure outside pyplot (show it with ``render_png`` or ``display``).

    Raises
    ------
    TypeError, ValueError
        A setting outside the slider ranges.

    Examples
    --------
    >>> figure = overlap_state_figure(4, 2, 1)
    >>> [ax.get_title() for ax in figure.axes[:3]]
    ['1-D overlap counts', '2-D overlap map', 'photo through the same layers']
    >>> figure.axes[3].get_ylabel()   # the colour bar
    'kernel copies'
    """
    state = overlap_state(kernel_size, stride, layers)
    counts = state.counts
    figure = new_figure((10.2, 4.4), dpi=100, layout="constrained")
    axes = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1.3, 1, 1]})
    ylabel = "kernel copies overlapping" if state.layers == 1 else "paths through the layers"
    plot_overlap_1d(counts, ax=axes[0], title="1-D overlap counts", annotate=counts.size <= 40, ylabel=ylabel)
    plot_overlap_2d(np.outer(counts, counts), ax=axes[1], title="2-D overlap map",
                    colorbar="kernel copies" if state.layers == 1 else "paths through the layers",
                    show_values=counts.size <= 14)
    photo = _photo_through_layers(grace_hopper(state.photo_side), state)
    plot_image(photo, axes[2], "photo through the same layers", vmin=0, vmax=max(1.0, float(photo.max())))
    axes[2].set_xlabel("ones kernels, normalised per layer")
    figure.suptitle(overlap_line(state, html=False), fontsize=11)
    return figure


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
        "layers"), an ``ipywidgets.HTML`` line (:func:`overlap_line`) and an
        ``ipywidgets.Image`` with the figure of :class:`OverlapFigure`.

    Raises
    ------
    TypeError, ValueError
        A setting outside the slider ranges.

    Examples
    --------
    >>> from course_lib.widgets import explorer_parts
    >>> sliders, image, html = explorer_parts(overlap_explorer(4, 2, 1))
    >>> sorted(sliders), html.value[:21]
    (['kernel size', 'layers', 'stride'], 'output size: 14 x 14 ')
    """
    import ipywidgets

    handle = OverlapFigure(kernel_size, stride, layers)   # validates the settings
    layout = ipywidgets.Layout(width="250px")
    sliders = [int_slider(name, value, low, high, layout=layout)
               for (name, (low, high)), value in zip(RANGES.items(), handle.settings)]

    def update(k, s, n):
        return overlap_line(handle.show(k, s, n).state), True

    return wire([ipywidgets.HBox(sliders)], ipywidgets.HTML(), handle, update,
                description="Overlap explorer (kernel size, stride, layers): run the cell to move the sliders.")
