"""course_lib.layers: every gradient against finite differences (float64) and
against torch.autograd (marker torch), on random geometries; bad input raises."""
import numpy as np
import pytest

from course_lib import conv2d, conv_transpose2d, pixel_shuffle
from course_lib.layers import (Conv2d, ConvTranspose2d, MSELoss, Parameter, PixelShuffle, ReLU, ResizeConv2d,
                               Sequential, SubPixelConv2d, Upsample, kernel_gradient, pixel_unshuffle)


def random_conv_geometries(count, seed):
    """(N, C_in, C_out, H, W, k, stride, padding) with a valid output, k and strides up to 4."""
    rng = np.random.default_rng(seed)
    found = []
    while len(found) < count:
        n, c_in, c_out = (int(v) for v in rng.integers(1, 4, size=3))
        k = tuple(int(v) for v in rng.integers(1, 5, size=2))
        stride = tuple(int(v) for v in rng.integers(1, 4, size=2))
        padding = tuple(int(v) for v in rng.integers(0, 3, size=2))
        h, w = (int(v) for v in rng.integers(1, 8, size=2))
        if k[0] > h + 2 * padding[0] or k[1] > w + 2 * padding[1]:
            continue
        found.append((n, c_in, c_out, h, w, k, stride, padding))
    return found


def random_transposed_geometries(count, seed):
    """(N, C_in, C_out, H, W, k, stride, padding, output_padding) with a non-empty output."""
    rng = np.random.default_rng(seed)
    found = []
    while len(found) < count:
        n, c_in, c_out = (int(v) for v in rng.integers(1, 4, size=3))
        k = tuple(int(v) for v in rng.integers(1, 5, size=2))
        stride = tuple(int(v) for v in rng.integers(1, 4, size=2))
        padding = tuple(int(v) for v in rng.integers(0, 3, size=2))
        output_padding = tuple(int(rng.integers(0, s)) for s in stride)
        h, w = (int(v) for v in rng.integers(1, 6, size=2))
        sizes = [(i - 1) * s - 2 * p + kk + op for i, s, p, kk, op in zip((h, w), stride, padding, k, output_padding)]
        if min(sizes) < 1:
            continue
        found.append((n, c_in, c_out, h, w, k, stride, padding, output_padding))
    return found


def numerical_gradient(function, array, eps=1e-6):
    """Central differences of the scalar ``function()`` with respect to every entry of ``array`` (changed in place)."""
    grad = np.zeros_like(array)
    flat, flat_grad = array.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        plus = function()
        flat[i] = saved - eps
        minus = function()
        flat[i] = saved
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad


def check_gradients(layer, x, rng):
    """Loss = <layer(x), probe> for a fixed random probe: compare every analytic gradient with finite differences."""
    out = layer.forward(x)
    probe = rng.standard_normal(out.shape)
    for p in layer.parameters():
        p.zero_grad()
    grad_x = layer.backward(probe)

    def loss():
        return float(np.sum(layer.forward(x) * probe))

    assert grad_x.shape == x.shape
    np.testing.assert_allclose(grad_x, numerical_gradient(loss, x), rtol=1e-6, atol=1e-8)
    params = layer.parameters()
    for p in params:
        np.testing.assert_allclose(p.grad, numerical_gradient(loss, p.value), rtol=1e-6, atol=1e-8)
    return params


@pytest.mark.parametrize("geometry", random_conv_geometries(12, 801))
def test_conv2d_gradients_match_finite_differences(geometry, rng):
    n, c_in, c_out, h, w, k, stride, padding = geometry
    layer = Conv2d(c_in, c_out, k, stride=stride, padding=padding, rng=rng)
    params = check_gradients(layer, rng.standard_normal((n, c_in, h, w)), rng)
    assert len(params) == 2


@pytest.mark.parametrize("geometry", random_transposed_geometries(12, 802))
def test_conv_transpose2d_gradients_match_finite_differences(geometry, rng):
    n, c_in, c_out, h, w, k, stride, padding, output_padding = geometry
    layer = ConvTranspose2d(c_in, c_out, k, stride=stride, padding=padding, output_padding=output_padding, rng=rng)
    params = check_gradients(layer, rng.standard_normal((n, c_in, h, w)), rng)
    assert len(params) == 2


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
@pytest.mark.parametrize("scale", [2, 3])
def test_upsample_and_resize_conv_gradients(mode, scale, rng):
    check_gradients(Upsample(scale, mode), rng.standard_normal((2, 2, 3, 4)), rng)
    params = check_gradients(ResizeConv2d(2, 3, 3, scale_factor=scale, mode=mode, rng=rng),
                             rng.standard_normal((2, 2, 3, 4)), rng)
    assert len(params) == 2


