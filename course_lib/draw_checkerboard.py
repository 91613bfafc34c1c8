"""Drawings for notebook 07 (checkerboard artifacts): overlap counts, phases, the overlap explorer's figure.

Every ``plot_*`` function takes an optional ``ax``, draws, and returns the
axes. :class:`OverlapFigure` is the overlap explorer's figure as a handle
(``show`` and ``artists``). Nothing here computes course results: the arrays
come from :mod:`course_lib.checkerboard` and :mod:`course_lib.artifacts`.
"""
from __future__ import annotations

import math
import numbers

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from ._checks import as_array, as_int, as_matrix
from .artifacts import upsample_stack
from .checkerboard import stacked_overlap_counts
from .images import grace_hopper
from .plotting import CATEGORICAL, MatrixPanel, check_ax, plot_image, plot_matrix
from .widgets import new_figure

__all__ = ["plot_overlap_1d", "plot_overlap_2d", "plot_phases", "plot_source_channels", "OverlapFigure",
           "overlap_figure", "overlap_state_figure", "plot_frequency_view", "PHASE_STYLES", "SOURCE_COLOURS",
           "overlap_summary", "photo_sizes", "grid_step", "OVERLAP_CMAP", "N_INPUTS", "KERNEL_RANGE",
           "STRIDE_RANGE", "LAYERS_RANGE", "PHOTO_TARGET"]

OVERLAP_CMAP = "YlOrRd"
#: Outline line styles of the phases (a second cue beside the colour, for colour-blind readers and print).
PHASE_STYLES = ("-", "--", ":", "-.")
#: Fill colours of pixel-shuffle source channels (Okabe-Ito sky blue, orange, bluish green, reddish purple).
SOURCE_COLOURS = ("#56B4E9", "#E69F00", "#009E73", "#CC79A7")
#: Input length of the overlap counts (a few ones, as in the Distill figures).
N_INPUTS = 6
#: Slider ranges (inclusive).
KERNEL_RANGE = (1, 7)
STRIDE_RANGE = (1, 3)
LAYERS_RANGE = (1, 3)
#: The explorer shows the centre PHOTO_TARGET x PHOTO_TARGET pixels of the upsampled photo.
PHOTO_TARGET = 216


def plot_overlap_1d(counts, ax=None, title=None, *, annotate=None, kernel_size=None, stride=None,
                    ylabel="kernel copies overlapping"):
    """Bar chart of how many kernel copies touch each output position.

    Parameters
    ----------
    counts : (n,) array_like
        From :func:`course_lib.overlap_counts` (or any 1-D counts).
    ax : matplotlib Axes, optional
    title : str, optional
        Defaults to "kernel size k, stride s" when both are given.
    annotate : bool, optional
        Write each count above its bar; default when there are at most 40 bars.
    kernel_size, stride : int, optional
        Only used for the default title.
    ylabel : str
        The y-axis label. For stacked layers the values are products of
        counts (paths through the layers), not copies: say so.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``counts`` not a non-empty 1-D array of finite non-negative numbers.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_overlap_1d([1, 1, 2, 1, 1], Figure().subplots(), kernel_size=3, stride=2)
    >>> ax.get_title(), [t.get_text() for t in ax.texts]
    ('kernel size 3, stride 2', ['1', '1', '2', '1', '1'])
    """
    values = as_array(counts, "counts")
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"counts must be a non-empty 1-D array, got shape {values.shape}")
    if np.any(values < 0) or not np.all(np.isfinite(values)):
        raise ValueError(f"counts must be finite and non-negative, got values from {values.min()} to {values.max()}")
    ax = check_ax(ax)
    top = max(1, int(values.max()) if values.size else 1)
    colours = plt.get_cmap(OVERLAP_CMAP)(0.25 + 0.75 * values / top)
    ax.bar(np.arange(values.size), values, width=0.9, color=colours, edgecolor="0.3", linewidth=0.6)
    if annotate if annotate is not None else values.size <= 40:
        for position, value in enumerate(values):
            ax.text(position, value + 0.05 * top, f"{value:g}", ha="center", va="bottom", fontsize=10)
    ax.set_xlim(-0.6, values.size - 0.4)
    ax.set_ylim(0, top * 1.2)
    ax.set_xlabel("output position")
    if not isinstance(ylabel, str):
        raise TypeError(f"ylabel must be a str, got {type(ylabel).__name__}: {ylabel!r:.60}")
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if title is None and kernel_size is not None and stride is not None:
        title = f"kernel size {kernel_size}, stride {stride}"
    if title is not None:
        ax.set_title(title)
    return ax


