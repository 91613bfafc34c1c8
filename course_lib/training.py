"""Training: Adam, a training loop with a progress callback, and PSNR.

Notebook 08. The loop is the textbook one, written out: forward, loss,
backward (``course_lib.layers``), optimiser step. Nothing here is random; the
data and the initial weights come seeded from the caller, so a run is
reproducible bit for bit.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_array, as_int
from .layers import Layer, MSELoss, Parameter

__all__ = ["Adam", "train", "psnr"]


class Adam:
    """Adam (Kingma & Ba 2015) with PyTorch's defaults and update rule.

    ``m = b1*m + (1-b1)*g``, ``v = b2*v + (1-b2)*g**2``,
    ``w -= lr * (m / (1-b1**t)) / (sqrt(v / (1-b2**t)) + eps)``.

    Parameters
    ----------
    parameters : list of Parameter
    lr : float
    betas : (float, float)
    eps : float

    Examples
    --------
    The first step moves every weight by ``lr`` against the sign of its gradient:

    >>> w = Parameter(np.array([1.0, -1.0]))
    >>> w.grad[...] = [0.5, -2.0]
    >>> Adam([w], lr=0.1).step()
    >>> w.value
    array([ 0.9, -0.9])
    """

    def __init__(self, parameters, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        parameters = list(parameters)
        for index, p in enumerate(parameters):
            if not isinstance(p, Parameter):
                raise TypeError(f"parameters[{index}] must be a Parameter, got {type(p).__name__}")
        if not parameters:
            raise ValueError("parameters must not be empty")
        if not (isinstance(lr, (int, float)) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        if not (len(betas) == 2 and all(isinstance(b, (int, float)) and 0 <= b < 1 for b in betas)):
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas!r}")
        if not (isinstance(eps, (int, float)) and eps > 0):
            raise ValueError(f"eps must be a positive number, got {eps!r}")
        self.parameters = parameters
        self.lr, self.betas, self.eps = float(lr), tuple(float(b) for b in betas), float(eps)
        self.steps = 0
        self._m = [np.zeros_like(p.value) for p in parameters]
        self._v = [np.zeros_like(p.value) for p in parameters]

    def zero_grad(self):
        for p in self.parameters:
            p.zero_grad()

    def step(self):
        self.steps += 1
        b1, b2 = self.betas
        correction1, correction2 = 1 - b1**self.steps, 1 - b2**self.steps
        for p, m, v in zip(self.parameters, self._m, self._v):
            m *= b1
            m += (1 - b1) * p.grad
            v *= b2
            v += (1 - b2) * p.grad**2
            denominator = np.sqrt(v / correction2) + self.eps
            p.value -= (self.lr * (m / correction1) / denominator).astype(p.value.dtype)


def train(model, inputs, targets, steps, optimizer, callback=None, every=1):
    """Train ``model`` on one fixed batch with mean squared error; return the loss per step.

    Each step: ``zero_grad``, forward, loss, backward, ``optimizer.step()``.

    Parameters
    ----------
    model : Layer
        E.g. a ``Sequential`` from ``course_lib.layers``.
    inputs, targets : (N, C, H, W) array_like
        The batch and what the model should output for it.
    steps : int
        Number of optimiser steps (0 only evaluates nothing and returns ``[]``).
    optimizer : Adam
        Built on ``model.parameters()``.
    callback : callable, optional
        Called as ``callback(step, losses)`` after step 1, every ``every``
        steps and after the last step, with ``losses`` the list so far; for
        progress bars, live plots and measurements during training.
    every : int

    Returns
    -------
    list of float
        The loss *before* each step's update (``steps`` values).

    Examples
    --------
    >>> from course_lib.layers import Conv2d
    >>> model = Conv2d(1, 1, 1, rng=0)
    >>> x = np.ones((1, 1, 2, 2)); y = 2 * x
    >>> losses = train(model, x, y, 200, Adam(model.parameters(), lr=0.05))
    >>> losses[0] > 1, losses[-1] < 1e-3
    (True, True)
    """
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a course_lib.layers layer, got {type(model).__name__}")
    if not isinstance(optimizer, Adam):
        raise TypeError(f"optimizer must be an Adam optimiser, got {type(optimizer).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {callback!r}")
    inputs, targets = as_array(inputs, "inputs"), as_array(targets, "targets")
    steps = as_int(steps, "steps", minimum=0)
    every = as_int(every, "every", minimum=1)
    loss = MSELoss()
    losses = []
    for step in range(1, steps + 1):
        optimizer.zero_grad()
        losses.append(loss(model.forward(inputs), targets))
        model.backward(loss.backward())
        optimizer.step()
        if callback is not None and (step == 1 or step % every == 0 or step == steps):
            callback(step, losses)
    return losses


def psnr(prediction, target, peak=1.0):
    """Peak signal-to-noise ratio in dB: ``10 log10(peak**2 / mse)``.

    Examples
    --------
    >>> round(psnr([0.0, 0.5], [0.0, 0.6]), 2)
    23.01
    """
    prediction = as_array(prediction, "prediction").astype(np.float64)
    target = as_array(target, "target").astype(np.float64)
    if prediction.shape != target.shape:
        raise ValueError(f"prediction and target must have the same shape, got {prediction.shape} and {target.shape}")
    mse = float(np.mean((prediction - target) ** 2))
    return float("inf") if mse == 0 else float(10 * np.log10(peak**2 / mse))
