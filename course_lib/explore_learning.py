"""Widget for notebook 08 (learned upsampling): the live training display.

:class:`TrainingMonitor` wires a progress bar, a text line and the PNG of a
:class:`course_lib.draw_learning.LossCurveFigure` to ``course_lib.training``'s
progress callback. The drawing lives in ``draw_learning``; nothing here draws
or computes.
"""
from __future__ import annotations

from ._checks import as_int
from .draw_learning import LossCurveFigure

__all__ = ["TrainingMonitor"]


class TrainingMonitor:
    """A progress bar and a live loss curve for training several models one after another.

    The widget (``monitor.widget``) holds an ``ipywidgets.IntProgress`` over
    all steps of all models, a text line and an ``ipywidgets.Image`` showing
    the :class:`~course_lib.draw_learning.LossCurveFigure` (``monitor.curves``):
    each update changes one line's data and re-renders the PNG.

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

        self.curves = LossCurveFigure(names, steps)
        self.names, self.steps = self.curves.names, self.curves.steps
        self.redraw_every = as_int(redraw_every, "redraw_every", minimum=1)
        self.progress = ipywidgets.IntProgress(value=0, min=0, max=self.steps * len(self.names),
                                               description="training", bar_style="info")
        self.text = ipywidgets.HTML(value="waiting to start")
        self.image = ipywidgets.Image(value=self.curves.png(), format="png")
        self.widget = ipywidgets.VBox([ipywidgets.HBox([self.progress, self.text]), self.image])

    def callback(self, name):
        """A ``callback(step, losses)`` for ``train`` that shows model ``name``'s progress."""
        if name not in self.names:
            raise ValueError(f"name must be one of {self.names}, got {name!r}")
        offset = self.names.index(name) * self.steps

        def update(step, losses):
            self.progress.value = offset + step
            self.curves.show(name, losses)
            self.text.value = f"{name}: step {step}/{self.steps}, loss {losses[-1]:.4f}"
            if offset + step == self.progress.max:
                self.progress.bar_style = "success"
            if step % self.redraw_every == 0 or step == self.steps:
                self.image.value = self.curves.png()

        return update
