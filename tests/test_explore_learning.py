"""course_lib.explore_learning: the monitor wires progress, text and the loss-curve PNG."""
import numpy as np
import pytest

from course_lib.explore_learning import TrainingMonitor


@pytest.mark.slow   # renders 4 frames of the curve: `make test` runs it, `make test-fast` does not
def test_monitor_updates_progress_and_line_in_place():
    monitor = TrainingMonitor(["a", "b"], steps=100, redraw_every=50)
    first_png, figure = monitor.image.value, monitor.curves.figure
    update = monitor.callback("b")
    update(10, [0.5] * 10)
    assert monitor.progress.value == 110 and "step 10/100" in monitor.text.value
    assert monitor.image.value == first_png  # not redrawn before redraw_every
    update(100, [0.1] * 100)
    assert monitor.progress.value == 200 and monitor.progress.bar_style == "success"
    assert monitor.image.value != first_png and monitor.curves.figure is figure
    np.testing.assert_array_equal(monitor.curves.lines["b"].get_xdata(), np.arange(1, 101))
    with pytest.raises(ValueError, match="name must be one of"):
        monitor.callback("c")
    with pytest.raises(ValueError, match="steps"):
        TrainingMonitor(["a"], steps=0)
    with pytest.raises(ValueError, match="distinct"):
        TrainingMonitor(["a", "a"], steps=5)
    with pytest.raises(ValueError, match="redraw_every"):
        TrainingMonitor(["a"], steps=5, redraw_every=0)
