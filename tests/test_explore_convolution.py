"""The widget of notebook 04: the convolution step explorer."""

import ipywidgets
import numpy as np
import pytest

from course_lib.draw_convolution import MAX_CELLS
from course_lib.explore_convolution import conv_step_explorer
from course_lib.widgets import explorer_parts as parts
from course_lib.widgets import frame_png


def test_conv_step_explorer_walks_the_slides_example():
    box = conv_step_explorer()
    assert isinstance(box, ipywidgets.VBox)
    sliders, image, html = parts(box)
    assert set(sliders) == {"step"}
    assert (sliders["step"].min, sliders["step"].max) == (1, 9)
    assert "output size: 3 x 3" in html.value
    first = bytes(image.value)
    assert frame_png(image).startswith(b"\x89PNG")
    sliders["step"].value = 9
    assert "output[2, 2]" in html.value and "<b>3</b>" in html.value
    assert bytes(image.value) != first
    sliders["step"].value = 1
    assert "output[0, 0]" in html.value
    assert bytes(image.value) == first           # in-place updates are exact: back to step 1, same picture


def test_conv_step_explorer_slider_stops_at_its_range():
    sliders, image, html = parts(conv_step_explorer())
    sliders["step"].value = 50
    assert sliders["step"].value == 9 and "step 9 of 9" in html.value
    sliders["step"].value = -3
    assert sliders["step"].value == 1 and "step 1 of 9" in html.value


def test_conv_step_explorer_with_a_custom_input():
    sliders, _, html = parts(conv_step_explorer(np.arange(16).reshape(4, 4), [[1, 0], [0, -1]]))
    assert sliders["step"].max == 9 and "output size: 3 x 3" in html.value
    assert "0·1 + 1·0 + 4·0 + 5·-1 = <b>-5</b>" in html.value


@pytest.mark.parametrize("x, kernel, error, message", [
    (np.ones(5), None, ValueError, r"x must be a 2-D \(H, W\) array, got 1-D with shape \(5,\)"),
    (np.ones((1, 1, 5, 5)), None, ValueError, "x must be a 2-D .* got 4-D"),
    (None, np.ones((1, 1, 3, 3)), ValueError, "kernel must be a 2-D .* got 4-D"),
    ("abc", None, TypeError, "x must be a real numeric array"),
    (np.ones((3, 3)), np.ones((4, 4)), ValueError, "kernel_size 4"),
    (np.ones((0, 3)), None, ValueError, "x must not be empty"),
])
def test_conv_step_explorer_rejects_bad_input(x, kernel, error, message):
    with pytest.raises(error, match=message):
        conv_step_explorer(x, kernel)


def test_conv_step_explorer_refuses_a_big_input_before_drawing(monkeypatch):
    from course_lib import draw_convolution

    panels = []
    monkeypatch.setattr(draw_convolution, "MatrixPanel", lambda *a, **k: panels.append(a))
    with pytest.raises(ValueError, match=f"64 x 64 cells; .* legible up to {MAX_CELLS} x {MAX_CELLS}"):
        conv_step_explorer(np.ones((64, 64)))
    assert panels == []   # refused before a single cell is drawn


def test_conv_step_explorer_at_the_size_limit_redraws_in_place(monkeypatch):
    """What "stays fast" stands for: a move builds nothing (no figure, no panel) and sends one new frame."""
    from course_lib import draw_convolution, explore_convolution

    box = conv_step_explorer(np.ones((MAX_CELLS, MAX_CELLS)))
    sliders, image, _ = parts(box)
    built = []
    monkeypatch.setattr(draw_convolution, "MatrixPanel", lambda *a, **k: built.append("panel"))
    monkeypatch.setattr(explore_convolution, "new_figure", lambda *a, **k: built.append("figure"))
    frames = {bytes(image.value)}
    for step in (2, 50, 100):
        sliders["step"].value = step
        frames.add(bytes(image.value))
    assert built == [] and len(frames) == 4
