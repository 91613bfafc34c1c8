"""The step explorer of notebook 05: a transposed convolution one kernel copy at a time."""
import ipywidgets
import numpy as np
import pytest

from course_lib.explore_transposed_step import transposed_step_explorer
from course_lib.widgets import explorer_parts as parts


def test_transposed_step_explorer_ends_with_the_full_sum():
    box = transposed_step_explorer()
    assert isinstance(box, ipywidgets.VBox)
    sliders, image, html = parts(box)
    assert set(sliders) == {"step"}
    assert (sliders["step"].min, sliders["step"].max) == (1, 4)
    assert "output size: 3 x 3" in html.value
    first = bytes(image.value)
    sliders["step"].value = 4
    assert "x[1, 1] = 3" in html.value and "all copies added" in html.value
    assert bytes(image.value) != first


def test_transposed_step_explorer_with_stride_two():
    sliders, _, html = parts(transposed_step_explorer(stride=2))
    assert "output size: 4 x 4" in html.value
    sliders["step"].value = 4
    assert "rows 2..3, columns 2..3" in html.value


@pytest.mark.parametrize("x, kernel, stride, error, message", [
    (np.ones(4), None, 1, ValueError, "x must be a 2-D .* got 1-D"),
    (np.ones((1, 1, 2, 2)), None, 1, ValueError, "x must be a 2-D .* got 4-D"),
    (None, np.ones(2), 1, ValueError, "kernel must be a 2-D"),
    (None, None, 0, ValueError, "stride must be a positive int"),
    (None, None, (1, 2, 3), TypeError, "stride must be"),
    (np.ones((64, 64)), None, 1, ValueError, "65 x 65 cells; .* legible up to 12 x 12"),
])
def test_transposed_step_explorer_rejects_bad_input(x, kernel, stride, error, message, monkeypatch):
    from course_lib import draw_transposed

    panels = []
    monkeypatch.setattr(draw_transposed, "MatrixPanel", lambda *a, **k: panels.append(a))
    with pytest.raises(error, match=message):
        transposed_step_explorer(x, kernel, stride)
    assert panels == []   # refused before a single cell is drawn


def test_transposed_step_explorer_slider_stops_at_its_range():
    sliders, _, html = parts(transposed_step_explorer())
    sliders["step"].value = 99
    assert sliders["step"].value == 4 and "all copies added" in html.value
    sliders["step"].value = 0
    assert sliders["step"].value == 1 and "step 1 of 4" in html.value