def plot_overlap_2d(counts, ax=None, title=None, *, show_values=None, vmax=None, colorbar=False):
    """Draw a 2-D overlap map (counts per output pixel) on a sequential colour map.

    Zero (no kernel copy touches the pixel, a hole) is white; darker red means
    more copies overlap.

    Parameters
    ----------
    counts : (H, W) array_like
        E.g. :func:`course_lib.overlap_counts_2d`.
    ax : matplotlib Axes, optional
    title : str, optional
    show_values : bool, optional
        Write each count in its cell; default when the map is at most 16 x 16.
    vmax : float, optional
        Top of the colour scale (default: the largest count).
    colorbar : bool or str
        Add a colour bar labelled "kernel copies" (or the given label).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``counts`` not a non-empty real 2-D array; ``vmax`` not positive.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_overlap_2d([[1, 2], [2, 4]], Figure().subplots())
    >>> [t.get_text() for t in ax.texts], ax.images[0].get_clim()
    (['1', '2', '2', '4'], (0.0, 4.0))
    """
    values = as_array(counts, "counts").astype(float)
    if values.ndim != 2 or values.size == 0:
        raise ValueError(f"counts must be a non-empty 2-D array, got shape {values.shape}")
    if vmax is not None and not (isinstance(vmax, numbers.Real) and not isinstance(vmax, bool)):
        raise TypeError(f"vmax must be a positive number or None, got {vmax!r}")
    if vmax is not None and not vmax > 0:
        raise ValueError(f"vmax must be a positive number or None, got {vmax!r}")
    ax = check_ax(ax)
    top = vmax if vmax is not None else max(1.0, float(values.max()))
    show = show_values if show_values is not None else max(values.shape) <= 16
    panel = MatrixPanel(ax, values.shape, top, vmin=0, cmap=OVERLAP_CMAP, fontsize=10, fmt="g",
                        show_values=show, grid=False, framed=True).fill(values)
    image = panel.image
    ax.set_xlabel(f"output column (width {values.shape[1]})")
    ax.set_ylabel(f"output row (height {values.shape[0]})")
    if colorbar:
        label = colorbar if isinstance(colorbar, str) else "kernel copies"
        bar = ax.figure.colorbar(image, ax=ax, label=label, shrink=0.8)
        bar.locator = MaxNLocator(integer=True)   # counts are whole numbers
        bar.update_ticks()
    if title is not None:
        ax.set_title(title)
    return ax


def plot_phases(kernel, stride, ax=None, title=None, *, legend=False):
    """Draw a kernel (or any array) with each cell outlined in the colour and line style of its phase.

    With stride ``s``, kernel cell ``(r, c)`` only ever lands on output pixels
    whose position modulo ``s`` is ``(r % s, c % s)`` shifted by the input
    position; cells of one phase always add up into the same output pixels.
    So a constant input gives, away from the border, the sum of each phase's
    cells: four different sums for a random 4x4 kernel with stride 2 make a
    checkerboard even though the overlap count is even. The same outlines
    work for the ``(s, s)`` phase sums and for an output whose top-left pixel
    has phase (0, 0).

    Cells are light greys (darker = larger, the number is written in the
    cell); outlines use the colour-blind-safe :data:`course_lib.plotting.CATEGORICAL`
    set and, as a second cue, one line style per phase (:data:`PHASE_STYLES`).

    Parameters
    ----------
    kernel : (kH, kW) array_like
    stride : int
    ax : matplotlib Axes, optional
    title : str, optional
    legend : bool
        Add a legend naming each phase ``(r % s, c % s)`` below the axes.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``kernel`` not a non-empty real 2-D array, ``stride`` not a positive int.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_phases(np.ones((2, 2)), 2, Figure().subplots())
    >>> len({p.get_edgecolor() for p in ax.patches}), len({p.get_linestyle() for p in ax.patches})
    (4, 4)
    """
    weights = as_matrix(kernel, "kernel").astype(float)
    stride = as_int(stride, "stride", minimum=1)
    ax = check_ax(ax)
    low, high = min(0.0, float(weights.min())), max(1e-12, float(weights.max()))
    # Light greys only (the top value reaches 40% of the map), so outlines and black numbers stand out.
    MatrixPanel(ax, weights.shape, low + (high - low) / 0.4, vmin=low, cmap="Greys", fmt=".2f",
                framed=True).fill(weights)
    for (r, c), _ in np.ndenumerate(weights):
        phase = (r % stride) * stride + (c % stride)
        ax.add_patch(Rectangle((c - 0.40, r - 0.40), 0.80, 0.80, fill=False,
                               edgecolor=CATEGORICAL[phase % len(CATEGORICAL)],
                               linestyle=PHASE_STYLES[(phase // len(CATEGORICAL) + phase) % len(PHASE_STYLES)],
                               linewidth=3, label=f"phase ({r % stride}, {c % stride})"))
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles))
        ax.legend(unique.values(), unique.keys(), loc="upper center", bbox_to_anchor=(0.5, -0.02),
                  ncol=min(4, len(unique)), fontsize=10, handlelength=3, frameon=False)
    if title is not None:
        ax.set_title(title)
    return ax


