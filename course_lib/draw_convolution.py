"""Drawing convolution and transposed convolution step by step (notebooks 04 and 05).

Each ``plot_*`` function draws one row of matrix panels (values written in
every cell, zero-centred diverging colours) on the axes it is given, or on a
new figure, and returns the axes. The matching ``update_*`` function redraws
the same axes in place for another step or geometry: it only changes image
data, texts and patches, so a widget can call it on every slider move.
Nothing here computes course results except by calling ``conv2d`` and
``conv_transpose2d``.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from ._checks import as_array, as_int, as_pair
from .convolution import conv2d
from .plotting import DIVERGING, _format
from .transposed import conv_transpose2d

__all__ = [
    "plot_conv_step",
    "update_conv_step",
    "plot_transposed_step",
    "update_transposed_step",
    "plot_kernel_copies",
    "plot_transposed_overview",
    "update_transposed_overview",
    "plot_conv_geometry",
    "COPY_COLORS",
]

#: Outline colours of the kernel copies (one per input position, cycling).
COPY_COLORS = ("tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink",
               "tab:olive", "tab:cyan", "tab:red", "tab:blue")

_CMAP = colormaps[DIVERGING].with_extremes(bad=(1.0, 1.0, 1.0, 0.0))


# --- a matrix panel whose artists are made once and reused ---------------------------------

def _panel(ax, shape, vmax, fontsize=11, title=None, row_texts=False):
    """Prepare ``ax`` to show matrices up to ``shape``: one image, one grid, one text per cell.

    With ``row_texts`` each row's values are one monospaced text (4 characters
    per cell, sized to the cell): 10x fewer texts to render for big panels,
    always in black, so the colour map is lightened (limit 1.6 x ``vmax``).
    """
    h, w = shape
    limit = 1.6 * vmax if row_texts else vmax
    image = ax.imshow(np.full(shape, np.nan), cmap=_CMAP, vmin=-limit, vmax=limit,
                      interpolation="nearest", extent=(-0.5, w - 0.5, h - 0.5, -0.5))
    grid = LineCollection([], colors="0.3", linewidths=0.8, clip_on=False)
    ax.add_collection(grid)
    if row_texts:
        # Labels are right-justified in 3 of the 4 characters: shifting the row left by 1/16
        # of a cell centres 1-, 2- and 3-character labels to within 1/16 of a cell.
        texts = [[ax.text(-0.5 - 1 / 16, i, "", ha="left", va="center", family="DejaVu Sans Mono")]
                 for i in range(h)]
    else:
        texts = [[ax.text(j, i, "", ha="center", va="center", fontsize=fontsize) for j in range(w)]
                 for i in range(h)]
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title is not None:
        ax.set_title(title, fontsize=11)
    ax._course_panel = {"image": image, "grid": grid, "texts": texts, "shape": shape, "vmax": limit,
                        "row_texts": row_texts}
    return ax


def _set_limit(ax, vmax):
    """Change a panel's colour limit (white text above 0.6 of it)."""
    panel = ax._course_panel
    limit = 1.6 * vmax if panel["row_texts"] else vmax
    panel["vmax"] = limit
    panel["image"].set_clim(-limit, limit)


#: Advance width of a DejaVu Sans Mono character, in ems.
_MONO_ADVANCE = 0.602


def _fill_rows(ax, full):
    """Write each row of ``full`` (NaN = blank) as one monospaced text, 4 characters per cell."""
    figure = ax.get_figure()
    ax.apply_aspect()
    cell_px = ax.get_position().width * figure.get_figwidth() * figure.dpi / full.shape[1]
    size = cell_px / 4 / _MONO_ADVANCE * 72 / figure.dpi
    for i, row in enumerate(full):
        line = "".join("    " if np.isnan(v) else _format(v, None).rjust(3) + " " for v in row)
        text = ax._course_panel["texts"][i][0]
        text.set_text(line.rstrip())
        text.set_fontsize(size)


def _grid_segments(h, w, top=0, left=0):
    rows = [[(left - 0.5, top + r - 0.5), (left + w - 0.5, top + r - 0.5)] for r in range(h + 1)]
    cols = [[(left + c - 0.5, top - 0.5), (left + c - 0.5, top + h - 0.5)] for c in range(w + 1)]
    return rows + cols


