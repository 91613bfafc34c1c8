"""The widget layer's shared pieces (sliders, explorer parts, wire) and the frames they send
(Agg figures, PNG frames, blitting: course_lib.plotting)."""
import io

import ipywidgets
import numpy as np
import pytest
from PIL import Image

from course_lib.inventory import explorer_factory, explorers
from course_lib.plotting import blit_renderer, new_figure, render_png
from course_lib.widgets import explorer_box, explorer_parts, frame_png, int_slider, size_html, wire


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_new_figure_is_agg_and_outside_pyplot():
    import matplotlib.pyplot as plt

    figure = new_figure((3, 2), dpi=40)
    assert figure.canvas.get_width_height() == (120, 80)
    assert figure not in map(plt.figure, plt.get_fignums())


def test_blit_renderer_equals_a_full_render():
    figure = new_figure((2, 2), dpi=50)
    ax = figure.subplots()
    line, = ax.plot([0, 1], [0, 1])
    ax.set_title("fixed")
    render = blit_renderer(figure, [line])
    assert not line.get_animated()   # the renderer leaves the artists as it found them
    line.set_ydata([1, 0])
    blitted = pixels(render())
    np.testing.assert_array_equal(blitted, pixels(render_png(figure)))   # a full draw still shows the line
    line.set_animated(True)
    blit_renderer(figure, [line])
    assert line.get_animated()


def test_blit_renderer_and_render_png_reject_bad_arguments():
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure, got str"):
        render_png("figure")
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure"):
        blit_renderer(None, [])
    figure, other = new_figure((1, 1)), new_figure((1, 1))
    line, = other.subplots().plot([0, 1])
    with pytest.raises(ValueError, match="artists must belong to the figure"):
        blit_renderer(figure, [line])


def test_int_slider_refuses_a_value_outside_its_range():
    slider = int_slider("step", 2, 1, 5)
    assert (slider.min, slider.max, slider.value, slider.description) == (1, 5, 2, "step")
    with pytest.raises(ValueError, match="step must be between 1 and 5, got 9"):
        int_slider("step", 9, 1, 5)


def test_size_html():
    assert size_html((2, 3), "x").startswith("<b>output size: 2 x 3</b>")


class _Handle:
    """A minimal drawing handle: a figure, one changing artist, show()."""

    def __init__(self):
        self.figure = new_figure((1, 1), dpi=30)
        self.line, = self.figure.subplots().plot([0, 1], [0, 0])
        self.artists = [self.line]

    def show(self, value):
        self.line.set_ydata([0, value])
        return self


def test_wire_redraws_on_every_move_and_keeps_the_figure_when_told():
    handle = _Handle()
    slider = int_slider("value", 0, 0, 3)

    def update(value):
        if value == 3:
            return "<b>no output</b>", False
        handle.show(value)
        return size_html((value, value), "ok"), True

    box = wire([slider], ipywidgets.HTML(), handle, update)
    sliders, image, html = explorer_parts(box)
    first = bytes(image.value)
    slider.value = 2
    assert "2 x 2" in html.value and bytes(image.value) != first
    second = bytes(image.value)
    slider.value = 3
    assert html.value == "<b>no output</b>" and bytes(image.value) == second


def test_explorer_parts_requires_one_image_and_one_html():
    with pytest.raises(ValueError, match="explorer must hold one Image and one HTML widget, got 0 and 1"):
        explorer_parts(ipywidgets.VBox([ipywidgets.HTML()]))


def test_wire_draws_each_setting_once():
    handle = _Handle()
    slider = int_slider("value", 0, 0, 3)
    calls = []

    def update(value):
        calls.append(value)
        handle.show(value)
        return f"value {value}", True

    sliders, image, html = explorer_parts(wire([slider], ipywidgets.HTML(), handle, update))
    frames = {0: bytes(image.value)}
    for value in (1, 2, 1, 0, 2):
        slider.value = value
        frames.setdefault(value, bytes(image.value))
        assert bytes(image.value) == frames[value] and html.value == f"value {value}"
    assert calls == [0, 1, 2]          # moving back resends the kept frame


# --- text fallbacks (issue 10) -----------------------------------------------------------

def test_explorer_box_text_fallback_says_what_it_is():
    box = explorer_box([ipywidgets.IntSlider(description="k")], "A k explorer: run the cell to use it.")
    assert box._repr_mimebundle_()["text/plain"] == "A k explorer: run the cell to use it."
    assert isinstance(box, ipywidgets.VBox) and len(box.children) == 1
    with pytest.raises(TypeError, match="description must be a str, got int"):
        explorer_box([], 3)
    with pytest.raises(ValueError, match="description must be 1 to 110 characters"):
        explorer_box([], " ")
    with pytest.raises(ValueError, match="description must be 1 to 110 characters"):
        explorer_box([], "x" * 111)


