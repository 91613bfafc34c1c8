"""Drawing helpers shared by the notebooks: matrices with their values, images.

Every ``plot_*`` function takes an optional ``ax``, draws, and returns the
axes; nothing here computes course results or touches widgets. Colours never
hide the sign of a number: values are drawn on a diverging map centred on 0
(blue negative, white zero, red positive), and every cell shows its value.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

__all__ = ["plot_matrix", "update_matrix", "plot_image", "highlight_cells", "DIVERGING"]

DIVERGING = "RdBu_r"


def _format(value, fmt):
    if fmt is not None:
        return format(value, fmt)
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.2f}"


def plot_matrix(values, ax=None, title=None, *, fmt=None, vmax=None, cmap=DIVERGING,
                show_values=True, fontsize=None, grid=True):
    """Draw a 2-D array as coloured cells with each value written in its cell.

    Parameters
    ----------
    values : (H, W) array_like
    ax : matplotlib Axes, optional
        Drawn on the current axes when omitted.
    title : str, optional
    fmt : str, optional
        Format spec for the cell text; integers print without decimals by default.
    vmax : float, optional
        Colour limit; the map spans ``[-vmax, vmax]`` so 0 is always white.
        Defaults to the largest absolute value (at least 1).
    cmap : str
        A diverging colour map (default ``"RdBu_r"``).
    show_values, fontsize, grid
        Cell text on/off and size, cell borders on/off.

    Returns
    -------
    matplotlib Axes
    """
    array = np.asarray(values, dtype=float)
    if array.ndim != 2:
        raise ValueError(f"values must be 2-D, got shape {array.shape}")
    ax = plt.gca() if ax is None else ax
    ax.imshow(array, cmap=cmap, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax._course_matrix = {"fmt": fmt, "vmax": vmax, "show_values": show_values, "fontsize": fontsize, "grid": grid}
    update_matrix(ax, array)
    if title is not None:
        ax.set_title(title)
    return ax


def update_matrix(ax, values):
    """Redraw an axes made by :func:`plot_matrix` with new values (any shape), in place.

    The image artist is reused (``set_data``); only the cell texts and borders
    are replaced. Returns the axes.
    """
    array = np.asarray(values, dtype=float)
    options = ax._course_matrix
    image = ax.images[0]
    image.set_data(array)
    h, w = array.shape
    image.set_extent((-0.5, w - 0.5, h - 0.5, -0.5))
    limit = options["vmax"] or max(1.0, float(np.abs(array).max()) if array.size else 1.0)
    image.set_clim(-limit, limit)
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)
    for text in list(ax.texts):
        text.remove()
    for line in [c for c in ax.collections if getattr(c, "_course_grid", False)]:
        line.remove()
    if options["grid"]:
        grid = ax.vlines(np.arange(w + 1) - 0.5, -0.5, h - 0.5, colors="0.3", linewidths=0.8)
        grid._course_grid = True
        grid = ax.hlines(np.arange(h + 1) - 0.5, -0.5, w - 0.5, colors="0.3", linewidths=0.8)
        grid._course_grid = True
    if options["show_values"]:
        size = options["fontsize"] or max(6, min(14, int(60 / max(h, w, 1)) + 4))
        for (i, j), value in np.ndenumerate(array):
            strong = abs(value) > 0.6 * limit
            ax.text(j, i, _format(value, options["fmt"]), ha="center", va="center",
                    fontsize=size, color="white" if strong else "black")
    return ax


def highlight_cells(ax, top, left, height, width, color="gold", linewidth=3, label=None):
    """Outline the block of cells ``[top:top+height, left:left+width]``; returns the patch."""
    patch = Rectangle((left - 0.5, top - 0.5), width, height, fill=False, edgecolor=color,
                      linewidth=linewidth, label=label)
    ax.add_patch(patch)
    return patch


def plot_image(image, ax=None, title=None, *, cmap="gray", vmin=None, vmax=None, axis_labels=True):
    """Show an image (H, W) or (H, W, 3) with its pixel size on the axes; returns the axes.

    Pixel rows and columns are labelled so a learner can read sizes off the
    figure; ``interpolation="nearest"`` shows every pixel as a block.
    """
    array = np.asarray(image)
    ax = plt.gca() if ax is None else ax
    ax.imshow(array, cmap=cmap if array.ndim == 2 else None, vmin=vmin, vmax=vmax, interpolation="nearest")
    if axis_labels:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # pixel indices are whole numbers
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(f"column (width {array.shape[1]})")
        ax.set_ylabel(f"row (height {array.shape[0]})")
    if title is not None:
        ax.set_title(title)
    return ax
