"""Widgets for notebooks 04 and 05: step through a convolution, a transposed one, and its geometry.

Each explorer builds one Agg figure with the drawing functions of
:mod:`course_lib.draw_convolution`, then on every slider move updates its
artists in place and re-renders it into an ``ipywidgets.Image``. Each returns
an ``ipywidgets.VBox`` holding the sliders, the image and an
``ipywidgets.HTML`` line that starts with ``output size: H x W``.
"""
from __future__ import annotations

import html

import numpy as np

from ._checks import as_array
from .draw_convolution import (
    plot_conv_step,
    plot_transposed_overview,
    plot_transposed_step,
    update_conv_step,
    update_transposed_overview,
    update_transposed_step,
)
from .plotting import _format
from .transposed import conv_transpose_output_size
from .widgets import blit_renderer, new_figure

__all__ = ["conv_step_explorer", "transposed_step_explorer", "transposed_explorer"]

# The slides' examples (notebooks 04 and 05 write the same numbers out).
_SLIDES_INPUT = [[0, 1, 0, 1, 1], [0, 0, 1, 1, 0], [1, 1, 0, 1, 0], [0, 1, 0, 0, 1], [0, 0, 1, 1, 0]]
_LAPLACIAN = [[0, 1, 0], [1, -4, 1], [0, 1, 0]]
_SLIDES_X = [[0, 1], [2, 3]]
_OVERVIEW_INPUT = np.array([[1, 2], [3, 4]])

_RANGES = {"kernel size": (1, 4), "stride": (1, 3), "padding": (0, 2)}


def _size_html(shape, detail):
    return f"<b>output size: {shape[0]} x {shape[1]}</b> &nbsp;·&nbsp; {detail}"


def _box(sliders, text):
    import ipywidgets

    image = ipywidgets.Image(format="png")  # filled by the explorer's first update()
    return ipywidgets.VBox([*sliders, text, image]), image


def _changing(ax, title=True):
    """The artists of a matrix panel that change between steps (image, grid, patches, texts, title)."""
    panel = ax._course_panel
    texts = [t for row in panel["texts"] for t in row]
    return [panel["image"], panel["grid"], *ax.patches, *texts] + ([ax.title] if title else [])


def _slider(description, value, low, high):
    import ipywidgets

    return ipywidgets.IntSlider(value=value, min=low, max=high, step=1, description=description,
                                style={"description_width": "initial"})