@pytest.mark.parametrize("explorer", [e for _, e in explorers()], ids=lambda e: e.function)
def test_every_explorer_stores_a_readable_text_fallback(explorer):
    widget = explorer_factory(explorer)()
    text = widget._repr_mimebundle_()["text/plain"]
    assert "explorer" in text and "run the cell" in text and not text.startswith("VBox")
    assert len(text) <= 110 and not text.endswith("…")
    sliders, _, _ = explorer_parts(widget)
    assert sliders   # still an explorer box: explorer_parts finds its parts


def test_wire_default_fallback_names_the_sliders():
    handle_figure = new_figure((1, 1))

    class Handle:
        figure, artists = handle_figure, []

    box = wire([int_slider("step", 1, 1, 3)], ipywidgets.HTML(), Handle(), lambda step: ("line", True))
    assert repr(box) == "Interactive explorer (sliders: step); run the cell to use it."


def test_wire_logs_each_move_when_asked(tmp_path, monkeypatch):
    import json

    log = tmp_path / "timing.jsonl"
    monkeypatch.setenv("COURSE_LIB_TIMING_LOG", str(log))
    handle = _Handle()
    slider = int_slider("k", 1, 1, 3)
    wire([slider], ipywidgets.HTML(), handle, lambda k: (handle.show(k), (f"k={k}", True))[1])
    slider.value = 2
    slider.value = 1                                   # shown before: resent, not drawn
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["values"] for r in records] == [[1], [2], [1]]
    assert records[1]["in"] <= records[1]["computed"] <= records[1]["drawn"] <= records[1]["encoded"] <= records[1]["out"]
    assert records[1]["bytes"] > 0 and set(records[2]) == {"values", "bytes", "in", "out"}


@pytest.mark.parametrize("explorer", [e for _, e in explorers()], ids=lambda e: e.function)
def test_every_explorer_frame_is_readable_on_a_projector(explorer):
    """No text under 10 pt as the browser shows the frame (natural size: 1 pixel = 1/96 inch),
    and the frame fits a 1280-pixel-wide projector's notebook column."""
    import gc

    from matplotlib.figure import Figure
    from matplotlib.text import Text

    before = {id(f) for f in gc.get_objects() if isinstance(f, Figure)}
    box = explorer_factory(explorer)()
    figures = [f for f in gc.get_objects() if isinstance(f, Figure) and id(f) not in before]
    _, image, _ = explorer_parts(box)
    width, height = Image.open(io.BytesIO(frame_png(image))).size
    (figure,) = [f for f in figures if f.canvas.get_width_height() == (width, height)]
    shown = {t.get_text(): t.get_fontsize() * figure.dpi / 96 for t in figure.findobj(Text)
             if t.get_visible() and t.get_text().strip()}
    small = {text: round(points, 1) for text, points in shown.items() if points < 10}
    assert shown and small == {}, f"text under 10 pt on screen: {small}"
    assert width <= 1100


def test_frames_travel_as_png_data_urls_and_read_back():
    from course_lib.widgets import png_data_url

    png = render_png(new_figure((1, 1), dpi=20))
    image = ipywidgets.Image(value=png_data_url(png), format="url")
    assert bytes(image.value).startswith(b"data:image/png;base64,") and frame_png(image) == png
    assert frame_png(ipywidgets.Image(value=png, format="png")) == png
    with pytest.raises(ValueError, match="png must be PNG bytes"):
        png_data_url(b"GIF89a")
    with pytest.raises(ValueError, match="png must be PNG bytes, got str"):
        png_data_url("data")
    with pytest.raises(ValueError, match="image must show a PNG"):
        frame_png(ipywidgets.Image(value=b"data:image/gif;base64,R0lG", format="url"))
    sliders, image, _ = explorer_parts(explorer_factory(explorers()[0][1])())
    assert image.format == "url" and frame_png(image)[:4] == b"\x89PNG"   # what every explorer sends


def test_wire_keeps_freed_memory_for_the_moves(monkeypatch):
    import course_lib.widgets as widgets_module

    calls = []
    monkeypatch.setattr(widgets_module, "keep_freed_memory", lambda: calls.append(1) or True)
    slider = int_slider("value", 1, 0, 3)
    figure = new_figure((1, 1), dpi=20)
    line, = figure.subplots().plot([0, 1])

    class Handle:
        artists = [line]

    Handle.figure = figure
    wire([slider], ipywidgets.HTML(), Handle(), lambda value: (f"value {value}", True))
    assert calls == [1]
