"""Drawing for notebooks 06 (convolution as a matrix) and 07 (overlap, artifacts).

Every ``plot_*`` function takes an optional ``ax``, draws, and returns the
axes. Nothing here computes course results: the arrays come from
:mod:`course_lib.equivalence`, :mod:`course_lib.checkerboard` and
:mod:`course_lib.artifacts`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .plotting import plot_matrix

__all__ = ["plot_conv_matrix", "plot_overlap_1d", "plot_overlap_2d", "plot_phases", "OVERLAP_CMAP"]

OVERLAP_CMAP = "YlOrRd"
_MAX_VALUES = 16  # beyond this many rows/columns, every value in its cell becomes unreadable
_MAX_LABELLED = 40  # beyond this many, pixel names on the axes do too


def _pair(shape, name):
    try:
        h, w = (int(v) for v in shape)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an (h, w) pair of ints, got {shape!r}") from None
    if h < 1 or w < 1:
        raise ValueError(f"{name} must be an (h, w) pair of positive ints, got {shape!r}")
    return h, w


def plot_conv_matrix(matrix, input_shape, output_shape, ax=None, title=None, *, show_values=None,
                     input_name="x", output_name="y"):
    """Draw the matrix ``C`` of a convolution with rows and columns named by pixel.

    Column ``j`` multiplies input pixel ``x[r, c]`` (``j = r * W + c``); row
    ``i`` produces output pixel ``y[r, c]`` (``i = r * oW + c``).

    Parameters
    ----------
    matrix : (oH*oW, H*W) array_like
        From :func:`course_lib.conv_matrix`.
    input_shape, output_shape : (int, int)
        ``(H, W)`` and ``(oH, oW)``; must match the matrix's columns and rows.
    ax : matplotlib Axes, optional
    title : str, optional
    show_values : bool, optional
        Write the entries in their cells; default when the matrix has at most
        16 rows and 16 columns. Matrices with more than 16 rows or columns
        leave zero cells blank so the non-zero pattern stands out; beyond 40
        the pixel names on the axes are dropped too.
    input_name, output_name : str
        Names used in the pixel labels.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        A matrix that is not 2-D or whose size does not match the shapes.
    """
    array = np.asarray(matrix, dtype=float)
    h, w = _pair(input_shape, "input_shape")
    oh, ow = _pair(output_shape, "output_shape")
    if array.ndim != 2 or array.shape != (oh * ow, h * w):
        raise ValueError(
            f"matrix must have shape (oH*oW, H*W) = ({oh * ow}, {h * w}) for input_shape "
            f"{(h, w)} and output_shape {(oh, ow)}, got {array.shape}"
        )
    small = max(array.shape) <= _MAX_VALUES
    labelled = max(array.shape) <= _MAX_LABELLED
    show = small if show_values is None else bool(show_values)
    ax = plot_matrix(array, ax=ax, show_values=show, grid=labelled,
                     fontsize=None if small else 8)
    if show and not small:
        for text in list(ax.texts):
            if text.get_text() == "0":
                text.remove()
    if labelled:
        size = 10 if small else 7
        ax.set_xticks(range(h * w))
        ax.set_xticklabels([f"{input_name}[{r},{c}]" for r in range(h) for c in range(w)],
                           rotation=90, fontsize=size)
        ax.set_yticks(range(oh * ow))
        ax.set_yticklabels([f"{output_name}[{r},{c}]" for r in range(oh) for c in range(ow)], fontsize=size)
        ax.tick_params(length=0)
        ax.xaxis.set_ticks_position("top")
    ax.set_xlabel(f"column = input pixel ({h}x{w} = {h * w} columns)")
    ax.set_ylabel(f"row = output pixel ({oh}x{ow} = {oh * ow} rows)")
    if title is not None:
        ax.set_title(title, pad=4 if not labelled else 40)
    return ax


def plot_overlap_1d(counts, ax=None, title=None, *, annotate=None, kernel_size=None, stride=None):
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

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        ``counts`` not 1-D.
    """
    values = np.asarray(counts)
    if values.ndim != 1:
        raise ValueError(f"counts must be 1-D, got shape {values.shape}")
    ax = plt.gca() if ax is None else ax
    top = max(1, int(values.max()) if values.size else 1)
    colours = plt.get_cmap(OVERLAP_CMAP)(0.25 + 0.75 * values / top)
    ax.bar(np.arange(values.size), values, width=0.9, color=colours, edgecolor="0.3", linewidth=0.6)
    if annotate if annotate is not None else values.size <= 40:
        for position, value in enumerate(values):
            ax.text(position, value + 0.05 * top, f"{value:g}", ha="center", va="bottom", fontsize=8)
    ax.set_xlim(-0.6, values.size - 0.4)
    ax.set_ylim(0, top * 1.2)
    ax.set_xlabel("output position")
    ax.set_ylabel("kernel copies overlapping")
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
    colorbar : bool
        Add a colour bar labelled "kernel copies".

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        ``counts`` not 2-D.
    """
    values = np.asarray(counts, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"counts must be 2-D, got shape {values.shape}")
    ax = plt.gca() if ax is None else ax
    top = vmax if vmax is not None else max(1.0, float(values.max()) if values.size else 1.0)
    image = ax.imshow(values, cmap=OVERLAP_CMAP, vmin=0, vmax=top, interpolation="nearest")
    if show_values if show_values is not None else max(values.shape) <= 16:
        for (i, j), value in np.ndenumerate(values):
            ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=8,
                    color="white" if value > 0.6 * top else "black")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel(f"output column (width {values.shape[1]})")
    ax.set_ylabel(f"output row (height {values.shape[0]})")
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="kernel copies", shrink=0.8)
    if title is not None:
        ax.set_title(title)
    return ax


def plot_phases(kernel, stride, ax=None, title=None):
    """Draw a kernel (or any array) with each cell outlined in the colour of its phase.

    With stride ``s``, kernel cell ``(r, c)`` only ever lands on output pixels
    whose position modulo ``s`` is ``(r % s, c % s)`` shifted by the input
    position; cells of one phase always add up into the same output pixels.
    So a constant input gives, away from the border, the sum of each phase's
    cells: four different sums for a random 4x4 kernel with stride 2 make a
    checkerboard even though the overlap count is even. The same colours
    work for the ``(s, s)`` phase sums and for an output whose top-left pixel
    has phase (0, 0).

    Parameters
    ----------
    kernel : (kH, kW) array_like
    stride : int
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        ``kernel`` not 2-D or ``stride`` not a positive int.
    """
    weights = np.asarray(kernel, dtype=float)
    if weights.ndim != 2:
        raise ValueError(f"kernel must be 2-D, got shape {weights.shape}")
    if not isinstance(stride, (int, np.integer)) or isinstance(stride, bool) or stride < 1:
        raise ValueError(f"stride must be a positive int, got {stride!r}")
    ax = plot_matrix(weights, ax=ax, fmt=".2f")
    colours = plt.get_cmap("tab10").colors
    for (r, c), _ in np.ndenumerate(weights):
        phase = (r % stride) * stride + (c % stride)
        ax.add_patch(plt.Rectangle((c - 0.42, r - 0.42), 0.84, 0.84, fill=False,
                                   edgecolor=colours[phase % 10], linewidth=3))
    if title is not None:
        ax.set_title(title)
    return ax
