"""Notebook 09's layers (MaxPool2d with switches, MaxUnpool2d, Concatenate, SoftmaxCrossEntropyLoss):
every gradient against finite differences (float64) and against torch.autograd (marker torch), on random
geometries; the pooling's fast path equals max_pool2d; bad input raises."""
import numpy as np
import pytest

from course_lib import max_pool2d, max_unpool2d
from course_lib.layers import Concatenate, Conv2d, MaxPool2d, MaxUnpool2d, SoftmaxCrossEntropyLoss
from tests.test_layers import numerical_gradient


def random_pool_geometries(count, seed, overlapping=True):
    """(N, C, H, W, kernel, stride, padding) with a non-empty output; padding at most kernel // 2."""
    rng = np.random.default_rng(seed)
    found = []
    while len(found) < count:
        n, c = (int(v) for v in rng.integers(1, 4, size=2))
        k = tuple(int(v) for v in rng.integers(1, 4, size=2))
        stride = tuple(int(v) for v in rng.integers(1, 4, size=2))
        if not overlapping:
            stride = tuple(max(s, kk) for s, kk in zip(stride, k))
        padding = tuple(int(rng.integers(0, kk // 2 + 1)) for kk in k)
        h, w = (int(v) for v in rng.integers(1, 9, size=2))
        if k[0] > h + 2 * padding[0] or k[1] > w + 2 * padding[1]:
            continue
        found.append((n, c, h, w, k, stride, padding))
    return found


def distinct(rng, shape):
    """Random values without ties, at least 0.01 apart (finite differences never change a switch)."""
    return rng.permutation(np.prod(shape)).reshape(shape) * 0.01 + rng.uniform(0, 1e-3)


def check_input_gradient(layer, x, rng):
    out = layer.forward(x)
    probe = rng.standard_normal(out.shape)
    grad_x = layer.backward(probe)
    assert grad_x.shape == x.shape
    numeric = numerical_gradient(lambda: float(np.sum(layer.forward(x) * probe)), x)
    np.testing.assert_allclose(grad_x, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("geometry", random_pool_geometries(12, 901))
def test_max_pool_gradient_matches_finite_differences(geometry, rng):
    n, c, h, w, k, stride, padding = geometry
    check_input_gradient(MaxPool2d(k, stride, padding), distinct(rng, (n, c, h, w)), rng)


@pytest.mark.parametrize("geometry", random_pool_geometries(10, 902, overlapping=False))
def test_max_unpool_gradient_matches_finite_differences(geometry, rng):
    n, c, h, w, k, stride, padding = geometry
    pool = MaxPool2d(k, stride, padding)
    pooled = pool(distinct(rng, (n, c, h, w)))
    check_input_gradient(MaxUnpool2d(pool), rng.standard_normal(pooled.shape), rng)


def test_concatenate_gradients_match_finite_differences(rng):
    cat = Concatenate()
    inputs = [rng.standard_normal((2, c, 3, 4)) for c in (1, 3, 2)]
    probe = rng.standard_normal((2, 6, 3, 4))
    cat(*inputs)
    grads = cat.backward(probe)
    for array, grad in zip(inputs, grads):
        numeric = numerical_gradient(lambda: float(np.sum(cat(*inputs) * probe)), array)
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_gradient_matches_finite_differences(weighted, rng):
    scores = rng.standard_normal((2, 4, 3, 5)) * 3
    labels = rng.integers(0, 4, size=(2, 3, 5))
    loss = SoftmaxCrossEntropyLoss([1.0, 2.0, 0.5, 4.0] if weighted else None)
    loss(scores, labels)
    numeric = numerical_gradient(lambda: loss(scores, labels), scores)
    loss(scores, labels)
    np.testing.assert_allclose(loss.backward(), numeric, rtol=1e-6, atol=1e-9)


def test_pooling_layer_in_a_network_trains_every_parameter_correctly(rng):
    """Conv -> MaxPool2d -> MaxUnpool2d -> Conv: the convolutions' weight-gradients through pooling and unpooling."""
    first, last = Conv2d(1, 2, 3, padding=1, rng=0), Conv2d(2, 1, 3, padding=1, rng=1)
    pool = MaxPool2d(2)
    unpool = MaxUnpool2d(pool)
    x = distinct(rng, (2, 1, 6, 6))
    probe = rng.standard_normal((2, 1, 6, 6))

    def loss():
        return float(np.sum(last(unpool(pool(first(x)))) * probe))

    loss()
    first.backward(pool.backward(unpool.backward(last.backward(probe))))
    for p in first.parameters() + last.parameters():
        np.testing.assert_allclose(p.grad, numerical_gradient(loss, p.value), rtol=1e-5, atol=1e-7)


# --- the fast path of MaxPool2d is max_pool2d --------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(2, 3, 8, 8), (1, 2, 7, 9), (3, 1, 4, 6)])
def test_max_pool_fast_path_equals_max_pool2d_with_ties(shape, dtype, rng):
    x = rng.integers(0, 3, size=shape).astype(dtype)   # many ties: the first maximum must win
    layer = MaxPool2d(2)
    values, indices = max_pool2d(x, 2)
    np.testing.assert_array_equal(layer(x), values)
    np.testing.assert_array_equal(layer.indices, indices)
    assert layer(x).dtype == values.dtype
    x[0, 0, 0, 0] = np.nan                              # NaN: the operator decides (as torch)
    values, indices = max_pool2d(x, 2)
    np.testing.assert_array_equal(layer(x), values)
    np.testing.assert_array_equal(layer.indices, indices)


def test_max_pool_backward_is_max_unpool_and_unpool_backward_is_a_gather(rng):
    x = distinct(rng, (2, 3, 6, 6))
    pool = MaxPool2d(2)
    pooled = pool(x)
    grad = rng.standard_normal(pooled.shape)
    np.testing.assert_array_equal(pool.backward(grad), max_unpool2d(grad, pool.indices, 2))
    unpool = MaxUnpool2d(pool)
    unpool(pooled)
    big = rng.standard_normal(x.shape)
    gathered = np.take_along_axis(big.reshape(2, 3, -1), pool.indices.reshape(2, 3, -1), axis=2).reshape(pooled.shape)
    np.testing.assert_array_equal(unpool.backward(big), gathered)
    # pooling the unpooled values gives them back (each sits at its own switch)
    np.testing.assert_array_equal(MaxPool2d(2)(unpool(np.abs(pooled) + 1)), np.abs(pooled) + 1)


# --- PyTorch autograd as the oracle ---------------------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize("geometry", random_pool_geometries(16, 903))
def test_max_pool_matches_torch_autograd(geometry, torch, rng):
    n, c, h, w, k, stride, padding = geometry
    x = rng.standard_normal((n, c, h, w))
    layer = MaxPool2d(k, stride, padding)
    out = layer(x)
    probe = rng.standard_normal(out.shape)
    xt = torch.from_numpy(x).requires_grad_(True)
    theirs, their_indices = torch.nn.functional.max_pool2d(xt, k, stride, padding, return_indices=True)
    (theirs * torch.from_numpy(probe)).sum().backward()
    np.testing.assert_array_equal(out, theirs.detach().numpy())
    np.testing.assert_array_equal(layer.indices, their_indices.numpy())
    np.testing.assert_allclose(layer.backward(probe), xt.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("geometry", random_pool_geometries(12, 904, overlapping=False))
def test_max_unpool_matches_torch_autograd(geometry, torch, rng):
    n, c, h, w, k, stride, padding = geometry
    pool = MaxPool2d(k, stride, padding)
    pooled = pool(rng.standard_normal((n, c, h, w)))
    unpool = MaxUnpool2d(pool)
    y = rng.standard_normal(pooled.shape)
    out = unpool(y)
    probe = rng.standard_normal(out.shape)
    yt = torch.from_numpy(y).requires_grad_(True)
    theirs = torch.nn.functional.max_unpool2d(yt, torch.from_numpy(pool.indices), k, stride, padding,
                                              output_size=(h, w))
    (theirs * torch.from_numpy(probe)).sum().backward()
    np.testing.assert_array_equal(out, theirs.detach().numpy())
    np.testing.assert_allclose(unpool.backward(probe), yt.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("seed", range(6))
def test_concatenate_and_cross_entropy_match_torch_autograd(seed, torch):
    rng = np.random.default_rng(seed)
    n, classes, h, w = (int(v) for v in rng.integers(1, 5, size=4))
    classes += 1
    a, b = rng.standard_normal((n, 1, h, w)), rng.standard_normal((n, classes - 1, h, w))
    labels = rng.integers(0, classes, size=(n, h, w))
    weight = rng.uniform(0.5, 3, size=classes) if seed % 2 else None
    cat, loss = Concatenate(), SoftmaxCrossEntropyLoss(weight)
    value = loss(cat(a, b), labels)
    grad_a, grad_b = cat.backward(loss.backward())
    at, bt = (torch.from_numpy(v).requires_grad_(True) for v in (a, b))
    theirs = torch.nn.functional.cross_entropy(torch.cat([at, bt], dim=1), torch.from_numpy(labels),
                                               weight=None if weight is None else torch.from_numpy(weight))
    theirs.backward()
    assert value == pytest.approx(theirs.item(), rel=1e-12)
    np.testing.assert_allclose(grad_a, at.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(grad_b, bt.grad.numpy(), rtol=1e-10, atol=1e-14)


# --- bad input ------------------------------------------------------------------------------


def test_segmentation_layers_refuse_bad_input():
    pool = MaxPool2d(2)
    with pytest.raises(RuntimeError, match="before forward"):
        pool.backward(np.ones((1, 1, 1, 1)))
    with pytest.raises(TypeError, match="pool must be a MaxPool2d"):
        MaxUnpool2d("switches")
    with pytest.raises(RuntimeError, match="no switches yet"):
        MaxUnpool2d(pool)(np.ones((1, 1, 1, 1)))
    pool(np.ones((1, 2, 4, 4)))
    with pytest.raises(ValueError, match="grad must have the forward output's shape"):
        pool.backward(np.ones((1, 2, 3, 3)))
    with pytest.raises(ValueError, match="x must have the shape of the pooling's output"):
        MaxUnpool2d(pool)(np.ones((1, 2, 3, 3)))
    with pytest.raises(ValueError, match="kernel_size must be a positive int"):
        MaxPool2d(0)
    with pytest.raises(ValueError, match="at least two inputs"):
        Concatenate()(np.ones((1, 1, 2, 2)))
    with pytest.raises(ValueError, match=r"inputs\[1\] of shape \(1, 1, 3, 2\) does not match"):
        Concatenate()(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 2)))
    loss = SoftmaxCrossEntropyLoss()
    with pytest.raises(TypeError, match="labels must be an integer array"):
        loss(np.zeros((1, 2, 1, 1)), np.zeros((1, 1, 1)))
    with pytest.raises(ValueError, match="labels must lie in 0..1"):
        loss(np.zeros((1, 2, 1, 1)), np.full((1, 1, 1), 2))
    with pytest.raises(ValueError, match=r"labels must have shape \(N, H, W\) = \(1, 1, 1\)"):
        loss(np.zeros((1, 2, 1, 1)), np.zeros((1, 1), dtype=int))
    with pytest.raises(ValueError, match="weight must be a 1-D array"):
        SoftmaxCrossEntropyLoss([-1.0, 1.0])
    with pytest.raises(ValueError, match="weight must have one entry per class"):
        SoftmaxCrossEntropyLoss([1.0, 1.0, 1.0])(np.zeros((1, 2, 1, 1)), np.zeros((1, 1, 1), dtype=int))