def _fill(ax, values, grid_shape=None):
    """Show ``values`` (NaN = blank cell) in the top-left corner of a panel made by :func:`_panel`.

    ``grid_shape`` (default: the shape of ``values``) is the block that gets cell borders.
    """
    panel = ax._course_panel
    values = np.asarray(values, dtype=float)
    full = np.full(panel["shape"], np.nan)
    full[: values.shape[0], : values.shape[1]] = values
    panel["image"].set_data(full)
    gh, gw = values.shape if grid_shape is None else grid_shape
    panel["grid"].set_segments(_grid_segments(gh, gw))
    if panel["row_texts"]:
        _fill_rows(ax, full)
        return ax
    limit = panel["vmax"]
    for (i, j), value in np.ndenumerate(full):
        text = panel["texts"][i][j]
        if np.isnan(value):
            text.set_text("")
        else:
            text.set_text(_format(value, None))
            text.set_color("white" if abs(value) > 0.6 * limit else "black")
    return ax


def _limit(*arrays):
    return max(1.0, *(float(np.abs(a).max()) for a in arrays if np.size(a)))


def _new_axes(count, figsize):
    _, axes = plt.subplots(1, count, figsize=figsize)
    return list(np.atleast_1d(axes))


def _check_axes(axes, count, name="axes"):
    axes = list(axes)
    if len(axes) != count:
        raise ValueError(f"{name} must hold {count} Axes, got {len(axes)}")
    return axes


def _check_step(step, count):
    step = as_int(step, "step", minimum=1)
    if step > count:
        raise ValueError(f"step must be between 1 and {count} (one step per position), got {step}")
    return step


# --- convolution: many inputs to one output ----------------------------------------------------

def plot_conv_step(x, kernel, step, axes=None, *, stride=1, padding=0):
    """Draw step ``step`` of a convolution: window, kernel, products, partly filled output.

    Parameters
    ----------
    x : (H, W) array_like
        Input image.
    kernel : (kH, kW) array_like
    step : int
        Output position to show, counted 1, 2, ... in reading order
        (row by row); outputs of earlier steps are already filled in.
    axes : sequence of 4 matplotlib Axes, optional
        Panels: input (window outlined), kernel, window * kernel products
        (their sum in the title), output. A new 1x4 figure when omitted.
    stride, padding : int
        As in :func:`course_lib.conv2d`; padded zeros are drawn as cells.

    Returns
    -------
    list of 4 Axes

    Raises
    ------
    ValueError, TypeError
        For a ``step`` outside ``1 .. oH*oW``, wrong ``axes`` count, or
        arguments :func:`course_lib.conv2d` rejects.

    Examples
    --------
    >>> axes = plot_conv_step([[0, 1, 0], [0, 0, 1], [1, 1, 0]],
    ...                       [[0, 1, 0], [1, -4, 1], [0, 1, 0]], step=1)
    >>> axes[2].get_title()
    'window × kernel: sum = 3'
    >>> plt.close("all")
    """
    x = as_array(x, "x")
    kernel = as_array(kernel, "kernel")
    output = conv2d(x, kernel, stride=stride, padding=padding)   # validates everything
    p = as_pair(padding, "padding", minimum=0)
    s = as_pair(stride, "stride", minimum=1)
    padded = np.pad(x.astype(float), ((p[0], p[0]), (p[1], p[1])))
    axes = _new_axes(4, (11, 3)) if axes is None else _check_axes(axes, 4)
    products_vmax = _limit(padded) * _limit(kernel)
    _panel(axes[0], padded.shape, _limit(padded), title=f"input {x.shape[0]} x {x.shape[1]}"
           + (f" (padding {padding})" if p != (0, 0) else ""))
    _fill(axes[0], padded)
    window = Rectangle((-0.5, -0.5), kernel.shape[1], kernel.shape[0], fill=False,
                       edgecolor="gold", linewidth=3.5)
    axes[0].add_patch(window)
    if p != (0, 0):
        axes[0].add_patch(Rectangle((p[1] - 0.5, p[0] - 0.5), x.shape[1], x.shape[0], fill=False,
                                    edgecolor="black", linewidth=2, linestyle="--"))
        axes[0].set_xlabel("dashed: the input; outside: padded zeros", fontsize=10)
    _panel(axes[1], kernel.shape, _limit(kernel), title=f"kernel {kernel.shape[0]} x {kernel.shape[1]}")
    _fill(axes[1], kernel)
    _panel(axes[2], kernel.shape, products_vmax, title="window × kernel")
    _panel(axes[3], output.shape, _limit(output), title="output")
    current = Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor="gold", linewidth=3.5)
    axes[3].add_patch(current)
    axes[0]._course_conv_step = {"padded": padded, "kernel": kernel.astype(float), "output": output,
                                 "stride": s, "window": window, "current": current, "axes": axes}
    return update_conv_step(axes, step)


