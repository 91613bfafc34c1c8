"""The transposed-convolution explorer of notebook 05 (kernel size, stride, padding)."""

import pytest

from course_lib import conv_transpose_output_size
from course_lib.explore_transposed import RANGES, transposed_explorer
from course_lib.widgets import explorer_parts as parts


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


@pytest.mark.slow   # exhaustive: `make test` runs it, `make test-fast` does not
def test_transposed_explorer_every_setting_at_and_beyond_the_ranges():
    sliders, image, html = parts(transposed_explorer())
    for k in range(RANGES["kernel size"][0], RANGES["kernel size"][1] + 1):
        for s in range(RANGES["stride"][0], RANGES["stride"][1] + 1):
            for p in range(RANGES["padding"][0], RANGES["padding"][1] + 1):
                sliders["kernel size"].value, sliders["stride"].value, sliders["padding"].value = k, s, p
                size = (2 - 1) * s - 2 * p + (k - 1) + 1
                if size >= 1:
                    assert html.value.startswith(f"<b>output size: {size} x {size}</b>")
                else:
                    assert html.value.startswith("<b>no output</b>")
    for name, (low, high) in RANGES.items():
        sliders[name].value = high + 10
        assert sliders[name].value == high
        sliders[name].value = low - 10
        assert sliders[name].value == low


# --- arithmetic_explorer (issue 10) ----------------------------------------------------

