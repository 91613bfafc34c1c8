"""The network of course_lib.segmentation written with torch.nn.functional, reading the same weights.

Shared by tests/test_segmentation.py (gradients of the whole network against torch.autograd) and
benchmarks/bench_training.py (one training step, numpy against PyTorch).
"""


def torch_parameters(torch, net):
    """One leaf tensor (requires_grad) per course_lib Parameter of ``net``, keyed by ``id`` of the Parameter."""
    return {id(p): torch.from_numpy(p.value.copy()).requires_grad_(True) for p in net.parameters()}


def torch_forward(torch, net, x, params):
    """``net.forward(x)`` in PyTorch: the same encoder, upsampler, skips and head, with ``params``' tensors."""
    functional = torch.nn.functional

    def conv(layer, h):
        return functional.conv2d(h, params[id(layer.weight)], params[id(layer.bias)], stride=layer.stride,
                                 padding=layer.padding)

    h, skips, switches = x, [], []
    for layer in net.encoder_convs:
        h = functional.relu(conv(layer, h))
        skips.append(h)
        h, indices = functional.max_pool2d(h, 2, return_indices=True)
        switches.append(indices)
    for j, (up, layer) in enumerate(zip(net.ups, net.decoder_convs)):
        level = net.stages - 1 - j
        if net.upsampler == "transposed":
            h = functional.conv_transpose2d(h, params[id(up.weight)], params[id(up.bias)], stride=2, padding=1)
        elif net.upsampler == "unpool":
            h = functional.max_unpool2d(h, switches[level], 2, output_size=skips[level].shape[2:])
        elif net.upsampler == "bilinear":
            h = functional.interpolate(h, scale_factor=2, mode="bilinear", align_corners=False)
        else:
            h = functional.interpolate(h, scale_factor=2, mode="nearest")
        if net.skips:
            h = torch.cat([h, skips[level]], dim=1)
        h = functional.relu(conv(layer, h))
    return conv(net.head, h)
