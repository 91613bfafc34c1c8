"""The drawing of notebook 03: pooling windows and switches."""
import numpy as np
import pytest

from course_lib.draw_pooling import plot_pooling_switches, plot_switch_indices
from tests._panels import new_axes, texts


# --- plot_pooling_switches -------------------------------------------------------

def test_pooling_switches_mark_the_maxima_and_windows():
    x = np.array([[1, 9, 2, 0], [3, 4, 8, 5], [7, 0, 1, 1], [2, 6, 0, 3]])
    indices = np.array([[1, 6], [8, 15]])  # 9 at (0,1), 8 at (1,2), 7 at (2,0), 3 at (3,3)
    ax = plot_pooling_switches(x, indices, 2, ax=new_axes(), title="switches")
    switches = [p for p in ax.patches if p.get_label() == "switch"]
    centres = sorted((round(p.get_y() + p.get_height() / 2), round(p.get_x() + p.get_width() / 2))
                     for p in switches)
    assert centres == [(0, 1), (1, 2), (2, 0), (3, 3)]
    windows = [p for p in ax.patches if p.get_label() == "window"]
    assert sorted((p.get_x(), p.get_y(), p.get_width(), p.get_height()) for p in windows) == [
        (-0.5, -0.5, 2, 2), (-0.5, 1.5, 2, 2), (1.5, -0.5, 2, 2), (1.5, 1.5, 2, 2)]
    assert ax.get_title() == "switches"
    assert "9" in texts(ax)  # plot_matrix wrote the values


def test_pooling_switches_with_stride():
    x = np.arange(9).reshape(3, 3)
    ax = plot_pooling_switches(x, [[4, 5], [7, 8]], 2, stride=1, ax=new_axes())
    windows = [p for p in ax.patches if p.get_label() == "window"]
    assert sorted((p.get_x(), p.get_y()) for p in windows) == [(-0.5, -0.5), (-0.5, 0.5), (0.5, -0.5), (0.5, 0.5)]


def test_pooling_switches_reject_bad_input():
    with pytest.raises(ValueError, match="x must be a 2-D"):
        plot_pooling_switches(np.arange(4), [[0]], 2, ax=new_axes())
    with pytest.raises(TypeError, match="indices.*float"):
        plot_pooling_switches(np.ones((2, 2)), [[0.0]], 2, ax=new_axes())
    with pytest.raises(ValueError, match=r"indices must lie in \[0, 3\].*7"):
        plot_pooling_switches(np.ones((2, 2)), [[7]], 2, ax=new_axes())
    with pytest.raises(ValueError, match="kernel_size"):
        plot_pooling_switches(np.ones((2, 2)), [[0]], 0, ax=new_axes())




# --- plot_switch_indices -----------------------------------------------------------

def test_switch_indices_are_plain_labels_without_a_colour_scale():
    ax = plot_switch_indices(np.array([[1, 6], [8, 15]]), 4, ax=new_axes(), title="switches")
    assert texts(ax) == ["1\n(0, 1)", "6\n(1, 2)", "8\n(2, 0)", "15\n(3, 3)"]
    colours = ax.images[0].cmap(ax.images[0].norm(ax.images[0].get_array()))
    assert np.all(colours[..., :3] > 0.95)          # every cell white: positions are not magnitudes
    assert ax.get_title() == "switches"


@pytest.mark.parametrize("indices, width, error, message", [
    ([[0.5]], 4, TypeError, "indices must be a non-empty 2-D integer array"),
    ([1, 2], 4, TypeError, "indices must be a non-empty 2-D integer array"),
    ([[-1]], 4, ValueError, "indices must be non-negative, got -1"),
    ([[1]], 0, ValueError, "input_width must be a positive int, got 0"),
    ([[1]], 2.0, TypeError, "input_width must be a positive int, got 2.0"),
])
def test_switch_indices_reject_bad_input(indices, width, error, message):
    with pytest.raises(error, match=message):
        plot_switch_indices(np.array(indices), width, ax=new_axes())
