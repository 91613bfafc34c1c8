"""Widgets for notebook 08 (learned upsampling): the live training display and the lecture's train button.

:class:`TrainingMonitor` wires a progress bar, a text line and the PNG of a
:class:`course_lib.draw_learning.LossCurveFigure` to ``course_lib.training``'s
progress callbacks. :class:`TrainOnClick` runs one training function once,
either at once (a notebook run top to bottom, nbval) or when the lecturer
presses its button (a live deck), and holds back the cells that need its
result until then. The drawing lives in ``draw_learning``; nothing here draws
or computes.
"""
from __future__ import annotations

import os

from ._checks import as_int
from .draw_learning import LossCurveFigure

__all__ = ["TrainingMonitor", "TrainOnClick", "presenting"]

# A class on the progress bar's widget, so a slide template can style it: reveal.js's
# `.reveal .progress {display: none}` (its own slide-progress bar) also matches the
# `progress` element inside ipywidgets' IntProgress, and the Voilà template overrides it.
PROGRESS_CLASS = "course-training-progress"


def presenting():
    """True when the kernel runs under Voilà (a live deck), which sets ``VOILA_KERNEL_ID`` in the kernel.

    Examples
    --------
    >>> isinstance(presenting(), bool)
    True
    """
    return "VOILA_KERNEL_ID" in os.environ


class TrainingMonitor:
    """A progress bar and a live loss curve for training several models (and seeds) one after another.

    The widget (``monitor.widget``) holds an ``ipywidgets.IntProgress`` over
    all steps of all models and seeds, a text line and an ``ipywidgets.Image``
    showing the :class:`~course_lib.draw_learning.LossCurveFigure`
    (``monitor.curves``): each update changes one line's data and re-renders
    the PNG. With several seeds each model's line shows the seed now training.

    Parameters
    ----------
    names : sequence of str
        The models, in the order they will train.
    steps : int
        Training steps per model.
    redraw_every : int
        Re-render the loss curve every this many steps (and at a model's
        last step); the progress bar and text follow every call.
    seeds : int
        How many times the models are trained (one pass per seed).

    Examples
    --------
    >>> monitor = TrainingMonitor(["a", "b"], steps=10, seeds=2)
    >>> monitor.callback("a")(10, [1.0] * 10)
    >>> monitor.progress.value, monitor.progress.max
    (10, 40)
    >>> update = monitor.experiment_callback()
    >>> update(7, "a", 10, [1.0] * 10)    # the first seed (7): model a, step 10
    >>> update(8, "b", 5, [1.0] * 5)      # the second seed (8): model b, step 5
    >>> monitor.progress.value            # 3 models' steps done, 5 into the fourth
    35
    """

    def __init__(self, names, steps, redraw_every=50, seeds=1):
        import ipywidgets

        self.curves = LossCurveFigure(names, steps)
        self.names, self.steps = self.curves.names, self.curves.steps
        self.redraw_every = as_int(redraw_every, "redraw_every", minimum=1)
        self.seeds = as_int(seeds, "seeds", minimum=1)
        self.progress = ipywidgets.IntProgress(value=0, min=0, max=self.steps * len(self.names) * self.seeds,
                                               description="training", bar_style="info")
        self.progress.add_class(PROGRESS_CLASS)
        self.text = ipywidgets.HTML(value="waiting to start")
        # A fixed display width (the PNG is 512 px wide; 760 px keeps its text legible): left to itself the image
        # stretches to the output area's width, and on a 1280x720 slide it then runs off the bottom.
        self.image = ipywidgets.Image(value=self.curves.png(), format="png", layout=ipywidgets.Layout(width="760px"))
        self.widget = ipywidgets.VBox([ipywidgets.HBox([self.progress, self.text]), self.image])

    def callback(self, name, seed_index=0):
        """A ``callback(step, losses)`` for ``train`` that shows model ``name``'s progress (pass ``seed_index`` of ``seeds``)."""
        if name not in self.names:
            raise ValueError(f"name must be one of {self.names}, got {name!r}")
        seed_index = as_int(seed_index, "seed_index", minimum=0)
        if seed_index >= self.seeds:
            raise ValueError(f"seed_index must be below seeds={self.seeds}, got {seed_index}")
        offset = (seed_index * len(self.names) + self.names.index(name)) * self.steps
        prefix = f"seed {seed_index + 1} of {self.seeds} · " if self.seeds > 1 else ""

        def update(step, losses):
            self.progress.value = offset + step
            self.curves.show(name, losses)
            self.text.value = f"{prefix}{name}: step {step}/{self.steps}, loss {losses[-1]:.4f}"
            if offset + step == self.progress.max:
                self.progress.bar_style = "success"
            if step % self.redraw_every == 0 or step == self.steps:
                self.image.value = self.curves.png()

        return update

    def experiment_callback(self):
        """A ``callback(seed, name, step, losses)`` for ``run_experiment``: seeds are counted in the order they first appear."""
        seen = []

        def update(seed, name, step, losses):
            if seed not in seen:
                seen.append(seed)
            self.callback(name, seen.index(seed))(step, losses)

        return update


