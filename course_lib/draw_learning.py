"""Drawing for notebook 08 (learned upsampling).

``plot_history`` (one measurement over the training steps, a line per
upsampler), ``plot_seeds`` (one final measurement per upsampler and seed, a
line per seed, so a ranking that every seed agrees on shows as lines that do
not cross), ``plot_image_grid`` (images with titles, optionally a zoom box and
colour bars) and
:class:`LossCurveFigure` (the live loss curves, built once and updated in
place; the widget around it is ``course_lib.explore_learning.TrainingMonitor``).
Nothing here computes course results: the numbers come from
``course_lib.training``.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_int
from .plotting import highlight_cells, new_figure, plot_image, render_png

__all__ = ["COLOURS", "plot_history", "plot_seeds", "plot_image_grid", "outline_zoom", "LossCurveFigure"]

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


def plot_seeds(values, ax=None, *, ylabel, title=None, reference=None, log=False):
    """One measurement per model and seed: models along x, one line (and dots) per seed.

    Parameters
    ----------
    values : dict of str to sequence of float
        ``{model name: [value for each seed]}``, the same number of seeds for all.
    ax : matplotlib Axes, optional
    ylabel : str
    title : str, optional
    reference : (str, float), optional
        A labelled horizontal line (e.g. bilinear interpolation's value).
    log : bool
        Logarithmic y axis.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_seeds({"a": [1.0, 2.0], "b": [3.0, 1.0]}, Figure().subplots(), ylabel="x")
    >>> len(ax.get_lines()), [t.get_text() for t in ax.get_xticklabels()]
    (2, ['a', 'b'])
    """
    if not isinstance(values, dict) or not values:
        raise TypeError(f"values must be a non-empty dict of name -> per-seed values, got {type(values).__name__}")
    table = np.array([np.asarray(v, dtype=float) for v in values.values()])
    if table.ndim != 2:
        raise ValueError(f"every model must have the same number of seeds, got {[len(v) for v in values.values()]}")
    ax = _axes(ax)
    positions = np.arange(len(values))
    for seed in range(table.shape[1]):
        ax.plot(positions, table[:, seed], color="0.55", linewidth=1, zorder=1,
                label="one line per seed" if seed == 0 else None)
    for index in positions:
        ax.scatter(np.full(table.shape[1], index), table[index], color=COLOURS[index % len(COLOURS)], s=28, zorder=2)
    if reference is not None:
        label, value = reference
        ax.axhline(value, color="black", linestyle="--", linewidth=1, label=label)
    ax.set_xticks(positions, list(values))
    if log:
        ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=10)
    if title:
        ax.set_title(title)
    return ax


def plot_image_grid(images, titles, axes, *, vmin=0.0, vmax=1.0, zoom=None, colorbar=False):
    """Draw images on ``axes`` (same count) with titles, no ticks; optionally mark a zoom box and add colour bars.

    Parameters
    ----------
    images : sequence of (H, W) or (H, W, 3) arrays
    titles : sequence of str
    axes : sequence of matplotlib Axes
    vmin, vmax : float
        Grey levels for single-channel images (RGB images are clipped to [0, 1]).
    zoom : (slice, slice), optional
        Outlined in yellow on every image.
    colorbar : bool
        A colour bar beside every single-channel image, so a stretched grey
        scale (``vmin``/``vmax`` other than 0 and 1, or None: each image's own
        range) is labelled with its values.

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
        if colorbar and image.ndim == 2:
            ax.figure.colorbar(ax.images[-1], ax=ax, shrink=0.8)
        ax.set_xticks([])
        ax.set_yticks([])
        if zoom is not None:
            outline_zoom(ax, zoom)
    return axes


def outline_zoom(ax, zoom):
    """Outline ``zoom``, a ``(rows, cols)`` pair of slices, in yellow on ``ax``; returns the patch.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> outline_zoom(Figure().subplots(), (slice(2, 6), slice(1, 4))).get_width()
    3
    """
    rows, cols = zoom
    return highlight_cells(ax, rows.start, cols.start, rows.stop - rows.start, cols.stop - cols.start,
                           color="yellow", linewidth=1.5)


class LossCurveFigure:
    """A loss curve per model on one log-scale axes, built once and updated in place.

    The drawing half of the live training display (the widget half is
    :class:`course_lib.explore_learning.TrainingMonitor`).

    Parameters
    ----------
    names : sequence of str
        The models, one line each, in the order of :data:`COLOURS`.
    steps : int
        Training steps per model (the x range).

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    lines : dict of str to matplotlib.lines.Line2D
        The artists :meth:`show` changes.

    Examples
    --------
    >>> curves = LossCurveFigure(["a", "b"], steps=10)
    >>> curves.show("b", [0.5, 0.25])
    >>> curves.lines["b"].get_xdata().tolist()
    [1, 2]
    """

    def __init__(self, names, steps):
        self.names = list(names) if isinstance(names, (list, tuple)) else None
        if not self.names or len(set(self.names)) != len(self.names) or not all(isinstance(n, str) for n in self.names):
            raise ValueError(f"names must be a non-empty list of distinct strings, got {names!r}")
        self.steps = as_int(steps, "steps", minimum=1)
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
        self.ax.legend(loc="upper right", fontsize=10)
        self.ax.grid(alpha=0.3)

    def show(self, name, losses):
        """Set model ``name``'s line to ``losses`` (one value per step so far)."""
        if name not in self.lines:
            raise ValueError(f"name must be one of {self.names}, got {name!r}")
        values = np.asarray(losses, dtype=float)
        if values.ndim != 1:
            raise ValueError(f"losses must be a 1-D sequence, got shape {values.shape}")
        self.lines[name].set_data(np.arange(1, len(values) + 1), values)

    def png(self):
        """The figure as PNG bytes."""
        return render_png(self.figure)
