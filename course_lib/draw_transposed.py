"""Drawings for notebook 05 (transposed convolution): one input value to many outputs.

:func:`plot_kernel_copies` draws every scaled kernel copy and their sum.
:func:`plot_transposed_step` and :func:`plot_transposed_overview` return
handles (:class:`TransposedStepFigure`, :class:`TransposedOverviewFigure`)
that redraw their panels in place (``show``) and list the artists that
change (``artists``), so a widget can blit them. Nothing here computes course
results except by calling :func:`course_lib.conv_transpose2d`. The arithmetic
explorer's figure is :mod:`course_lib.explore_arithmetic`.
"""
from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ._checks import as_int, as_matrix, as_pair
from .convolution import conv_output_size
from .draw_convolution import MAX_CELLS, check_legible, check_step, check_stride
from .plotting import MatrixPanel, check_ax, check_axes, format_value, new_axes, root_figure, value_limit
from .transposed import conv_transpose2d, conv_transpose_output_size

__all__ = ["plot_kernel_copies", "TransposedStepFigure", "plot_transposed_step", "TransposedOverviewFigure",
           "plot_transposed_overview", "plot_output_padding", "plot_recipe_sizes", "COPY_COLORS", "MAX_CELLS"]

#: Outline colours of the kernel copies (one per input position, cycling).
COPY_COLORS = ("tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink",
               "tab:olive", "tab:cyan", "tab:red", "tab:blue")
#: Line styles of the copy outlines (with the colour, each copy of the overview has two cues).
COPY_STYLES = ("-", "--", ":", "-.")
#: Names that moved to the arithmetic explorer's module; ``from course_lib.draw_transposed import ...`` still finds them.
_MOVED = {"ArithmeticFigure", "plot_arithmetic", "arithmetic_sizes", "direct_layout", "ARITHMETIC_RANGES"}