def plot_source_channels(values, upscale_factor, ax=None, title=None, *, channel=None):
    """Draw a pixel-shuffle input channel or output with each cell coloured by its source channel.

    In ``pixel_shuffle`` with factor ``r``, output pixel ``(i, j)`` comes from
    channel ``(i % r) * r + (j % r)``; colouring by that channel (not by the
    value) shows how the channels interleave. Colours are pale versions of four
    colour-blind-safe Okabe-Ito colours (:data:`SOURCE_COLOURS`); in the
    shuffled output each cell also names its channel (``ch c``).

    Parameters
    ----------
    values : (H, W) array_like
        One input channel (give ``channel``) or the shuffled output (``channel=None``).
    upscale_factor : int
    ax : matplotlib Axes, optional
    title : str, optional
    channel : int, optional
        The channel all of ``values`` comes from; None for a shuffled output.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``values`` not a non-empty 2-D real array, ``upscale_factor`` not a positive int,
        ``channel`` outside ``0 .. upscale_factor**2 - 1``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_source_channels(np.arange(4).reshape(2, 2), 2, Figure().subplots())
    >>> np.unique(ax.images[0].get_array()).tolist()
    [0.0, 1.0, 2.0, 3.0]
    """
    from matplotlib.colors import ListedColormap, to_rgb

    array = as_matrix(values, "values").astype(float)
    factor = as_int(upscale_factor, "upscale_factor", minimum=1)
    count = factor * factor
    if count > len(SOURCE_COLOURS):
        raise ValueError(f"upscale_factor must be at most 2 (one colour per channel, {len(SOURCE_COLOURS)} colours), "
                         f"got {factor}")
    if channel is not None:
        channel = as_int(channel, "channel", minimum=0)
        if channel >= count:
            raise ValueError(f"channel must be in 0 .. {count - 1} for upscale_factor {factor}, got {channel}")
        sources = np.full(array.shape, channel, dtype=float)
    else:
        rows, columns = np.indices(array.shape)
        sources = ((rows % factor) * factor + columns % factor).astype(float)
    pale = [tuple(0.5 + 0.5 * v for v in to_rgb(c)) for c in SOURCE_COLOURS[:count]]
    ax = check_ax(ax)
    two_lines = channel is None   # value and channel: a smaller font so both fit the cell
    panel = MatrixPanel(ax, array.shape, count - 0.5, vmin=-0.5, cmap=ListedColormap(pale), framed=True,
                        fontsize=max(10, min(11, int(36 / max(array.shape)) + 2)) if two_lines else None)
    panel.fill(sources)   # colours and borders from the source channel; the texts become the values below
    for (i, j), value in np.ndenumerate(array):   # the channel is written too: colour is not the only cue
        panel.texts[i][j].set_text(f"{value:g}\n(ch {int(sources[i, j])})" if two_lines else f"{value:g}")
        panel.texts[i][j].set_color("black")
    if title is not None:
        ax.set_title(title)
    return ax


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


