"""Widget for notebook 09 (segmentation): notebook 08's live training display, for decoders x seeds.

:func:`segmentation_monitor` builds a :class:`course_lib.explore_learning.TrainingMonitor`
with one loss curve per decoder (each decoder's seeds one after another on its
line) and returns it with the ``callback(decoder, seed)`` that
``course_lib.segmentation.run_experiment`` expects. Nothing here computes or draws
beyond wiring.
"""
from __future__ import annotations

from ._checks import as_int
from .draw_segmentation import style_loss_curves
from .explore_learning import TrainingMonitor

__all__ = ["segmentation_monitor"]


def segmentation_monitor(decoders, seeds, steps, redraw_every=50):
    """A progress bar and live loss curves for every decoder trained from every seed.

    Parameters
    ----------
    decoders : sequence of str
    seeds : sequence of int
    steps : int
        Training steps per run.
    redraw_every : int

    Returns
    -------
    monitor : TrainingMonitor
        Show ``monitor.widget``.
    callback : callable
        ``callback(decoder, seed)`` returns the per-step ``callback(step, losses)`` of that run.

    Examples
    --------
    >>> monitor, callback = segmentation_monitor(["nearest", "U-Net bilinear"], seeds=[0, 1], steps=5)
    >>> run = callback("U-Net bilinear", 1)
    >>> run(5, [1.0] * 5)
    >>> monitor.progress.value, monitor.progress.max
    (20, 20)
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must not be empty")
    steps = as_int(steps, "steps", minimum=1)
    monitor = TrainingMonitor(list(decoders), steps=steps * len(seeds), redraw_every=redraw_every)
    style_loss_curves(monitor.curves, xlabel=f"training step ({len(seeds)} seeds one after another)")
    monitor.image.value = monitor.curves.png()
    earlier = {name: {} for name in monitor.names}

    def callback(decoder, seed):
        if seed not in seeds:
            raise ValueError(f"seed must be one of {seeds}, got {seed!r}")
        update = monitor.callback(decoder)
        position = seeds.index(seed)

        def progress(step, losses):
            earlier[decoder][seed] = list(losses)
            before = [value for s in seeds[:position] for value in earlier[decoder].get(s, [])]
            update(position * steps + step, before + list(losses))

        return progress

    return monitor, callback
