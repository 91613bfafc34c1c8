"""Training: Adam, a training loop with a progress callback, PSNR, and notebook 08's experiment.

Notebook 08. The loop is the textbook one, written out: forward, loss,
backward (``course_lib.layers``), optimiser step. Nothing here is random; the
data and the initial weights come seeded from the caller, so a run is
reproducible bit for bit.

The experiment: a small decoder for x2 super-resolution (:func:`decoder`)
with one of four upsamplers (:data:`UPSAMPLERS`, widths in
:data:`MATCHED_CHANNELS` so that all four have the same number of weights
within 2 %), trained on crops (:func:`super_resolution_pairs`) and measured
(:func:`measure`) on the training images, on held-out images and on a flat
grey probe, for several seeds (:func:`run_experiment`).
"""
from __future__ import annotations

import numpy as np

from ._checks import as_array, as_int, as_positive_float
from ._memory import keep_freed_memory
from .images import grace_hopper, shapes
from .artifacts import checkerboard_strength, flat_window_spreads, period_energy_share
from .layers import (Conv2d, ConvTranspose2d, Layer, MSELoss, Parameter, ReLU, ResizeConv2d, Sequential,
                     SubPixelConv2d)

__all__ = ["Adam", "train", "psnr", "UPSAMPLERS", "MATCHED_CHANNELS", "upsampler", "decoder", "weight_count",
           "super_resolution_pairs", "experiment_images", "measure", "train_and_measure", "run_experiment",
           "per_seed", "agreed_pairs", "EXPERIMENT_SEEDS", "EXPERIMENT_STEPS"]

UPSAMPLERS = ("transposed k3 s2", "transposed k4 s2", "nearest resize + conv", "pixel shuffle + ICNR")

# Feature channels (before, after the upsampler) that give every decoder of notebook 08 about
# 1,200 weights: 1,201 / 1,185 / 1,201 / 1,206 (at most 1.8 % apart). With 8 channels for all
# four the counts would be 737 / 1,185 / 737 / 2,489 (a 4x4 kernel has 16 taps per channel pair,
# a 3x3 conv to 4x the channels 36).
MATCHED_CHANNELS = {"transposed k3 s2": (10, 11), "transposed k4 s2": (8, 8),
                    "nearest resize + conv": (10, 11), "pixel shuffle + ICNR": (6, 5)}


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
        lr = as_positive_float(lr, "lr")
        if not (len(betas) == 2 and all(isinstance(b, (int, float)) and 0 <= b < 1 for b in betas)):
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas!r}")
        eps = as_positive_float(eps, "eps")
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


def _check_training_arguments(model, optimizer, callback):
    """The checks every training loop (:func:`train`, :func:`course_lib.segmentation.train_segmentation`) makes.

    Raises
    ------
    TypeError
        ``model`` is not a :class:`course_lib.layers.Layer`, ``optimizer`` not an :class:`Adam`, or
        ``callback`` neither callable nor None.
    """
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a course_lib.layers layer, got {type(model).__name__}")
    if not isinstance(optimizer, Adam):
        raise TypeError(f"optimizer must be an Adam optimiser, got {type(optimizer).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {callback!r}")