def _photo_through_layers(photo, kernel_size, stride, layers):
    """The centre crop of ``photo`` through the stacked layers, cut to at most PHOTO_TARGET pixels."""
    side, crop = photo_sizes(stride, layers)
    start = (side - crop) // 2
    patch = photo[start : start + crop, start : start + crop]
    result = upsample_stack(patch, np.ones((kernel_size, kernel_size)), stride, layers, normalise=True)
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
    ``axes`` (bars, map, photo), ``artists``.

    Raises ``TypeError``/``ValueError`` for a setting outside the slider ranges.

    Examples
    --------
    >>> handle = OverlapFigure(3, 2, 1)
    >>> handle.show(4, 2, 2).settings
    (4, 2, 2)
    """

    def __init__(self, kernel_size=3, stride=2, layers=1):
        settings = _settings(kernel_size, stride, layers)
        width, height, side = 720, 252, PHOTO_TARGET
        figure = new_figure((width / 72, height / 72), dpi=72)
        bottom = 18 / height
        boxes = ((8, 250), (272, side), (498, side))
        ax_bars, ax_map, ax_photo = (figure.add_axes((left / width, bottom, w / width, side / height))
                                     for left, w in boxes)
        self.bars = ax_bars.stairs([0], [0, 1], fill=True, color="#f08c3a")
        self.grid = LineCollection([], colors="0.35", linewidths=0.7, linestyles=":")
        ax_bars.add_collection(self.grid)
        # Figure images are pasted pixel for pixel (no resampling): arrays are brought to side x side first.
        blank = np.zeros((side, side))
        self.map = figure.figimage(blank, xo=boxes[1][0], yo=18, cmap=OVERLAP_CMAP, vmin=0, vmax=1, origin="upper")
        self.photo = figure.figimage(blank, xo=boxes[2][0], yo=18, cmap="gray", vmin=0, vmax=1, origin="upper")
        for ax, title, label in ((ax_bars, "1-D overlap counts", "output position; dotted: count levels"),
                                 (ax_map, "2-D overlap map", "white: no copy · dark red: most copies"),
                                 (ax_photo, "photo through the same layers", "ones kernels, normalised per layer")):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(title, fontsize=10, pad=3)
            ax.set_xlabel(label, fontsize=9, labelpad=2)
        self.figure, self.axes = figure, (ax_bars, ax_map, ax_photo)
        self.artists = [self.bars, self.grid, self.map, self.photo]
        self._photos = {}
        self.show(*settings)

    def _photo(self, size):
        """The photo at ``size`` pixels, loaded once per size."""
        if size not in self._photos:
            self._photos[size] = grace_hopper(size)
        return self._photos[size]

    def show(self, kernel_size, stride, layers):
        """Update every changing artist for the given settings; returns the handle."""
        kernel_size, stride, layers = self.settings = _settings(kernel_size, stride, layers)
        counts = _counts(kernel_size, stride, layers)
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
        side, _ = photo_sizes(stride, layers)
        photo = _photo_through_layers(self._photo(side), kernel_size, stride, layers)
        self.photo.set_data(_to_screen(photo))
        self.photo.set_clim(0, max(1.0, float(photo.max())))
        return self


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
        Three axes: 1-D counts, 2-D overlap map, upsampled photo (an Agg
        figure outside pyplot: show it with ``render_png``).

    Raises
    ------
    TypeError, ValueError
        A setting outside the slider ranges.

    Examples
    --------
    >>> [ax.get_title() for ax in overlap_figure(4, 2, 1).axes]
    ['1-D overlap counts', '2-D overlap map', 'photo through the same layers']
    """
    return OverlapFigure(kernel_size, stride, layers).figure


