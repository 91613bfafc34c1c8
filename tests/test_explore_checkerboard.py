"""The overlap explorer of notebook 07: its state, text line, figure handle, static figure and widget."""
import re

import pytest

import ipywidgets  # noqa: E402  (a course dependency: no skip)

import numpy as np  # noqa: E402

from course_lib import stacked_overlap_counts  # noqa: E402
from course_lib.explore_checkerboard import (  # noqa: E402
    N_INPUTS,
    OverlapFigure,
    grid_step,
    overlap_explorer,
    overlap_figure,
    overlap_line,
    overlap_state,
    overlap_state_figure,
    overlap_summary,
    photo_sizes,
)
from course_lib.widgets import explorer_parts as _parts  # noqa: E402
from course_lib.widgets import frame_png  # noqa: E402
from tests._overlap_oracle import expected_size, interior_is_even  # noqa: E402


@pytest.fixture(scope="module")
def explorer():
    return overlap_explorer()


def test_explorer_structure(explorer):
    assert isinstance(explorer, ipywidgets.VBox)
    sliders, image, html = _parts(explorer)
    assert set(sliders) == {"kernel size", "stride", "layers"}
    assert (sliders["kernel size"].value, sliders["stride"].value, sliders["layers"].value) == (3, 2, 1)
    assert frame_png(image)[:8] == b"\x89PNG\r\n\x1a\n"
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


