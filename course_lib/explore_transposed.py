"""The widgets of notebook 05: a transposed convolution step by step, its geometry, and the arithmetic.

Each explorer builds a drawing handle of :mod:`course_lib.draw_transposed`
once on an Agg figure, wires its sliders to the handle's ``show`` and
re-renders only the handle's changing artists into an ``ipywidgets.Image``
(:func:`course_lib.widgets.wire`). Each returns an ``ipywidgets.VBox``
holding the sliders, an ``ipywidgets.HTML`` line that starts with
``output size: H x W``, and the image.
"""
from __future__ import annotations

import html

import numpy as np

from ._checks import as_matrix
from .draw_transposed import ARITHMETIC_RANGES, ArithmeticFigure, TransposedOverviewFigure, TransposedStepFigure
from .plotting import format_value
from .transposed import conv_transpose_output_size
from .widgets import int_slider, new_figure, size_html, wire

__all__ = ["transposed_step_explorer", "transposed_explorer", "arithmetic_explorer", "RANGES"]

# The slides' example (notebook 05 writes the same numbers out).
_SLIDES_X = [[0, 1], [2, 3]]
_OVERVIEW_INPUT = np.array([[1, 2], [3, 4]])

#: Slider ranges of :func:`transposed_explorer` (inclusive).
RANGES = {"kernel size": (1, 4), "stride": (1, 3), "padding": (0, 2)}


def transposed_step_explorer(x=None, kernel=None, stride=1):
    """Build a transposed convolution one scaled kernel copy at a time with a ``step`` slider.

    Parameters
    ----------
    x : (H, W) array_like, optional
        Input; default the slides' ``[[0, 1], [2, 3]]``.
    kernel : (kH, kW) array_like, optional
        Default the slides' ``[[0, 1], [2, 3]]``.
    stride : int or (int, int)

    Returns
    -------
    ipywidgets.VBox
        A slider "step" (1 .. number of input values), an HTML line (output
        size and what this step adds) and the figure of
        :func:`course_lib.draw_transposed.plot_transposed_step`; at the last
        step the figure shows the full output.

    Raises
    ------
    ValueError, TypeError
        ``x`` or ``kernel`` not 2-D, an output too big to draw legibly, or
        inputs :func:`course_lib.conv_transpose2d` rejects.

    Examples
    --------
    >>> from course_lib.widgets import explorer_parts
    >>> sliders, image, html = explorer_parts(transposed_step_explorer(stride=2))
    >>> sliders["step"].max, html.value[:25]
    (4, '<b>output size: 4 x 4</b>')
    """
    import ipywidgets

    x = as_matrix(_SLIDES_X if x is None else x, "x")
    kernel = as_matrix(_SLIDES_X if kernel is None else kernel, "kernel")
    figure = new_figure((9, 2.8), dpi=72)
    axes = figure.subplots(1, 4)
    figure.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.86, wspace=0.15)
    handle = TransposedStepFigure(x, kernel, axes, stride=stride)
    s, kh, kw = handle.stride, *handle.kernel.shape

    def update(step):
        handle.show(step)
        i, j = handle.position(step)
        done = " (all copies added: this is the output)" if step == x.size else ""
        return size_html(handle.output.shape, f"step {step} of {x.size}: x[{i}, {j}] = "
                         f"{format_value(handle.x[i, j])} times the kernel, added to rows "
                         f"{i * s[0]}..{i * s[0] + kh - 1}, columns {j * s[1]}..{j * s[1] + kw - 1}{done}"), True

    return wire([int_slider("step", 1, 1, x.size)], ipywidgets.HTML(), handle, update,
                description="Transposed convolution step explorer (step slider): run the cell to add copies.")