@pytest.mark.parametrize("init", ["icnr", "random"])
def test_pixel_shuffle_and_subpixel_conv_gradients(init, rng):
    check_gradients(PixelShuffle(2), rng.standard_normal((2, 8, 3, 2)), rng)
    check_gradients(PixelShuffle(3), rng.standard_normal((1, 9, 2, 2)), rng)
    params = check_gradients(SubPixelConv2d(2, 3, 3, upscale_factor=2, init=init, rng=rng),
                             rng.standard_normal((2, 2, 3, 3)), rng)
    assert [p.value.shape for p in params] == [(12, 2, 3, 3), (12,)]


def test_relu_and_sequential_gradients(rng):
    x = rng.standard_normal((2, 3, 4, 4))
    x[np.abs(x) < 1e-3] = 0.5  # keep finite differences away from the kink
    check_gradients(ReLU(), x, rng)
    net = Sequential(Conv2d(3, 4, 3, padding=1, rng=rng), ReLU(),
                     ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1, rng=rng))
    assert len(check_gradients(net, x, rng)) == 4


def test_mse_loss_gradient(rng):
    prediction, target = rng.standard_normal((2, 1, 3, 3)), rng.standard_normal((2, 1, 3, 3))
    loss = MSELoss()
    assert loss(prediction, target) == pytest.approx(np.mean((prediction - target) ** 2))
    np.testing.assert_allclose(loss.backward(), numerical_gradient(lambda: loss(prediction, target), prediction),
                               rtol=1e-6, atol=1e-9)


def test_input_gradients_are_the_other_operator(rng):
    """What the code says: conv2d's input-gradient is conv_transpose2d, and the other way round."""
    x = rng.standard_normal((1, 2, 7, 7))
    conv = Conv2d(2, 3, 3, stride=2, padding=1, rng=rng)
    g = rng.standard_normal(conv(x).shape)
    np.testing.assert_array_equal(conv.backward(g),
                                  conv_transpose2d(g, conv.weight.value, stride=2, padding=1, output_padding=0))
    transposed = ConvTranspose2d(2, 3, 4, stride=2, padding=1, rng=rng)
    g = rng.standard_normal(transposed(x).shape)
    np.testing.assert_array_equal(transposed.backward(g), conv2d(g, transposed.weight.value, stride=2, padding=1))


def test_kernel_gradient_by_hand():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    g = np.array([[[[1.0, 0.0], [0.0, 2.0]]]])
    # dw[a, b] = g[0,0]*x[a, b] + g[1,1]*x[2+a, 2+b] (stride 2)
    expected = x[0, 0, :2, :2] + 2 * x[0, 0, 2:, 2:]
    np.testing.assert_array_equal(kernel_gradient(x, g, 2, 2)[0, 0], expected)


def test_icnr_start_equals_conv_then_nearest(rng):
    layer = SubPixelConv2d(3, 2, 3, upscale_factor=2, rng=rng)
    x = rng.standard_normal((1, 3, 5, 5))
    conv = layer.layers[0]
    first = conv2d(x, conv.weight.value[::4], conv.bias.value[::4], padding=1)
    np.testing.assert_allclose(layer(x), first.repeat(2, axis=2).repeat(2, axis=3))


def test_pixel_unshuffle_inverts_pixel_shuffle(rng):
    x = rng.standard_normal((2, 12, 3, 4))
    np.testing.assert_array_equal(pixel_unshuffle(pixel_shuffle(x, 2), 2), x)


def test_float32_layers_stay_float32(rng):
    net = Sequential(Conv2d(1, 2, 3, padding=1, rng=0, dtype=np.float32), ReLU(),
                     SubPixelConv2d(2, 1, 3, rng=1, dtype=np.float32), ResizeConv2d(1, 1, 3, rng=2, dtype=np.float32),
                     ConvTranspose2d(1, 1, 4, stride=2, padding=1, rng=3, dtype=np.float32))
    x = rng.standard_normal((1, 1, 4, 4)).astype(np.float32)
    out = net(x)
    assert out.dtype == np.float32 and out.shape == (1, 1, 32, 32)
    assert net.backward(np.ones_like(out)).dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in net.parameters())


