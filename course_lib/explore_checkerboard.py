"""The overlap explorer of notebook 07, in the spirit of the Distill article's figures.

Three sliders ("kernel size", "stride", "layers") drive one light figure,
:class:`course_lib.draw_checkerboard.OverlapFigure`:

1. the 1-D overlap counts of ``layers`` stacked transposed convolutions with
   kernels of ones applied to a few input ones (bar profile);
2. the 2-D overlap map (the outer product of the 1-D counts);
3. a photo upsampled by the same stacked transposed convolutions, each layer
   normalised so that even overlap keeps the brightness: whatever pattern is
   left is the checkerboard.

An HTML line (:func:`course_lib.draw_checkerboard.overlap_summary`) states the
output size and whether the overlap is even. The figure is built once; a
slider move calls the handle's ``show`` and re-renders only its changing
artists (:func:`course_lib.widgets.wire`).
"""
from __future__ import annotations

from .draw_checkerboard import KERNEL_RANGE, LAYERS_RANGE, STRIDE_RANGE, OverlapFigure, overlap_summary
from .widgets import int_slider, wire

__all__ = ["overlap_explorer"]


def overlap_explorer(kernel_size=3, stride=2, layers=1):
    """Sliders for kernel size, stride and number of stacked transposed convolutions.

    Parameters
    ----------
    kernel_size, stride, layers : int
        Initial slider values (kernel size 1-7, stride 1-3, layers 1-3).

    Returns
    -------
    ipywidgets.VBox
        Children: an HBox of three ``IntSlider`` ("kernel size", "stride",
        "layers"), an ``ipywidgets.HTML`` line (``overlap_summary``) and an
        ``ipywidgets.Image`` with the figure of ``overlap_figure``.

    Raises
    ------
    TypeError, ValueError
        A setting outside the slider ranges.

    Examples
    --------
    >>> from course_lib.widgets import explorer_parts
    >>> sliders, image, html = explorer_parts(overlap_explorer(4, 2, 1))
    >>> sorted(sliders), html.value[:21]
    (['kernel size', 'layers', 'stride'], 'output size: 14 x 14 ')
    """
    import ipywidgets

    handle = OverlapFigure(kernel_size, stride, layers)   # validates the settings
    kernel_size, stride, layers = handle.settings
    layout = ipywidgets.Layout(width="250px")
    sliders = [int_slider(name, value, low, high, layout=layout)
               for name, value, (low, high) in (("kernel size", kernel_size, KERNEL_RANGE),
                                                ("stride", stride, STRIDE_RANGE),
                                                ("layers", layers, LAYERS_RANGE))]

    def update(k, s, n):
        handle.show(k, s, n)
        return overlap_summary(k, s, n), True

    return wire([ipywidgets.HBox(sliders)], ipywidgets.HTML(), handle, update,
                description="Overlap explorer (kernel size, stride, layers): run the cell to move the sliders.")
