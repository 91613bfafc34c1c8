"""course_lib.segmentation and course_lib.shapes_data: the data, the networks' gradients (finite differences
and torch.autograd), the metrics on hand-built examples, bad input."""
import numpy as np
import pytest

from course_lib import interpolate
from course_lib.segmentation import (DECODERS, SegmentationNet, boundary_band, confusion, evaluate, iou, predict,
                                     train_segmentation)
from course_lib.shapes_data import CLASSES, card_labels, shapes_dataset
from course_lib.training import Adam
from tests._torch_segmentation import torch_forward, torch_parameters


# --- data ------------------------------------------------------------------------------------


def test_dataset_is_seeded_and_held_out_differs():
    a, b = shapes_dataset(6, seed=3), shapes_dataset(6, seed=3)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    other = shapes_dataset(6, seed=4)
    assert not np.array_equal(a[0], other[0])
    images, labels, small = shapes_dataset(40, seed=0)
    assert images.dtype == np.float32 and labels.dtype == np.int64 and small.dtype == bool
    assert set(np.unique(labels)) == {0, 1, 2, 3}
    assert small.any() and np.all(labels[small] > 0) and np.all(labels[small] < 3)


def test_dataset_has_thin_lines():
    """Every "lines" pixel has a background or other-class pixel within 1 pixel across (1-2 px wide)."""
    _, labels, _ = shapes_dataset(30, seed=0)
    lines = labels == CLASSES.index("lines")
    # a 3x3 opening removes anything at least 3 pixels thick in both directions
    thick = np.ones_like(lines)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            thick &= np.roll(np.roll(lines, dy, axis=1), dx, axis=2)
    assert lines.sum() > 1000 and thick.sum() < 0.05 * lines.sum()


def test_card_labels_give_notebook_01s_wrong_pixel_counts():
    mask = card_labels(64)
    wrong = []
    for side in (8, 16, 32):
        block = 64 // side
        scores = np.stack([(mask == c).reshape(side, block, side, block).mean(axis=(1, 3)) for c in range(4)])
        guess = interpolate(scores.argmax(axis=0), size=64, mode="nearest").astype(int)
        wrong.append(int((guess != mask).sum()))
    assert wrong == [562, 382, 290]


def test_dataset_refuses_bad_arguments():
    with pytest.raises(ValueError, match="count must be a positive int, got 0"):
        shapes_dataset(0, seed=0)
    with pytest.raises(TypeError, match="seed must be a non-negative int"):
        shapes_dataset(2, seed=1.5)
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        shapes_dataset(2, seed=0, dtype=np.int32)


# --- metrics -----------------------------------------------------------------------------------


def test_confusion_and_iou_by_hand():
    truth = np.array([[0, 0, 1, 1], [0, 2, 2, 1]])
    predicted = np.array([[0, 1, 1, 1], [0, 2, 0, 1]])
    counts = confusion(predicted, truth, classes=3)
    np.testing.assert_array_equal(counts, [[2, 1, 0], [0, 3, 0], [1, 0, 1]])
    # class 0: TP 2, FP 1, FN 1 -> 2/4; class 1: 3 / (3 + 1) ; class 2: 1 / 2
    np.testing.assert_allclose(iou(counts), [0.5, 0.75, 0.5])
    assert np.isnan(iou(np.zeros((2, 2)))).all()


def test_boundary_band_by_hand():
    labels = np.zeros((7, 7), dtype=int)
    labels[3, 3] = 1
    band0 = boundary_band(labels, width=0)
    assert band0.sum() == 5 and band0[3, 3] and band0[2, 3] and not band0[2, 2]
    band2 = boundary_band(labels, width=2)
    assert band2.sum() == 45 and not band2[0, 0]   # the plus shape grown by 2: all but the four corners
    assert not boundary_band(np.zeros((3, 3), dtype=int), 2).any()


def test_evaluate_counts_like_notebook_01():
    truth = card_labels(64)[None]
    perfect = evaluate(truth, truth)
    assert perfect["wrong_per_4096"] == 0 and perfect["mean_iou"] == 1 and perfect["thin_recall"] == 1
    side, block = 8, 8
    scores = np.stack([(truth[0] == c).reshape(side, block, side, block).mean(axis=(1, 3)) for c in range(4)])
    coarse = interpolate(scores.argmax(axis=0), size=64, mode="nearest").astype(int)[None]
    metrics = evaluate(coarse, truth)
    assert metrics["wrong_per_4096"] == 562
    assert metrics["boundary_accuracy"] < metrics["accuracy"]
    everything_background = evaluate(np.zeros_like(truth), truth)
    assert everything_background["thin_recall"] == 0
    np.testing.assert_allclose(everything_background["iou"][1:], 0)


