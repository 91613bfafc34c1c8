"""Layers with a forward and a backward pass, built on the course's operators.

Notebook 08. In the spirit of micrograd: each layer is a small class whose
``forward(x)`` remembers what its ``backward(grad)`` needs, and whose
``backward`` returns the gradient of the loss with respect to the layer's
input and adds the gradients of its weights to ``Parameter.grad``.

The payoff of notebook 06: the backward pass of a convolution needs no new
operator.

* The input-gradient of ``conv2d`` **is** ``conv_transpose2d`` with the same
  weight, stride and padding (transposed convolution is the adjoint, ``C^T``).
* The input-gradient of ``conv_transpose2d`` **is** ``conv2d`` with the same
  weight, stride and padding.
* The weight-gradient of either is a correlation of the layer's input with
  its output gradient (:func:`kernel_gradient`): itself a ``conv2d`` with
  dilation equal to the stride, computed as one matrix product.

Everything is ``(N, C, H, W)``; weights use PyTorch's layouts and PyTorch's
default initialisation (uniform in ``±1/sqrt(fan_in)``), so a network built
here can be compared with ``torch.nn`` layer by layer.

Importing this module changes nothing in the process. :func:`course_lib.training.train`
calls ``_memory.keep_freed_memory`` (glibc only) when training starts: a
training step frees and reallocates many arrays of 0.1-2 MB, and glibc's
default of returning such blocks to the OS at once costs more page faults than
arithmetic (see that module).
"""
from __future__ import annotations

import numpy as np

from ._checks import as_array, as_float_dtype, as_int, as_pair
from .artifacts import icnr
from .checkerboard import pixel_shuffle
from .convolution import conv2d, conv_output_size
from .interpolation import interpolation_matrix
from .transposed import conv_transpose2d, conv_transpose_output_size

__all__ = [
    "Parameter",
    "Layer",
    "Conv2d",
    "ConvTranspose2d",
    "Upsample",
    "ResizeConv2d",
    "PixelShuffle",
    "SubPixelConv2d",
    "ReLU",
    "Sequential",
    "MSELoss",
    "kernel_gradient",
    "pixel_unshuffle",
]

def _batch(x, name, channels=None):
    """A 4-D float array (N, C, H, W) with ``channels`` channels, or raise naming ``name``."""
    array = as_array(x, name)
    if array.ndim != 4:
        raise ValueError(f"{name} must be 4-D (N, C, H, W), got {array.ndim}-D with shape {array.shape}")
    if channels is not None and array.shape[1] != channels:
        raise ValueError(f"{name} must have {channels} channels, got shape {array.shape}")
    return array


def _generator(rng):
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an int seed or None, got {rng!r}")


def _uniform_parameters(shape, fan_in, out_channels, bias, rng, dtype):
    """PyTorch's default initialisation: a weight of ``shape`` and (if ``bias``) one bias per
    output channel, uniform in ``±1/sqrt(fan_in)``, the weight drawn first. Returns
    ``(weight, bias)`` Parameters, ``bias`` None without one.
    """
    bound = 1 / np.sqrt(fan_in)
    weight = Parameter(rng.uniform(-bound, bound, shape).astype(dtype))
    return weight, (Parameter(rng.uniform(-bound, bound, out_channels).astype(dtype)) if bias else None)


def _not_run(layer):
    return RuntimeError(f"{type(layer).__name__}.backward called before forward")


class Parameter:
    """A weight array and the gradient accumulated for it.

    Attributes
    ----------
    value : ndarray
        The weights; optimisers update it in place.
    grad : ndarray
        Same shape; ``backward`` passes *add* to it, :meth:`zero_grad` clears it.
    """

    def __init__(self, value):
        self.value = np.array(value)
        self.grad = np.zeros_like(self.value)

    def zero_grad(self):
        self.grad[...] = 0

    def __repr__(self):
        return f"Parameter(shape={self.value.shape}, dtype={self.value.dtype})"


class Layer:
    """Base class: ``forward``, ``backward``, ``parameters`` (none by default)."""

    def parameters(self):
        return []

    def __call__(self, x):
        return self.forward(x)


