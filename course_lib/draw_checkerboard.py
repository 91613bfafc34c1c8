"""Drawings for notebook 07 (checkerboard artifacts): overlap counts, phases, pixel-shuffle sources, frequencies.

Every ``plot_*`` function takes an optional ``ax``, draws, and returns the
axes. Nothing here computes course results: the arrays come from
:mod:`course_lib.checkerboard` and :mod:`course_lib.artifacts`. The overlap
explorer (its figure, slider ranges and text line) is
:mod:`course_lib.explore_checkerboard`.
"""
from __future__ import annotations

import numbers

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from ._checks import as_array, as_int, as_matrix
from .plotting import CATEGORICAL, MatrixPanel, check_ax

__all__ = ["plot_overlap_1d", "plot_overlap_2d", "plot_phases", "plot_source_channels", "plot_frequency_view",
           "PHASE_STYLES", "SOURCE_COLOURS", "OVERLAP_CMAP"]

OVERLAP_CMAP = "YlOrRd"
#: Outline line styles of the phases (a second cue beside the colour, for colour-blind readers and print).
PHASE_STYLES = ("-", "--", ":", "-.")
#: Fill colours of pixel-shuffle source channels (Okabe-Ito sky blue, orange, bluish green, reddish purple).
SOURCE_COLOURS = ("#56B4E9", "#E69F00", "#009E73", "#CC79A7")
#: Names that moved to the explorer's module; ``from course_lib.draw_checkerboard import ...`` still finds them.
_MOVED = {"OverlapFigure", "overlap_figure", "overlap_state_figure", "overlap_summary", "photo_sizes", "grid_step",
          "N_INPUTS", "KERNEL_RANGE", "STRIDE_RANGE", "LAYERS_RANGE", "PHOTO_TARGET"}


def __getattr__(name):
    if name in _MOVED:   # the old import path of the overlap explorer's pieces (imported on first use)
        from . import explore_checkerboard

        return getattr(explore_checkerboard, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