# --- the networks ----------------------------------------------------------------------------


@pytest.mark.parametrize("decoder", list(DECODERS))
def test_network_gradients_match_finite_differences(decoder, rng):
    net = SegmentationNet(decoder, seed=1, stages=2, dtype=np.float64)
    x = rng.uniform(0, 1, size=(2, 1, 8, 8))
    probe = rng.standard_normal((2, 4, 8, 8))
    net.forward(x)
    for p in net.parameters():
        p.zero_grad()
    grad_x = net.backward(probe)

    def loss():
        return float(np.sum(net.forward(x) * probe))

    eps = 1e-6
    for array, grad in [(x, grad_x)] + [(p.value, p.grad) for p in net.parameters()]:
        flat, flat_grad = array.reshape(-1), grad.reshape(-1)
        for i in rng.choice(flat.size, size=min(flat.size, 6), replace=False):
            saved = flat[i]
            flat[i] = saved + eps
            plus = loss()
            flat[i] = saved - eps
            minus = loss()
            flat[i] = saved
            assert flat_grad[i] == pytest.approx((plus - minus) / (2 * eps), rel=1e-5, abs=1e-7)


@pytest.mark.torch
@pytest.mark.parametrize("decoder", list(DECODERS))
@pytest.mark.parametrize("stages", [2, 3])
def test_network_matches_torch_autograd(decoder, stages, torch, rng):
    net = SegmentationNet(decoder, seed=2, stages=stages, dtype=np.float64)
    x = rng.uniform(0, 1, size=(2, 1, 16, 24))
    probe = rng.standard_normal((2, 4, 16, 24))
    ours = net.forward(x)
    grad_x = net.backward(probe)
    params = torch_parameters(torch, net)
    xt = torch.from_numpy(x).requires_grad_(True)
    theirs = torch_forward(torch, net, xt, params)
    (theirs * torch.from_numpy(probe)).sum().backward()
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grad_x, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    for p in net.parameters():
        np.testing.assert_allclose(p.grad, params[id(p)].grad.numpy(), rtol=1e-9, atol=1e-12)


def test_decoders_share_the_encoder_and_differ_as_named():
    nets = {name: SegmentationNet(name, seed=5) for name in DECODERS}
    first = nets["nearest"].encoder_convs[0].weight.value
    for net in nets.values():
        np.testing.assert_array_equal(net.encoder_convs[0].weight.value, first)
    counts = {name: net.weight_count() for name, net in nets.items()}
    assert counts["nearest"] == counts["bilinear"] == counts["SegNet (unpool)"]
    assert counts["U-Net nearest"] == counts["U-Net bilinear"] > counts["nearest"]
    assert counts["transposed k4 s2"] > counts["nearest"]


def test_training_lowers_the_loss_and_predict_gives_labels():
    images, labels, _ = shapes_dataset(8, seed=0, size=16)
    net = SegmentationNet("U-Net bilinear", seed=0, stages=2)
    seen = []
    losses = train_segmentation(net, images, labels, 30, Adam(net.parameters(), lr=0.02), batch=4,
                                callback=lambda step, losses: seen.append(step), every=10)
    assert len(losses) == 30 and np.mean(losses[-5:]) < losses[0]
    assert seen == [1, 10, 20, 30]
    predicted = predict(net, images)
    assert predicted.shape == labels.shape and predicted.min() >= 0 and predicted.max() < 4


def test_segmentation_refuses_bad_arguments():
    with pytest.raises(ValueError, match="decoder must be one of"):
        SegmentationNet("deconvolution")
    with pytest.raises(ValueError, match="stages must be at most 3, got 4"):
        SegmentationNet("nearest", stages=4)
    with pytest.raises(ValueError, match="predicted and truth must have the same shape"):
        confusion(np.zeros((2, 2), dtype=int), np.zeros((2, 3), dtype=int))
    net = SegmentationNet("nearest")
    with pytest.raises(TypeError, match="optimizer must be an Adam optimiser"):
        train_segmentation(net, np.zeros((1, 1, 8, 8)), np.zeros((1, 8, 8), dtype=int), 1, "adam")