def conv_step_explorer(x=None, kernel=None):
    """Walk a convolution one output position at a time with a ``step`` slider.

    Parameters
    ----------
    x : (H, W) array_like, optional
        Input; default the slides' 5x5 binary image.
    kernel : (kH, kW) array_like, optional
        Default the slides' Laplacian edge detector ``[[0,1,0],[1,-4,1],[0,1,0]]``.

    Returns
    -------
    ipywidgets.VBox
        A slider "step" (1 .. number of outputs), an HTML line (output size and
        the sum for this step) and the figure of :func:`plot_conv_step`.

    Raises
    ------
    ValueError, TypeError
        For inputs :func:`course_lib.conv2d` rejects.
    """
    import ipywidgets

    x = as_array(_SLIDES_INPUT if x is None else x, "x")
    kernel = as_array(_LAPLACIAN if kernel is None else kernel, "kernel")
    figure = new_figure((10, 2.9), dpi=72)
    axes = figure.subplots(1, 4, gridspec_kw={"width_ratios": [x.shape[1], kernel.shape[1],
                                                               kernel.shape[1], kernel.shape[1]]})
    figure.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.86, wspace=0.12)
    plot_conv_step(x, kernel, 1, axes)
    output = axes[0]._course_conv_step["output"]
    padded = axes[0]._course_conv_step["padded"]
    step = _slider("step", 1, 1, output.size)
    text = ipywidgets.HTML()
    render = blit_renderer(figure, list(axes[0].patches) + _changing(axes[2]) + _changing(axes[3]))
    box, image = _box([step], text)

    def update(change=None):
        update_conv_step(axes, step.value)
        i, j = divmod(step.value - 1, output.shape[1])
        window = padded[i : i + kernel.shape[0], j : j + kernel.shape[1]]
        terms = " + ".join(f"{_format(a, None)}·{_format(b, None)}"
                           for a, b in zip(window.ravel(), kernel.ravel()))
        text.value = _size_html(output.shape, f"step {step.value} of {output.size}: output[{i}, {j}] = "
                                f"{terms} = <b>{_format(output[i, j], None)}</b>")
        image.value = render()

    update()
    step.observe(update, names="value")
    return box


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
        size and what this step adds) and the figure of :func:`plot_transposed_step`;
        at the last step the figure shows the full output.

    Raises
    ------
    ValueError, TypeError
        For inputs :func:`course_lib.conv_transpose2d` rejects.
    """
    import ipywidgets

    x = as_array(_SLIDES_X if x is None else x, "x")
    kernel = as_array(_SLIDES_X if kernel is None else kernel, "kernel")
    figure = new_figure((9, 2.8), dpi=72)
    axes = figure.subplots(1, 4)
    figure.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.86, wspace=0.15)
    plot_transposed_step(x, kernel, 1, axes, stride=stride)
    state = axes[0]._course_transposed_step
    total, s = state["total"], state["stride"]
    step = _slider("step", 1, 1, x.size)
    text = ipywidgets.HTML()
    render = blit_renderer(figure, list(axes[0].patches) + _changing(axes[2]) + _changing(axes[3]))
    box, image = _box([step], text)

    def update(change=None):
        update_transposed_step(axes, step.value)
        i, j = divmod(step.value - 1, x.shape[1])
        rows = f"{i * s[0]}..{i * s[0] + kernel.shape[0] - 1}"
        cols = f"{j * s[1]}..{j * s[1] + kernel.shape[1] - 1}"
        done = " (all copies added: this is the output)" if step.value == x.size else ""
        text.value = _size_html(total.shape, f"step {step.value} of {x.size}: x[{i}, {j}] = "
                                f"{_format(x[i, j], None)} times the kernel, added to rows {rows}, "
                                f"columns {cols}{done}")
        image.value = render()

    update()
    step.observe(update, names="value")
    return box


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
        and the figure of :func:`plot_transposed_overview`.
    """
    import ipywidgets

    x = _OVERVIEW_INPUT
    canvas = (x.shape[0] - 1) * _RANGES["stride"][1] + _RANGES["kernel size"][1]
    figure = new_figure((10.5, 3.9), dpi=72)
    axes = figure.subplots(1, 3, gridspec_kw={"width_ratios": [0.55, 1, 1]})
    figure.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.86, wspace=0.1)
    kernel_size = _slider("kernel size", 3, *_RANGES["kernel size"])
    stride = _slider("stride", 2, *_RANGES["stride"])
    padding = _slider("padding", 0, *_RANGES["padding"])
    plot_transposed_overview(x, np.ones((3, 3)), 2, 0, axes, canvas=canvas)
    text = ipywidgets.HTML()
    axes[1].set_title("copies per cell, each copy outlined\n(dashed box: what padding keeps)", fontsize=11)
    axes[2].set_title("output (size: see above)", fontsize=11)
    render = blit_renderer(figure, _changing(axes[1], title=False) + _changing(axes[2], title=False))
    box, image = _box([kernel_size, stride, padding], text)
    i = x.shape[0]

    def update(change=None):
        k, s, p = kernel_size.value, stride.value, padding.value
        formula = f"o = (i-1)s - 2p + d(k-1) + output_padding + 1 = ({i}-1)·{s} - 2·{p} + 1·({k}-1) + 0 + 1"
        try:
            size = conv_transpose_output_size(i, k, stride=s, padding=p)
        except ValueError as error:
            text.value = (f"<b>no output</b> &nbsp;·&nbsp; {html.escape(str(error))} "
                          "(the figure still shows the last setting that had an output)")
            return
        update_transposed_overview(axes, np.ones((k, k)), s, p, titles=False)
        text.value = _size_html((size, size), f"{formula} = {size} &nbsp;(kernel: {k} x {k} ones)")
        image.value = render()

    update()
    for slider in (kernel_size, stride, padding):
        slider.observe(update, names="value")
    return box

