"""course_lib.training: Adam against its formula and torch.optim.Adam, the loop, PSNR, bad input."""
import numpy as np
import pytest

from course_lib.layers import Conv2d, ConvTranspose2d, Parameter, ReLU, Sequential
from course_lib.training import Adam, psnr, train


def test_adam_follows_its_formula_for_three_steps(rng):
    w = Parameter(rng.standard_normal(5))
    expected = w.value.copy()
    m = v = np.zeros(5)
    adam = Adam([w], lr=0.01, betas=(0.8, 0.9), eps=1e-6)
    for t in range(1, 4):
        g = rng.standard_normal(5)
        w.grad[...] = g
        adam.step()
        m, v = 0.8 * m + 0.2 * g, 0.9 * v + 0.1 * g**2
        expected -= 0.01 * (m / (1 - 0.8**t)) / (np.sqrt(v / (1 - 0.9**t)) + 1e-6)
        np.testing.assert_allclose(w.value, expected, rtol=1e-12)
    adam.zero_grad()
    assert not w.grad.any()


def test_train_calls_back_and_lowers_the_loss(rng):
    net = Sequential(Conv2d(1, 4, 3, padding=1, rng=1), ReLU(), ConvTranspose2d(4, 1, 4, stride=2, padding=1, rng=2))
    x = rng.uniform(size=(2, 1, 6, 6))
    y = x.repeat(2, axis=2).repeat(2, axis=3)
    calls = []
    losses = train(net, x, y, 30, Adam(net.parameters(), lr=0.01), callback=lambda s, l: calls.append((s, len(l))),
                   every=10)
    assert len(losses) == 30 and losses[-1] < 0.5 * losses[0]
    assert calls == [(1, 1), (10, 10), (20, 20), (30, 30)]


def test_train_is_reproducible(rng):
    x, y = rng.uniform(size=(1, 1, 5, 5)), rng.uniform(size=(1, 1, 5, 5))

    def run():
        net = Conv2d(1, 1, 3, padding=1, rng=3)
        return train(net, x, y, 5, Adam(net.parameters(), lr=0.1)), net.weight.value

    (a, wa), (b, wb) = run(), run()
    assert a == b
    np.testing.assert_array_equal(wa, wb)


def test_psnr():
    assert psnr(np.zeros(4), np.full(4, 0.1)) == pytest.approx(20.0)
    assert psnr(np.ones(3), np.ones(3)) == float("inf")
    with pytest.raises(ValueError, match="same shape"):
        psnr(np.ones(3), np.ones(2))


def test_bad_input_names_the_argument():
    net = Conv2d(1, 1, 1, rng=0)
    adam = Adam(net.parameters())
    x = np.ones((1, 1, 2, 2))
    with pytest.raises(TypeError, match="model"):
        train("net", x, x, 1, adam)
    with pytest.raises(TypeError, match="optimizer"):
        train(net, x, x, 1, "adam")
    with pytest.raises(TypeError, match="callback"):
        train(net, x, x, 1, adam, callback=3)
    with pytest.raises(ValueError, match="steps"):
        train(net, x, x, -1, adam)
    with pytest.raises(ValueError, match="lr"):
        Adam(net.parameters(), lr=0)
    with pytest.raises(ValueError, match="betas"):
        Adam(net.parameters(), betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="eps"):
        Adam(net.parameters(), eps=-1)
    with pytest.raises(TypeError, match=r"parameters\[0\]"):
        Adam([np.ones(2)])
    with pytest.raises(ValueError, match="parameters must not be empty"):
        Adam([])


