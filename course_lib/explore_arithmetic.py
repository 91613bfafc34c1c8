"""The convolution-arithmetic explorer of notebook 05: both size formulas, for one axis, on a grid.

In the spirit of Dumoulin & Visin's convolution-arithmetic animations and CNN
Explainer's hyperparameter view. :func:`arithmetic_sizes` computes the numbers
of one setting once (validated against :data:`ARITHMETIC_RANGES`, the slider
ranges); :class:`ArithmeticFigure` draws them (the window over the padded
input; the transposed convolution with the same settings as a direct
convolution over the zero-inserted input) and keeps them as ``sizes``;
:func:`arithmetic_line` writes the explorer's text line from those sizes;
:func:`arithmetic_explorer` wires five sliders to the handle
(:func:`course_lib.widgets.wire`).
"""
from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from ._checks import as_int
from .convolution import conv_output_size
from .plotting import SCREEN_DPI, check_axes, new_figure, root_figure
from .transposed import conv_transpose_output_size
from .widgets import int_slider, size_html, wire

__all__ = ["arithmetic_explorer", "ArithmeticFigure", "plot_arithmetic", "arithmetic_sizes", "arithmetic_line",
           "direct_layout", "ARITHMETIC_RANGES"]


#: Slider ranges of the arithmetic explorer (inclusive), in its order.
ARITHMETIC_RANGES = {"input size": (3, 9), "kernel size": (1, 5), "stride": (1, 3), "padding": (0, 3),
                     "dilation": (1, 3)}
_ARITHMETIC_NAMES = ("size", "kernel_size", "stride", "padding", "dilation")
_COLOURS = {"input": (1.0, 1.0, 1.0), "padding": (0.78, 0.78, 0.78), "value": (0.34, 0.71, 0.91),
            "inserted": (1.0, 1.0, 1.0), "extra": (0.55, 0.55, 0.55), "empty": (1.0, 1.0, 1.0)}
_TAP = "#D55E00"   # vermillion (Okabe-Ito): the kernel's taps


def arithmetic_sizes(size, kernel_size, stride=1, padding=0, dilation=1):
    """The numbers of the arithmetic explorer for one axis, as a dict (None for ``o`` when there is no output).

    ``o`` is the convolution's output size; the transposed convolution with the
    same ``k, s, p, d`` maps ``o`` back to ``size`` with ``output_padding =
    a = (i + 2p - d(k-1) - 1) mod s``; as a direct convolution (stride 1,
    kernel flipped) it runs over the ``o`` values with ``s - 1`` zeros
    inserted between them, padded by ``q = d(k-1) - p`` on each side
    (cropped when negative) and ``a`` more at the bottom and right: a grid of
    ``size + d(k-1)`` cells.

    Returns
    -------
    dict
        ``i, k, s, p, d, o, a, q, inserted`` (zero-inserted length ``(o-1)s+1``),
        ``direct`` (the direct convolution's input length), ``back`` (the
        transposed output size, equal to ``i``).

    Raises
    ------
    TypeError, ValueError
        A setting outside :data:`ARITHMETIC_RANGES`.

    Examples
    --------
    >>> sizes = arithmetic_sizes(5, 3, stride=2, padding=1)
    >>> sizes["o"], sizes["a"], sizes["q"], sizes["inserted"], sizes["direct"], sizes["back"]
    (3, 0, 1, 5, 7, 5)
    >>> arithmetic_sizes(3, 5, dilation=3)["o"] is None
    True
    """
    values = []
    for name, value, (low, high) in zip(_ARITHMETIC_NAMES, (size, kernel_size, stride, padding, dilation),
                                        ARITHMETIC_RANGES.values()):
        value = as_int(value, name, minimum=0 if name == "padding" else 1)
        if not low <= value <= high:
            raise ValueError(f"{name} must be between {low} and {high} in the arithmetic explorer, got {value}")
        values.append(value)
    i, k, s, p, d = values
    span = d * (k - 1)
    result = dict(i=i, k=k, s=s, p=p, d=d, o=None, a=None, q=span - p, inserted=None, direct=None, back=None)
    if i + 2 * p - span - 1 < 0:
        return result
    o = conv_output_size(i, k, stride=s, padding=p, dilation=d)
    a = (i + 2 * p - span - 1) % s
    back = conv_transpose_output_size(o, k, stride=s, padding=p, output_padding=a, dilation=d)
    result.update(o=o, a=a, inserted=(o - 1) * s + 1, direct=(o - 1) * s + 1 + 2 * (span - p) + a, back=back)
    return result


