"""Seeded random convolution geometries shared by the conv test modules."""
import numpy as np


def conv_configs(count, seed):
    """Random (x_shape, weight_shape, stride, padding, dilation) that give a valid conv2d."""
    rng = np.random.default_rng(seed)
    configs = []
    while len(configs) < count:
        n, c_in, c_out = rng.integers(1, 4, size=3)
        kh, kw = rng.integers(1, 5, size=2)
        stride = tuple(int(v) for v in rng.integers(1, 4, size=2))
        padding = tuple(int(v) for v in rng.integers(0, 3, size=2))
        dilation = tuple(int(v) for v in rng.integers(1, 3, size=2))
        h, w = rng.integers(1, 10, size=2)
        spans = (dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)
        if spans[0] > h + 2 * padding[0] or spans[1] > w + 2 * padding[1]:
            continue
        configs.append(((int(n), int(c_in), int(h), int(w)), (int(c_out), int(c_in), int(kh), int(kw)),
                        stride, padding, dilation))
    return configs


def transposed_configs(count, seed):
    """Random (x_shape, weight_shape, stride, padding, output_padding, dilation) with a non-empty output."""
    rng = np.random.default_rng(seed)
    configs = []
    while len(configs) < count:
        n, c_in, c_out = (int(v) for v in rng.integers(1, 4, size=3))
        kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
        h, w = (int(v) for v in rng.integers(1, 7, size=2))
        stride = tuple(int(v) for v in rng.integers(1, 4, size=2))
        dilation = tuple(int(v) for v in rng.integers(1, 3, size=2))
        padding = tuple(int(v) for v in rng.integers(0, 3, size=2))
        output_padding = tuple(int(rng.integers(0, max(s, d))) for s, d in zip(stride, dilation))
        sizes = [(i - 1) * s - 2 * p + d * (k - 1) + op + 1
                 for i, s, p, d, k, op in zip((h, w), stride, padding, dilation, (kh, kw), output_padding)]
        if min(sizes) < 1:
            continue
        configs.append(((n, c_in, h, w), (c_in, c_out, kh, kw), stride, padding, output_padding, dilation))
    return configs
