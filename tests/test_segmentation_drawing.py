"""Notebook 09's drawing (course_lib.draw_segmentation) and live-training wiring (course_lib.explore_segmentation)."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib.draw_learning import LossCurveFigure
from course_lib.draw_segmentation import (DECODER_COLOURS, plot_metric_over_steps, plot_segmentations,
                                          style_loss_curves)
from course_lib.explore_segmentation import segmentation_monitor
from course_lib.segmentation import DECODERS


def test_every_decoder_has_its_own_colour():
    assert set(DECODER_COLOURS) == set(DECODERS)
    assert len(set(DECODER_COLOURS.values())) == len(DECODERS)


def test_plot_segmentations_titles_count_wrong_pixels_and_zoom_shows_the_box():
    truth = np.zeros((8, 8), dtype=int)
    truth[2:4, 2:6] = 3
    predicted = truth.copy()
    predicted[2, 2:6] = 0                                      # 4 pixels wrong
    axes = Figure().subplots(2, 3)
    plot_segmentations(np.zeros((8, 8)), truth, {"net": predicted}, axes, zoom=(slice(1, 5), slice(1, 7)))
    assert axes[0, 2].get_title() == "net\n4 wrong"
    assert axes[1, 2].get_images()[0].get_array().shape == (4, 6)
    assert len(axes[0, 1].patches) == 1                        # the yellow box


def test_plot_segmentations_refuses_mismatched_axes():
    with pytest.raises(ValueError, match=r"axes must be 2 x 3 for 1 predictions, got shape \(1, 3\)"):
        plot_segmentations(np.zeros((4, 4)), np.zeros((4, 4), int), {"a": np.zeros((4, 4), int)},
                           Figure().subplots(1, 3), zoom=(slice(0, 2), slice(0, 2)))
    with pytest.raises(TypeError, match="predictions must be a non-empty dict"):
        plot_segmentations(np.zeros((4, 4)), np.zeros((4, 4), int), {}, Figure().subplots(1, 2))


def test_metric_over_steps_draws_the_mean_and_the_spread():
    runs = {"nearest": {s: {"history": {"step": [0, 10], "mean_iou": [0.1 * s, 0.5 + 0.1 * s]}} for s in range(3)}}
    ax = plot_metric_over_steps(runs, "mean_iou", Figure().subplots())
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.1, 0.6])
    assert len(ax.collections) == 1                            # the min-max band
    with pytest.raises(ValueError, match="key 'thin_recall' must be in every history"):
        plot_metric_over_steps(runs, "thin_recall", Figure().subplots())


def test_style_loss_curves_and_monitor_progress_over_seeds():
    with pytest.raises(TypeError, match="curves must be a LossCurveFigure"):
        style_loss_curves("curves")
    curves = style_loss_curves(LossCurveFigure(["nearest"], steps=4))
    assert curves.lines["nearest"].get_color() == DECODER_COLOURS["nearest"]
    monitor, callback = segmentation_monitor(["nearest", "U-Net bilinear"], seeds=[0, 1], steps=3)
    first, second = callback("nearest", 0), callback("nearest", 1)
    first(3, [3.0, 2.0, 1.0])
    second(2, [0.9, 0.8])
    assert monitor.curves.lines["nearest"].get_ydata().tolist() == [3.0, 2.0, 1.0, 0.9, 0.8]
    assert monitor.progress.value == 5 and monitor.progress.max == 12
    with pytest.raises(ValueError, match="seed must be one of"):
        callback("nearest", 7)
