"""The step explorer of notebook 05: a transposed convolution built one scaled kernel copy at a time.

The explorer builds a :class:`course_lib.draw_transposed.TransposedStepFigure`
once on an Agg figure, wires its ``step`` slider to the handle's ``show`` and
re-renders only the handle's changing artists into an ``ipywidgets.Image``
(:func:`course_lib.widgets.wire`). It returns an ``ipywidgets.VBox`` holding
the slider, an ``ipywidgets.HTML`` line that starts with ``output size: H x W``,
and the image.
"""
from __future__ import annotations

from ._checks import as_matrix
from .draw_transposed import TransposedStepFigure
from .plotting import SCREEN_DPI, format_value, new_figure
from .widgets import int_slider, size_html, wire

__all__ = ["transposed_step_explorer"]

# The slides' example (notebook 05 writes the same numbers out).
_SLIDES_X = [[0, 1], [2, 3]]


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
    figure = new_figure((9, 2.8), dpi=SCREEN_DPI)
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
