"""Drawings for notebook 02 (interpolation): where each output pixel samples the input.

Nothing here computes course results: the source coordinates come from
:mod:`course_lib.interpolation`.
"""
from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ._checks import as_int
from .interpolation import source_coordinates
from .plotting import arrow, check_ax

__all__ = ["plot_coordinate_conventions", "MAX_SIZE"]

#: Longest input or output drawn (every pixel is a labelled cell).
MAX_SIZE = 32

_CONVENTIONS = {
    ("nearest", None): "nearest: src = dst·scale, index = min(floor(src), in − 1), input pixel i spans src in [i, i+1)\n(copies the pixel under the output pixel's left edge)",
    ("nearest-exact", None): "nearest-exact: src = (dst + 0.5)·scale, index = min(floor(src), in − 1)\n(copies the pixel under the output pixel's centre)",
    ("bilinear", True): "bilinear, align_corners=True: src = dst·(in − 1)/(out − 1)\n(corner pixel centres line up)",
    ("bilinear", False): "bilinear, align_corners=False: src = (dst + 0.5)·scale − 0.5, clamped at 0\n(pixel areas line up: half-pixel offset)",
}


def _output_cells(in_size, out_size, mode, align_corners):
    """Left edges, width and centres of the output pixels, in input-pixel-centre coordinates."""
    dst = np.arange(out_size)
    if mode == "bilinear" and align_corners:
        width = (in_size - 1) / (out_size - 1) if out_size > 1 else float(in_size)
        centres = dst * width if out_size > 1 else np.array([(in_size - 1) / 2])
    else:
        width = in_size / out_size
        centres = (dst + 0.5) * width - 0.5
    return centres - width / 2, width, centres


def plot_coordinate_conventions(in_size, out_size, ax=None, *,
                                conventions=(("bilinear", True), ("bilinear", False))):
    """Draw input and output pixel grids on one axis, with where each output pixel samples.

    One band per convention. The x axis is the input's pixel coordinate:
    input pixel ``i`` is centred at ``i`` and covers ``[i - 0.5, i + 0.5]``
    (grey cells, top row of each band). The output pixels are drawn where the
    convention puts them (coloured cells, bottom row), each labelled with its
    index ``dst`` and its source coordinate ``src`` from
    :func:`course_lib.interpolation.source_coordinates`; an arrow goes from
    each output pixel to the point it samples in the input. For the nearest
    modes PyTorch's ``src`` counts from the input's left edge (pixel ``i``
    spans ``[i, i + 1)``), so the label also gives the point on this axis,
    ``x = src - 0.5``, where a tick marks it and the arrow starts; the arrow
    ends at the centre of the input pixel that is copied.

    Parameters
    ----------
    in_size, out_size : int
        Input and output lengths (1-D: one row or column of an image).
    ax : matplotlib Axes, optional
        Drawn on the current axes when omitted.
    conventions : sequence of (mode, align_corners) pairs
        Bands to draw, top to bottom: ``("bilinear", True)``, ``("bilinear", False)``,
        ``("nearest", None)``, ``("nearest-exact", None)``.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        Sizes that are not positive ints, or an unknown convention.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_coordinate_conventions(2, 4, Figure().subplots(), conventions=[("bilinear", False)])
    >>> [t.get_text() for t in ax.texts if t.get_text().startswith("src")]
    ['src -0.25 → 0', 'src 0.25', 'src 0.75', 'src 1.25']
    """
    in_size = as_int(in_size, "in_size", minimum=1)
    out_size = as_int(out_size, "out_size", minimum=1)
    if max(in_size, out_size) > MAX_SIZE:
        raise ValueError(f"in_size and out_size must be at most {MAX_SIZE} (one labelled cell per pixel), "
                         f"got {in_size} and {out_size}")
    if isinstance(conventions, (str, np.ndarray)) or not isinstance(conventions, (list, tuple)) or not all(
            isinstance(c, (list, tuple)) and len(c) == 2 for c in conventions):
        raise TypeError(f"conventions must be a sequence of (mode, align_corners) pairs, got {conventions!r:.60}")
    conventions = [tuple(c) for c in conventions]
    for convention in conventions:
        if convention not in _CONVENTIONS:
            raise ValueError(f"conventions entries must be among {list(_CONVENTIONS)}, got {convention!r}")
    ax = check_ax(ax)
    band_height = 4.0
    for band, (mode, align_corners) in enumerate(conventions):
        top = -band * band_height
        in_y, out_y = top - 0.75, top - 2.25  # row centres
        ax.text(-0.6, top + 0.05, _CONVENTIONS[(mode, align_corners)], ha="left", va="bottom", fontsize=10)
        for i in range(in_size):
            ax.add_patch(Rectangle((i - 0.5, in_y - 0.35), 1, 0.7, facecolor="0.88", edgecolor="0.2"))
            ax.plot(i, in_y, "o", color="0.2", markersize=4)
            ax.text(i, in_y + 0.12, f"in {i}", ha="center", va="bottom", fontsize=10)
        lefts, width, centres = _output_cells(in_size, out_size, mode, align_corners)
        source = source_coordinates(in_size, out_size, mode, align_corners=align_corners)
        for dst in range(out_size):
            ax.add_patch(Rectangle((lefts[dst], out_y - 0.35), width, 0.7, facecolor="#fdd0a2",
                                   edgecolor="#a63603", alpha=0.9))
            if mode == "bilinear":
                sample = source[dst]
                exact = centres[dst]
                text = f"src {sample:.3g}"
                if not np.isclose(sample, exact):
                    text = f"src {exact:.3g} → {sample:.3g}"
                start_x = exact
            else:
                # PyTorch's nearest src counts from the input's left edge (pixel i spans [i, i+1));
                # on this axis (pixel i centred at i) that point is at src - 0.5, where the arrow starts.
                index = min(int(np.floor(source[dst])), in_size - 1)
                sample = float(index)
                start_x = source[dst] - 0.5
                text = f"src {source[dst]:.3g} → in {index}\n(at x = {start_x:.3g})"
                ax.plot(start_x, out_y, "|", color="#08519c", markersize=14, markeredgewidth=2)
            ax.plot(centres[dst], out_y, "o", color="#a63603", markersize=3.5)
            ax.text(centres[dst], out_y - 0.42, text, ha="center", va="top", fontsize=10, linespacing=1.1)
            ax.text(centres[dst], out_y - 0.3, f"dst {dst}", ha="center", va="bottom", fontsize=10,
                    color="#7f2704")
            arrow(ax, (start_x, out_y + 0.05), (sample, in_y - 0.05), "#08519c", style="-|>")
    ax.set_xlim(-0.75, in_size - 0.25)
    ax.set_ylim(-len(conventions) * band_height + 0.8, 0.9)
    ax.set_xlabel("input pixel coordinate (input pixel i is centred at i)")
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_xticks(np.arange(-0.5, in_size, 0.5))
    return ax
