"""The transposed-convolution drawings of notebook 05: copies, the step handle, the overview handle."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib import conv_transpose2d
from course_lib.draw_transposed import (
    TransposedOverviewFigure,
    TransposedStepFigure,
    plot_kernel_copies,
    plot_output_padding,
    plot_recipe_sizes,
    plot_transposed_overview,
    plot_transposed_step,
)
from tests._panels import cell_values, row_values

X = K = np.array([[0, 1], [2, 3]])


def test_kernel_copies_sum_to_the_slides_output():
    axes = plot_kernel_copies(X, K, axes=Figure().subplots(1, 5))
    assert len(axes) == 5
    sums = [t.get_text() for t in axes[-1].texts if t.get_text()]
    assert sums == ["0", "0", "1", "0", "4", "6", "4", "12", "9"]
    copy = [t.get_text() for t in axes[3].texts]   # x[1, 1] = 3 times K, bottom-right
    assert copy == ["", "", "", "", "0", "3", "", "6", "9", "="]


def test_kernel_copies_with_stride_two_match_d2l():
    axes = plot_kernel_copies(X, K, stride=2)
    values = [float(t.get_text()) for t in axes[-1].texts if t.get_text() not in ("", "+", "=")]
    np.testing.assert_array_equal(np.reshape(values, (4, 4)),
                                  [[0, 0, 0, 1], [0, 0, 2, 3], [0, 2, 0, 3], [4, 6, 6, 9]])


@pytest.mark.parametrize("x, kernel, kwargs, error, message", [
    (np.ones(3), K, {}, ValueError, "x must be a 2-D"),
    (X, np.ones((1, 1, 2, 2)), {}, ValueError, "kernel must be a 2-D .* got 4-D"),
    (np.ones((4, 4)), K, {}, ValueError, "x must have at most 12 values"),
    (X, K, {"stride": 0}, ValueError, "stride must be a positive int"),
    (X, K, {"axes": [1, 2]}, ValueError, "axes must hold 5 Axes, got 2"),
    (X, np.ones((12, 12)), {}, ValueError, "13 x 13 cells"),
])
def test_kernel_copies_reject_bad_input(x, kernel, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_kernel_copies(x, kernel, **kwargs)


def test_transposed_step_last_step_shows_the_full_sum():
    handle = plot_transposed_step(X, K, 1, Figure().subplots(1, 4))
    assert isinstance(handle, TransposedStepFigure)
    np.testing.assert_array_equal(np.nan_to_num(cell_values(handle.copy)), np.zeros((3, 3)))
    handle.show(3)
    np.testing.assert_array_equal(cell_values(handle.sum), [[0, 0, 1], [0, 4, 3], [4, 6, 0]])
    handle.show(4)
    np.testing.assert_array_equal(cell_values(handle.sum), conv_transpose2d(X, K))
    assert "output" in handle.axes[3].get_title()
    assert handle.current in handle.artists and all(p in handle.artists for p in handle.footprints)


def test_transposed_step_with_stride_moves_the_footprint():
    handle = plot_transposed_step(X, K, 4, Figure().subplots(1, 4), stride=(2, 1))
    assert handle.output.shape == (4, 3)
    assert handle.footprints[0].get_xy() == (1 - 0.5, 2 - 0.5)


@pytest.mark.parametrize("step, error", [(0, ValueError), (5, ValueError), (2.0, TypeError), (None, TypeError)])
def test_transposed_step_rejects_bad_step(step, error):
    with pytest.raises(error, match="step must be"):
        plot_transposed_step(X, K, step, Figure().subplots(1, 4))


@pytest.mark.parametrize("x, kernel, stride, message", [
    (np.ones(4), K, 1, "x must be a 2-D"),
    (np.ones((1, 1, 2, 2)), K, 1, "x must be a 2-D"),
    (np.ones((3, 3)), np.ones((2, 2)), 6, "14 x 14 cells; .* legible up to 12 x 12"),
    (np.ones((1, 1)), np.ones((2, 2)), 10**6, "stride must be at most 12 in a step drawing"),
    (np.ones((40, 40)), K, 1, "41 x 41 cells"),
])
def test_transposed_step_rejects_bad_inputs(x, kernel, stride, message):
    with pytest.raises(ValueError, match=message):
        plot_transposed_step(x, kernel, 1, Figure().subplots(1, 4), stride=stride)


@pytest.mark.parametrize("kernel_size, stride, padding", [(3, 2, 0), (4, 3, 1), (1, 1, 0), (2, 2, 1)])
def test_overview_shows_overlap_counts_and_output(kernel_size, stride, padding):
    x = np.array([[1, 2], [3, 4]])
    kernel = np.ones((kernel_size, kernel_size))
    handle = plot_transposed_overview(x, np.ones((3, 3)), 2, 0, Figure().subplots(1, 3), canvas=7)
    assert isinstance(handle, TransposedOverviewFigure)
    handle.show(kernel, stride, padding)
    counts = conv_transpose2d(np.ones((2, 2)), kernel, stride=stride)
    np.testing.assert_array_equal(row_values(handle.counts), counts)
    np.testing.assert_array_equal(row_values(handle.result), conv_transpose2d(x, kernel, stride=stride, padding=padding))
    assert handle.crop.get_visible() == (padding > 0)


def test_overview_k3_s2_has_uneven_overlap():
    handle = plot_transposed_overview([[1, 1], [1, 1]], np.ones((3, 3)), stride=2)
    np.testing.assert_array_equal(row_values(handle.counts)[2], [2, 2, 4, 2, 2])


def test_overview_rejects_a_too_small_canvas():
    handle = plot_transposed_overview([[1, 2], [3, 4]], np.ones((2, 2)), 1, canvas=3)
    with pytest.raises(ValueError, match="does not fit the canvas of 3"):
        handle.show(np.ones((3, 3)), 2)


@pytest.mark.parametrize("x, kernel, kwargs, error, message", [
    (np.ones((4, 4)), np.ones((2, 2)), {}, ValueError, "x must have at most 9 cells"),
    (np.ones(4), np.ones((2, 2)), {}, ValueError, "x must be a 2-D"),
    (X, np.ones(2), {}, ValueError, "kernel must be a 2-D"),
    (X, np.ones((2, 2)), {"canvas": 0}, ValueError, "canvas must be a positive int, got 0"),
    (X, np.ones((2, 2)), {"canvas": 2.5}, TypeError, "canvas must be a positive int, got 2.5"),
    (X, np.ones((2, 2)), {"canvas": 100}, ValueError, "100 x 100 cells"),
    (X, np.ones((2, 2)), {"padding": 3}, ValueError, "padding 3 leaves no output"),
    (X, np.ones((2, 2)), {"stride": "2"}, TypeError, "stride must be"),
])
def test_overview_rejects_bad_input(x, kernel, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_transposed_overview(x, kernel, **kwargs)


# --- issue 10: output_padding and recipe sizes ------------------------------------------

def test_output_padding_plot_shows_o_and_a_for_each_input_size():
    ax = plot_output_padding(range(3, 13), 3, 3, ax=Figure().subplots(), title="t")
    inputs = list(range(3, 13))
    assert ax.lines[0].get_xdata().tolist() == inputs
    assert ax.lines[0].get_ydata().tolist() == [(i - 3) // 3 + 1 for i in inputs]
    assert ax.lines[1].get_ydata().tolist() == [(i - 3) % 3 for i in inputs]
    # a picks the input back: the transposed size with output_padding = a is i again
    from course_lib import conv_transpose_output_size
    for i, o, a in zip(inputs, ax.lines[0].get_ydata(), ax.lines[1].get_ydata()):
        assert conv_transpose_output_size(int(o), 3, stride=3, output_padding=int(a)) == i
    with pytest.raises(ValueError, match="sizes must be a non-empty 1-D sequence of positive ints"):
        plot_output_padding([2.5], 3, 3, ax=ax)
    with pytest.raises(ValueError, match="stride must be a positive int, got 0"):
        plot_output_padding([5], 3, 0, ax=ax)


def test_recipe_sizes_one_line_per_recipe():
    recipes = {"k4 s2 p1": dict(kernel_size=4, stride=2, padding=1),
               "k3 s2 p1 op1": dict(kernel_size=3, stride=2, padding=1, output_padding=1),
               "k3 s2 p1 (no op)": dict(kernel_size=3, stride=2, padding=1)}
    ax = plot_recipe_sizes(recipes, [7, 16, 33], Figure().subplots())
    assert [line.get_ydata().tolist() for line in ax.lines] == [[14, 32, 66], [14, 32, 66], [13, 31, 65]]
    assert len({line.get_linestyle() for line in ax.lines}) == 3
    with pytest.raises(TypeError, match="recipes must be a non-empty dict"):
        plot_recipe_sizes([], [1], ax)
    with pytest.raises(ValueError, match=r"recipes\['x'\] must give kernel_size"):
        plot_recipe_sizes({"x": {"stride": 2}}, [1], ax)
    with pytest.raises(ValueError, match="output_padding"):
        plot_recipe_sizes({"x": dict(kernel_size=3, stride=2, output_padding=2)}, [1], ax)


# --- the arithmetic explorer's drawing (issue 10) -------------------------------------------

