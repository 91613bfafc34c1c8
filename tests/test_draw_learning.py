"""course_lib.draw_learning: the plots draw what they are given; the monitor updates in place."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib.draw_learning import LossCurveFigure, plot_history, plot_image_grid


def test_plot_history_draws_one_line_per_model_and_a_reference():
    ax = Figure().subplots()
    histories = {"a": {"step": [0, 10], "probe_strength": [1.0, 0.0]}, "b": {"step": [0, 10], "probe_strength": [2.0, 1.0]}}
    plot_history(histories, "probe_strength", ax=ax, log=True, reference=("targets", 0.5))
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["a", "b", "targets"]
    assert np.isnan(lines[0].get_ydata()[1])  # zero is not drawn on a log axis
    with pytest.raises(ValueError, match="key 'psnr'"):
        plot_history(histories, "psnr", ax=ax)
    with pytest.raises(TypeError, match="histories"):
        plot_history([], "loss", ax=ax)


def test_plot_image_grid_checks_lengths_and_marks_the_zoom():
    axes = Figure().subplots(1, 2)
    plot_image_grid([np.zeros((8, 8)), np.ones((8, 8, 3)) * 2], ["a", "b"], axes, zoom=(slice(2, 4), slice(1, 5)))
    assert [ax.get_title() for ax in axes] == ["a", "b"]
    assert len(axes[0].patches) == 1 and axes[0].patches[0].get_width() == 4
    with pytest.raises(ValueError, match="same length"):
        plot_image_grid([np.zeros((8, 8))], ["a", "b"], axes)


def test_loss_curves_update_in_place_and_refuse_bad_input():
    curves = LossCurveFigure(["a", "b"], steps=100)
    figure, line = curves.figure, curves.lines["a"]
    curves.show("a", [0.5, 0.25, 0.125])
    assert curves.figure is figure and curves.lines["a"] is line
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    with pytest.raises(ValueError, match="name must be one of"):
        curves.show("c", [1.0])
    with pytest.raises(ValueError, match="losses must be a 1-D"):
        curves.show("a", [[1.0]])
    with pytest.raises(ValueError, match="steps must be"):
        LossCurveFigure(["a"], steps=0)
    with pytest.raises(TypeError, match="steps must be"):
        LossCurveFigure(["a"], steps=2.5)
    with pytest.raises(ValueError, match="distinct strings"):
        LossCurveFigure(["a", "a"], steps=5)
    with pytest.raises(ValueError, match="distinct strings"):
        LossCurveFigure("ab", steps=5)