def transposed_explorer():
    """Explore how kernel size, stride and padding shape a transposed convolution.

    The input is ``[[1, 2], [3, 4]]`` and the kernel is all ones, so every
    output value is the sum of the input values whose copies cover that cell.

    Returns
    -------
    ipywidgets.VBox
        Sliders "kernel size" (1-4), "stride" (1-3) and "padding" (0-2), an
        HTML line with the output size and the formula
        ``o = (i-1)s - 2p + d(k-1) + output_padding + 1`` with the numbers,
        and the figure of :func:`course_lib.draw_transposed.plot_transposed_overview`.

    Examples
    --------
    >>> from course_lib.widgets import explorer_parts
    >>> sliders, image, html = explorer_parts(transposed_explorer())
    >>> sorted(sliders), html.value[:25]
    (['kernel size', 'padding', 'stride'], '<b>output size: 5 x 5</b>')
    """
    import ipywidgets

    x = _OVERVIEW_INPUT
    canvas = (x.shape[0] - 1) * RANGES["stride"][1] + RANGES["kernel size"][1]
    figure = new_figure((10.5, 3.9), dpi=72)
    axes = figure.subplots(1, 3, gridspec_kw={"width_ratios": [0.55, 1, 1]})
    figure.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.86, wspace=0.1)
    sliders = [int_slider("kernel size", 3, *RANGES["kernel size"]), int_slider("stride", 2, *RANGES["stride"]),
               int_slider("padding", 0, *RANGES["padding"])]
    handle = TransposedOverviewFigure(x, axes, canvas=canvas).show(np.ones((3, 3)), 2, 0)
    axes[1].set_title("copies per cell, each copy outlined\n(dashed box: what padding keeps)", fontsize=11)
    axes[2].set_title("output (size: see above)", fontsize=11)
    i = x.shape[0]

    def update(k, s, p):
        formula = f"o = (i-1)s - 2p + d(k-1) + output_padding + 1 = ({i}-1)·{s} - 2·{p} + 1·({k}-1) + 0 + 1"
        try:
            size = conv_transpose_output_size(i, k, stride=s, padding=p)
        except ValueError as error:
            return (f"<b>no output</b> &nbsp;·&nbsp; {html.escape(str(error))} "
                    "(the figure still shows the last setting that had an output)"), False
        handle.show(np.ones((k, k)), s, p, titles=False)
        return size_html((size, size), f"{formula} = {size} &nbsp;(kernel: {k} x {k} ones)"), True

    return wire(sliders, ipywidgets.HTML(), handle, update,
                description="Transposed convolution explorer (kernel size, stride, padding): run the cell to use it.")


def arithmetic_explorer(size=5, kernel_size=3, stride=2, padding=1, dilation=1):
    """Sliders for input size, kernel size, stride, padding and dilation over both size formulas.

    In the spirit of Dumoulin & Visin's convolution-arithmetic animations and
    CNN Explainer's hyperparameter view: the figure
    (:class:`course_lib.draw_transposed.ArithmeticFigure`) shows the window
    over the padded input and, beside it, the transposed convolution with the
    same settings as a direct convolution over the zero-inserted input; the
    HTML line fills in both formulas.

    Parameters
    ----------
    size, kernel_size, stride, padding, dilation : int
        Initial slider values, within :data:`course_lib.draw_transposed.ARITHMETIC_RANGES`
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

    handle = ArithmeticFigure(size, kernel_size, stride, padding, dilation, titles=False)   # validates the settings
    initial = [handle.sizes[n] for n in "ikspd"]
    layout = ipywidgets.Layout(width="260px")
    sliders = [int_slider(name, value, low, high, layout=layout)
               for (name, (low, high)), value in zip(ARITHMETIC_RANGES.items(), initial)]

    def update(i, k, s, p, d):
        sizes = handle.show(i, k, s, p, d).sizes
        conv = f"conv: o = ⌊(i + 2p - d(k-1) - 1) / s⌋ + 1 = ⌊({i} + 2·{p} - {d}·({k}-1) - 1) / {s}⌋ + 1"
        if sizes["o"] is None:
            return (f"<b>no output</b> &nbsp;·&nbsp; {conv} &lt; 1: the dilated window ({d * (k - 1) + 1} wide) "
                    f"does not fit in the padded input ({i + 2 * p} wide)"), True
        o, a = sizes["o"], sizes["a"]
        back = (f"transposed: (o-1)s - 2p + d(k-1) + output_padding + 1 = ({o}-1)·{s} - 2·{p} + {d}·({k}-1) + {a} + 1 "
                f"= {sizes['back']}, with output_padding = (i + 2p - d(k-1) - 1) mod s = {a}")
        return size_html((o, o), f"{conv} = {o} &nbsp;·&nbsp; {back}"), True

    rows = [ipywidgets.HBox(sliders[:3]), ipywidgets.HBox(sliders[3:])]
    return wire(rows, ipywidgets.HTML(), handle, update,
                description="Convolution arithmetic explorer (i, k, s, p, d sliders): run the cell to use it.")
