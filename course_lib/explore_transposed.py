"""The transposed-convolution explorer of notebook 05: how kernel size, stride and padding shape the output.

The explorer builds a :class:`course_lib.draw_transposed.TransposedOverviewFigure`
once on an Agg figure, wires its sliders (:data:`RANGES`) to the handle's
``show`` and re-renders only the handle's changing artists into an
``ipywidgets.Image`` (:func:`course_lib.widgets.wire`). It returns an
``ipywidgets.VBox`` holding the sliders, an ``ipywidgets.HTML`` line that
starts with ``output size: H x W``, and the image.

The other explorers of notebook 05 are :mod:`course_lib.explore_transposed_step`
and :mod:`course_lib.explore_arithmetic`.
"""
from __future__ import annotations

import html

import numpy as np

from .draw_transposed import TransposedOverviewFigure
from .plotting import SCREEN_DPI, new_figure
from .transposed import conv_transpose_output_size
from .widgets import int_slider, size_html, wire

__all__ = ["transposed_explorer", "RANGES"]

_OVERVIEW_INPUT = np.array([[1, 2], [3, 4]])

#: Slider ranges of :func:`transposed_explorer` (inclusive).
RANGES = {"kernel size": (1, 4), "stride": (1, 3), "padding": (0, 2)}
#: Explorers that moved to their own modules; ``from course_lib.explore_transposed import ...`` still finds them.
_MOVED = {"transposed_step_explorer": "explore_transposed_step", "arithmetic_explorer": "explore_arithmetic"}


def __getattr__(name):
    if name in _MOVED:   # the old import path (one module per explorer since the split)
        import importlib

        return getattr(importlib.import_module(f"{__package__}.{_MOVED[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    figure = new_figure((10.5, 3.9), dpi=SCREEN_DPI)
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
