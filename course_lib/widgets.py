"""The widget layer's shared piece: a matplotlib figure shown as an image widget.

Explorers build their figure once (a plain ``matplotlib.figure.Figure`` with
the Agg canvas, so it never appears on its own), update its artists in place
when a slider moves, and send the re-rendered PNG (:func:`blit_renderer`) to
an ``ipywidgets.Image``.
That keeps each redraw to one Agg render, whatever the front end.
"""
from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["new_figure", "render_png", "blit_renderer", "explorer_parts"]


def new_figure(figsize, dpi=80, **kwargs):
    """A Figure with an Agg canvas, outside pyplot (so nothing shows it by accident)."""
    figure = Figure(figsize=figsize, dpi=dpi, **kwargs)
    FigureCanvasAgg(figure)
    return figure


def render_png(figure):
    """The figure as PNG bytes (fast zlib level: these images are throwaway frames)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def blit_renderer(figure, artists):
    """A function returning the figure as PNG bytes that redraws only ``artists``.

    Everything else (frames, fixed titles, labels) is drawn once into a cached
    background; each call restores it, draws the changing artists on the Agg
    canvas (blitting) and encodes the PNG. Artists must keep their place in the
    figure; change their data, not the layout.
    """
    from PIL import Image

    artists = list(artists)
    for artist in artists:
        artist.set_animated(True)
    canvas = figure.canvas
    canvas.draw()
    background = canvas.copy_from_bbox(figure.bbox)

    def render():
        canvas.restore_region(background)
        for artist in artists:
            figure.draw_artist(artist)
        width, height = canvas.get_width_height()
        buffer = io.BytesIO()
        Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
            buffer, format="png", compress_level=1)
        return buffer.getvalue()

    return render


def explorer_parts(explorer):
    """The parts of an explorer widget: ``(sliders by description, image, html)``.

    Every ``*_explorer()`` returns a box holding its sliders, one
    ``ipywidgets.Image`` (the figure) and one ``ipywidgets.HTML`` (the text with
    the output size); tests, benchmarks and the browser test find them here.
    Raises ``ValueError`` if the box does not hold exactly one image and one HTML.
    """
    import ipywidgets

    sliders, images, texts, todo = {}, [], [], [explorer]
    while todo:
        widget = todo.pop()
        todo.extend(getattr(widget, "children", ()))
        if isinstance(widget, (ipywidgets.IntSlider, ipywidgets.FloatSlider)):
            sliders[widget.description] = widget
        elif isinstance(widget, ipywidgets.Image):
            images.append(widget)
        elif type(widget) is ipywidgets.HTML:
            texts.append(widget)
    if len(images) != 1 or len(texts) != 1:
        raise ValueError(f"explorer must hold one Image and one HTML widget, got {len(images)} and {len(texts)}")
    return sliders, images[0], texts[0]