def test_same_seed_same_weights():
    a, b = Conv2d(2, 3, 3, rng=7), Conv2d(2, 3, 3, rng=7)
    np.testing.assert_array_equal(a.weight.value, b.weight.value)
    assert not np.array_equal(a.weight.value, Conv2d(2, 3, 3, rng=8).weight.value)


@pytest.mark.parametrize("make, message", [
    (lambda: Conv2d(0, 1, 3), "in_channels"),
    (lambda: Conv2d(1, 1.5, 3), "out_channels"),
    (lambda: Conv2d(1, 1, 3, stride=0), "stride"),
    (lambda: Conv2d(1, 1, 3, padding=-1), "padding"),
    (lambda: Conv2d(1, 1, 3, dtype=np.int32), "dtype"),
    (lambda: Conv2d(1, 1, 3, rng="seed"), "rng"),
    (lambda: ConvTranspose2d(1, 1, 3, stride=2, output_padding=2), "output_padding"),
    (lambda: Upsample(2, mode="bicubic"), "mode"),
    (lambda: Upsample(0), "scale_factor"),
    (lambda: ResizeConv2d(1, 1, 4), "kernel_size"),
    (lambda: SubPixelConv2d(1, 1, 3, init="zeros"), "init"),
    (lambda: PixelShuffle(0), "upscale_factor"),
    (lambda: Sequential(Conv2d(1, 1, 1), "relu"), "layers[1]"),
])
def test_bad_construction_names_the_argument(make, message):
    with pytest.raises((TypeError, ValueError), match=message.replace("[", r"\[")):
        make()


def test_bad_calls_name_the_argument(rng):
    conv = Conv2d(2, 1, 3)
    with pytest.raises(ValueError, match="x must have 2 channels"):
        conv(np.ones((1, 3, 5, 5)))
    with pytest.raises(ValueError, match="x must be 4-D"):
        conv(np.ones((5, 5)))
    with pytest.raises(TypeError, match="x must be a real numeric array"):
        conv(np.full((1, 2, 5, 5), "a"))
    with pytest.raises(RuntimeError, match="before forward"):
        Conv2d(1, 1, 1).backward(np.ones((1, 1, 2, 2)))
    conv(np.ones((1, 2, 5, 5)))
    with pytest.raises(ValueError, match="grad must have spatial size"):
        conv.backward(np.ones((1, 1, 4, 4)))
    transposed = ConvTranspose2d(1, 1, 3, stride=2)
    transposed(np.ones((1, 1, 2, 2)))
    with pytest.raises(ValueError, match="grad must have spatial size"):
        transposed.backward(np.ones((1, 1, 4, 4)))
    with pytest.raises(ValueError, match="prediction and target"):
        MSELoss()(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="downscale_factor"):
        pixel_unshuffle(np.ones((1, 1, 3, 3)), 2)
    assert repr(Parameter(np.ones(2))) == "Parameter(shape=(2,), dtype=float64)"


# --- PyTorch autograd as the oracle ---------------------------------------------------


def torch_gradients(torch, module, x, probe):
    xt = torch.from_numpy(x).requires_grad_(True)
    out = module(xt)
    (out * torch.from_numpy(probe)).sum().backward()
    return out.detach().numpy(), xt.grad.numpy()


def assert_same_as_torch(torch, layer, module, x, rng):
    """Forward output, input-gradient, weight- and bias-gradient of ``layer`` equal torch's (float64)."""
    out = layer(x)
    probe = rng.standard_normal(out.shape)
    grad_x = layer.backward(probe)
    their_out, their_grad_x = torch_gradients(torch, module, x, probe)
    np.testing.assert_allclose(out, their_out, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grad_x, their_grad_x, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.weight.grad, module.weight.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.bias.grad, module.bias.grad.numpy(), rtol=1e-10, atol=1e-12)


def copy_weights(torch, layer, module):
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(layer.weight.value))
        module.bias.copy_(torch.from_numpy(layer.bias.value))


