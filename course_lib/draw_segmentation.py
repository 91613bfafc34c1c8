"""Drawing for notebook 09 (segmentation): predictions beside the truth with zooms, metrics over steps.

``plot_segmentations`` (an input, its true labels and each decoder's
prediction, with a zoom row), ``plot_metric_over_steps`` (one held-out metric
over the training steps, mean over seeds with the min-max spread) and
``style_loss_curves`` (notebook 08's live :class:`~course_lib.draw_learning.LossCurveFigure`
set up for cross-entropy and seven decoders). The numbers come from
``course_lib.segmentation``; class maps are notebook 01's ``plot_class_map``.
"""
from __future__ import annotations

import numpy as np

from .draw_learning import LossCurveFigure, outline_zoom
from .draw_upsampling import plot_class_map
from .plotting import plot_image
from .shapes_data import CLASSES

__all__ = ["DECODER_COLOURS", "plot_segmentations", "plot_metric_over_steps", "style_loss_curves"]

#: One colour per decoder of ``course_lib.segmentation.DECODERS``: no skips warm, SegNet purple, U-Net blue/green.
DECODER_COLOURS = {
    "nearest": "tab:red",
    "bilinear": "tab:orange",
    "transposed k4 s2": "tab:brown",
    "SegNet (unpool)": "tab:purple",
    "U-Net nearest": "tab:blue",
    "U-Net bilinear": "tab:cyan",
    "U-Net transposed": "tab:green",
}


def _colour(name, index):
    return DECODER_COLOURS.get(name, f"C{index % 10}")


def plot_segmentations(image, truth, predictions, axes, *, zoom=None):
    """Draw an input, its true labels and each prediction; with ``zoom``, a second row of close-ups.

    Parameters
    ----------
    image : (H, W) array_like
    truth : (H, W) int array_like
    predictions : dict of str to (H, W) int array
        ``{decoder: labels}``; titles give each one's wrong pixels.
    axes : array of matplotlib Axes
        One row of ``2 + len(predictions)`` axes, or two rows with ``zoom``.
    zoom : (slice, slice), optional
        Outlined in yellow in the first row and shown enlarged in the second.

    Returns
    -------
    array of matplotlib Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> axes = Figure().subplots(1, 3)
    >>> _ = plot_segmentations(np.zeros((4, 4)), np.zeros((4, 4), int), {"a": np.ones((4, 4), int)}, axes)
    >>> axes[2].get_title()
    'a\\n16 wrong'
    """
    axes = np.atleast_2d(np.asarray(axes))
    if not isinstance(predictions, dict) or not predictions:
        raise TypeError(f"predictions must be a non-empty dict of name -> labels, got {type(predictions).__name__}")
    rows = 2 if zoom is not None else 1
    if axes.shape != (rows, 2 + len(predictions)):
        raise ValueError(f"axes must be {rows} x {2 + len(predictions)} for {len(predictions)} predictions, "
                         f"got shape {axes.shape}")
    truth = np.asarray(truth)
    panels = [("input", np.asarray(image, dtype=float)), ("truth", truth)] + [
        (f"{name}\n{int((np.asarray(labels) != truth).sum())} wrong", np.asarray(labels))
        for name, labels in predictions.items()]
    for column, (title, values) in enumerate(panels):
        for row in range(rows):
            ax = axes[row, column]
            shown = values if row == 0 else values[zoom]
            if column == 0:
                plot_image(shown, ax, title if row == 0 else "zoom", vmin=0, vmax=1, axis_labels=False)
            else:
                plot_class_map(shown, list(CLASSES), ax, title if row == 0 else "zoom", show_values=False,
                               legend=False)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0 and zoom is not None:
                outline_zoom(ax, zoom)
    return axes


def plot_metric_over_steps(runs, key, ax=None, *, title=None, ylabel=None):
    """One held-out metric over the training steps: per decoder the mean over seeds and the min-max band.

    Parameters
    ----------
    runs : dict
        From ``course_lib.segmentation.run_experiment``: ``runs[decoder][seed]["history"]``.
    key : str
        ``"mean_iou"``, ``"boundary_accuracy"`` or ``"thin_recall"``.
    ax : matplotlib Axes, optional
    title, ylabel : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> runs = {"nearest": {0: {"history": {"step": [0, 5], "mean_iou": [0.1, 0.4]}}}}
    >>> ax = plot_metric_over_steps(runs, "mean_iou", Figure().subplots())
    >>> ax.get_lines()[0].get_ydata().tolist()
    [0.1, 0.4]
    """
    if not isinstance(runs, dict) or not runs:
        raise TypeError(f"runs must be a non-empty dict from run_experiment, got {type(runs).__name__}")
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    for index, (name, seeds) in enumerate(runs.items()):
        histories = [run["history"] for run in seeds.values()]
        if any(key not in h for h in histories):
            raise ValueError(f"key {key!r} must be in every history, missing for {name!r}")
        steps = histories[0]["step"]
        values = np.array([h[key] for h in histories], dtype=float)
        colour = _colour(name, index)
        ax.plot(steps, values.mean(axis=0), color=colour, label=name, linewidth=1.6,
                linestyle="-" if name.startswith(("U-Net", "SegNet")) else "--")
        if len(histories) > 1:
            ax.fill_between(steps, values.min(axis=0), values.max(axis=0), color=colour, alpha=0.12, linewidth=0)
    ax.set_xlabel("training step")
    ax.set_ylabel(ylabel or key)
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    return ax


def style_loss_curves(curves, *, ylim=(0.05, 3.0), xlabel="training step"):
    """Set up a :class:`~course_lib.draw_learning.LossCurveFigure` for notebook 09: decoder colours, cross-entropy.

    Returns the same ``curves`` (its lines recoloured, the y label and range changed, the legend redrawn).

    Examples
    --------
    >>> curves = style_loss_curves(LossCurveFigure(["nearest", "U-Net bilinear"], steps=10))
    >>> curves.lines["U-Net bilinear"].get_color(), curves.ax.get_ylabel()
    ('tab:cyan', 'training loss (cross-entropy)')
    """
    if not isinstance(curves, LossCurveFigure):
        raise TypeError(f"curves must be a LossCurveFigure, got {type(curves).__name__}")
    for index, (name, line) in enumerate(curves.lines.items()):
        line.set_color(_colour(name, index))
        line.set_linestyle("-" if name.startswith(("U-Net", "SegNet")) else "--")
    curves.ax.set_ylim(*ylim)
    curves.ax.set_ylabel("training loss (cross-entropy)")
    curves.ax.set_xlabel(xlabel)
    curves.ax.legend(loc="upper right", fontsize=7, ncol=2)
    return curves
