"""Drawings for notebook 04 (convolution): one output position at a time, and the geometry.

:func:`plot_conv_step` returns a :class:`ConvStepFigure`, a handle that owns
the panels (:class:`course_lib.plotting.MatrixPanel`) and redraws them in
place for another step (:meth:`ConvStepFigure.show`); ``artists`` lists what
changes, so a widget can blit them. Nothing here computes course results
except by calling :func:`course_lib.conv2d`.
"""
from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ._checks import as_int, as_matrix, as_pair
from .convolution import conv2d, conv_output_size
from .plotting import MatrixPanel, check_ax, check_axes, format_value, new_axes, root_figure, value_limit

__all__ = ["ConvStepFigure", "plot_conv_step", "plot_conv_geometry", "MAX_CELLS"]

#: Step drawings write a number in every cell: each panel is at most this many cells a side.
MAX_CELLS = 12


def check_step(step, count):
    """``step`` as an int in ``1 .. count`` (one step per position), or ``TypeError``/``ValueError``."""
    step = as_int(step, "step", minimum=1)
    if step > count:
        raise ValueError(f"step must be between 1 and {count} (one step per position), got {step}")
    return step


def check_legible(shape, what, hint):
    """Refuse a panel of more than :data:`MAX_CELLS` cells a side (its numbers would not be readable)."""
    if max(shape) > MAX_CELLS:
        raise ValueError(f"{what} would be {shape[0]} x {shape[1]} cells; step drawings write every value "
                         f"and stay legible up to {MAX_CELLS} x {MAX_CELLS} cells per panel ({hint})")


def check_stride(stride):
    """``stride`` as a pair of ints in ``1 .. MAX_CELLS`` (a bigger step leaves nothing to draw)."""
    s = as_pair(stride, "stride", minimum=1)
    if max(s) > MAX_CELLS:
        raise ValueError(f"stride must be at most {MAX_CELLS} in a step drawing (panels are at most "
                         f"{MAX_CELLS} cells a side), got {stride!r}")
    return s


class ConvStepFigure:
    """Step ``step`` of a convolution on 4 panels: window, kernel, products, partly filled output.

    Made by :func:`plot_conv_step`; :meth:`show` redraws it for another step
    in place. Attributes: ``axes`` (4 Axes), ``padded`` (the zero-padded
    input), ``kernel``, ``output`` (the full result of :func:`course_lib.conv2d`),
    ``stride`` (pair), ``step`` (shown now), ``limit`` (the one colour limit of all
    four panels: the largest absolute input, kernel, product or output value)
    and ``artists`` (what :meth:`show` changes).
    """

    def __init__(self, x, kernel, axes, *, stride=1, padding=0):
        x = as_matrix(x, "x")
        kernel = as_matrix(kernel, "kernel")
        p = as_pair(padding, "padding", minimum=0)
        self.stride = check_stride(stride)
        check_legible((x.shape[0] + 2 * p[0], x.shape[1] + 2 * p[1]), "the padded input", "use a smaller x or padding")
        self.output = conv2d(x, kernel, stride=stride, padding=padding)   # validates everything
        self.padded = np.pad(x.astype(float), ((p[0], p[0]), (p[1], p[1])))
        self.kernel = kernel.astype(float)
        self.axes = axes = check_axes(axes, 4)
        self.figure = root_figure(axes[0])
        self.step = None
        # One colour scale for one quantity: input, kernel, products and output are all values,
        # so equal numbers get equal colours in every panel (and at every step).
        self.limit = value_limit(self.padded, self.kernel, self.output, self._all_products())
        padded_panel = MatrixPanel(axes[0], self.padded.shape, self.limit,
                                   title=f"input {x.shape[0]} x {x.shape[1]}"
                                   + (f" (padding {padding})" if p != (0, 0) else ""))
        padded_panel.fill(self.padded)
        self.window = axes[0].add_patch(Rectangle((-0.5, -0.5), kernel.shape[1], kernel.shape[0], fill=False,
                                                  edgecolor="gold", linewidth=3.5))
        if p != (0, 0):
            axes[0].add_patch(Rectangle((p[1] - 0.5, p[0] - 0.5), x.shape[1], x.shape[0], fill=False,
                                        edgecolor="black", linewidth=2, linestyle="--"))
            axes[0].set_xlabel("dashed: the input; outside: padded zeros", fontsize=10)
        MatrixPanel(axes[1], kernel.shape, self.limit,
                    title=f"kernel {kernel.shape[0]} x {kernel.shape[1]}").fill(kernel)
        self.products = MatrixPanel(axes[2], kernel.shape, self.limit, title="window × kernel")
        self.result = MatrixPanel(axes[3], self.output.shape, self.limit, title="output")
        self.current = axes[3].add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor="gold",
                                                   linewidth=3.5))
        self.artists = list(axes[0].patches) + self.products.animated() + self.result.animated()

    def _all_products(self):
        """Every window x kernel product of every step (for the shared colour limit)."""
        windows = np.lib.stride_tricks.sliding_window_view(self.padded, self.kernel.shape)
        windows = windows[::self.stride[0], ::self.stride[1]][: self.output.shape[0], : self.output.shape[1]]
        return windows * self.kernel

    def position(self, step):
        """``(i, j)``: the output position of ``step`` (1, 2, ... in reading order)."""
        step = check_step(step, self.output.size)
        return divmod(step - 1, self.output.shape[1])

    def window_values(self, step):
        """The (padded) input values under the kernel at ``step``."""
        i, j = self.position(step)
        top, left = i * self.stride[0], j * self.stride[1]
        kh, kw = self.kernel.shape
        return self.padded[top : top + kh, left : left + kw]

    def show(self, step):
        """Redraw for ``step`` (1 .. oH*oW) in place; returns the handle.

        Raises ``TypeError``/``ValueError`` for a ``step`` outside ``1 .. oH*oW``.
        """
        i, j = self.position(step)
        self.step = step
        self.window.set_xy((j * self.stride[1] - 0.5, i * self.stride[0] - 0.5))
        products = self.window_values(step) * self.kernel
        self.products.fill(products)
        self.axes[2].set_title(f"window × kernel: sum = {format_value(products.sum())}", fontsize=11)
        shown = np.full(self.output.shape, np.nan)
        shown.flat[:step] = self.output.flat[:step]
        self.result.fill(shown, grid_shape=self.output.shape)
        self.current.set_xy((j - 0.5, i - 0.5))
        self.axes[3].set_title(f"output[{i}, {j}], step {step}/{self.output.size}", fontsize=11)
        return self