def kernel_gradient(inputs, grad, kernel_size, stride):
    """Gradient of a convolution's loss with respect to its kernel.

    For ``out = conv2d(inputs, w, stride=s)`` (``inputs`` already padded), the
    gradient is ``dw[o, i, a, b] = sum_{n, y, x} grad[n, o, y, x] * inputs[n, i, s*y + a, s*x + b]``:
    a correlation of the input with the output gradient. It *is* a ``conv2d``
    (input and gradient with batch and channels swapped, the gradient as the
    kernel, dilation ``s``; the tests check this), but that kernel is as large
    as the output, so here it is computed the short way: gather the input pixels
    each kernel tap ``(a, b)`` touched, and multiply with the gradient once.

    Parameters
    ----------
    inputs : (N, C_in, H, W) ndarray
        The convolution's (padded) input.
    grad : (N, C_out, oH, oW) ndarray
        Gradient of the loss with respect to the convolution's output.
    kernel_size, stride : int or (int, int)

    Returns
    -------
    (C_out, C_in, kH, kW) ndarray
        In ``conv2d``'s weight layout.

    Examples
    --------
    A 1x1 kernel's gradient is the sum of input times gradient:

    >>> x = np.arange(4.0).reshape(1, 1, 2, 2)
    >>> kernel_gradient(x, np.ones((1, 1, 2, 2)), 1, 1)[0, 0]
    array([[6.]])
    """
    inputs, grad = _batch(inputs, "inputs"), _batch(grad, "grad")
    (kh, kw), (sh, sw) = as_pair(kernel_size, "kernel_size", minimum=1), as_pair(stride, "stride", minimum=1)
    oh, ow = grad.shape[2:]
    if grad.shape[0] != inputs.shape[0] or (oh - 1) * sh + kh > inputs.shape[2] or (ow - 1) * sw + kw > inputs.shape[3]:
        raise ValueError(f"grad of shape {grad.shape} does not fit a kernel_size={kernel_size!r}, stride={stride!r} "
                         f"convolution of inputs of shape {inputs.shape}")
    n, c_in, height, width = inputs.shape
    c_out = grad.shape[1]
    if c_out * sh * sw > c_in:
        # The input pixels each tap (a, b) touched, one row per (input channel, tap), one column per
        # (image, output pixel); then a single matrix product with the gradient.
        touched = np.stack([inputs[:, :, a : a + sh * (oh - 1) + 1 : sh, b : b + sw * (ow - 1) + 1 : sw].transpose(1, 0, 2, 3)
                            for a in range(kh) for b in range(kw)], axis=1)  # (C_in, kH*kW, N, oH, oW)
        flat_grad = grad.transpose(1, 0, 2, 3).reshape(c_out, -1)            # (C_out, N*oH*oW)
        dw = flat_grad @ touched.reshape(-1, flat_grad.shape[1]).T            # (C_out, C_in*kH*kW)
        return dw.reshape(c_out, c_in, kh, kw)
    # Fewer gradient channels than input channels: copy the (smaller) gradient instead. Placed on the
    # input's grid at (s*y, s*x), tap (a, b) pairs it with the input shifted by a rows and b columns:
    # one matrix product per tap over the images flattened row by row, no copy of the input per tap.
    flat_inputs = np.ascontiguousarray(inputs.transpose(1, 0, 2, 3)).reshape(c_in, -1)   # (C_in, N*H*W)
    placed = np.zeros((c_out, n, height, width), dtype=np.result_type(grad, inputs))
    placed[:, :, : sh * (oh - 1) + 1 : sh, : sw * (ow - 1) + 1 : sw] = grad.transpose(1, 0, 2, 3)
    placed = placed.reshape(c_out, -1)
    length = flat_inputs.shape[1] - (kh - 1) * width - (kw - 1)  # shifts past the end read nothing placed
    dw = np.empty((c_out, c_in, kh, kw), dtype=np.result_type(placed, flat_inputs))
    for a in range(kh):
        for b in range(kw):
            offset = a * width + b
            dw[:, :, a, b] = placed[:, :length] @ flat_inputs[:, offset : offset + length].T
    return dw


class _WeightedLayer(Layer):
    """A layer with a ``weight`` and an optional ``bias`` Parameter."""

    def parameters(self):
        return [self.weight] + ([self.bias] if self.bias is not None else [])