def train(model, inputs, targets, steps, optimizer, callback=None, every=1):
    """Train ``model`` on one fixed batch with mean squared error; return the loss per step.

    Each step: ``zero_grad``, forward, loss, backward, ``optimizer.step()``.
    Before the first step it raises glibc's malloc thresholds for this process
    (``course_lib._memory.keep_freed_memory``; nothing outside Linux/glibc), so
    the arrays each step frees are reused instead of page-faulted in again.

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
    _check_training_arguments(model, optimizer, callback)
    inputs, targets = as_array(inputs, "inputs"), as_array(targets, "targets")
    steps = as_int(steps, "steps", minimum=0)
    every = as_int(every, "every", minimum=1)
    # Training frees and reallocates many 0.1-2 MB arrays per step: keep freed memory in
    # the process (glibc's mmap/trim thresholds; a no-op elsewhere), else each step
    # page-faults ~1,800 times (course_lib._memory). This changes the process's malloc
    # settings from here on, which is why it happens here and not at import.
    keep_freed_memory()
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


def upsampler(name, channels, rng=None, dtype=np.float32, out_channels=None):
    """One of the four x2 upsampling layers of notebook 08, ``channels`` in, ``out_channels`` (default the same) out.

    ``"transposed k3 s2"`` (padding 1, output_padding 1), ``"transposed k4 s2"``
    (padding 1), ``"nearest resize + conv"`` (3x3) and ``"pixel shuffle + ICNR"``
    (3x3 conv to ``4 * channels``); each maps (N, C, H, W) to (N, C, 2H, 2W).

    Examples
    --------
    >>> [upsampler(name, 2, rng=0)(np.ones((1, 2, 3, 3))).shape[2:] for name in UPSAMPLERS]
    [(6, 6), (6, 6), (6, 6), (6, 6)]
    """
    channels = as_int(channels, "channels", minimum=1)
    out = channels if out_channels is None else as_int(out_channels, "out_channels", minimum=1)
    if name == "transposed k3 s2":
        return ConvTranspose2d(channels, out, 3, stride=2, padding=1, output_padding=1, rng=rng, dtype=dtype)
    if name == "transposed k4 s2":
        return ConvTranspose2d(channels, out, 4, stride=2, padding=1, rng=rng, dtype=dtype)
    if name == "nearest resize + conv":
        return ResizeConv2d(channels, out, 3, scale_factor=2, mode="nearest", rng=rng, dtype=dtype)
    if name == "pixel shuffle + ICNR":
        return SubPixelConv2d(channels, out, 3, upscale_factor=2, init="icnr", rng=rng, dtype=dtype)
    raise ValueError(f"name must be one of {UPSAMPLERS}, got {name!r}")


def decoder(name, channels=8, seed=0, image_channels=1, dtype=np.float32):
    """The small x2 decoder of notebook 08: conv 3x3, ReLU, upsampler, ReLU, conv 3x3.

    The two convolutions get the same seeded weights whatever the upsampler,
    so the four decoders differ only in their upsampling layer.

    Parameters
    ----------
    name : str
        One of :data:`UPSAMPLERS`.
    channels : int or (int, int)
        Feature channels inside the decoder: one number for both, or
        (before, after) the upsampler, e.g. ``MATCHED_CHANNELS[name]``.
    seed : int
        Seeds the three layers (three independent streams spawned from
        ``numpy.random.SeedSequence(seed)``).
    image_channels : int
        Channels of the input and output images (1 grey, 3 RGB).
    dtype : float32 or float64

    Returns
    -------
    Sequential
        Maps (N, image_channels, H, W) to (N, image_channels, 2H, 2W).

    Examples
    --------
    >>> net = decoder("transposed k4 s2", channels=4)
    >>> net(np.ones((2, 1, 5, 5), dtype=np.float32)).shape
    (2, 1, 10, 10)
    >>> [weight_count(decoder(name, MATCHED_CHANNELS[name])) for name in UPSAMPLERS]
    [1201, 1185, 1201, 1206]
    """
    seed = as_int(seed, "seed", minimum=0)
    image_channels = as_int(image_channels, "image_channels", minimum=1)
    if isinstance(channels, (tuple, list)):
        if len(channels) != 2:
            raise ValueError(f"channels must be an int or a (before, after) pair, got {channels!r}")
        before, after = (as_int(c, "channels", minimum=1) for c in channels)
    else:
        before = after = as_int(channels, "channels", minimum=1)
    first, middle, last = (np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(3))
    return Sequential(Conv2d(image_channels, before, 3, padding=1, rng=first, dtype=dtype), ReLU(),
                      upsampler(name, before, rng=middle, dtype=dtype, out_channels=after), ReLU(),
                      Conv2d(after, image_channels, 3, padding=1, rng=last, dtype=dtype))


def weight_count(model):
    """The number of trainable numbers (weights and biases) of a model.

    Examples
    --------
    >>> weight_count(Conv2d(2, 3, 3, rng=0))     # 3*2*3*3 weights + 3 biases
    57
    """
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a course_lib.layers layer, got {type(model).__name__}")
    return int(sum(p.value.size for p in model.parameters()))


def super_resolution_pairs(images, factor=2, dtype=np.float32):
    """Inputs and targets for x``factor`` super-resolution: each target, block-averaged.

    Parameters
    ----------
    images : (N, C, H, W) array_like
        The targets; ``H`` and ``W`` divisible by ``factor``.
    factor : int

    Returns
    -------
    inputs : (N, C, H/factor, W/factor) ndarray
        The mean of each ``factor x factor`` block (what a camera with bigger pixels sees).
    targets : (N, C, H, W) ndarray

    Examples
    --------
    >>> low, high = super_resolution_pairs(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> low[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]], dtype=float32)
    """
    targets = as_array(images, "images")
    factor = as_int(factor, "factor", minimum=1)
    if targets.ndim != 4 or targets.shape[2] % factor or targets.shape[3] % factor:
        raise ValueError(f"images must be 4-D (N, C, H, W) with H and W divisible by factor={factor}, "
                         f"got shape {targets.shape}")
    n, c, h, w = targets.shape
    inputs = targets.reshape(n, c, h // factor, factor, w // factor, factor).mean(axis=(3, 5))
    return inputs.astype(dtype), targets.astype(dtype)


def experiment_images(crop=32, seed=8):
    """Notebook 08's training and held-out images: crops of the photo and the test card, no pixel shared.

    Training: 8 crops of ``grace_hopper(128)`` with their left edge in
    columns 0-32 (so inside the left half) and the test card's two left
    quadrants (circle, square). Held-out: 5 crops of the photo's right half
    (columns 64-127) and the test card's top-right quadrant (the diagonal's
    start). The card's bottom-right quadrant is left out of both: its
    one-pixel stripes vanish completely when 2x2 blocks are averaged, so no
    upsampler could recover them.

    Parameters
    ----------
    crop : int
        Crop size (32: 32x32 targets and 16x16 inputs).
    seed : int
        Picks the crop corners.

    Returns
    -------
    train, heldout : (N, 1, crop, crop) float64 ndarrays
        10 and 6 images in [0, 1].

    Examples
    --------
    >>> train, heldout = experiment_images()
    >>> train.shape, heldout.shape
    ((10, 1, 32, 32), (6, 1, 32, 32))
    """
    crop = as_int(crop, "crop", minimum=2)
    if crop > 32:
        raise ValueError(f"crop must be at most 32 (a quadrant of the 64x64 test card), got {crop}")
    rng = np.random.default_rng(as_int(seed, "seed", minimum=0))
    photo, card = grace_hopper(128), shapes(64)
    rows = rng.integers(0, 129 - crop, size=13)
    left = rng.integers(0, 65 - crop, size=8)
    right = rng.integers(64, 129 - crop, size=5)
    train = [photo[r:r + crop, c:c + crop] for r, c in zip(rows[:8], left)] + [card[:crop, :crop],
                                                                                 card[32:32 + crop, :crop]]
    heldout = [photo[r:r + crop, c:c + crop] for r, c in zip(rows[8:], right)] + [card[:crop, 32:32 + crop]]
    return np.array(train, dtype=np.float64)[:, None], np.array(heldout, dtype=np.float64)[:, None]


EXPERIMENT_SEEDS = (0, 1, 2, 3, 4)  # notebook 08 and tests/test_experiment_08.py
EXPERIMENT_STEPS = 200

FLAT_WINDOW = 8        # flat_window_spreads in measure(): 8x8 tiles,
FLAT_TOLERANCE = 0.01  # flat where the target's standard deviation is below 0.01,
FLAT_BORDER = 4        # 4 border pixels left out (a 32x32 target gives 3x3 tiles)


def measure(model, inputs, targets, probe=None, border=2):
    """Artifact measures and PSNR of a model's outputs, on image pairs and (optionally) a flat probe.

    Parameters
    ----------
    model : Layer
    inputs, targets : (N, C, H, W) array_like
        Image pairs (training or held-out).
    probe : (1, C, h, w) array_like, optional
        E.g. a flat grey image: a smooth input shows what the layers add by themselves.
    border : int
        Pixels ignored at each side by ``checkerboard_strength`` (border pixels
        see the zero padding).

    Returns
    -------
    dict
        ``"loss"``: mean squared error against the targets;
        ``"psnr"``: PSNR of the outputs (clipped to [0, 1] first, as an image
        would be shown) against the targets, in dB;
        ``"strength"``: mean ``checkerboard_strength`` (stride 2) of the
        outputs over images and channels;
        ``"flat_spread"``: mean phase-mean spread of the outputs over the 8x8
        windows where the target is flat (``flat_window_spreads``, tolerance
        0.01, 4 border pixels left out; NaN if no window is flat);
        ``"period_share"``: ``period_energy_share`` (stride 2) of the error
        ``outputs - targets``; with a probe also
        ``"probe_strength"``: ``checkerboard_strength`` of the probe's output.

    Examples
    --------
    >>> net = decoder("nearest resize + conv", channels=2)
    >>> x, y = super_resolution_pairs(np.full((1, 1, 16, 16), 0.5))
    >>> sorted(measure(net, x, y, x).keys())
    ['flat_spread', 'loss', 'period_share', 'probe_strength', 'psnr', 'strength']
    """
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a course_lib.layers layer, got {type(model).__name__}")
    border = as_int(border, "border", minimum=0)
    outputs = model.forward(as_array(inputs, "inputs"))
    targets = as_array(targets, "targets")
    if outputs.shape != targets.shape:
        raise ValueError(f"targets must have the outputs' shape {outputs.shape}, got {targets.shape}")
    spreads = flat_window_spreads(outputs, targets, stride=2, window=FLAT_WINDOW, tolerance=FLAT_TOLERANCE,
                                  border=FLAT_BORDER)
    error = outputs - targets
    result = {
        "loss": float(np.mean(error**2)),
        "psnr": psnr(np.clip(outputs, 0, 1), targets),
        "strength": float(np.mean([checkerboard_strength(plane, 2, border=border)
                                   for image in outputs for plane in image])),
        "flat_spread": float(spreads.mean()) if spreads.size else float("nan"),
        "period_share": period_energy_share(error, 2) if np.any(error) else 0.0,
    }
    if probe is not None:
        probe_output = model.forward(as_array(probe, "probe"))
        result["probe_strength"] = float(np.mean([checkerboard_strength(plane, 2, border=border)
                                                  for plane in probe_output[0]]))
    return result


def train_and_measure(model, inputs, targets, probe, steps, lr=0.01, every=10, callback=None, border=6):
    """Train with Adam and :func:`train`, measuring (:func:`measure`) at step 0 and every ``every`` steps.

    Parameters
    ----------
    model, inputs, targets, probe, border
        As in :func:`measure`.
    steps, every : int
    lr : float
        Adam's learning rate.
    callback : callable, optional
        Passed on to :func:`train` (called every ``every`` steps), e.g. a progress display.

    Returns
    -------
    dict of lists
        ``"step"`` (0, every, 2*every, ..., steps) and one list per key of
        :func:`measure`, each value taken *after* that many updates.

    Examples
    --------
    >>> net = decoder("transposed k4 s2", channels=2)
    >>> x, y = super_resolution_pairs(np.full((1, 1, 16, 16), 0.5))
    >>> history = train_and_measure(net, x, y, x, steps=4, every=2, border=1)
    >>> history["step"], history["loss"][-1] < history["loss"][0]
    ([0, 2, 4], True)
    """
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {callback!r}")
    history = {"step": [0]}
    for key, value in measure(model, inputs, targets, probe, border).items():
        history[key] = [value]

    def record(step, losses):
        if step % every == 0:
            history["step"].append(step)
            for key, value in measure(model, inputs, targets, probe, border).items():
                history[key].append(value)
        if callback is not None:
            callback(step, losses)

    train(model, inputs, targets, steps, Adam(model.parameters(), lr=lr), callback=record, every=every)
    return history


def run_experiment(train_pairs, heldout_pairs, probe, seeds, steps, *, names=UPSAMPLERS, channels=None,
                   lr=0.01, every=10, border=6, callback=None, dtype=np.float64):
    """Notebook 08's experiment: every upsampler, every seed, trained and measured on training and held-out images.

    For each seed and each name: build ``decoder(name, channels[name], seed)``,
    train it with :func:`train_and_measure` (Adam, learning rate ``lr``) on the
    training pairs, then :func:`measure` it on the training and the held-out
    pairs. The seed sets the initial weights; data, steps and optimiser are
    the same for all.

    Parameters
    ----------
    train_pairs, heldout_pairs : (inputs, targets)
        From :func:`super_resolution_pairs`.
    probe : (1, C, h, w) array_like
        The flat probe of :func:`measure`.
    seeds : sequence of int
    steps : int
    names : sequence of str
        Upsamplers, default all of :data:`UPSAMPLERS`.
    channels : dict of str to int or pair, optional
        Decoder widths; default :data:`MATCHED_CHANNELS`.
    lr, every, border
        As in :func:`train_and_measure`.
    callback : callable, optional
        Called as ``callback(seed, name, step, losses)`` during training (progress displays).

    Returns
    -------
    dict
        ``result[seed][name]`` is a dict with ``"model"`` (the trained
        decoder), ``"history"`` (from :func:`train_and_measure`),
        ``"step0"`` and ``"train"`` and ``"heldout"`` (:func:`measure` before
        training on the training pairs with the probe, after training on the
        training pairs with the probe, after training on the held-out pairs).

    Examples
    --------
    >>> pairs = super_resolution_pairs(np.full((1, 1, 16, 16), 0.5))
    >>> result = run_experiment(pairs, pairs, pairs[0], seeds=[0, 1], steps=2, names=["transposed k4 s2"], every=1)
    >>> sorted(result), sorted(result[1]["transposed k4 s2"])
    ([0, 1], ['heldout', 'history', 'model', 'step0', 'train'])
    """
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {callback!r}")
    seeds = [as_int(seed, "seeds", minimum=0) for seed in seeds]
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be a non-empty sequence of distinct ints, got {seeds!r}")
    names = list(names)
    for name in names:
        if name not in UPSAMPLERS:
            raise ValueError(f"names must be among {UPSAMPLERS}, got {name!r}")
    channels = MATCHED_CHANNELS if channels is None else channels
    (inputs, targets), (held_inputs, held_targets) = train_pairs, heldout_pairs
    result = {}
    for seed in seeds:
        result[seed] = {}
        for name in names:
            model = decoder(name, channels[name], seed=seed, dtype=dtype)
            step0 = measure(model, inputs, targets, probe, border)
            progress = None if callback is None else (
                lambda step, losses, seed=seed, name=name: callback(seed, name, step, losses))
            history = train_and_measure(model, inputs, targets, probe, steps, lr=lr, every=every,
                                        callback=progress, border=border)
            result[seed][name] = {"model": model, "history": history, "step0": step0,
                                  "train": measure(model, inputs, targets, probe, border),
                                  "heldout": measure(model, held_inputs, held_targets, None, border)}
    return result


def per_seed(result, split, key):
    """One measurement of :func:`run_experiment`'s result as ``{name: [value per seed]}``.

    Parameters
    ----------
    result : dict
        From :func:`run_experiment`.
    split : {"step0", "train", "heldout"}
    key : str
        A key of :func:`measure`, e.g. ``"psnr"`` or ``"flat_spread"``.

    Examples
    --------
    >>> per_seed({0: {"a": {"train": {"psnr": 20.0}}}, 1: {"a": {"train": {"psnr": 21.0}}}}, "train", "psnr")
    {'a': [20.0, 21.0]}
    """
    if split not in ("step0", "train", "heldout"):
        raise ValueError(f"split must be 'step0', 'train' or 'heldout', got {split!r}")
    seeds = list(result)
    names = list(result[seeds[0]]) if seeds else []
    try:
        return {name: [float(result[seed][name][split][key]) for seed in seeds] for name in names}
    except KeyError as error:
        raise ValueError(f"key {key!r} is not measured in split {split!r} ({error})") from None


def agreed_pairs(values):
    """Pairs ``(a, b)`` with ``values[a][i] < values[b][i]`` for every seed ``i``: the rankings all seeds agree on.

    Examples
    --------
    >>> agreed_pairs({"a": [1, 1], "b": [2, 3], "c": [3, 2]})
    [('a', 'b'), ('a', 'c')]
    """
    names = list(values)
    lengths = {len(values[name]) for name in names}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(f"values must give every name the same, non-zero number of seeds, got {sorted(lengths)}")
    return [(a, b) for a in names for b in names
            if a != b and all(x < y for x, y in zip(values[a], values[b]))]
