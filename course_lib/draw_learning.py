"""Drawing and the live training display for notebook 08 (learned upsampling).

Drawing: ``plot_history`` (one measurement over the training steps, a line
per upsampler) and ``plot_image_grid`` (images with titles, optionally a
zoom box). Widget: :class:`TrainingMonitor`, a progress bar and a loss curve
that update while a model trains; its figure is built once and its lines are
updated in place. Nothing here computes course results: the numbers come from
``course_lib.training``.
"""
from __future__ import annotations

import numpy as np

from .plotting import highlight_cells, plot_image
from .widgets import new_figure, render_png

__all__ = ["COLOURS", "plot_history", "plot_image_grid", "TrainingMonitor"]

# One colour per upsampler, in the order of course_lib.training.UPSAMPLERS.
COLOURS = ("tab:red", "tab:orange", "tab:blue", "tab:green")


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


def plot_history(histories, key, ax=None, title=None, *, ylabel=None, log=False, reference=None):
    """Draw one measurement over the training steps, one line per model.

    Parameters
    ----------
    histories : dict of str to dict
        ``{name: history}`` with histories from ``train_and_measure`` (lists
        ``"step"`` and ``key``).
    key : str
        E.g. ``"loss"``, ``"strength"``, ``"probe_strength"``, ``"psnr"``.
    ax : matplotlib Axes, optional
    title, ylabel : str, optional
    log : bool
        Logarithmic y axis (zero values are drawn at the bottom of the axis).
    reference : (str, float), optional
        A labelled horizontal line, e.g. the targets' own strength.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> _ = plot_history({"a": {"step": [0, 10], "loss": [1.0, 0.5]}}, "loss", ax=ax)
    >>> [line.get_label() for line in ax.get_lines()]
    ['a']
    """
    if not isinstance(histories, dict) or not histories:
        raise TypeError(f"histories must be a non-empty dict of name -> history, got {type(histories).__name__}")
    ax = _axes(ax)
    for index, (name, history) in enumerate(histories.items()):
        if key not in history or "step" not in history:
            raise ValueError(f"key {key!r} (and 'step') must be in every history, missing in {name!r}")
        values = np.asarray(history[key], dtype=float)
        if log:
            values = np.where(values > 0, values, np.nan)
        ax.plot(history["step"], values, color=COLOURS[index % len(COLOURS)], label=name, linewidth=1.6)
    if reference is not None:
        label, value = reference
        ax.axhline(value, color="gray", linestyle="--", linewidth=1, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel(ylabel or key)
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    return ax


def plot_image_grid(images, titles, axes, *, vmin=0.0, vmax=1.0, zoom=None):
    """Draw images on ``axes`` (same count) with titles, no ticks; optionally mark a zoom box.

    Parameters
    ----------
    images : sequence of (H, W) or (H, W, 3) arrays
    titles : sequence of str
    axes : sequence of matplotlib Axes
    vmin, vmax : float
        Grey levels for single-channel images (RGB images are clipped to [0, 1]).
    zoom : (slice, slice), optional
        Outlined in yellow on every image.

    Returns
    -------
    list of matplotlib Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> axes = Figure().subplots(1, 2)
    >>> len(plot_image_grid([np.zeros((4, 4)), np.ones((4, 4, 3))], ["a", "b"], axes))
    2
    """
    axes = list(np.ravel(axes))
    if not len(images) == len(titles) == len(axes):
        raise ValueError(f"images, titles and axes must have the same length, got "
                         f"{len(images)}, {len(titles)} and {len(axes)}")
    for image, title, ax in zip(images, titles, axes):
        image = np.asarray(image, dtype=float)
        if image.ndim == 3:
            image = np.clip(image, 0, 1)
        plot_image(image, ax=ax, title=title, vmin=vmin, vmax=vmax, axis_labels=False)
        ax.set_xticks([])
        ax.set_yticks([])
        if zoom is not None:
            rows, cols = zoom
            highlight_cells(ax, rows.start, cols.start, rows.stop - rows.start, cols.stop - cols.start,
                            color="yellow", linewidth=1.5)
    return axes


class TrainingMonitor:
    """A progress bar and a live loss curve for training several models one after another.

    The widget (``monitor.widget``) holds an ``ipywidgets.IntProgress`` over
    all steps of all models, a text line and an ``ipywidgets.Image`` showing a
    loss curve per model. The figure is created once; each update changes one
    line's data and re-renders the PNG.

    Parameters
    ----------
    names : sequence of str
        The models, in the order they will train.
    steps : int
        Training steps per model.
    redraw_every : int
        Re-render the loss curve every this many steps (and at a model's
        last step); the progress bar and text follow every call.

    Examples
    --------
    >>> monitor = TrainingMonitor(["a", "b"], steps=10)
    >>> callback = monitor.callback("a")
    >>> callback(10, [1.0] * 10)
    >>> monitor.progress.value, monitor.progress.max
    (10, 20)
    """

    def __init__(self, names, steps, redraw_every=50):
        import ipywidgets

        self.names = list(names)
        if not self.names or len(set(self.names)) != len(self.names):
            raise ValueError(f"names must be non-empty and distinct, got {names!r}")
        if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 1:
            raise ValueError(f"steps must be a positive int, got {steps!r}")
        self.steps = int(steps)
        if not isinstance(redraw_every, (int, np.integer)) or isinstance(redraw_every, bool) or redraw_every < 1:
            raise ValueError(f"redraw_every must be a positive int, got {redraw_every!r}")
        self.redraw_every = int(redraw_every)
        self.progress = ipywidgets.IntProgress(value=0, min=0, max=self.steps * len(self.names),
                                               description="training", bar_style="info")
        self.text = ipywidgets.HTML(value="waiting to start")
        self.figure = new_figure((6.4, 3.0), dpi=80, layout="constrained")
        self.ax = self.figure.subplots()
        self.lines = {}
        for index, name in enumerate(self.names):
            (self.lines[name],) = self.ax.plot([], [], color=COLOURS[index % len(COLOURS)], label=name)
        self.ax.set_xlim(0, self.steps)
        self.ax.set_yscale("log")
        self.ax.set_ylim(1e-3, 1)
        self.ax.set_xlabel("training step")
        self.ax.set_ylabel("training loss (MSE)")
        self.ax.legend(loc="upper right", fontsize=8)
        self.ax.grid(alpha=0.3)
        self.image = ipywidgets.Image(value=render_png(self.figure), format="png")
        self.widget = ipywidgets.VBox([ipywidgets.HBox([self.progress, self.text]), self.image])

    def callback(self, name):
        """A ``callback(step, losses)`` for ``train`` that shows model ``name``'s progress."""
        if name not in self.lines:
            raise ValueError(f"name must be one of {self.names}, got {name!r}")
        offset = self.names.index(name) * self.steps

        def update(step, losses):
            self.progress.value = offset + step
            self.lines[name].set_data(np.arange(1, len(losses) + 1), losses)
            self.text.value = f"{name}: step {step}/{self.steps}, loss {losses[-1]:.4f}"
            if offset + step == self.progress.max:
                self.progress.bar_style = "success"
            if step % self.redraw_every == 0 or step == self.steps:
                self.image.value = render_png(self.figure)

        return update