def direct_layout(sizes):
    """One axis of the direct convolution's input: ``(kind, index)`` per cell, from :func:`arithmetic_sizes`.

    ``kind`` is ``"value"`` (the ``index``-th value of the transposed
    convolution's input), ``"inserted"`` (a zero between values),
    ``"padding"`` (``q = d(k-1) - p`` zeros at each end) or ``"extra"`` (the
    ``a = output_padding`` zeros at the end); ``index`` is None but for values.
    A negative ``q`` crops ``-q`` cells at the start and ``-(q + a)`` at the
    end instead. Convolving this input (stride 1, dilation ``d``) with the
    flipped kernel gives the transposed convolution.

    Raises ``ValueError`` when ``sizes`` has no output (``sizes["o"]`` is None).

    Examples
    --------
    >>> [kind[0] for kind, _ in direct_layout(arithmetic_sizes(3, 3, stride=2, padding=1))]
    ['p', 'v', 'i', 'v', 'p']
    """
    if sizes.get("o") is None:
        raise ValueError(f"sizes must describe a setting with an output, got o = {sizes.get('o')!r}")
    o, s, q, a = sizes["o"], sizes["s"], sizes["q"], sizes["a"]
    line = [("value", n // s) if n % s == 0 else ("inserted", None) for n in range((o - 1) * s + 1)]
    line = [("padding", None)] * q + line if q >= 0 else line[-q:]
    end = q + a
    if end >= 0:
        line += [("padding", None)] * max(q, 0) + [("extra", None)] * (end - max(q, 0))
    else:
        line = line[:end]
    return line


def _cell_colours(kinds):
    """An RGB image with one pixel per cell of ``kinds`` (rows of kind names)."""
    return np.array([[_COLOURS[kind] for kind in row] for row in kinds])


def _arithmetic_axes(dpi):
    """The two axes of the arithmetic figure on a new Agg figure, 11 x 6.4 inches at ``dpi``."""
    figure = new_figure((11, 6.4), dpi=dpi)
    axes = figure.subplots(1, 2)
    figure.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.8, wspace=0.12)
    return axes


class ArithmeticFigure:
    """Convolution arithmetic for one setting: the window over the padded input, and beside it
    the transposed convolution as a direct convolution over the zero-inserted input.

    Left: the ``i + 2p`` padded input (white: input, grey: padding) with the
    first window's ``k x k`` taps (dilated by ``d``) and a dot at the top-left
    tap of every window position (``o x o`` of them, ``s`` apart). Right: the
    ``o x o`` values (blue) with ``s - 1`` inserted zeros (white) between them,
    padded by ``q = d(k-1) - p`` (grey; cropped when negative) and
    ``a = output_padding`` extra rows and columns (dark grey), with the first
    window of the flipped kernel; its outputs are ``i x i`` again. Titles hold
    the formulas filled in. Made once; :meth:`show` updates the artists in place.

    With ``titles=False`` the titles are fixed (no numbers) and left out of
    ``artists``: a widget shows the formulas in its text line instead, and
    the titles are not redrawn on every move.

    Attributes: ``figure``, ``axes`` (2), ``artists``, ``sizes`` (of the last :meth:`show`).

    Raises ``TypeError``/``ValueError`` for a setting outside :data:`ARITHMETIC_RANGES`.

    Examples
    --------
    >>> handle = ArithmeticFigure(5, 3, 2, 1, 1)
    >>> handle.sizes["o"], handle.axes[0].get_title().splitlines()[-1]
    (3, 'o = ⌊(5 + 2·1 - 1·(3-1) - 1) / 2⌋ + 1 = 3')
    """

    def __init__(self, size=5, kernel_size=3, stride=2, padding=1, dilation=1, axes=None, *, titles=True):
        if axes is None:
            axes = _arithmetic_axes(dpi=72)
        self.axes = axes = check_axes(axes, 2)
        self.figure = root_figure(axes[0])
        self.images, self.grids, self.taps, self.starts, self.windows = [], [], [], [], []
        for ax in axes:
            self.images.append(ax.imshow(np.ones((2, 2, 3)), interpolation="nearest"))
            self.grids.append(ax.add_collection(LineCollection([], colors="0.35", linewidths=1)))
            self.taps.append(ax.scatter([], [], marker="s", facecolors="none", edgecolors=_TAP, linewidths=2))
            self.starts.append(ax.scatter([], [], marker="o", color="black"))
            self.windows.append(ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor=_TAP, linewidth=2.5,
                                                       linestyle="--")))
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_aspect("equal")
            for spine in ax.spines.values():
                spine.set_visible(False)
        self.titles = bool(titles)
        self.artists = [*self.images, *self.grids, *self.windows, *self.taps, *self.starts]
        if self.titles:
            self.artists += [axes[0].title, axes[1].title]
        else:   # a widget writes the formulas in its text line: fixed titles are drawn once, not per frame
            axes[0].set_title("convolution: the window (orange) over the padded\n"
                              "input (grey: padding); dots: where windows start", fontsize=11)
            axes[1].set_title("transposed convolution as a direct one (stride 1, flipped\n"
                              "kernel): values (blue), inserted zeros (white), padding\n"
                              "(grey), output_padding (dark)", fontsize=11)
        self.show(size, kernel_size, stride, padding, dilation)

    def _title(self, panel, text):
        if self.titles:
            self.axes[panel].set_title(text, fontsize=10)

    def _panel(self, panel, kinds, k, d, positions):
        """Show the cells ``kinds`` on a panel scaled to fit them, the first window and the window starts."""
        ax, n = self.axes[panel], max(len(kinds), 1)
        self.images[panel].set_data(_cell_colours(kinds) if kinds else np.ones((1, 1, 3)))
        edges = np.arange(len(kinds) + 1) - 0.5 if kinds else []
        self.grids[panel].set_segments([[(e, -0.5), (e, n - 0.5)] for e in edges] +
                                       [[(-0.5, e), (n - 0.5, e)] for e in edges])
        self.images[panel].set_extent((-0.5, n - 0.5, n - 0.5, -0.5))
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_ylim(n - 0.4, -0.6)
        cell = ax.get_position().width * self.figure.get_figwidth() * 72 / n   # points per cell
        show = bool(kinds) and k is not None
        taps = [(d * c, d * r) for r in range(k) for c in range(k)] if show else np.empty((0, 2))
        self.taps[panel].set_offsets(taps)
        self.taps[panel].set_sizes([(0.55 * cell) ** 2])
        self.starts[panel].set_offsets(positions if positions else np.empty((0, 2)))
        self.starts[panel].set_sizes([(0.22 * cell) ** 2])
        window = self.windows[panel]
        window.set_visible(show)
        if show:
            window.set_bounds(-0.5, -0.5, d * (k - 1) + 1, d * (k - 1) + 1)

    def show(self, size, kernel_size, stride=1, padding=0, dilation=1):
        """Redraw for another setting; returns the handle (``sizes["o"]`` is None when there is no output)."""
        sizes = self.sizes = arithmetic_sizes(size, kernel_size, stride, padding, dilation)
        i, k, s, p, d, o, a, q = (sizes[n] for n in "i k s p d o a q".split())
        padded = i + 2 * p
        kinds = [["input" if p <= r < p + i and p <= c < p + i else "padding" for c in range(padded)]
                 for r in range(padded)]
        formula = f"o = ⌊({i} + 2·{p} - {d}·({k}-1) - 1) / {s}⌋ + 1"
        head = f"convolution (k={k}, s={s}, p={p}, d={d}):\nthe window over the padded input ({padded} x {padded})"
        if o is None:
            self._panel(0, kinds, k, 1, [])
            self.windows[0].set_visible(False)
            self.taps[0].set_offsets(np.empty((0, 2)))
            self._title(0, f"{head}\nthe window ({d * (k - 1) + 1} wide) does not fit: no output\n{formula} < 1")
            self._panel(1, [], None, 1, [])
            self._title(1, "transposed convolution: nothing to map back\n\n\n")
            return self
        self._panel(0, kinds, k, d, [(c * s, r * s) for r in range(o) for c in range(o)])
        self._title(0, f"{head}\ndots: where the {o} x {o} windows start, {s} apart\n{formula} = {o}")
        line = [kind for kind, _ in direct_layout(sizes)]
        rank = {"value": 0, "inserted": 1, "padding": 2, "extra": 3}   # a cell shows the stronger of its two kinds
        kinds = [[max(row, col, key=rank.get) for col in line] for row in line]
        self._panel(1, kinds, k, d, [])
        edge = f"cropped by p - d(k-1) = {-q}" if q < 0 else f"padded by d(k-1) - p = {q}"
        a_text = f"a = output_padding = {a} (dark)" if q >= 0 or q + a >= 0 else f"a = {a} (fewer cropped)"
        self._title(1, f"transposed convolution as a direct one (stride 1, kernel flipped):\n"
                               f"{o} x {o} values (blue), {s - 1} zero{'s' if s != 2 else ''} between (white),\n"
                               f"{edge} (grey), {a_text}\n"
                       f"o' = ({o}-1)·{s} - 2·{p} + {d}·({k}-1) + {a} + 1 = {sizes['back']}")
        return self


