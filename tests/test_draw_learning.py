"""course_lib.draw_learning: the plots draw what they are given; the monitor updates in place."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib.draw_learning import TrainingMonitor, plot_history, plot_image_grid


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


def test_monitor_updates_progress_and_line_in_place():
    monitor = TrainingMonitor(["a", "b"], steps=100, redraw_every=50)
    first_png, figure = monitor.image.value, monitor.figure
    update = monitor.callback("b")
    update(10, [0.5] * 10)
    assert monitor.progress.value == 110 and "step 10/100" in monitor.text.value
    assert monitor.image.value == first_png  # not redrawn before redraw_every
    update(100, [0.1] * 100)
    assert monitor.progress.value == 200 and monitor.progress.bar_style == "success"
    assert monitor.image.value != first_png and monitor.figure is figure
    np.testing.assert_array_equal(monitor.lines["b"].get_xdata(), np.arange(1, 101))
    with pytest.raises(ValueError, match="name must be one of"):
        monitor.callback("c")
    with pytest.raises(ValueError, match="steps"):
        TrainingMonitor(["a"], steps=0)
    with pytest.raises(ValueError, match="distinct"):
        TrainingMonitor(["a", "a"], steps=5)
