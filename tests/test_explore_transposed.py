"""The widgets of notebook 05: the transposed-convolution step explorer and the geometry explorer."""
import time

import ipywidgets
import numpy as np
import pytest

from course_lib import conv_transpose_output_size
from course_lib.explore_transposed import RANGES, arithmetic_explorer, transposed_explorer, transposed_step_explorer
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


@pytest.mark.parametrize("x, kernel, stride, error, message", [
    (np.ones(4), None, 1, ValueError, "x must be a 2-D .* got 1-D"),
    (np.ones((1, 1, 2, 2)), None, 1, ValueError, "x must be a 2-D .* got 4-D"),
    (None, np.ones(2), 1, ValueError, "kernel must be a 2-D"),
    (None, None, 0, ValueError, "stride must be a positive int"),
    (None, None, (1, 2, 3), TypeError, "stride must be"),
    (np.ones((64, 64)), None, 1, ValueError, "65 x 65 cells; .* legible up to 12 x 12"),
])
def test_transposed_step_explorer_rejects_bad_input(x, kernel, stride, error, message):
    start = time.perf_counter()
    with pytest.raises(error, match=message):
        transposed_step_explorer(x, kernel, stride)
    assert time.perf_counter() - start < 0.5


def test_transposed_step_explorer_slider_stops_at_its_range():
    sliders, _, html = parts(transposed_step_explorer())
    sliders["step"].value = 99
    assert sliders["step"].value == 4 and "all copies added" in html.value
    sliders["step"].value = 0
    assert sliders["step"].value == 1 and "step 1 of 4" in html.value


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

def test_arithmetic_explorer_fills_in_both_formulas_for_every_setting():
    import itertools

    from course_lib import conv_output_size
    from course_lib.draw_transposed import ARITHMETIC_RANGES

    sliders, image, html = parts(arithmetic_explorer())
    assert list(sliders) and sorted(sliders) == sorted(ARITHMETIC_RANGES)
    names = list(ARITHMETIC_RANGES)
    frames = set()
    for values in itertools.product(*(range(low, high + 1) for low, high in ARITHMETIC_RANGES.values())):
        if np.random.default_rng(hash(values) % 2**32).uniform() > 0.15:   # a fixed 15% sample of the 1,620
            continue
        for name, value in zip(names, values):
            sliders[name].value = value
        i, k, s, p, d = values
        if i + 2 * p - d * (k - 1) - 1 < 0:
            assert html.value.startswith("<b>no output</b>") and f"{i + 2 * p} wide" in html.value
            continue
        o = conv_output_size(i, k, stride=s, padding=p, dilation=d)
        a = (i + 2 * p - d * (k - 1) - 1) % s
        assert html.value.startswith(f"<b>output size: {o} x {o}</b>")
        assert f"= {o} &nbsp;" in html.value and f"+ {a} + 1 = {i}," in html.value
        assert conv_transpose_output_size(o, k, stride=s, padding=p, output_padding=a, dilation=d) == i
        frames.add(bytes(image.value))
    assert len(frames) > 50   # the figure follows the sliders


def test_arithmetic_explorer_sliders_stop_at_their_ranges_and_bad_starts_are_refused():
    from course_lib.draw_transposed import ARITHMETIC_RANGES

    sliders, _, _ = parts(arithmetic_explorer())
    for name, (low, high) in ARITHMETIC_RANGES.items():
        sliders[name].value = high + 10
        assert sliders[name].value == high
        sliders[name].value = low - 10
        assert sliders[name].value == low
    with pytest.raises(ValueError, match="stride must be between 1 and 3 in the arithmetic explorer, got 4"):
        arithmetic_explorer(stride=4)
    with pytest.raises(ValueError, match="size must be between 3 and 9 in the arithmetic explorer, got 2"):
        arithmetic_explorer(size=2)
    with pytest.raises(TypeError, match="dilation"):
        arithmetic_explorer(dilation=1.5)


def test_arithmetic_explorer_redraws_in_place_fast_enough():
    from course_lib import widgets

    saved, widgets.MAX_FRAMES = widgets.MAX_FRAMES, 0
    try:
        sliders, image, _ = parts(arithmetic_explorer())
        times = []
        for value in (4, 5, 2, 3, 1, 5):
            start = time.perf_counter()
            sliders["kernel size"].value = value
            times.append(time.perf_counter() - start)
    finally:
        widgets.MAX_FRAMES = saved
    assert sorted(times)[len(times) // 2] < 0.25   # generous on a shared CI core; bench_widgets holds the 100 ms