def _captured_outputs(draw):
    """Run ``draw()`` and return what it printed and displayed, as nbformat output dicts.

    The held-back cells run inside the button's callback. There ``with output:``
    captures printed text but not ``display()`` (in a comm handler ipykernel's
    display publisher still carries the last executed cell as its parent, and
    the Output widget captures by parent), so figures would go missing: capture
    both with IPython's ``capture_output`` and hand them to the widget directly.
    Printed text comes first, then the displays; an exception shows as its traceback.
    """
    import traceback

    from IPython.utils.capture import capture_output

    error = None
    with capture_output() as captured:
        try:
            draw()
        except Exception:  # shown on the slide, as a cell's error would be
            error = traceback.format_exc()
    outputs = []
    if captured.stdout:
        outputs.append({"output_type": "stream", "name": "stdout", "text": captured.stdout})
    outputs += [{"output_type": "display_data", "data": item.data, "metadata": item.metadata or {}}
                for item in captured.outputs]
    if captured.stderr or error:
        outputs.append({"output_type": "stream", "name": "stderr", "text": captured.stderr + (error or "")})
    return tuple(outputs)


class TrainOnClick:
    """Run a training function once — now, or when a button is pressed — and hold back what needs its result.

    A notebook run top to bottom (a learner, ``nbval``) calls :meth:`run`
    directly; a live deck shows :attr:`button` instead, so the deck appears at
    once and the lecturer starts the training on its slide. Both paths call
    the same function. Cells that need the result pass a function to
    :meth:`when_done`: it runs at once if the result exists (so its output is
    the cell's ordinary output), otherwise its printed text and figures are
    put later into an ``ipywidgets.Output`` placed where the cell is.

    Parameters
    ----------
    function : callable
        Takes no arguments; its return value becomes :attr:`result`.
    description : str
        The button's label.

    Examples
    --------
    >>> session = TrainOnClick(lambda: 42)
    >>> session.when_done(lambda: print("waiting cell ran"))     # not run yet: held back
    >>> session.run()
    waiting cell ran
    42
    >>> session.when_done(lambda: print(session.result))
    42
    """

    def __init__(self, function, description="Start training"):
        import ipywidgets

        if not callable(function):
            raise TypeError(f"function must be callable, got {function!r}")
        self.function = function
        self.result = None
        self.done = False
        self._waiting = []
        self.button = ipywidgets.Button(description=str(description), button_style="primary",
                                        icon="play", layout=ipywidgets.Layout(width="auto"))
        self.button.on_click(lambda _button: self.run())

    def run(self):
        """Call the function (once; later calls return the same result), then the held-back cells."""
        if self.done:
            return self.result
        self.button.disabled = True
        self.button.description = "training…"
        self.result = self.function()
        self.done = True
        waiting, self._waiting = self._waiting, []
        for output, draw in waiting:
            if output is None:
                draw()
            else:
                output.outputs = _captured_outputs(draw)
        self.button.description = "trained"   # only now: the held-back slides are filled in
        return self.result

    def when_done(self, draw):
        """Call ``draw()`` now if trained, else when :meth:`run` finishes (shown where this cell is)."""
        if not callable(draw):
            raise TypeError(f"draw must be callable, got {draw!r}")
        if self.done:
            draw()
            return
        output = None
        try:
            from IPython import get_ipython
            from IPython.display import display

            if get_ipython() is not None:
                import ipywidgets

                output = ipywidgets.Output()
                display(output)
        except ImportError:  # pragma: no cover - IPython comes with ipywidgets
            output = None
        self._waiting.append((output, draw))
