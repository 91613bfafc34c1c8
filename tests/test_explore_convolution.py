"""The convolution explorers: sliders named as the contract says, HTML sizes right, images change."""
import ipywidgets
import pytest

from course_lib import conv_transpose_output_size
from course_lib.explore_convolution import conv_step_explorer, transposed_explorer, transposed_step_explorer
from course_lib.widgets import explorer_parts as parts


def test_conv_step_explorer_walks_the_slides_example():
    box = conv_step_explorer()
    assert isinstance(box, ipywidgets.VBox)
    sliders, image, html = parts(box)
    assert set(sliders) == {"step"}
    assert (sliders["step"].min, sliders["step"].max) == (1, 9)
    assert "output size: 3 x 3" in html.value
    first = bytes(image.value)
    assert first.startswith(b"\x89PNG")
    sliders["step"].value = 9
    assert "output[2, 2]" in html.value and "<b>3</b>" in html.value
    assert bytes(image.value) != first
    sliders["step"].value = 1
    assert "output[0, 0]" in html.value
    assert bytes(image.value) == first           # in-place updates are exact: back to step 1, same picture


def test_transposed_step_explorer_ends_with_the_full_sum():
    box = transposed_step_explorer()
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


@pytest.mark.parametrize("name, value", [("stride", 1), ("stride", 3), ("kernel size", 1), ("kernel size", 4),
                                         ("padding", 1)])
def test_transposed_explorer_reports_the_output_size(name, value):
    box = transposed_explorer()
    sliders, image, html = parts(box)
    assert set(sliders) == {"kernel size", "stride", "padding"}
    assert "output size: 5 x 5" in html.value   # 2x2 input, k=3, s=2, p=0
    first = bytes(image.value)
    sliders[name].value = value
    settings = {"kernel size": 3, "stride": 2, "padding": 0, name: value}
    size = conv_transpose_output_size(2, settings["kernel size"], stride=settings["stride"],
                                      padding=settings["padding"])
    assert f"output size: {size} x {size}" in html.value
    assert f"= {size} " in html.value       # the formula with numbers ends in the size
    assert bytes(image.value) != first


def test_transposed_explorer_explains_a_padding_that_leaves_nothing():
    sliders, image, html = parts(transposed_explorer())
    sliders["kernel size"].value = 1
    sliders["stride"].value = 1
    before = bytes(image.value)
    sliders["padding"].value = 2
    assert "no output" in html.value and "padding 2 leaves no output" in html.value
    assert bytes(image.value) == before