def plot_arithmetic(size=5, kernel_size=3, stride=2, padding=1, dilation=1, axes=None):
    """Draw the arithmetic explorer's figure for one setting; returns the :class:`ArithmeticFigure` handle.

    Parameters
    ----------
    size, kernel_size, stride, padding, dilation : int
        Within :data:`ARITHMETIC_RANGES`.
    axes : sequence of 2 matplotlib Axes, optional
        Default: a new Agg figure outside pyplot (``handle.figure``).

    Returns
    -------
    ArithmeticFigure

    Raises
    ------
    TypeError, ValueError
        A setting outside :data:`ARITHMETIC_RANGES`, wrong ``axes``.

    Examples
    --------
    >>> plot_arithmetic(7, 3, 3, 0, 1).sizes["a"]
    1
    """
    return ArithmeticFigure(size, kernel_size, stride, padding, dilation, axes=axes)


def arithmetic_line(sizes):
    """The arithmetic explorer's HTML line for the numbers of one setting (:func:`arithmetic_sizes`).

    ``output size: o x o``, then both formulas filled in; "no output" when the
    dilated window does not fit in the padded input.

    Examples
    --------
    >>> arithmetic_line(arithmetic_sizes(5, 3, stride=2, padding=1))[:25]
    '<b>output size: 3 x 3</b>'
    >>> arithmetic_line(arithmetic_sizes(3, 5, dilation=3))[:16]
    '<b>no output</b>'
    """
    if not isinstance(sizes, dict) or not set("ikspdo") <= set(sizes):
        raise TypeError(f"sizes must be the dict of arithmetic_sizes, got {sizes!r:.60}")
    i, k, s, p, d, o, a = (sizes[name] for name in "ikspdoa")
    conv = f"conv: o = ⌊(i + 2p - d(k-1) - 1) / s⌋ + 1 = ⌊({i} + 2·{p} - {d}·({k}-1) - 1) / {s}⌋ + 1"
    if o is None:
        return (f"<b>no output</b> &nbsp;·&nbsp; {conv} &lt; 1: the dilated window ({d * (k - 1) + 1} wide) "
                f"does not fit in the padded input ({i + 2 * p} wide)")
    back = (f"transposed: (o-1)s - 2p + d(k-1) + output_padding + 1 = ({o}-1)·{s} - 2·{p} + {d}·({k}-1) + {a} + 1 "
            f"= {sizes['back']}, with output_padding = (i + 2p - d(k-1) - 1) mod s = {a}")
    return size_html((o, o), f"{conv} = {o} &nbsp;·&nbsp; {back}")