def update_conv_step(axes, step):
    """Redraw axes made by :func:`plot_conv_step` for another ``step``, in place; returns the axes.

    Raises
    ------
    ValueError
        For a ``step`` outside ``1 .. oH*oW``.
    """
    state = axes[0]._course_conv_step
    output = state["output"]
    step = _check_step(step, output.size)
    i, j = divmod(step - 1, output.shape[1])
    kh, kw = state["kernel"].shape
    top, left = i * state["stride"][0], j * state["stride"][1]
    state["window"].set_xy((left - 0.5, top - 0.5))
    products = state["padded"][top : top + kh, left : left + kw] * state["kernel"]
    _fill(axes[2], products)
    axes[2].set_title(f"window × kernel: sum = {_format(products.sum(), None)}", fontsize=11)
    shown = np.full(output.shape, np.nan)
    shown.flat[:step] = output.flat[:step]
    _fill(axes[3], shown, grid_shape=output.shape)
    state["current"].set_xy((j - 0.5, i - 0.5))
    axes[3].set_title(f"output[{i}, {j}], step {step}/{output.size}", fontsize=11)
    return axes


# --- transposed convolution: one input to many outputs -----------------------------------------

def _copy_on_grid(x, kernel, stride, index, shape):
    """The scaled copy for input position ``index`` on a NaN grid of the uncropped output."""
    i, j = index
    kh, kw = kernel.shape
    grid = np.full(shape, np.nan)
    grid[i * stride[0] : i * stride[0] + kh, j * stride[1] : j * stride[1] + kw] = x[i, j] * kernel
    return grid


def _prepare_transposed(x, kernel, stride):
    x = as_array(x, "x")
    kernel = as_array(kernel, "kernel")
    total = conv_transpose2d(x, kernel, stride=stride)   # validates everything
    return x.astype(float), kernel.astype(float), as_pair(stride, "stride", minimum=1), total


def plot_kernel_copies(x, kernel, stride=1, axes=None):
    """Draw every scaled kernel copy in its place on the output grid, then their sum.

    Copy number ``n`` (reading order) is ``x[i, j] * kernel`` with its top-left
    corner at ``(i * stride, j * stride)``; cells outside a copy stay blank.

    Parameters
    ----------
    x : (H, W) array_like
    kernel : (kH, kW) array_like
    stride : int or (int, int)
    axes : sequence of H*W + 1 Axes, optional
        One panel per copy, then the sum; a new one-row figure when omitted.

    Returns
    -------
    list of Axes

    Raises
    ------
    ValueError, TypeError
        Wrong ``axes`` count, or arguments :func:`course_lib.conv_transpose2d` rejects.

    Examples
    --------
    >>> axes = plot_kernel_copies([[0, 1], [2, 3]], [[0, 1], [2, 3]])
    >>> [t.get_text() for t in axes[-1].texts if t.get_text()]
    ['0', '0', '1', '0', '4', '6', '4', '12', '9']
    >>> plt.close("all")
    """
    x, kernel, s, total = _prepare_transposed(x, kernel, stride)
    count = x.size + 1
    axes = _new_axes(count, (2.3 * count, 2.6)) if axes is None else _check_axes(axes, count)
    vmax = _limit(total)
    for n, index in enumerate(np.ndindex(*x.shape)):
        copy = _copy_on_grid(x, kernel, s, index, total.shape)
        _panel(axes[n], total.shape, vmax, title=f"x[{index[0]}, {index[1]}] = {_format(x[index], None)}\ntimes kernel")
        _fill(axes[n], copy, grid_shape=total.shape)
        color = COPY_COLORS[n % len(COPY_COLORS)]
        axes[n].add_patch(Rectangle((index[1] * s[1] - 0.5, index[0] * s[0] - 0.5), kernel.shape[1],
                                    kernel.shape[0], fill=False, edgecolor=color, linewidth=3))
        axes[n].text(1.0, 0.5, "+" if n < x.size - 1 else "=", transform=axes[n].transAxes,
                     ha="left", va="center", fontsize=18)
    _panel(axes[-1], total.shape, vmax, title=f"sum of {x.size} copies\n{total.shape[0]} x {total.shape[1]}")
    _fill(axes[-1], total)
    return axes