def __getattr__(name):
    if name in _MOVED:   # the old import path (imported on first use)
        from . import explore_arithmetic

        return getattr(explore_arithmetic, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def copy_on_grid(x, kernel, stride, index, shape):
    """The scaled copy ``x[index] * kernel`` for one input position, on a NaN grid of the uncropped output."""
    i, j = index
    kh, kw = kernel.shape
    grid = np.full(shape, np.nan)
    grid[i * stride[0] : i * stride[0] + kh, j * stride[1] : j * stride[1] + kw] = x[i, j] * kernel
    return grid


def _prepare(x, kernel, stride):
    x = as_matrix(x, "x")
    kernel = as_matrix(kernel, "kernel")
    s = check_stride(stride)
    # The uncropped output size first (cheap), so a huge input or stride is refused before any work.
    check_legible(tuple((i - 1) * ss + k for i, ss, k in zip(x.shape, s, kernel.shape)), "the output",
                  "use a smaller x, kernel or stride")
    total = conv_transpose2d(x, kernel, stride=stride)   # validates everything
    return x.astype(float), kernel.astype(float), s, total


def plot_kernel_copies(x, kernel, stride=1, axes=None):
    """Draw every scaled kernel copy in its place on the output grid, then their sum.

    Copy number ``n`` (reading order) is ``x[i, j] * kernel`` with its top-left
    corner at ``(i * stride, j * stride)``; cells outside a copy stay blank.

    Parameters
    ----------
    x : (H, W) array_like
        At most :data:`MAX_CELLS` values (one panel each).
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
        Wrong ``axes``, ``x`` or ``kernel`` not 2-D, too many panels or cells
        to draw legibly, or arguments :func:`course_lib.conv_transpose2d` rejects.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> axes = plot_kernel_copies([[0, 1], [2, 3]], [[0, 1], [2, 3]], axes=Figure().subplots(1, 5))
    >>> [t.get_text() for t in axes[-1].texts if t.get_text()]
    ['0', '0', '1', '0', '4', '6', '4', '12', '9']
    """
    x, kernel, s, total = _prepare(x, kernel, stride)
    if x.size > MAX_CELLS:
        raise ValueError(f"x must have at most {MAX_CELLS} values (one panel per copy), got shape {x.shape}")
    check_legible(total.shape, "the output", "use a smaller x, kernel or stride")
    count = x.size + 1
    axes = new_axes(count, (2.3 * count, 2.6)) if axes is None else check_axes(axes, count)
    vmax = value_limit(total)
    for n, index in enumerate(np.ndindex(*x.shape)):
        copy = copy_on_grid(x, kernel, s, index, total.shape)
        MatrixPanel(axes[n], total.shape, vmax,
                    title=f"x[{index[0]}, {index[1]}] = {format_value(x[index])}\ntimes kernel"
                    ).fill(copy, grid_shape=total.shape)
        color = COPY_COLORS[n % len(COPY_COLORS)]
        axes[n].add_patch(Rectangle((index[1] * s[1] - 0.5, index[0] * s[0] - 0.5), kernel.shape[1],
                                    kernel.shape[0], fill=False, edgecolor=color, linewidth=3))
        axes[n].text(1.0, 0.5, "+" if n < x.size - 1 else "=", transform=axes[n].transAxes,
                     ha="left", va="center", fontsize=18)
    MatrixPanel(axes[-1], total.shape, vmax,
                title=f"sum of {x.size} copies\n{total.shape[0]} x {total.shape[1]}").fill(total)
    return axes


class TransposedStepFigure:
    """Step ``step`` of a transposed convolution: one kernel copy added to the running sum.

    Made by :func:`plot_transposed_step`; :meth:`show` redraws it in place.
    Attributes: ``axes`` (4 Axes), ``x``, ``kernel``, ``stride`` (pair),
    ``output`` (the full result), ``step`` and ``artists``.
    """

    def __init__(self, x, kernel, axes, *, stride=1):
        self.x, self.kernel, self.stride, self.output = _prepare(x, kernel, stride)
        check_legible(self.output.shape, "the output", "use a smaller x, kernel or stride")
        self.axes = axes = check_axes(axes, 4)
        self.figure = root_figure(axes[0])
        self.step = None
        x, kernel, total = self.x, self.kernel, self.output
        vmax = value_limit(total)
        MatrixPanel(axes[0], x.shape, value_limit(x), title=f"input {x.shape[0]} x {x.shape[1]}").fill(x)
        MatrixPanel(axes[1], kernel.shape, value_limit(kernel),
                    title=f"kernel {kernel.shape[0]} x {kernel.shape[1]}").fill(kernel)
        self.copy = MatrixPanel(axes[2], total.shape, vmax)
        self.sum = MatrixPanel(axes[3], total.shape, vmax)
        gold = {"fill": False, "edgecolor": "gold", "linewidth": 3.5}
        self.current = axes[0].add_patch(Rectangle((-0.5, -0.5), 1, 1, **gold))
        self.footprints = [axes[k].add_patch(Rectangle((-0.5, -0.5), kernel.shape[1], kernel.shape[0], **gold))
                           for k in (2, 3)]
        self.copies = [np.nan_to_num(copy_on_grid(x, kernel, self.stride, index, total.shape))
                       for index in np.ndindex(*x.shape)]
        self.artists = list(axes[0].patches) + self.copy.animated() + self.sum.animated()

    def position(self, step):
        """``(i, j)``: the input position whose copy ``step`` adds (1, 2, ... in reading order)."""
        step = check_step(step, self.x.size)
        return divmod(step - 1, self.x.shape[1])

    def show(self, step):
        """Redraw for ``step`` (1 .. H*W) in place; returns the handle."""
        i, j = self.position(step)
        self.step = step
        s = self.stride
        self.current.set_xy((j - 0.5, i - 0.5))
        for patch in self.footprints:
            patch.set_xy((j * s[1] - 0.5, i * s[0] - 0.5))
        self.copy.fill(copy_on_grid(self.x, self.kernel, s, (i, j), self.output.shape), grid_shape=self.output.shape)
        self.axes[2].set_title(f"copy {step}: {format_value(self.x[i, j])} × kernel", fontsize=11)
        self.sum.fill(sum(self.copies[:step]))
        label = ("sum so far: copy 1" if step == 1 else f"sum of copies 1..{step}" if step < self.x.size
                 else f"sum of all {self.x.size} copies = output")
        self.axes[3].set_title(label, fontsize=11)
        return self


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
    TransposedStepFigure
        The handle: ``.axes``, and ``.show(step)`` to redraw for another step.

    Raises
    ------
    ValueError, TypeError
        For a ``step`` outside ``1 .. H*W``, wrong ``axes``, ``x`` or ``kernel``
        not 2-D, an output over :data:`MAX_CELLS` cells a side, or arguments
        :func:`course_lib.conv_transpose2d` rejects.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> handle = plot_transposed_step([[0, 1], [2, 3]], [[0, 1], [2, 3]], step=4, axes=Figure().subplots(1, 4))
    >>> [t.get_text() for t in handle.axes[3].texts if t.get_text()]
    ['0', '0', '1', '0', '4', '6', '4', '12', '9']
    """
    axes = new_axes(4, (10, 3)) if axes is None else axes
    return TransposedStepFigure(x, kernel, axes, stride=stride).show(step)


class TransposedOverviewFigure:
    """Where the kernel copies land, how many overlap per cell, and the output (3 panels).

    Made by :func:`plot_transposed_overview`; :meth:`show` redraws it in place
    for another kernel, stride or padding. Attributes: ``axes``, ``x``,
    ``canvas``, ``output`` (of the last :meth:`show`) and ``artists``.
    """

    def __init__(self, x, axes, *, canvas):
        x = as_matrix(x, "x").astype(float)
        if x.size > len(COPY_COLORS):
            raise ValueError(f"x must have at most {len(COPY_COLORS)} cells (one colour per copy), got shape {x.shape}")
        self.x, self.canvas = x, canvas
        self.axes = axes = check_axes(axes, 3)
        self.figure = root_figure(axes[0])
        self.output = None
        MatrixPanel(axes[0], x.shape, value_limit(x), title=f"input {x.shape[0]} x {x.shape[1]}").fill(x)
        self.copies = []
        for n, (i, j) in enumerate(np.ndindex(*x.shape)):
            color, style = COPY_COLORS[n], COPY_STYLES[n % len(COPY_STYLES)]
            axes[0].add_patch(Rectangle((j - 0.38, i - 0.38), 0.76, 0.76, fill=False, edgecolor=color, linewidth=2.5,
                                        linestyle=style))
            self.copies.append(axes[1].add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor=color, linewidth=2,
                                                           linestyle=style)))
        self.counts = MatrixPanel(axes[1], (canvas, canvas), 1.0, row_texts=True)
        self.result = MatrixPanel(axes[2], (canvas, canvas), 1.0, row_texts=True)
        self.crop = axes[1].add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor="black", linewidth=2,
                                                linestyle="--"))
        self.artists = self.counts.animated(title=False) + self.result.animated(title=False)

    def show(self, kernel, stride=1, padding=0, *, titles=True):
        """Redraw for another ``kernel``, ``stride``, ``padding``; returns the handle.

        With ``titles=False`` the panel titles are left alone (a widget that
        shows the sizes elsewhere saves redrawing them).

        Raises ``ValueError``/``TypeError`` for arguments
        :func:`course_lib.conv_transpose2d` rejects (e.g. a padding that leaves
        no output), or an uncropped output larger than the canvas.
        """
        x, canvas = self.x, self.canvas
        kernel = as_matrix(kernel, "kernel").astype(float)
        s = check_stride(stride)
        uncropped = tuple((i - 1) * ss + k for i, ss, k in zip(x.shape, s, kernel.shape))
        if max(uncropped) > canvas:
            raise ValueError(f"the uncropped output {uncropped} does not fit the canvas of {canvas} cells")
        output = conv_transpose2d(x, kernel, stride=stride, padding=padding)
        counts = conv_transpose2d(np.ones(x.shape), np.ones(kernel.shape), stride=stride)
        p = as_pair(padding, "padding", minimum=0)
        kh, kw = kernel.shape
        for n, (i, j) in enumerate(np.ndindex(*x.shape)):
            inset = 0.08 + 0.06 * (n % 4)   # nested outlines: neighbouring copies never share a line
            patch = self.copies[n]
            patch.set_xy((j * s[1] - 0.5 + inset, i * s[0] - 0.5 + inset))
            patch.set_width(kw - 2 * inset)
            patch.set_height(kh - 2 * inset)
        self.counts.set_limit(float(max(counts.max(), x.size)))   # same colours for every setting
        self.counts.fill(counts)
        self.crop.set_xy((p[1] - 0.5, p[0] - 0.5))
        self.crop.set_width(output.shape[1])
        self.crop.set_height(output.shape[0])
        self.crop.set_visible(p != (0, 0))
        self.result.set_limit(value_limit(output))
        self.result.fill(output)
        self.output = output
        if titles:
            self.axes[1].set_title(f"copies per cell ({counts.shape[0]} x {counts.shape[1]})"
                                   + ("\ndashed: kept after padding" if p != (0, 0) else "\nbefore cropping"),
                                   fontsize=11)
            self.axes[2].set_title(f"output {output.shape[0]} x {output.shape[1]}", fontsize=11)
        return self


def plot_transposed_overview(x, kernel, stride=1, padding=0, axes=None, *, canvas=None):
    """Draw where the kernel copies land, how many overlap per cell, and the output.

    Parameters
    ----------
    x : (H, W) array_like
        At most 9 cells (:data:`COPY_COLORS`).
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
        keep the scale fixed while the size changes; default: the uncropped
        size; at most 24.

    Returns
    -------
    TransposedOverviewFigure
        The handle: ``.axes``, and ``.show(kernel, stride, padding)`` to redraw.

    Raises
    ------
    ValueError, TypeError
        Wrong ``axes``, more input cells than :data:`COPY_COLORS`, a canvas
        over 24 cells, or arguments :func:`course_lib.conv_transpose2d` rejects.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> handle = plot_transposed_overview([[1, 1], [1, 1]], [[1, 1, 1]] * 3, stride=2,
    ...                                   axes=Figure().subplots(1, 3))
    >>> handle.axes[1].texts[2].get_text()   # one monospaced text per row, 4 characters a cell
    '  2   2   4   2   2'
    """
    x = as_matrix(x, "x")
    kernel = as_matrix(kernel, "kernel")
    s = check_stride(stride)
    full_size = tuple((i - 1) * ss + k for i, ss, k in zip(x.shape, s, kernel.shape))   # before cropping
    canvas = max(full_size) if canvas is None else as_int(canvas, "canvas", minimum=1)
    if canvas > 2 * MAX_CELLS:
        raise ValueError(f"the output panels would be {canvas} x {canvas} cells; the overview stays legible up "
                         f"to {2 * MAX_CELLS} (use a smaller x, kernel or stride, or canvas)")
    axes = new_axes(3, (10, 3.6)) if axes is None else axes
    return TransposedOverviewFigure(x, axes, canvas=canvas).show(kernel, stride, padding)


def _input_sizes(sizes):
    values = np.asarray(sizes)
    if values.ndim != 1 or values.size == 0 or not np.issubdtype(values.dtype, np.integer) or values.min() < 1:
        raise ValueError(f"sizes must be a non-empty 1-D sequence of positive ints, got {sizes!r:.60}")
    return values


def plot_output_padding(sizes, kernel_size, stride, padding=0, ax=None, *, title=None):
    """Conv output size ``o`` per input size ``i`` (a step plot) and ``a = (i + 2p - k) mod s`` (dots).

    Several input sizes give the same ``o``; the transposed convolution's
    ``output_padding = a`` picks which of them it returns
    (:func:`course_lib.conv_transpose_output_size`).

    Parameters
    ----------
    sizes : sequence of int
        Input sizes ``i`` (x axis).
    kernel_size, stride, padding : int
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``sizes`` not positive ints, arguments ``conv_output_size`` rejects
        (e.g. an input smaller than the kernel).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_output_padding([3, 4, 5, 6], 3, 3, ax=Figure().subplots())
    >>> ax.lines[0].get_ydata().tolist(), ax.lines[1].get_ydata().tolist()
    ([1, 1, 1, 2], [0, 1, 2, 0])
    """
    inputs = _input_sizes(sizes)
    k = as_int(kernel_size, "kernel_size", minimum=1)
    s = as_int(stride, "stride", minimum=1)
    p = as_int(padding, "padding", minimum=0)
    outputs = [conv_output_size(int(i), k, stride=s, padding=p) for i in inputs]
    ax = check_ax(ax)
    ax.step(inputs, outputs, where="mid", color="#0072b2", label="conv output size o")
    ax.plot(inputs, [(int(i) + 2 * p - k) % s for i in inputs], "o", color="#d55e00",
            label="a = (i + 2p - k) mod s = output_padding")
    ax.set_xlabel(f"input size i (kernel {k}, stride {s}, padding {p})")
    ax.set_ylabel("o, and a (cells left over)")
    ax.set_xticks(inputs)
    ax.legend()
    if title is not None:
        ax.set_title(title)
    return ax


def plot_recipe_sizes(recipes, sizes, ax=None, *, title=None):
    """Output size of each transposed-convolution recipe against the input size, one line each.

    Parameters
    ----------
    recipes : dict of str -> dict
        Name -> keyword arguments of :func:`course_lib.conv_transpose_output_size`
        (``kernel_size``, ``stride``, ``padding``, ``output_padding``, ``dilation``).
    sizes : sequence of int
        Input sizes (x axis).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``recipes`` not a non-empty dict of dicts, ``sizes`` not positive ints, or
        a recipe ``conv_transpose_output_size`` rejects.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_recipe_sizes({"k2 s2": dict(kernel_size=2, stride=2)}, [1, 2, 3], Figure().subplots())
    >>> ax.lines[0].get_ydata().tolist()
    [2, 4, 6]
    """
    if not isinstance(recipes, dict) or not recipes or not all(
            isinstance(name, str) and isinstance(recipe, dict) for name, recipe in recipes.items()):
        raise TypeError(f"recipes must be a non-empty dict of name -> keyword dict, got {recipes!r:.60}")
    inputs = _input_sizes(sizes)
    ax = check_ax(ax)
    for number, (name, recipe) in enumerate(recipes.items()):
        if "kernel_size" not in recipe:
            raise ValueError(f"recipes[{name!r}] must give kernel_size, got {recipe!r}")
        outputs = [conv_transpose_output_size(int(i), **recipe) for i in inputs]
        ax.plot(inputs, outputs, "os^xd"[number % 5] + ("-", "--", ":", "-.", "-")[number % 5], label=name,
                color=COPY_COLORS[number % len(COPY_COLORS)], alpha=0.85)
    ax.set_xlabel("input size i")
    ax.set_ylabel("output size o")
    ax.legend()
    if title is not None:
        ax.set_title(title)
    return ax
