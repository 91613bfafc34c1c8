"""The widget layer's shared pieces: a matplotlib figure shown as an image widget, sliders.

Explorers build their figure once (a drawing handle of the ``draw_*`` modules) (a plain ``matplotlib.figure.Figure`` with
the Agg canvas, so it never appears on its own), update its artists in place
when a slider moves, and send the re-rendered PNG (:func:`blit_renderer`) to
an ``ipywidgets.Image``.
That keeps each redraw to one Agg render, whatever the front end.
"""
from __future__ import annotations

import functools
import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .plotting import root_figure

__all__ = ["new_figure", "render_png", "blit_renderer", "explorer_parts", "int_slider", "size_html", "wire",
           "explorer_box", "MAX_DESCRIPTION"]


def new_figure(figsize, dpi=80, **kwargs):
    """A Figure with an Agg canvas, outside pyplot (so nothing shows it by accident).

    Examples
    --------
    >>> figure = new_figure((2, 1), dpi=50)
    >>> figure.canvas.get_width_height()
    (100, 50)
    """
    figure = Figure(figsize=figsize, dpi=dpi, **kwargs)
    FigureCanvasAgg(figure)
    return figure


def render_png(figure):
    """The figure as PNG bytes (fast zlib level: these images are throwaway frames).

    Examples
    --------
    >>> render_png(new_figure((1, 1)))[:4]
    b'\\x89PNG'
    """
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
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

    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
    artists = list(artists)
    strangers = [a for a in artists if root_figure(a) is not figure]
    if strangers:
        raise ValueError(f"artists must belong to the figure, got {len(strangers)} that do not: {strangers[0]!r:.60}")
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


#: Frames an explorer keeps (PNG of a few tens of kB each; the largest explorer has 144 settings).
MAX_FRAMES = 256


def int_slider(description, value, low, high, **kwargs):
    """An ``ipywidgets.IntSlider`` over ``low .. high`` with its whole description shown.

    Raises ``ValueError`` when ``value`` is outside ``low .. high`` (ipywidgets would clamp it silently).
    """
    import ipywidgets

    if not low <= value <= high:
        raise ValueError(f"{description} must be between {low} and {high}, got {value!r}")
    return ipywidgets.IntSlider(value=value, min=low, max=high, step=1, description=description,
                                style={"description_width": "initial"}, **kwargs)


def size_html(shape, detail):
    """An explorer's HTML line: ``output size: H x W``, then ``detail``.

    Examples
    --------
    >>> size_html((3, 4), "step 1")
    '<b>output size: 3 x 4</b> &nbsp;·&nbsp; step 1'
    """
    return f"<b>output size: {shape[0]} x {shape[1]}</b> &nbsp;·&nbsp; {detail}"


#: ipywidgets cuts a widget's text/plain fallback after 110 characters.
MAX_DESCRIPTION = 110


@functools.cache
def _explorer_class():
    import ipywidgets

    class Explorer(ipywidgets.VBox):
        """A VBox whose text fallback says what the explorer is (not ``VBox(children=(IntSlider(...``)."""

        def __init__(self, children, description):
            super().__init__(children)
            self.description_text = description

        def __repr__(self):
            return self.description_text

    return Explorer


def explorer_box(children, description):
    """An ``ipywidgets.VBox`` of ``children`` whose stored text fallback is ``description``.

    Before a kernel runs (a notebook opened from disk, a static page), a
    widget output shows only its ``text/plain``; for a plain VBox that is
    ``VBox(children=(IntSlider(...``. This box shows ``description`` instead.

    Raises
    ------
    TypeError, ValueError
        ``description`` not a str, empty, or longer than :data:`MAX_DESCRIPTION` characters.

    Examples
    --------
    >>> import ipywidgets
    >>> box = explorer_box([ipywidgets.IntSlider()], "A demo explorer: run the cell to use its slider.")
    >>> box._repr_mimebundle_()["text/plain"]
    'A demo explorer: run the cell to use its slider.'
    """
    if not isinstance(description, str):
        raise TypeError(f"description must be a str, got {type(description).__name__}")
    if not description.strip() or len(description) > MAX_DESCRIPTION:
        raise ValueError(f"description must be 1 to {MAX_DESCRIPTION} characters (ipywidgets cuts the rest), "
                         f"got {len(description)}: {description!r:.60}")
    return _explorer_class()(list(children), description)


def wire(sliders, text, handle, update, description=None):
    """Assemble an explorer: sliders, the HTML line and the handle's figure as an image.

    ``update(*values)`` redraws the handle for the sliders' values (calling
    ``handle.show``) and returns ``(html, drawn)``: the HTML line, and False
    when the figure was left as it was (a setting with no output). Only
    ``handle.artists`` are redrawn (:func:`blit_renderer`); ``handle.figure``
    is the figure. Each setting is drawn once: its frame and line are kept
    (up to :data:`MAX_FRAMES`), so moving back to a setting only resends them;
    ``handle.show`` must therefore set every changing artist for the values. Returns ``ipywidgets.VBox([*sliders, text, image])``
    (sliders given as one ``HBox`` stay in it); its text fallback (what a page
    shows before a kernel runs) is ``description``, by default one naming the sliders
    (:func:`explorer_box`).
    """
    import ipywidgets

    image = ipywidgets.Image(format="png")
    render = blit_renderer(handle.figure, handle.artists)
    flat = [c for s in sliders for c in (s.children if isinstance(s, ipywidgets.Box) else [s])]
    frames = {}   # slider values -> (HTML line, PNG or None): moving back to a setting costs nothing

    def changed(change=None):
        values = tuple(slider.value for slider in flat)
        if values not in frames:
            line, drawn = update(*values)
            if len(frames) >= MAX_FRAMES:
                frames.clear()
            frames[values] = (line, render() if drawn else None)
        line, png = frames[values]
        text.value = line
        if png is not None:
            image.value = png

    changed()
    for slider in flat:
        slider.observe(changed, names="value")
    if description is None:
        names = ", ".join(slider.description for slider in flat)
        description = f"Interactive explorer (sliders: {names}); run the cell to use it."
    return explorer_box([*sliders, text, image], description)