def plot_transposed_step(x, kernel, step, axes=None, *, stride=1):
    """Draw step ``step`` of a transposed convolution: one kernel copy added to the running sum.

    Parameters
    ----------
    x : (H, W) array_like
    kernel : (kH, kW) array_like
    step : int
        Input position whose copy is added, counted 1, 2, ... in reading order.
    axes : sequence of 4 Axes, optional
        Panels: input (current value outlined), kernel, the scaled copy in its
        place on the output grid, the sum of copies 1..step.
    stride : int or (int, int)

    Returns
    -------
    list of 4 Axes

    Raises
    ------
    ValueError, TypeError
        For a ``step`` outside ``1 .. H*W``, wrong ``axes`` count, or arguments
        :func:`course_lib.conv_transpose2d` rejects.

    Examples
    --------
    >>> axes = plot_transposed_step([[0, 1], [2, 3]], [[0, 1], [2, 3]], step=4)
    >>> [t.get_text() for t in axes[3].texts if t.get_text()]
    ['0', '0', '1', '0', '4', '6', '4', '12', '9']
    >>> plt.close("all")
    """
    x, kernel, s, total = _prepare_transposed(x, kernel, stride)
    axes = _new_axes(4, (10, 3)) if axes is None else _check_axes(axes, 4)
    vmax = _limit(total)
    _panel(axes[0], x.shape, _limit(x), title=f"input {x.shape[0]} x {x.shape[1]}")
    _fill(axes[0], x)
    _panel(axes[1], kernel.shape, _limit(kernel), title=f"kernel {kernel.shape[0]} x {kernel.shape[1]}")
    _fill(axes[1], kernel)
    _panel(axes[2], total.shape, vmax)
    _panel(axes[3], total.shape, vmax)
    current = Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor="gold", linewidth=3.5)
    axes[0].add_patch(current)
    footprint = Rectangle((-0.5, -0.5), kernel.shape[1], kernel.shape[0], fill=False,
                          edgecolor="gold", linewidth=3.5)
    axes[2].add_patch(footprint)
    footprint_sum = Rectangle((-0.5, -0.5), kernel.shape[1], kernel.shape[0], fill=False,
                              edgecolor="gold", linewidth=3.5)
    axes[3].add_patch(footprint_sum)
    axes[0]._course_transposed_step = {"x": x, "kernel": kernel, "stride": s, "total": total,
                                       "patches": (current, footprint, footprint_sum)}
    return update_transposed_step(axes, step)


