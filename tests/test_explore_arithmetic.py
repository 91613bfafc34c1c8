"""The convolution-arithmetic explorer of notebook 05: its sizes, direct layout, figure, text line and widget."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib import conv_transpose2d, conv_transpose_output_size
from course_lib.explore_arithmetic import arithmetic_explorer, arithmetic_line, arithmetic_sizes
from course_lib.widgets import explorer_parts as parts


@pytest.mark.slow   # exhaustive: `make test` runs it, `make test-fast` does not
def test_arithmetic_explorer_fills_in_both_formulas_for_every_setting():
    import itertools

    from course_lib import conv_output_size
    from course_lib.explore_arithmetic import ARITHMETIC_RANGES

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
    from course_lib.explore_arithmetic import ARITHMETIC_RANGES

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


def test_arithmetic_explorer_computes_each_setting_once_and_redraws_in_place(monkeypatch):
    """What "fast" stands for: one size computation per new setting (the figure and the text line
    both read the handle's sizes), no new figure, only the changing artists redrawn (the
    wall-clock figure is a benchmark: benchmarks/bench_widgets.py)."""
    from course_lib import explore_arithmetic

    calls = {"sizes": 0, "figures": 0}
    sizes, figure = explore_arithmetic.arithmetic_sizes, explore_arithmetic.new_figure

    def count(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    sliders, image, html = parts(arithmetic_explorer())
    monkeypatch.setattr(explore_arithmetic, "arithmetic_sizes", count("sizes", sizes))
    monkeypatch.setattr(explore_arithmetic, "new_figure", count("figures", figure))
    frames = []
    for value in (4, 5, 2, 1):
        sliders["kernel size"].value = value
        frames.append(bytes(image.value))
    assert calls == {"sizes": 4, "figures": 0} and len(set(frames)) == 4
    sliders["kernel size"].value = 3                  # the first setting: kept, nothing recomputed
    assert calls == {"sizes": 4, "figures": 0}
    assert html.value == arithmetic_line(arithmetic_sizes(5, 3, 2, 1, 1))


@pytest.mark.slow   # exhaustive: `make test` runs it, `make test-fast` does not
def test_direct_layout_is_the_transposed_convolution_for_every_setting():
    """Convolving the drawn direct input with the flipped kernel gives conv_transpose2d, all 1,050 settings."""
    import itertools

    from course_lib import conv2d
    from course_lib.explore_arithmetic import ARITHMETIC_RANGES, arithmetic_sizes, direct_layout

    rng = np.random.default_rng(0)
    checked = 0
    for i, k, s, p, d in itertools.product(*(range(lo, hi + 1) for lo, hi in ARITHMETIC_RANGES.values())):
        sizes = arithmetic_sizes(i, k, s, p, d)
        if sizes["o"] is None:
            assert i + 2 * p < d * (k - 1) + 1
            continue
        layout = direct_layout(sizes)
        assert len(layout) == sizes["direct"] == i + d * (k - 1)
        y, kernel = rng.normal(size=(sizes["o"], sizes["o"])), rng.normal(size=(k, k))
        direct = np.zeros((len(layout), len(layout)))
        for r, (row_kind, row_index) in enumerate(layout):
            for c, (col_kind, col_index) in enumerate(layout):
                if row_kind == col_kind == "value":
                    direct[r, c] = y[row_index, col_index]
        expected = conv_transpose2d(y, kernel, stride=s, padding=p, output_padding=sizes["a"], dilation=d)
        np.testing.assert_allclose(conv2d(direct, kernel[::-1, ::-1], dilation=d), expected, atol=1e-12)
        assert expected.shape == (i, i) == (sizes["back"],) * 2
        checked += 1
    assert checked == 1050


def test_arithmetic_figure_draws_the_window_and_the_zero_inserted_grid():
    from course_lib.explore_arithmetic import ArithmeticFigure, plot_arithmetic

    handle = plot_arithmetic(5, 3, 2, 1, 1)
    assert handle.images[0].get_array().shape[:2] == (7, 7)      # 5 + 2 * 1
    assert handle.images[1].get_array().shape[:2] == (7, 7)      # 5 + 1 * (3 - 1)
    assert len(handle.taps[0].get_offsets()) == 9 and len(handle.starts[0].get_offsets()) == 9   # 3 x 3 windows
    assert handle.axes[0].get_title().splitlines()[-1] == "o = ⌊(5 + 2·1 - 1·(3-1) - 1) / 2⌋ + 1 = 3"
    assert handle.axes[1].get_title().splitlines()[-1] == "o' = (3-1)·2 - 2·1 + 1·(3-1) + 0 + 1 = 5"
    blue = np.all(np.isclose(handle.images[1].get_array(), (0.34, 0.71, 0.91)), axis=-1)
    assert blue.sum() == 9                                        # the 3 x 3 values
    handle.show(3, 5, 1, 0, 3)                                    # the window (13 wide) does not fit
    assert handle.sizes["o"] is None and "no output" in handle.axes[0].get_title()
    assert not handle.windows[1].get_visible()
    quiet = ArithmeticFigure(titles=False)
    assert quiet.axes[0].title not in quiet.artists and "⌊" not in quiet.axes[0].get_title()
    with pytest.raises(ValueError, match="kernel_size must be between 1 and 5 in the arithmetic explorer, got 6"):
        plot_arithmetic(5, 6)
    with pytest.raises(TypeError, match="padding"):
        plot_arithmetic(5, 3, 2, "1")
    with pytest.raises(ValueError, match="axes must hold 2 Axes"):
        plot_arithmetic(axes=Figure().subplots(1, 3))