def plot_conv_step(x, kernel, step, axes=None, *, stride=1, padding=0):
    """Draw step ``step`` of a convolution: window, kernel, products, partly filled output.

    Parameters
    ----------
    x : (H, W) array_like
        Input image (at most :data:`MAX_CELLS` cells a side, padding included).
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
    ConvStepFigure
        The handle: ``.axes``, and ``.show(step)`` to redraw for another step.

    Raises
    ------
    ValueError, TypeError
        For a ``step`` outside ``1 .. oH*oW``, wrong ``axes``, ``x`` or
        ``kernel`` not 2-D or too big to draw legibly, or arguments
        :func:`course_lib.conv2d` rejects.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> handle = plot_conv_step([[0, 1, 0], [0, 0, 1], [1, 1, 0]],
    ...                         [[0, 1, 0], [1, -4, 1], [0, 1, 0]], step=1, axes=Figure().subplots(1, 4))
    >>> handle.axes[2].get_title()
    'window × kernel: sum = 3'
    """
    axes = new_axes(4, (11, 3)) if axes is None else axes
    return ConvStepFigure(x, kernel, axes, stride=stride, padding=padding).show(step)


def plot_conv_geometry(size, kernel_size, stride=1, padding=0, dilation=1, ax=None):
    """Draw a 1-row strip of the (padded) input and every kernel position along it.

    The title holds the formula with ``i + 2p`` and ``d(k-1)`` already
    added up. The input cells are white, padded zeros grey; each kernel position is a row
    of dots (the taps, spaced by ``dilation``) below the strip, positions
    ``stride`` apart, so the number of rows of dots is the output size.

    Parameters
    ----------
    size, kernel_size, stride, padding, dilation : int
        One axis only (a pair raises ``TypeError``):
        ``i, k, s, p, d`` of :func:`course_lib.conv_output_size`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError, TypeError
        For arguments :func:`course_lib.conv_output_size` rejects, pairs, or a
        padded input over 48 cells.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_conv_geometry(5, 3, stride=2, padding=1, ax=Figure().subplots())
    >>> ax.get_title().splitlines()[-1]
    'o = ⌊(7 - 2 - 1) / 2⌋ + 1 = 3'
    """
    for name, value in (("size", size), ("kernel_size", kernel_size), ("stride", stride), ("padding", padding),
                        ("dilation", dilation)):
        as_int(value, name, minimum=0 if name == "padding" else 1)   # one axis: ints, not pairs
    out = conv_output_size(size, kernel_size, stride, padding, dilation)
    if size + 2 * padding > 4 * MAX_CELLS:
        raise ValueError(f"the padded input would be {size + 2 * padding} cells; the geometry strip stays legible "
                         f"up to {4 * MAX_CELLS} (use a smaller size or padding)")
    i, k, s, p, d = size, kernel_size, stride, padding, dilation
    ax = check_ax(ax)
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
        ax.text(-0.3, y, f"{n}", ha="right", va="center", fontsize=10)
    ax.set_xlim(-1.2, max(width, 1) + 0.2)
    ax.set_ylim(-0.7 - 0.6 * max(out, 1) - 0.1, 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"s={s}, p={p}, d={d}\n"
                 f"o = ⌊({i + 2 * p} - {d * (k - 1)} - 1) / {s}⌋ + 1 = {out}", fontsize=10)
    return ax