def update_transposed_step(axes, step):
    """Redraw axes made by :func:`plot_transposed_step` for another ``step``, in place; returns the axes.

    Raises
    ------
    ValueError
        For a ``step`` outside ``1 .. H*W``.
    """
    state = axes[0]._course_transposed_step
    x, kernel, s, total = state["x"], state["kernel"], state["stride"], state["total"]
    step = _check_step(step, x.size)
    i, j = divmod(step - 1, x.shape[1])
    current, footprint, footprint_sum = state["patches"]
    current.set_xy((j - 0.5, i - 0.5))
    for patch in (footprint, footprint_sum):
        patch.set_xy((j * s[1] - 0.5, i * s[0] - 0.5))
    _fill(axes[2], _copy_on_grid(x, kernel, s, (i, j), total.shape), grid_shape=total.shape)
    axes[2].set_title(f"copy {step}: {_format(x[i, j], None)} × kernel", fontsize=11)
    running = sum(np.nan_to_num(_copy_on_grid(x, kernel, s, index, total.shape))
                  for index in list(np.ndindex(*x.shape))[:step])
    _fill(axes[3], running)
    label = ("sum so far: copy 1" if step == 1 else f"sum of copies 1..{step}" if step < x.size
             else f"sum of all {x.size} copies = output")
    axes[3].set_title(label, fontsize=11)
    return axes


def plot_transposed_overview(x, kernel, stride=1, padding=0, axes=None, *, canvas=None):
    """Draw where the kernel copies land, how many overlap per cell, and the output.

    Parameters
    ----------
    x : (H, W) array_like
    kernel : (kH, kW) array_like
    stride, padding : int
        As in :func:`course_lib.conv_transpose2d` (``padding`` crops the output).
    axes : sequence of 3 Axes, optional
        Panels: input (each cell outlined in its copy's colour); the uncropped
        output grid with each copy's footprint outlined and the number of
        copies covering every cell (dashed box: what ``padding`` keeps);
        the output.
    canvas : int, optional
        Cells shown along each side of the two output panels, so a widget can
        keep the scale fixed while the size changes; default: the uncropped size.

    Returns
    -------
    list of 3 Axes

    Raises
    ------
    ValueError, TypeError
        Wrong ``axes`` count, more input cells than :data:`COPY_COLORS`, or
        arguments :func:`course_lib.conv_transpose2d` rejects.

    Examples
    --------
    >>> axes = plot_transposed_overview([[1, 1], [1, 1]], [[1, 1, 1]] * 3, stride=2)
    >>> axes[1].texts[2].get_text()   # one monospaced text per row, 4 characters a cell
    '  2   2   4   2   2'
    >>> plt.close("all")
    """
    x = as_array(x, "x").astype(float)
    if x.ndim != 2 or x.size > len(COPY_COLORS):
        raise ValueError(f"x must be 2-D with at most {len(COPY_COLORS)} cells, got shape {x.shape}")
    kernel = as_array(kernel, "kernel")
    full_size = conv_transpose2d(np.ones(x.shape), np.ones(kernel.shape), stride=stride).shape
    canvas = max(full_size) if canvas is None else as_int(canvas, "canvas", minimum=1)
    axes = _new_axes(3, (10, 3.6)) if axes is None else _check_axes(axes, 3)
    _panel(axes[0], x.shape, _limit(x), title=f"input {x.shape[0]} x {x.shape[1]}")
    _fill(axes[0], x)
    inputs, copies = [], []
    for n, (i, j) in enumerate(np.ndindex(*x.shape)):
        color = COPY_COLORS[n]
        inputs.append(axes[0].add_patch(Rectangle((j - 0.38, i - 0.38), 0.76, 0.76, fill=False,
                                                  edgecolor=color, linewidth=2.5)))
        copies.append(axes[1].add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor=color,
                                                  linewidth=2)))
    _panel(axes[1], (canvas, canvas), 1.0, row_texts=True)
    _panel(axes[2], (canvas, canvas), 1.0, row_texts=True)
    crop = axes[1].add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor="black", linewidth=2,
                                       linestyle="--"))
    axes[0]._course_overview = {"x": x, "copies": copies, "crop": crop, "canvas": canvas}
    return update_transposed_overview(axes, kernel, stride, padding)