@pytest.mark.torch
def test_training_matches_torch_step_for_step(torch, rng):
    """Ten Adam steps of a small decoder: same losses and weights as torch.nn + torch.optim.Adam (float64)."""
    ours = Sequential(Conv2d(2, 3, 3, padding=1, rng=5), ReLU(),
                      ConvTranspose2d(3, 1, 3, stride=2, padding=1, output_padding=1, rng=6))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3, padding=1), torch.nn.ReLU(),
                                 torch.nn.ConvTranspose2d(3, 1, 3, stride=2, padding=1, output_padding=1)).double()
    with torch.no_grad():
        for p, q in zip(ours.parameters(), theirs.parameters()):
            q.copy_(torch.from_numpy(p.value))
    x, y = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((2, 1, 10, 10))
    losses = train(ours, x, y, 10, Adam(ours.parameters(), lr=0.01))
    optimizer = torch.optim.Adam(theirs.parameters(), lr=0.01)
    their_losses = []
    for _ in range(10):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(theirs(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        optimizer.step()
        their_losses.append(loss.item())
    np.testing.assert_allclose(losses, their_losses, rtol=1e-9)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.value, q.detach().numpy(), rtol=1e-8, atol=1e-10)


def test_the_four_decoders_share_everything_but_the_upsampler():
    from course_lib.training import UPSAMPLERS, decoder

    models = [decoder(name, channels=4, seed=3, dtype=np.float64) for name in UPSAMPLERS]
    x = np.random.default_rng(0).uniform(size=(2, 1, 6, 6))
    for model in models:
        assert model(x).shape == (2, 1, 12, 12)
        np.testing.assert_array_equal(model.layers[0].weight.value, models[0].layers[0].weight.value)
        np.testing.assert_array_equal(model.layers[-1].weight.value, models[0].layers[-1].weight.value)
    with pytest.raises(ValueError, match="name must be one of"):
        decoder("bicubic")


def test_icnr_and_resize_decoders_keep_a_flat_probe_flat_at_step_0():
    from course_lib.training import decoder, measure, super_resolution_pairs

    x, y = super_resolution_pairs(np.full((1, 1, 16, 16), 0.5), dtype=np.float64)
    for name, flat in [("nearest resize + conv", True), ("pixel shuffle + ICNR", True), ("transposed k3 s2", False)]:
        m = measure(decoder(name, channels=4, seed=1, dtype=np.float64), x, y, x, border=6)
        assert (m["probe_strength"] < 1e-12) == flat, (name, m)


def test_super_resolution_pairs_and_measure_reject_bad_input():
    from course_lib.training import measure, super_resolution_pairs

    with pytest.raises(ValueError, match="divisible by factor"):
        super_resolution_pairs(np.ones((1, 1, 5, 4)))
    with pytest.raises(TypeError, match="model"):
        measure("net", np.ones((1, 1, 2, 2)), np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)))


def test_train_and_measure_records_every_step_and_calls_back():
    from course_lib.training import decoder, super_resolution_pairs, train_and_measure

    x, y = super_resolution_pairs(np.random.default_rng(2).uniform(size=(2, 1, 16, 16)), dtype=np.float64)
    calls = []
    history = train_and_measure(decoder("transposed k4 s2", 4, dtype=np.float64), x, y, x[:1], steps=20, every=5,
                                callback=lambda s, l: calls.append(s), border=2)
    assert history["step"] == [0, 5, 10, 15, 20]
    assert all(len(v) == 5 for v in history.values())
    assert history["loss"][-1] < history["loss"][0]
    assert calls == [1, 5, 10, 15, 20]
    with pytest.raises(TypeError, match="callback"):
        train_and_measure(decoder("transposed k4 s2", 4), x, y, x[:1], steps=1, callback="bar")


@pytest.mark.parametrize("lr, error", [(True, TypeError), (np.bool_(True), TypeError), ("0.1", TypeError),
                                       (float("inf"), ValueError), (float("nan"), ValueError), (-0.1, ValueError)])
def test_adam_refuses_a_learning_rate_that_is_no_positive_finite_number(lr, error):
    with pytest.raises(error, match=r"lr must be a positive finite number, got"):
        Adam([Parameter(np.ones(2))], lr=lr)
    with pytest.raises(error, match=r"eps must be a positive finite number, got"):
        Adam([Parameter(np.ones(2))], eps=lr)


@pytest.mark.parametrize("lr", [np.float32(0.1), np.float64(0.1), np.int64(1), 0.1, 1])
def test_adam_accepts_numpy_numbers(lr):
    adam = Adam([Parameter(np.ones(2))], lr=lr)
    assert type(adam.lr) is float and adam.lr == pytest.approx(float(lr))
