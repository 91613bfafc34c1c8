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


def test_monitor_counts_seeds_and_refuses_a_seed_beyond_them():
    monitor = TrainingMonitor(["a", "b"], steps=10, seeds=3)
    assert monitor.progress.max == 60 and "course-training-progress" in monitor.progress._dom_classes
    update = monitor.experiment_callback()
    update(4, "a", 10, [1.0] * 10)
    update(9, "a", 3, [1.0] * 3)
    assert monitor.progress.value == 23 and monitor.text.value.startswith("seed 2 of 3")
    with pytest.raises(ValueError, match="seed_index must be below seeds=3, got 3"):
        monitor.callback("a", 3)


def test_train_on_click_runs_once_and_releases_held_back_cells_in_order():
    from course_lib.explore_learning import TrainOnClick

    calls, shown = [], []
    session = TrainOnClick(lambda: calls.append("trained") or len(calls))
    session.when_done(lambda: shown.append(("first", session.result, session.button.description)))
    session.when_done(lambda: shown.append(("second", session.result)))
    assert shown == [] and not session.done
    session.button.click()                       # the lecturer's path: the button's callback
    # the button says "trained" only after the held-back cells are drawn (a lecturer waits for it)
    assert calls == ["trained"] and shown == [("first", 1, "training…"), ("second", 1)] and session.button.disabled
    assert session.button.description == "trained"
    assert session.run() == 1 and calls == ["trained"]   # once only: the notebook path returns the same result
    session.when_done(lambda: shown.append(("late", session.result)))
    assert shown[-1] == ("late", 1)
    with pytest.raises(TypeError, match="function must be callable"):
        TrainOnClick(42)
    with pytest.raises(TypeError, match="draw must be callable"):
        session.when_done("table")


def test_monitor_image_has_a_fixed_width_so_a_slide_keeps_it():
    assert TrainingMonitor(["a"], steps=5).image.layout.width == "760px"


def test_held_back_cells_show_text_figures_and_errors_in_their_output_widget():
    import ipywidgets
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import display

    from course_lib.explore_learning import _captured_outputs

    InteractiveShell.instance()                    # display() goes through a shell's publisher, as in a kernel
    try:

        def draw():
            print("table")
            display({"text/plain": "a figure", "image/png": "iVBORw0KGgo="}, raw=True)

        outputs = _captured_outputs(draw)
        assert outputs[0] == {"output_type": "stream", "name": "stdout", "text": "table\n"}
        assert outputs[1]["output_type"] == "display_data" and outputs[1]["data"]["text/plain"] == "a figure"
        widget = ipywidgets.Output()
        widget.outputs = outputs                       # what TrainOnClick.run does with each held-back cell
        assert len(widget.outputs) == 2
        failed = _captured_outputs(lambda: 1 / 0)
        assert failed[-1]["name"] == "stderr" and "ZeroDivisionError" in failed[-1]["text"]
    finally:
        InteractiveShell.clear_instance()          # later tests (doctests) run without a shell
