"""The widget layer's shared pieces: sliders, the explorer box, and :func:`wire`.

Explorers build their figure once (a drawing handle: a plain
``matplotlib.figure.Figure`` with the Agg canvas from
:func:`course_lib.plotting.new_figure`, so it never appears on its own), update
its artists in place when a slider moves, and send the re-rendered PNG
(:func:`course_lib.plotting.blit_renderer`) to an ``ipywidgets.Image`` as a ``data:`` URL
(:func:`png_data_url`; :func:`frame_png` reads the PNG back). That
keeps each redraw to one Agg render, whatever the front end.
"""
from __future__ import annotations

import base64
import functools
import json
import os
import time

from ._memory import keep_freed_memory

# new_figure, render_png and blit_renderer are drawing helpers (course_lib.plotting); imported
# here too so that the old import path ``from course_lib.widgets import render_png`` keeps working.
from .plotting import blit_renderer, new_figure, render_png

__all__ = ["explorer_parts", "int_slider", "size_html", "wire", "explorer_box", "frame_png", "value_png", "png_data_url",
           "TimingLog", "MAX_DESCRIPTION", "new_figure", "render_png", "blit_renderer"]


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


_DATA_URL = b"data:image/png;base64,"


def png_data_url(png):
    """PNG bytes as the value of an ``ipywidgets.Image(format="url")``: a ``data:`` URL, as bytes.

    Explorers send their frames this way: the browser shows a ``data:`` URL
    without the round trip to its browser process that the ``blob:`` URL of a
    ``format="png"`` image takes (0.9 against 4.0 ms from new source to loaded
    in headless Chromium, idle; ``benchmarks/README.md``). The bytes sent grow
    by a third (base64).

    Examples
    --------
    >>> png_data_url(b"\\x89PNG")
    b'data:image/png;base64,iVBORw=='
    """
    if not isinstance(png, (bytes, bytearray, memoryview)) or bytes(png[:4]) != b"\x89PNG":
        raise ValueError(f"png must be PNG bytes, got {bytes(png[:8])!r}" if isinstance(png, (bytes, bytearray, memoryview))
                         else f"png must be PNG bytes, got {type(png).__name__}")
    return _DATA_URL + base64.b64encode(bytes(png))


def frame_png(image):
    """The PNG bytes an explorer's ``ipywidgets.Image`` shows, whether sent as PNG or as a ``data:`` URL.

    Raises ``ValueError`` when the image holds neither.

    Examples
    --------
    >>> import ipywidgets
    >>> frame_png(ipywidgets.Image(value=png_data_url(b"\\x89PNG"), format="url"))
    b'\\x89PNG'
    """
    return value_png(image.value, image.format)


def value_png(value, format):
    """The PNG bytes of an Image widget's ``value`` and ``format`` (as a notebook's stored widget state holds them).

    Raises ``ValueError`` unless ``value`` is a PNG (``format`` "png") or a PNG ``data:`` URL (``format`` "url").

    Examples
    --------
    >>> value_png(b"data:image/png;base64,iVBORw==", "url")
    b'\\x89PNG'
    """
    value = bytes(value)
    if format == "url" and value.startswith(_DATA_URL):
        value = base64.b64decode(value[len(_DATA_URL):])
    if value[:4] != b"\x89PNG":
        raise ValueError(f"image must show a PNG (format 'png', or 'url' with a PNG data: URL), "
                         f"got format {format!r} and {value[:30]!r}")
    return value


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


class TimingLog:
    """Where an explorer's moves are timed: one JSON line per move, appended to a file.

    Off unless the environment variable ``COURSE_LIB_TIMING_LOG`` names a file
    (the browser benchmark sets it for the kernel it starts). Each line holds the
    slider values, epoch times in ms (``in``: the observer starts, i.e. the
    slider's message is handled; ``computed``: the handle updated its artists;
    ``drawn``: the Agg canvas drawn; ``encoded``: the PNG made; ``out``: text
    and image sent) and the size of the image sent (its data: URL). A move to a setting shown before has
    only ``in`` and ``out`` (its frame is resent).
    """

    def __init__(self, path):
        self.path = os.fspath(path)

    @classmethod
    def from_environment(cls):
        path = os.environ.get("COURSE_LIB_TIMING_LOG")
        return cls(path) if path else None

    def write(self, values, marks, sent):
        record = {"values": list(values), "bytes": len(sent) if sent is not None else 0,
                  **{name: round(when * 1000, 3) for name, when in marks.items()}}
        with open(self.path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")


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
    ``handle.show`` must therefore set every changing artist for the values.
    With ``COURSE_LIB_TIMING_LOG`` set, each move appends its times to that file (:class:`TimingLog`). Returns ``ipywidgets.VBox([*sliders, text, image])``
    (sliders given as one ``HBox`` stay in it); its text fallback (what a page
    shows before a kernel runs) is ``description``, by default one naming the sliders
    (:func:`explorer_box`).
    """
    import ipywidgets

    # A move allocates and frees arrays of up to tens of MB (07's photo through three layers); glibc would
    # hand them back to the system and fault them in again on the next move (67,000 against 19,000 page
    # faults over 189 moves of the explorers of 04, 05 and 07, slowest move 79 against 35 ms; benchmarks/README.md).
    keep_freed_memory()
    image = ipywidgets.Image(format="url")   # frames as data: URLs (png_data_url)
    render = blit_renderer(handle.figure, handle.artists)
    flat = [c for s in sliders for c in (s.children if isinstance(s, ipywidgets.Box) else [s])]
    frames = {}   # slider values -> (HTML line, PNG data: URL or None): moving back to a setting costs nothing
    log = TimingLog.from_environment()

    def changed(change=None):
        values = tuple(slider.value for slider in flat)
        marks = {"in": time.time()}
        if values not in frames:
            line, drawn = update(*values)
            marks["computed"] = time.time()
            png = None
            if drawn:
                render.draw()
                marks["drawn"] = time.time()
                png = render.encode()
                marks["encoded"] = time.time()
            if len(frames) >= MAX_FRAMES:
                frames.clear()
            frames[values] = (line, None if png is None else png_data_url(png))
        line, url = frames[values]
        if url is not None:   # the image first: it is what the eye waits for (the text follows in the next message)
            image.value = url
        text.value = line
        if log is not None:
            marks["out"] = time.time()
            log.write(values, marks, url)

    changed()
    for slider in flat:
        slider.observe(changed, names="value")
    if description is None:
        names = ", ".join(slider.description for slider in flat)
        description = f"Interactive explorer (sliders: {names}); run the cell to use it."
    return explorer_box([*sliders, text, image], description)