class Conv2d(_WeightedLayer):
    """``torch.nn.Conv2d``: ``conv2d(x, weight, bias, stride, padding)``.

    Backward: the input-gradient is ``conv_transpose2d(grad, weight, stride,
    padding, output_padding)``, where ``output_padding`` picks the input's
    size among the ``stride`` sizes that convolve to the same output size.

    Parameters
    ----------
    in_channels, out_channels, kernel_size : int
    stride, padding : int or (int, int)
    bias : bool
    rng : numpy Generator, int or None
        Seeds the initialisation, uniform in ``±1/sqrt(in_channels * kH * kW)``.
    dtype : float32 or float64

    Examples
    --------
    >>> layer = Conv2d(1, 2, 3, padding=1, rng=0)
    >>> layer(np.ones((1, 1, 4, 4))).shape
    (1, 2, 4, 4)
    >>> layer.backward(np.ones((1, 2, 4, 4))).shape
    (1, 1, 4, 4)
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True,
                 rng=None, dtype=np.float64):
        self.in_channels = as_int(in_channels, "in_channels", minimum=1)
        self.out_channels = as_int(out_channels, "out_channels", minimum=1)
        self.kernel_size = as_pair(kernel_size, "kernel_size", minimum=1)
        self.stride = as_pair(stride, "stride", minimum=1)
        self.padding = as_pair(padding, "padding", minimum=0)
        dtype, rng = as_float_dtype(dtype), _generator(rng)
        self.weight, self.bias = _uniform_parameters(
            (self.out_channels, self.in_channels) + self.kernel_size,
            self.in_channels * self.kernel_size[0] * self.kernel_size[1], self.out_channels, bias, rng, dtype)

    def forward(self, x):
        x = _batch(x, "x", self.in_channels)
        self._x = x
        bias = self.bias.value if self.bias is not None else None
        return conv2d(x, self.weight.value, bias, stride=self.stride, padding=self.padding)

    def backward(self, grad):
        if not hasattr(self, "_x"):
            raise _not_run(self)
        x = self._x
        grad = _batch(grad, "grad", self.out_channels)
        size = x.shape[2:]
        out = conv_output_size(size, self.kernel_size, self.stride, self.padding)
        if grad.shape[2:] != out:
            raise ValueError(f"grad must have spatial size {out} (the forward output), got shape {grad.shape}")
        # The sizes (out-1)*s - 2p + k ... + s-1 all convolve to `out`: output_padding picks x's.
        output_padding = tuple(i + 2 * p - k - (o - 1) * s for i, p, k, o, s in
                               zip(size, self.padding, self.kernel_size, out, self.stride))
        (ph, pw) = self.padding
        padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        self.weight.grad += kernel_gradient(padded, grad, self.kernel_size, self.stride)
        if self.bias is not None:
            self.bias.grad += grad.sum(axis=(0, 2, 3))
        # The input-gradient of a convolution is a transposed convolution (notebook 06).
        return conv_transpose2d(grad, self.weight.value, stride=self.stride, padding=self.padding,
                                output_padding=output_padding)


class ConvTranspose2d(_WeightedLayer):
    """``torch.nn.ConvTranspose2d``: ``conv_transpose2d(x, weight, bias, stride, padding, output_padding)``.

    Backward: the input-gradient is ``conv2d(grad, weight, stride, padding)``
    (same weight, same geometry); the weight-gradient is
    :func:`kernel_gradient` with the roles of input and gradient swapped.

    Parameters
    ----------
    in_channels, out_channels, kernel_size : int
    stride, padding, output_padding : int or (int, int)
        ``output_padding`` must be smaller than ``stride``.
    bias : bool
    rng : numpy Generator, int or None
        Seeds the initialisation, uniform in ``±1/sqrt(out_channels * kH * kW)``
        (PyTorch's fan-in for this layout).
    dtype : float32 or float64

    Examples
    --------
    >>> layer = ConvTranspose2d(2, 1, 3, stride=2, padding=1, output_padding=1, rng=0)
    >>> layer(np.ones((1, 2, 4, 4))).shape
    (1, 1, 8, 8)
    >>> layer.backward(np.ones((1, 1, 8, 8))).shape
    (1, 2, 4, 4)
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 bias=True, rng=None, dtype=np.float64):
        self.in_channels = as_int(in_channels, "in_channels", minimum=1)
        self.out_channels = as_int(out_channels, "out_channels", minimum=1)
        self.kernel_size = as_pair(kernel_size, "kernel_size", minimum=1)
        self.stride = as_pair(stride, "stride", minimum=1)
        self.padding = as_pair(padding, "padding", minimum=0)
        self.output_padding = as_pair(output_padding, "output_padding", minimum=0)
        if any(op >= s for op, s in zip(self.output_padding, self.stride)):
            raise ValueError(f"output_padding must be smaller than stride {self.stride}, got {output_padding!r}")
        dtype, rng = as_float_dtype(dtype), _generator(rng)
        self.weight, self.bias = _uniform_parameters(   # PyTorch's fan-in for this layout: C_out * kH * kW
            (self.in_channels, self.out_channels) + self.kernel_size,
            self.out_channels * self.kernel_size[0] * self.kernel_size[1], self.out_channels, bias, rng, dtype)

    def forward(self, x):
        x = _batch(x, "x", self.in_channels)
        self._x = x
        bias = self.bias.value if self.bias is not None else None
        return conv_transpose2d(x, self.weight.value, bias, stride=self.stride, padding=self.padding,
                                output_padding=self.output_padding)

    def backward(self, grad):
        if not hasattr(self, "_x"):
            raise _not_run(self)
        x = self._x
        grad = _batch(grad, "grad", self.out_channels)
        out = conv_transpose_output_size(x.shape[2:], self.kernel_size, self.stride, self.padding,
                                         self.output_padding)
        if grad.shape[2:] != out:
            raise ValueError(f"grad must have spatial size {out} (the forward output), got shape {grad.shape}")
        # The full (uncropped) output is grad padded back by `padding` on every side.
        (ph, pw) = self.padding
        full = np.pad(grad, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        self.weight.grad += kernel_gradient(full, x, self.kernel_size, self.stride)
        if self.bias is not None:
            self.bias.grad += grad.sum(axis=(0, 2, 3))
        # The input-gradient of a transposed convolution is a convolution (notebook 06).
        return conv2d(grad, self.weight.value, stride=self.stride, padding=self.padding)


class Upsample(Layer):
    """``torch.nn.Upsample``: nearest or bilinear (``align_corners=False``) by an integer factor.

    Interpolation is linear: per axis it is a matrix ``M`` (``interpolation_matrix``),
    ``y = M_h x M_w^T``, so the backward pass is ``M_h^T g M_w``. For nearest
    this is simply: forward copies each pixel into an ``r x r`` block,
    backward sums each block.

    Examples
    --------
    >>> up = Upsample(2)
    >>> up(np.arange(4.0).reshape(1, 1, 2, 2))[0, 0]
    array([[0., 0., 1., 1.],
           [0., 0., 1., 1.],
           [2., 2., 3., 3.],
           [2., 2., 3., 3.]])
    >>> up.backward(np.ones((1, 1, 4, 4)))[0, 0]
    array([[4., 4.],
           [4., 4.]])
    """

    MODES = ("nearest", "bilinear")

    def __init__(self, scale_factor=2, mode="nearest"):
        self.scale_factor = as_int(scale_factor, "scale_factor", minimum=1)
        if mode not in self.MODES:
            raise ValueError(f"mode must be 'nearest' or 'bilinear', got {mode!r}")
        self.mode = mode

    def _matrices(self, height, width, dtype):
        r = self.scale_factor
        rows = interpolation_matrix(height, height * r, self.mode, scale=1 / r)
        cols = interpolation_matrix(width, width * r, self.mode, scale=1 / r)
        return rows.astype(dtype), cols.astype(dtype)

    def forward(self, x):
        x = _batch(x, "x")
        dtype = np.float32 if x.dtype == np.float32 else np.float64
        self._shape = x.shape
        x = x.astype(dtype, copy=False)
        if self.mode == "nearest":  # every pixel copied into an r x r block
            return x.repeat(self.scale_factor, axis=2).repeat(self.scale_factor, axis=3)
        rows, cols = self._matrices(x.shape[2], x.shape[3], dtype)
        return rows @ x @ cols.T

    def backward(self, grad):
        if not hasattr(self, "_shape"):
            raise _not_run(self)
        n, c, h, w = self._shape
        r = self.scale_factor
        grad = _batch(grad, "grad")
        if grad.shape != (n, c, h * r, w * r):
            raise ValueError(f"grad must have the forward output's shape {(n, c, h * r, w * r)}, got {grad.shape}")
        if self.mode == "nearest":  # each input pixel receives the sum over its block
            blocks = grad.reshape(n, c, h, r, w, r)  # one add per block cell: 10x faster than .sum(axis=(3, 5))
            total = blocks[:, :, :, 0, :, 0].copy()
            for i in range(r):
                for j in range(r):
                    if i or j:
                        total += blocks[:, :, :, i, :, j]
            return total
        rows, cols = self._matrices(h, w, grad.dtype)
        return rows.T @ grad @ cols


class PixelShuffle(Layer):
    """``torch.nn.PixelShuffle``: channels ``C*r*r`` to ``r x r`` blocks; backward is :func:`pixel_unshuffle`.

    Examples
    --------
    >>> shuffle = PixelShuffle(2)
    >>> y = shuffle(np.arange(4.0).reshape(1, 4, 1, 1))
    >>> shuffle.backward(y)[:, :, 0, 0]
    array([[0., 1., 2., 3.]])
    """

    def __init__(self, upscale_factor):
        self.upscale_factor = as_int(upscale_factor, "upscale_factor", minimum=1)

    def forward(self, x):
        return pixel_shuffle(x, self.upscale_factor)

    def backward(self, grad):
        return pixel_unshuffle(grad, self.upscale_factor)


def pixel_unshuffle(x, downscale_factor):
    """The inverse (and adjoint) of ``pixel_shuffle``, as ``torch.nn.functional.pixel_unshuffle``.

    Parameters
    ----------
    x : (N, C, H*r, W*r) array_like
    downscale_factor : int
        ``r``; ``H*r`` and ``W*r`` must be divisible by it.

    Returns
    -------
    (N, C*r*r, H, W) ndarray
        ``out[n, c*r*r + i*r + j, h, w] = x[n, c, h*r + i, w*r + j]``.

    Examples
    --------
    >>> pixel_unshuffle(np.arange(4.0).reshape(1, 1, 2, 2), 2)[:, :, 0, 0]
    array([[0., 1., 2., 3.]])
    """
    array = _batch(x, "x")
    r = as_int(downscale_factor, "downscale_factor", minimum=1)
    n, c, height, width = array.shape
    if height % r or width % r:
        raise ValueError(f"x's height and width must be divisible by downscale_factor={r}, got shape {array.shape}")
    out = array.reshape(n, c, height // r, r, width // r, r).transpose(0, 1, 3, 5, 2, 4)
    return out.reshape(n, c * r * r, height // r, width // r).astype(np.result_type(array.dtype, np.float32))


class ReLU(Layer):
    """``max(x, 0)``; the gradient passes where the input was positive.

    Examples
    --------
    >>> relu = ReLU()
    >>> relu(np.array([[[[-1.0, 2.0]]]]))[0, 0]
    array([[0., 2.]])
    >>> relu.backward(np.array([[[[5.0, 5.0]]]]))[0, 0]
    array([[0., 5.]])
    """

    def forward(self, x):
        x = _batch(x, "x")
        self._positive = x > 0
        return np.where(self._positive, x, 0).astype(np.result_type(x.dtype, np.float32))

    def backward(self, grad):
        if not hasattr(self, "_positive"):
            raise _not_run(self)
        grad = _batch(grad, "grad")
        if grad.shape != self._positive.shape:
            raise ValueError(f"grad must have shape {self._positive.shape}, got {grad.shape}")
        return grad * self._positive


class Sequential(Layer):
    """Layers applied in order; backward runs them in reverse.

    Examples
    --------
    >>> net = Sequential(Conv2d(1, 2, 3, padding=1, rng=0), ReLU(), Conv2d(2, 1, 1, rng=1))
    >>> net(np.ones((1, 1, 4, 4))).shape, len(net.parameters())
    ((1, 1, 4, 4), 4)
    """

    def __init__(self, *layers):
        for index, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{index}] must be a course_lib.layers layer, got {type(layer).__name__}")
        self.layers = list(layers)

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad


class ResizeConv2d(Sequential):
    """Resize-convolution (Odena et al. 2016): ``Upsample`` then a size-keeping ``Conv2d``.

    The convolution has an odd ``kernel_size`` and zero padding ``(k-1)//2``
    (as ``nn.Upsample`` + ``nn.Conv2d(padding=k//2)``).

    Examples
    --------
    >>> ResizeConv2d(3, 2, 3, scale_factor=2, rng=0)(np.ones((1, 3, 4, 4))).shape
    (1, 2, 8, 8)
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, scale_factor=2, mode="nearest",
                 rng=None, dtype=np.float64):
        k = as_int(kernel_size, "kernel_size", minimum=1)
        if k % 2 == 0:
            raise ValueError(f"kernel_size must be odd so the convolution keeps the size, got {k}")
        super().__init__(Upsample(scale_factor, mode),
                         Conv2d(in_channels, out_channels, k, padding=k // 2, rng=rng, dtype=dtype))


class SubPixelConv2d(Sequential):
    """Sub-pixel convolution (Shi et al. 2016): ``Conv2d`` to ``out*r*r`` channels, then ``PixelShuffle(r)``.

    With ``init="icnr"`` (Aitken et al. 2017) the ``r*r`` channels of each
    output start as copies (bias included), so at initialisation the layer
    equals a convolution followed by nearest upsampling.

    Examples
    --------
    >>> layer = SubPixelConv2d(2, 1, 3, upscale_factor=2, rng=0)
    >>> y = layer(np.ones((1, 2, 4, 4)))
    >>> y.shape, bool(np.allclose(y[0, 0, 2:4, 2:4], y[0, 0, 2, 2]))
    ((1, 1, 8, 8), True)
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, upscale_factor=2, init="icnr",
                 rng=None, dtype=np.float64):
        k = as_int(kernel_size, "kernel_size", minimum=1)
        r = as_int(upscale_factor, "upscale_factor", minimum=1)
        if k % 2 == 0:
            raise ValueError(f"kernel_size must be odd so the convolution keeps the size, got {k}")
        if init not in ("icnr", "random"):
            raise ValueError(f"init must be 'icnr' or 'random', got {init!r}")
        conv = Conv2d(in_channels, out_channels * r * r, k, padding=k // 2, rng=rng, dtype=dtype)
        if init == "icnr":
            conv.weight.value[...] = icnr(conv.weight.value[:: r * r], r)
            conv.bias.value[...] = np.repeat(conv.bias.value[:: r * r], r * r)
        super().__init__(conv, PixelShuffle(r))


class MSELoss:
    """Mean squared error, ``mean((prediction - target)**2)``, and its gradient.

    Examples
    --------
    >>> loss = MSELoss()
    >>> loss(np.array([1.0, 3.0]), np.array([1.0, 1.0]))
    2.0
    >>> loss.backward()
    array([0., 2.])
    """

    def __call__(self, prediction, target):
        return self.forward(prediction, target)

    def forward(self, prediction, target):
        prediction = as_array(prediction, "prediction")
        target = as_array(target, "target")
        if prediction.shape != target.shape:
            raise ValueError(f"prediction and target must have the same shape, got {prediction.shape} and {target.shape}")
        self._difference = prediction - target
        return float(np.mean(self._difference.astype(np.float64) ** 2))

    def backward(self):
        if not hasattr(self, "_difference"):
            raise _not_run(self)
        return 2 * self._difference / self._difference.size


# --- Notebook 09 (segmentation): pooling with switches, unpooling, skip concatenation, per-pixel loss ---------
#
# The backward passes below need no new operator either:
#
# * the input-gradient of max pooling **is** a max unpooling of the output gradient with the same switches
#   (each window's gradient goes to the pixel that won the window; with overlapping windows one pixel can win
#   several, and its gradients add up);
# * the input-gradient of max unpooling **is** a gather at the switches (the forward of max pooling, read at
#   the places the pooling chose, not at the maxima of the gradient);
# * the gradient of a channel concatenation is the split of the gradient into the same channel blocks;
# * softmax followed by cross-entropy has the gradient ``softmax - one_hot`` (scaled by the class weights).

from .pooling import max_pool2d, max_unpool2d  # noqa: E402  (kept with the block that uses it)

__all__ += ["MaxPool2d", "MaxUnpool2d", "Concatenate", "SoftmaxCrossEntropyLoss"]


def _switch_gather(grad, indices):
    """``grad`` (N, C, H, W) read at the flat switches ``indices`` (N, C, oH, oW): max unpooling's backward."""
    n, c = indices.shape[:2]
    flat = grad.reshape(n, c, -1)
    return np.take_along_axis(flat, indices.reshape(n, c, -1), axis=2).reshape(indices.shape)


class MaxPool2d(Layer):
    """``torch.nn.MaxPool2d(kernel_size, stride, padding)`` that keeps its switches (SegNet).

    Forward is :func:`course_lib.max_pool2d`; the switches (flat ``h * W + w``
    positions of each maximum, ties to the first) stay on the layer as
    ``indices``, for a :class:`MaxUnpool2d` in a decoder to reuse.

    Backward: the input-gradient **is** ``max_unpool2d(grad, indices)`` (each
    window's gradient goes to its winner, zeros elsewhere). When windows
    overlap (``stride < kernel_size``) one pixel can win several windows and
    its gradients are summed (a scatter-add, as torch), which ``max_unpool2d``
    (last switch wins) does not do.

    For ``kernel_size == stride`` and no padding (the encoder's case) the
    forward compares one strided view per window tap instead of sliding windows; the tests hold it equal
    to ``max_pool2d``, values and switches.

    Examples
    --------
    >>> pool = MaxPool2d(2)
    >>> x = np.array([[[[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 8.0, 8.0]]]])
    >>> pool(x)[0, 0], pool.indices[0, 0]
    (array([[5., 8.]]), array([[1, 6]]))
    >>> pool.backward(np.array([[[[10.0, 20.0]]]]))[0, 0]
    array([[ 0., 10.,  0.,  0.],
           [ 0.,  0., 20.,  0.]])
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        self.kernel_size = as_pair(kernel_size, "kernel_size", minimum=1)
        self.stride = self.kernel_size if stride is None else as_pair(stride, "stride", minimum=1)
        self.padding = as_pair(padding, "padding", minimum=0)

    def _reshaped(self, x):
        """Non-overlapping windows, no padding: (values, switches) from strided views; None otherwise."""
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        if (kh, kw) != (sh, sw) or self.padding != (0, 0) or x.dtype not in (np.float32, np.float64) or np.isnan(x).any():
            return None
        n, c, height, width = x.shape
        oh, ow = height // kh, width // kw
        if oh == 0 or ow == 0:
            return None
        # One strided view per window tap, in row-major order; a strictly larger value takes over, so ties keep
        # the first maximum, as max_pool2d.
        values = x[:, :, 0 : oh * kh : kh, 0 : ow * kw : kw].copy()
        tap = np.zeros(values.shape, dtype=np.int64)
        for a in range(kh):
            for b in range(kw):
                if a or b:
                    view = x[:, :, a : oh * kh : kh, b : ow * kw : kw]
                    larger = view > values
                    np.copyto(values, view, where=larger)
                    tap[larger] = a * kw + b
        rows = np.arange(oh)[:, None] * kh + tap // kw
        cols = np.arange(ow)[None, :] * kw + tap % kw
        return values, (rows * width + cols).astype(np.int64)

    def forward(self, x):
        x = _batch(x, "x")
        self._shape = x.shape
        fast = self._reshaped(x)
        if fast is None:
            values, self.indices = max_pool2d(x, self.kernel_size, self.stride, self.padding)
        else:
            values, self.indices = fast
        return values

    def backward(self, grad):
        if not hasattr(self, "_shape"):
            raise _not_run(self)
        grad = _batch(grad, "grad")
        if grad.shape != self.indices.shape:
            raise ValueError(f"grad must have the forward output's shape {self.indices.shape}, got {grad.shape}")
        n, c, height, width = self._shape
        if all(k <= s for k, s in zip(self.kernel_size, self.stride)):
            # Windows do not overlap, every switch is distinct: the backward of pooling is an unpooling.
            return max_unpool2d(grad, self.indices, self.kernel_size, self.stride, self.padding,
                                output_size=(height, width))
        # Overlapping windows: the same unpooling, but a pixel that won several windows gets their sum.
        out = np.zeros((n * c, height * width), dtype=np.result_type(grad.dtype, np.float32))
        planes = np.repeat(np.arange(n * c), self.indices[0, 0].size)
        np.add.at(out, (planes, self.indices.reshape(-1)), grad.reshape(-1))
        return out.reshape(n, c, height, width)


class MaxUnpool2d(Layer):
    """``torch.nn.MaxUnpool2d`` driven by the switches of an encoder's :class:`MaxPool2d` (SegNet).

    Forward is :func:`course_lib.max_unpool2d` with ``pool.indices`` and the
    size of ``pool``'s input: each value goes back to where its window's
    maximum was, zeros elsewhere. Backward: the input-gradient **is** a gather
    of the gradient at those switches (what max pooling's forward reads, at
    the pooled positions).

    Parameters
    ----------
    pool : MaxPool2d
        The encoder's pooling layer; its most recent forward pass supplies the switches.

    Examples
    --------
    >>> pool = MaxPool2d(2)
    >>> _ = pool(np.array([[[[1.0, 5.0], [3.0, 4.0]]]]))
    >>> unpool = MaxUnpool2d(pool)
    >>> unpool(np.array([[[[7.0]]]]))[0, 0]
    array([[0., 7.],
           [0., 0.]])
    >>> unpool.backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))[0, 0]
    array([[2.]])
    """

    def __init__(self, pool):
        if not isinstance(pool, MaxPool2d):
            raise TypeError(f"pool must be a MaxPool2d layer (whose switches to use), got {type(pool).__name__}")
        self.pool = pool

    def forward(self, x):
        if not hasattr(self.pool, "indices"):
            raise RuntimeError("MaxUnpool2d.forward called before its MaxPool2d's forward (no switches yet)")
        x = _batch(x, "x")
        if x.shape != self.pool.indices.shape:
            raise ValueError(f"x must have the shape of the pooling's output {self.pool.indices.shape}, got {x.shape}")
        self._indices, self._shape = self.pool.indices, self.pool._shape
        return max_unpool2d(x, self._indices, self.pool.kernel_size, self.pool.stride, self.pool.padding,
                            output_size=self._shape[2:])

    def backward(self, grad):
        if not hasattr(self, "_indices"):
            raise _not_run(self)
        grad = _batch(grad, "grad")
        if grad.shape != self._shape:
            raise ValueError(f"grad must have the forward output's shape {self._shape}, got {grad.shape}")
        # The backward of unpooling gathers at the switches: max pooling's forward, at the places pooling chose.
        return _switch_gather(grad, self._indices).astype(np.result_type(grad.dtype, np.float32))


class Concatenate(Layer):
    """Channel concatenation, ``torch.cat(inputs, dim=1)``: the U-Net skip connection.

    ``forward(*inputs)`` takes two or more (N, C_i, H, W) arrays of one
    (N, H, W); ``backward(grad)`` returns a tuple of their gradients: the
    gradient split into the same channel blocks.

    Examples
    --------
    >>> cat = Concatenate()
    >>> cat(np.zeros((1, 2, 3, 3)), np.ones((1, 1, 3, 3))).shape
    (1, 3, 3, 3)
    >>> [g.shape[1] for g in cat.backward(np.ones((1, 3, 3, 3)))]
    [2, 1]
    """

    def __call__(self, *inputs):
        return self.forward(*inputs)

    def forward(self, *inputs):
        if len(inputs) < 2:
            raise ValueError(f"Concatenate needs at least two inputs, got {len(inputs)}")
        arrays = [_batch(x, f"inputs[{i}]") for i, x in enumerate(inputs)]
        first = arrays[0].shape
        for i, array in enumerate(arrays[1:], start=1):
            if (array.shape[0],) + array.shape[2:] != (first[0],) + first[2:]:
                raise ValueError(f"inputs[{i}] of shape {array.shape} does not match inputs[0] of shape {first} "
                                 f"in N, H and W")
        self._channels = [a.shape[1] for a in arrays]
        dtype = np.result_type(*[a.dtype for a in arrays], np.float32)
        return np.concatenate(arrays, axis=1).astype(dtype, copy=False)

    def backward(self, grad):
        if not hasattr(self, "_channels"):
            raise _not_run(self)
        grad = _batch(grad, "grad", sum(self._channels))
        return tuple(np.split(grad, np.cumsum(self._channels)[:-1], axis=1))


class SoftmaxCrossEntropyLoss:
    """Softmax over classes, then cross-entropy, per pixel: ``torch.nn.CrossEntropyLoss`` for (N, K, H, W) scores.

    ``loss = sum_i w[y_i] * (-log softmax(scores_i)[y_i]) / sum_i w[y_i]`` over
    all pixels ``i`` (the plain mean when ``weight`` is None), as torch's
    ``reduction="mean"``. Backward: ``(softmax - one_hot(y)) * w[y_i] / sum w``.

    Parameters
    ----------
    weight : (K,) array_like, optional
        A weight per class (rare classes up-weighted), as torch's ``weight``.

    Examples
    --------
    Equal scores for two classes cost ``log 2`` per pixel:

    >>> loss = SoftmaxCrossEntropyLoss()
    >>> round(loss(np.zeros((1, 2, 1, 2)), np.array([[[0, 1]]])), 4)
    0.6931
    >>> loss.backward()[0, :, 0, 0]
    array([-0.25,  0.25])
    """

    def __init__(self, weight=None):
        if weight is not None:
            weight = as_array(weight, "weight").astype(np.float64)
            if weight.ndim != 1 or not np.all(np.isfinite(weight)) or np.any(weight < 0) or weight.sum() <= 0:
                raise ValueError(f"weight must be a 1-D array of non-negative finite numbers with a positive sum, "
                                 f"got {weight!r}")
        self.weight = weight

    def __call__(self, scores, labels):
        return self.forward(scores, labels)

    def forward(self, scores, labels):
        scores = _batch(scores, "scores")
        labels = np.asarray(labels)
        n, k, height, width = scores.shape
        if not np.issubdtype(labels.dtype, np.integer):
            raise TypeError(f"labels must be an integer array of class numbers, got dtype {labels.dtype}")
        if labels.shape != (n, height, width):
            raise ValueError(f"labels must have shape (N, H, W) = {(n, height, width)}, got {labels.shape}")
        if labels.size and (labels.min() < 0 or labels.max() >= k):
            raise ValueError(f"labels must lie in 0..{k - 1} (one per class of scores), got {labels.min()}..{labels.max()}")
        if self.weight is not None and self.weight.shape != (k,):
            raise ValueError(f"weight must have one entry per class ({k}), got shape {self.weight.shape}")
        shifted = scores - scores.max(axis=1, keepdims=True)           # softmax without overflow
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        self._probabilities = exp / total
        self._labels = labels
        picked = np.take_along_axis(shifted, labels[:, None], axis=1)[:, 0] - np.log(total[:, 0])  # log p[y]
        pixel_weight = np.ones(labels.shape) if self.weight is None else self.weight[labels]
        self._pixel_weight = pixel_weight / pixel_weight.sum()
        return float(-(self._pixel_weight * picked.astype(np.float64)).sum())

    def backward(self):
        if not hasattr(self, "_probabilities"):
            raise _not_run(self)
        grad = self._probabilities.copy()
        np.put_along_axis(grad, self._labels[:, None], np.take_along_axis(grad, self._labels[:, None], axis=1) - 1,
                          axis=1)
        return grad * self._pixel_weight[:, None].astype(grad.dtype)