def overlap_state_figure(kernel_size=3, stride=2, layers=1):
    """A readable static figure of one overlap-explorer setting, for the page under the widget.

    The explorer's own frame is small and has no scales; this figure shows the
    same three panels at reading size: the 1-D counts with a y axis (and the
    values written when there are at most 40 positions), the 2-D overlap map
    with a colour bar, the photo through the same layers, and, as the figure
    title, the explorer's text line (:func:`overlap_summary`: sizes and the
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
    import re

    kernel_size, stride, layers = _settings(kernel_size, stride, layers)
    counts = _counts(kernel_size, stride, layers)
    figure = new_figure((10.2, 4.4), dpi=100, layout="constrained")
    axes = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1.3, 1, 1]})
    ylabel = "kernel copies overlapping" if layers == 1 else "paths through the layers"
    plot_overlap_1d(counts, ax=axes[0], title="1-D overlap counts", annotate=counts.size <= 40, ylabel=ylabel)
    plot_overlap_2d(np.outer(counts, counts), ax=axes[1], title="2-D overlap map",
                    colorbar="kernel copies" if layers == 1 else "paths through the layers",
                    show_values=counts.size <= 14)
    side, _ = photo_sizes(stride, layers)
    photo = _photo_through_layers(grace_hopper(side), kernel_size, stride, layers)
    plot_image(photo, axes[2], "photo through the same layers", vmin=0, vmax=max(1.0, float(photo.max())))
    axes[2].set_xlabel("ones kernels, normalised per layer")
    line = overlap_summary(kernel_size, stride, layers).replace("<br>", "\n")
    line = re.sub(r"; dotted lines every [^)]*", "", re.sub(r"<[^>]+>", "", line))   # the explorer's own bars
    figure.suptitle(line, fontsize=11)
    return figure


def plot_frequency_view(kernels, stride=2, axes=None, *, n_fft=64, n_inputs=32):
    """The frequency view of the checkerboard: what zero insertion creates, what each kernel lets through.

    Left: the magnitude spectrum of a flat input of ones after zero insertion
    (``1, 0, 1, 0, ...`` for stride 2), normalised by its sum: peaks at
    ``f = 0`` and at the multiples of ``1/stride``. Right: each kernel's
    frequency response ``|H(f)| / |H(0)|`` (one line style per kernel), with
    the frequencies ``f = m/stride`` shaded: a flat input upsampled to a flat
    output needs ``|H| = 0`` there (equivalently, equal phase sums).

    Parameters
    ----------
    kernels : dict of str -> (k,) array_like
        1-D kernels by name (non-zero sum).
    stride : int
    axes : sequence of 2 matplotlib Axes, optional
        A new pyplot figure when omitted.
    n_fft : int
        FFT length (a multiple of ``stride`` samples ``m/stride`` exactly).
    n_inputs : int
        Length of the flat input before zero insertion.

    Returns
    -------
    list of 2 matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``kernels`` not a non-empty dict of 1-D arrays with non-zero sums, bad
        ``stride``/``n_fft``/``n_inputs`` (``n_fft`` shorter than a kernel or the input).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> axes = plot_frequency_view({"k4 ones": np.ones(4)}, 2, Figure().subplots(1, 2))
    >>> response = axes[1].lines[0].get_ydata()
    >>> round(float(response[0]), 3), round(float(response[32]), 3)   # f = 0 and f = 1/2
    (1.0, 0.0)
    """
    from .equivalence import zero_insert
    from .plotting import check_axes, new_axes

    stride = as_int(stride, "stride", minimum=1)
    n_fft = as_int(n_fft, "n_fft", minimum=2)
    n_inputs = as_int(n_inputs, "n_inputs", minimum=1)
    if not isinstance(kernels, dict) or not kernels:
        raise TypeError(f"kernels must be a non-empty dict of name -> 1-D kernel, got {type(kernels).__name__}")
    arrays = {}
    for name, kernel in kernels.items():
        values = as_array(kernel, f"kernels[{name!r}]").astype(float)
        if values.ndim != 1 or values.size == 0 or values.size > n_fft or np.isclose(values.sum(), 0):
            raise ValueError(f"kernels[{name!r}] must be 1-D, non-empty, at most n_fft={n_fft} long and sum to "
                             f"a non-zero value, got {values!r:.60}")
        arrays[name] = values
    inserted = zero_insert(np.ones((1, n_inputs)), (1, stride))[0]
    if inserted.size > n_fft:
        raise ValueError(f"n_fft must be at least the zero-inserted input's length {inserted.size}, got {n_fft}")
    axes = new_axes(2, (12, 3.8)) if axes is None else check_axes(axes, 2)
    freqs = np.fft.rfftfreq(n_fft)
    axes[0].stem(freqs, np.abs(np.fft.rfft(inserted, n_fft)) / inserted.sum())
    pattern = ", ".join(["1"] + ["0"] * (stride - 1))
    peaks = ", ".join(["f = 0"] + [f"{m}/{stride}" for m in range(1, stride // 2 + 1)])
    axes[0].set_title(f"zero-inserted flat input {pattern}, ...:\npeaks at {peaks}")
    for (name, kernel), style in zip(arrays.items(), PHASE_STYLES * len(arrays)):
        axes[1].plot(freqs, np.abs(np.fft.rfft(kernel, n_fft)) / abs(kernel.sum()), style, linewidth=2, label=name)
    for m in range(1, stride // 2 + 1):
        axes[1].axvline(m / stride, color="0.5", linewidth=6, alpha=0.3,
                        label=f"f = {m}/{stride}, created by zero insertion")
    nulls = " and ".join(f"|H({m}/{stride})|" for m in range(1, stride // 2 + 1)) or "nothing"
    axes[1].set_title(f"kernel frequency response |H(f)| / H(0)\nflat output needs {nulls} = 0")
    for ax in axes:
        ax.set_xlabel("frequency f (cycles per output pixel)")
    axes[1].legend(fontsize=10, loc="lower left")
    axes[0].set_ylabel("|spectrum| / number of ones")
    axes[1].set_ylabel("|H(f)| / H(0)")
    return axes
