"""The overlap explorer of notebook 07: sliders, HTML line, image, speed."""
import re
import statistics
import time

import pytest

import ipywidgets  # noqa: E402  (a course dependency: no skip)

from course_lib.draw_checkerboard import N_INPUTS  # noqa: E402
from course_lib.explore_checkerboard import overlap_explorer  # noqa: E402
from course_lib.widgets import explorer_parts as _parts  # noqa: E402
from tests._overlap_oracle import expected_size, interior_is_even  # noqa: E402


@pytest.fixture(scope="module")
def explorer():
    return overlap_explorer()


def test_explorer_structure(explorer):
    assert isinstance(explorer, ipywidgets.VBox)
    sliders, image, html = _parts(explorer)
    assert set(sliders) == {"kernel size", "stride", "layers"}
    assert (sliders["kernel size"].value, sliders["stride"].value, sliders["layers"].value) == (3, 2, 1)
    assert image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert html.value.startswith("output size: 13 x 13")
    assert "uneven overlap" in html.value


@pytest.mark.parametrize(
    "kernel_size, stride, layers",
    [(4, 2, 1), (5, 2, 1), (3, 3, 1), (2, 3, 1), (3, 1, 2), (7, 3, 3), (6, 3, 2), (3, 2, 3)],
)
def test_slider_moves_update_text_and_image(explorer, kernel_size, stride, layers):
    sliders, image, html = _parts(explorer)
    before = image.value
    sliders["kernel size"].value = kernel_size
    sliders["stride"].value = stride
    sliders["layers"].value = layers
    size = expected_size(kernel_size, stride, layers)
    match = re.match(r"output size: (\d+) x (\d+)", html.value)
    assert match and int(match.group(1)) == int(match.group(2)) == size
    even = interior_is_even(kernel_size, stride)
    assert ("even overlap</b>" in html.value and "uneven" not in html.value) == even
    assert ("uneven overlap" in html.value) == (not even)
    assert image.value != before


def test_stride_slider_alone_changes_size_text(explorer):
    sliders, _, html = _parts(explorer)
    sliders["kernel size"].value, sliders["layers"].value = 4, 1
    for stride in (1, 2, 3):
        sliders["stride"].value = stride
        assert html.value.startswith(f"output size: {(N_INPUTS - 1) * stride + 4} x ")
        assert ("uneven" in html.value) == (4 % stride != 0)


@pytest.mark.parametrize(
    "kwargs, error, text",
    [
        (dict(kernel_size=8), ValueError, "kernel_size must be at most 7 in the explorer, got 8"),
        (dict(stride=0), ValueError, "stride must be a positive int, got 0"),
        (dict(layers=4), ValueError, "layers must be at most 3 in the explorer, got 4"),
        (dict(layers=1.0), TypeError, "layers must be a positive int, got 1.0"),
    ],
)
def test_bad_settings(kwargs, error, text):
    arguments = dict(kernel_size=3, stride=2, layers=1) | kwargs
    with pytest.raises(error, match=text):
        overlap_explorer(**arguments)


def test_slider_move_is_fast(explorer):
    """Median slider move (observer included) under 100 ms; CPU time, so other load does not count."""
    sliders, _, _ = _parts(explorer)
    times = []
    for value in (1, 2, 3, 4, 5, 6, 7, 3, 5, 2):
        start = time.process_time()
        sliders["kernel size"].value = value
        times.append(time.process_time() - start)
    assert statistics.median(times) < 0.1


def test_sliders_stop_at_their_ranges(explorer):
    sliders, image, html = _parts(explorer)
    for name, low, high in (("kernel size", 1, 7), ("stride", 1, 3), ("layers", 1, 3)):
        sliders[name].value = high + 5          # ipywidgets clamps to the range
        assert sliders[name].value == high
        sliders[name].value = low - 5
        assert sliders[name].value == low
    assert html.value.startswith(f"output size: {N_INPUTS} x {N_INPUTS}")   # k=1, s=1, 1 layer
