"""The widget of notebook 04: step through a convolution one output position at a time.

The explorer builds a :class:`course_lib.draw_convolution.ConvStepFigure`
once on an Agg figure, wires its ``step`` slider to the handle's ``show`` and
re-renders only the handle's changing artists into an ``ipywidgets.Image``
(:func:`course_lib.widgets.wire`). It returns an ``ipywidgets.VBox`` holding
the slider, an ``ipywidgets.HTML`` line that starts with ``output size: H x W``,
and the image.
"""
from __future__ import annotations

from ._checks import as_matrix
from .draw_convolution import ConvStepFigure
from .plotting import SCREEN_DPI, format_value, new_figure
from .widgets import int_slider, size_html, wire

__all__ = ["conv_step_explorer"]

# The slides' example (notebook 04 writes the same numbers out).
_SLIDES_INPUT = [[0, 1, 0, 1, 1], [0, 0, 1, 1, 0], [1, 1, 0, 1, 0], [0, 1, 0, 0, 1], [0, 0, 1, 1, 0]]
_LAPLACIAN = [[0, 1, 0], [1, -4, 1], [0, 1, 0]]


def conv_step_explorer(x=None, kernel=None):
    """Walk a convolution one output position at a time with a ``step`` slider.

    Parameters
    ----------
    x : (H, W) array_like, optional
        Input; default the slides' 5x5 binary image. At most
        :data:`course_lib.draw_convolution.MAX_CELLS` cells a side.
    kernel : (kH, kW) array_like, optional
        Default the slides' Laplacian edge detector ``[[0,1,0],[1,-4,1],[0,1,0]]``.

    Returns
    -------
    ipywidgets.VBox
        A slider "step" (1 .. number of outputs), an HTML line (output size and
        the sum for this step) and the figure of :func:`course_lib.draw_convolution.plot_conv_step`.

    Raises
    ------
    ValueError, TypeError
        ``x`` or ``kernel`` not 2-D, too big to draw legibly, or inputs
        :func:`course_lib.conv2d` rejects.

    Examples
    --------
    >>> from course_lib.widgets import explorer_parts
    >>> sliders, image, html = explorer_parts(conv_step_explorer())
    >>> sliders["step"].max, html.value[:25]
    (9, '<b>output size: 3 x 3</b>')
    """
    x = as_matrix(_SLIDES_INPUT if x is None else x, "x")
    kernel = as_matrix(_LAPLACIAN if kernel is None else kernel, "kernel")
    figure = new_figure((10, 2.9), dpi=SCREEN_DPI)
    axes = figure.subplots(1, 4, gridspec_kw={"width_ratios": [x.shape[1], kernel.shape[1],
                                                               kernel.shape[1], kernel.shape[1]]})
    figure.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.86, wspace=0.12)
    handle = ConvStepFigure(x, kernel, axes)
    output = handle.output

    def update(step):
        handle.show(step)
        i, j = handle.position(step)
        terms = " + ".join(f"{format_value(a)}·{format_value(b)}"
                           for a, b in zip(handle.window_values(step).ravel(), handle.kernel.ravel()))
        return size_html(output.shape, f"step {step} of {output.size}: output[{i}, {j}] = "
                         f"{terms} = <b>{format_value(output[i, j])}</b>"), True

    import ipywidgets

    return wire([int_slider("step", 1, 1, output.size)], ipywidgets.HTML(), handle, update,
                description="Convolution step explorer (step slider): run the cell to walk the output positions.")