@pytest.mark.torch
@pytest.mark.parametrize("geometry", random_conv_geometries(20, 803))
def test_conv2d_matches_torch_autograd(geometry, torch, rng):
    n, c_in, c_out, h, w, k, stride, padding = geometry
    layer = Conv2d(c_in, c_out, k, stride=stride, padding=padding, rng=rng)
    module = torch.nn.Conv2d(c_in, c_out, k, stride=stride, padding=padding).double()
    copy_weights(torch, layer, module)
    assert_same_as_torch(torch, layer, module, rng.standard_normal((n, c_in, h, w)), rng)


@pytest.mark.torch
@pytest.mark.parametrize("geometry", random_transposed_geometries(20, 804))
def test_conv_transpose2d_matches_torch_autograd(geometry, torch, rng):
    n, c_in, c_out, h, w, k, stride, padding, output_padding = geometry
    layer = ConvTranspose2d(c_in, c_out, k, stride=stride, padding=padding, output_padding=output_padding, rng=rng)
    module = torch.nn.ConvTranspose2d(c_in, c_out, k, stride=stride, padding=padding,
                                      output_padding=output_padding).double()
    copy_weights(torch, layer, module)
    assert_same_as_torch(torch, layer, module, rng.standard_normal((n, c_in, h, w)), rng)


@pytest.mark.torch
@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_upsample_and_pixel_shuffle_match_torch_autograd(mode, torch, rng):
    x = rng.standard_normal((2, 4, 3, 5))
    for layer, module in [(Upsample(2, mode), torch.nn.Upsample(scale_factor=2, mode=mode)),
                          (Upsample(3, mode), torch.nn.Upsample(scale_factor=3, mode=mode)),
                          (PixelShuffle(2), torch.nn.PixelShuffle(2))]:
        out = layer(x)
        probe = rng.standard_normal(out.shape)
        their_out, their_grad = torch_gradients(torch, module, x, probe)
        np.testing.assert_allclose(out, their_out, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(layer.backward(probe), their_grad, rtol=1e-12, atol=1e-12)


# random geometries, plus fixed ones for each of kernel_gradient's two strategies (C_out * s * s > C_in or not)
@pytest.mark.parametrize("geometry", random_conv_geometries(8, 805) + [
    (2, 8, 1, 7, 6, (3, 2), (2, 2), (1, 0)), (3, 4, 4, 6, 5, (3, 3), (1, 1), (1, 1)),
    (2, 2, 8, 5, 5, (2, 3), (1, 2), (0, 1)), (1, 9, 2, 6, 7, (4, 3), (2, 1), (2, 0))])
def test_kernel_gradient_is_a_dilated_conv2d(geometry, rng):
    """The weight-gradient is conv2d(inputs with batch and channels swapped, grad as the kernel, dilation=stride)."""
    n, c_in, c_out, h, w, k, stride, padding = geometry
    x = rng.standard_normal((n, c_in, h + 2 * padding[0], w + 2 * padding[1]))
    g = rng.standard_normal(conv2d(x, np.zeros((c_out, c_in) + k), stride=stride).shape)
    as_conv = conv2d(x.transpose(1, 0, 2, 3), g.transpose(1, 0, 2, 3), dilation=stride)
    expected = as_conv[:, :, :k[0], :k[1]].transpose(1, 0, 2, 3)
    np.testing.assert_allclose(kernel_gradient(x, g, k, stride), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_upsample_equals_interpolate(mode, rng):
    from course_lib import interpolate

    x = rng.standard_normal((2, 3, 4, 5))
    np.testing.assert_allclose(Upsample(2, mode)(x), interpolate(x, scale_factor=2, mode=mode), rtol=1e-12)


def test_layers_without_bias(rng):
    for layer in (Conv2d(2, 3, 3, stride=2, padding=1, bias=False, rng=rng),
                  ConvTranspose2d(2, 3, 3, stride=2, padding=1, bias=False, rng=rng)):
        assert len(check_gradients(layer, rng.standard_normal((1, 2, 5, 5)), rng)) == 1


def test_kernel_gradient_rejects_shapes_that_do_not_fit():
    with pytest.raises(ValueError, match="does not fit"):
        kernel_gradient(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), 3, 1)
    with pytest.raises(ValueError, match="grad must be 4-D"):
        kernel_gradient(np.ones((1, 1, 4, 4)), np.ones((3, 3)), 3, 1)