def update_transposed_overview(axes, kernel, stride=1, padding=0, *, titles=True):
    """Redraw axes made by :func:`plot_transposed_overview` for another kernel, stride or padding.

    With ``titles=False`` the panel titles are left alone (a widget that shows
    the sizes elsewhere saves redrawing them). Returns the axes.

    Raises
    ------
    ValueError, TypeError
        For arguments :func:`course_lib.conv_transpose2d` rejects (e.g. a
        padding that leaves no output), or sizes larger than the canvas.
    """
    state = axes[0]._course_overview
    x, canvas = state["x"], state["canvas"]
    kernel = as_array(kernel, "kernel").astype(float)
    output = conv_transpose2d(x, kernel, stride=stride, padding=padding)
    counts = conv_transpose2d(np.ones(x.shape), np.ones(kernel.shape), stride=stride)
    if max(counts.shape) > canvas:
        raise ValueError(f"the uncropped output {counts.shape} does not fit the canvas of {canvas} cells")
    s = as_pair(stride, "stride", minimum=1)
    p = as_pair(padding, "padding", minimum=0)
    kh, kw = kernel.shape
    for n, (i, j) in enumerate(np.ndindex(*x.shape)):
        inset = 0.1 + 0.05 * (n % 3)
        patch = state["copies"][n]
        patch.set_xy((j * s[1] - 0.5 + inset, i * s[0] - 0.5 + inset))
        patch.set_width(kw - 2 * inset)
        patch.set_height(kh - 2 * inset)
    _set_limit(axes[1], float(max(counts.max(), x.size)))   # same colours for every setting
    _fill(axes[1], counts)
    state["crop"].set_xy((p[1] - 0.5, p[0] - 0.5))
    state["crop"].set_width(output.shape[1])
    state["crop"].set_height(output.shape[0])
    state["crop"].set_visible(p != (0, 0))
    _set_limit(axes[2], _limit(output))
    _fill(axes[2], output)
    if not titles:
        return axes
    axes[1].set_title(f"copies per cell ({counts.shape[0]} x {counts.shape[1]})"
                      + ("\ndashed: kept after padding" if p != (0, 0) else "\nbefore cropping"), fontsize=11)
    axes[2].set_title(f"output {output.shape[0]} x {output.shape[1]}", fontsize=11)
    return axes


# --- geometry of a convolution: stride, padding, dilation --------------------------------------

def plot_conv_geometry(size, kernel_size, stride=1, padding=0, dilation=1, ax=None):
    """Draw a 1-row strip of the (padded) input and every kernel position along it.

    The title holds the formula with ``i + 2p`` and ``d(k-1)`` already
    added up. The input cells are white, padded zeros grey; each kernel position is a row
    of dots (the taps, spaced by ``dilation``) below the strip, positions
    ``stride`` apart, so the number of rows of dots is the output size.

    Parameters
    ----------
    size, kernel_size, stride, padding, dilation : int
        ``i, k, s, p, d`` of :func:`course_lib.conv_output_size`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError, TypeError
        For arguments :func:`course_lib.conv_output_size` rejects.

    Examples
    --------
    >>> ax = plot_conv_geometry(5, 3, stride=2, padding=1)
    >>> ax.get_title().splitlines()[-1]
    'o = ⌊(7 - 2 - 1) / 2⌋ + 1 = 3'
    >>> plt.close("all")
    """
    from .convolution import conv_output_size

    out = conv_output_size(size, kernel_size, stride, padding, dilation)
    i, k, s, p, d = size, kernel_size, stride, padding, dilation
    ax = plt.gca() if ax is None else ax
    width = i + 2 * p
    for c in range(width):
        pad = c < p or c >= p + i
        ax.add_patch(Rectangle((c, 0), 1, 1, facecolor="0.85" if pad else "white", edgecolor="0.3",
                               hatch="//" if pad else None))
    for n in range(out):
        y = -0.7 - 0.6 * n
        taps = [n * s + t * d + 0.5 for t in range(k)]
        ax.plot([taps[0], taps[-1]], [y, y], color="tab:orange", linewidth=1)
        ax.plot(taps, [y] * k, "o", color="tab:orange", markersize=6)
        ax.text(-0.3, y, f"{n}", ha="right", va="center", fontsize=9)
    ax.set_xlim(-1.2, max(width, 1) + 0.2)
    ax.set_ylim(-0.7 - 0.6 * max(out, 1) - 0.1, 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"s={s}, p={p}, d={d}\n"
                 f"o = ⌊({i + 2 * p} - {d * (k - 1)} - 1) / {s}⌋ + 1 = {out}", fontsize=10)
    return ax