def test_a_slider_move_computes_once_and_redraws_in_place(monkeypatch):
    """What "fast" stands for: one validation and one count per new setting, nothing for a setting
    seen before, no new figure, and the text line read from the state the figure shows (the
    wall-clock figure is a benchmark: benchmarks/bench_widgets.py)."""
    from course_lib import explore_checkerboard

    calls = {"counts": 0, "validations": 0, "figures": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    sliders, image, html = _parts(overlap_explorer(3, 2, 1))
    for name in calls:
        attribute = {"counts": "stacked_overlap_counts", "validations": "overlap_state", "figures": "new_figure"}[name]
        monkeypatch.setattr(explore_checkerboard, attribute, counting(name, getattr(explore_checkerboard, attribute)))
    for value in (1, 2, 4, 5, 6, 7):
        sliders["kernel size"].value = value
        assert html.value.startswith(f"output size: {(N_INPUTS - 1) * 2 + value} x ")
    assert calls == {"counts": 6, "validations": 6, "figures": 0}
    sliders["kernel size"].value = 3                   # seen before: its frame and line are kept
    assert calls == {"counts": 6, "validations": 6, "figures": 0}
    assert html.value == overlap_summary(3, 2, 1)


def test_sliders_stop_at_their_ranges(explorer):
    sliders, image, html = _parts(explorer)
    for name, low, high in (("kernel size", 1, 7), ("stride", 1, 3), ("layers", 1, 3)):
        sliders[name].value = high + 5          # ipywidgets clamps to the range
        assert sliders[name].value == high
        sliders[name].value = low - 5
        assert sliders[name].value == low
    assert html.value.startswith(f"output size: {N_INPUTS} x {N_INPUTS}")   # k=1, s=1, 1 layer


@pytest.mark.slow   # exhaustive: `make test` runs it, `make test-fast` does not
@pytest.mark.parametrize("kernel_size, stride", [(3, 2), (4, 2), (5, 2), (2, 3), (3, 3), (6, 3), (5, 3)])
def test_photo_panel_has_a_checkerboard_exactly_when_overlap_is_uneven(kernel_size, stride):
    from course_lib.artifacts import checkerboard_strength
    handle = OverlapFigure(kernel_size, stride, 1)
    photo = np.asarray(handle.photo.get_array())
    assert photo.shape == (216, 216)
    strength = checkerboard_strength(photo, stride, border=10)
    if interior_is_even(kernel_size, stride):
        assert strength < 0.05
    else:
        assert strength > 0.5
    overlap = np.asarray(handle.map.get_array())
    assert overlap.shape == (216, 216)
    assert (0 in overlap) == (kernel_size < stride)


def test_summary_mentions_holes_and_counts():
    assert "with holes" in overlap_summary(2, 3, 1)
    text = overlap_summary(5, 2, 1)
    assert "2 or 3 copies in 1-D" in text and "4, 6 or 9 in 2-D" in text
    assert "3 layers compound it" in overlap_summary(3, 2, 3)
    assert "highest count 2" in overlap_summary(3, 2, 1)


def test_photo_sizes_give_about_216_output():
    for stride in (1, 2, 3):
        for layers in (1, 2, 3):
            side, crop = photo_sizes(stride, layers)
            out = expected_size(7, stride, layers, n=crop)
            assert crop <= side and out >= 216 - 3
            text = overlap_summary(7, stride, layers)
            assert f"→ {out} x {out}" in text


def test_grid_step():
    assert [grid_step(t) for t in (1, 10, 11, 50, 51, 100, 101, 500, 1001)] == [1, 1, 5, 5, 10, 10, 50, 50, 10000]


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
    for function in (OverlapFigure, overlap_figure, overlap_summary, overlap_state, overlap_explorer):
        arguments = dict(kernel_size=3, stride=2, layers=1) | kwargs
        with pytest.raises(error, match=text):
            function(**arguments)


def test_static_figure_has_three_panels():
    figure = overlap_figure(4, 2, 2)
    assert len(figure.axes) == 3 and len(figure.images) == 2
    assert [ax.get_title() for ax in figure.axes][0] == "1-D overlap counts"


def test_overlap_figure_handle_updates_in_place():
    handle = OverlapFigure(3, 2, 1)
    artists = list(handle.artists)
    first = np.asarray(handle.map.get_array()).copy()
    assert handle.show(4, 2, 1) is handle and handle.settings == (4, 2, 1)
    assert handle.artists == artists and not np.array_equal(first, handle.map.get_array())
    for bad in [(8, 2, 1), (3, 0, 1), (3, 2, 4), (3, 2, 1.5)]:
        with pytest.raises((TypeError, ValueError)):
            handle.show(*bad)


@pytest.mark.parametrize("top, error", [(None, TypeError), ("a", TypeError), (-1, ValueError), (np.ones(3), TypeError)])
def test_grid_step_rejects_bad_top(top, error):
    with pytest.raises(error, match="top must be a non-negative int"):
        grid_step(top)


@pytest.mark.parametrize("settings", [(3, 2, 1), (4, 2, 2), (2, 3, 1)])
def test_overlap_state_figure_has_scales_and_the_explorer_line(settings):
    figure = overlap_state_figure(*settings)
    bars, overlap_map, photo, colour_bar = figure.axes
    assert len(bars.get_yticks()) >= 2 and bars.get_ylabel()          # y values on the 1-D panel
    assert colour_bar.get_ylabel() == ("kernel copies" if settings[2] == 1 else "paths through the layers")
    assert 1000 <= figure.get_figwidth() * figure.dpi <= 1100          # a slide's width, not scaled down
    line = figure.get_suptitle()
    size = expected_size(*settings)
    assert line.startswith(f"output size: {size} x {size}")
    assert ("uneven overlap" in line) == (settings[0] % settings[1] != 0) and "<" not in line
    np.testing.assert_array_equal(overlap_map.images[0].get_array(),
                                  np.outer(*[stacked_overlap_counts(settings[0], settings[1], N_INPUTS,
                                                                    settings[2])] * 2))
    with pytest.raises(ValueError, match="kernel_size must be at most 7"):
        overlap_state_figure(8, 2, 1)


@pytest.mark.parametrize("settings", [(3, 2, 1), (4, 2, 2), (2, 3, 1), (7, 3, 3)])
def test_text_line_says_the_same_in_html_and_plain_text(settings):
    state = overlap_state(*settings)
    html, plain = overlap_line(state), overlap_line(state, html=False)
    assert "<" not in plain and plain.count("\n") == 1 and "dotted lines" in html and "dotted lines" not in plain
    as_text = re.sub(r"<[^>]+>", "", html.replace("<br>", "\n"))   # the test may strip tags; the library never does
    assert re.sub(r"; dotted lines every \d+ cop(y|ies)", "", as_text) == plain
    with pytest.raises(TypeError, match="state must be an OverlapState"):
        overlap_line(settings)