def arithmetic_explorer(size=5, kernel_size=3, stride=2, padding=1, dilation=1):
    """Sliders for input size, kernel size, stride, padding and dilation over both size formulas.

    In the spirit of Dumoulin & Visin's convolution-arithmetic animations and
    CNN Explainer's hyperparameter view: the figure
    (:class:`ArithmeticFigure`) shows the window
    over the padded input and, beside it, the transposed convolution with the
    same settings as a direct convolution over the zero-inserted input; the
    HTML line fills in both formulas.

    Parameters
    ----------
    size, kernel_size, stride, padding, dilation : int
        Initial slider values, within :data:`ARITHMETIC_RANGES`
        (input size 3-9, kernel size 1-5, stride 1-3, padding 0-3, dilation 1-3).

    Returns
    -------
    ipywidgets.VBox
        Five sliders in two rows, the HTML line (``output size: o x o`` and
        the formulas with the numbers, or "no output") and the figure.

    Raises
    ------
    TypeError, ValueError
        An initial value outside the slider ranges.

    Examples
    --------
    >>> from course_lib.widgets import explorer_parts
    >>> sliders, image, html = explorer_parts(arithmetic_explorer())
    >>> sorted(sliders), html.value[:25]
    (['dilation', 'input size', 'kernel size', 'padding', 'stride'], '<b>output size: 3 x 3</b>')
    """
    import ipywidgets

    arithmetic_sizes(size, kernel_size, stride, padding, dilation)   # refuse a bad start before making a figure
    # the explorer's frame at SCREEN_DPI: its text shows at its point size (the static figure keeps 72 dpi)
    handle = ArithmeticFigure(size, kernel_size, stride, padding, dilation, _arithmetic_axes(SCREEN_DPI),
                              titles=False)
    initial = [handle.sizes[n] for n in "ikspd"]
    layout = ipywidgets.Layout(width="260px")
    sliders = [int_slider(name, value, low, high, layout=layout)
               for (name, (low, high)), value in zip(ARITHMETIC_RANGES.items(), initial)]

    def update(*values):
        return arithmetic_line(handle.show(*values).sizes), True

    rows = [ipywidgets.HBox(sliders[:3]), ipywidgets.HBox(sliders[3:])]
    return wire(rows, ipywidgets.HTML(), handle, update,
                description="Convolution arithmetic explorer (i, k, s, p, d sliders): run the cell to use it.")
