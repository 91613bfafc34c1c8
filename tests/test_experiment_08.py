"""Notebook 08's multi-seed experiment, recomputed: every ranking the notebook states must hold on every seed.

The notebook (sections 4-8, the summary and the answers) states these rankings as holding on all
five seeds, on the images named; everything else it reports as depending on the seed. This test
reruns the experiment exactly as the notebook does (same images, seeds, steps and settings, via
``course_lib.training.run_experiment``) and fails if any stated ranking stops holding for any seed,
or if a quantity the notebook calls zero by construction is not zero.
"""
import numpy as np
import pytest

from course_lib.training import (EXPERIMENT_SEEDS, EXPERIMENT_STEPS, UPSAMPLERS, agreed_pairs, decoder,
                                 experiment_images, per_seed, run_experiment, super_resolution_pairs,
                                 weight_count, MATCHED_CHANNELS)

K3, K4, RESIZE, SHUFFLE = UPSAMPLERS

# (split, measure, lower, higher): "lower < higher on every seed", as the notebook states them.
STATED_RANKINGS = [
    # step 0, flat grey probe: both transposed convolutions above resize-conv and pixel shuffle + ICNR
    ("step0", "probe_strength", RESIZE, K3), ("step0", "probe_strength", RESIZE, K4),
    ("step0", "probe_strength", SHUFFLE, K3), ("step0", "probe_strength", SHUFFLE, K4),
    # after training, flat grey probe: resize-conv below the other three
    ("train", "probe_strength", RESIZE, K3), ("train", "probe_strength", RESIZE, K4),
    ("train", "probe_strength", RESIZE, SHUFFLE),
    # after training, held-out images, flat windows: resize-conv below the other three
    ("heldout", "flat_spread", RESIZE, K3), ("heldout", "flat_spread", RESIZE, K4),
    ("heldout", "flat_spread", RESIZE, SHUFFLE),
    # after training, training images, flat windows: resize-conv below k4 s2 and pixel shuffle (not k3 s2)
    ("train", "flat_spread", RESIZE, K4), ("train", "flat_spread", RESIZE, SHUFFLE),
]


@pytest.fixture(scope="module")
def result():
    train, heldout = experiment_images()
    probe = np.full((1, 1, 24, 24), 0.5)
    return run_experiment(super_resolution_pairs(train, dtype=np.float64),
                          super_resolution_pairs(heldout, dtype=np.float64), probe,
                          seeds=EXPERIMENT_SEEDS, steps=EXPERIMENT_STEPS, every=20)


def test_at_least_five_seeds_and_matched_capacity():
    assert len(EXPERIMENT_SEEDS) >= 5
    counts = [weight_count(decoder(name, MATCHED_CHANNELS[name])) for name in UPSAMPLERS]
    assert max(counts) / min(counts) < 1.02


@pytest.mark.parametrize("split, key, lower, higher", STATED_RANKINGS)
def test_stated_ranking_holds_on_every_seed(result, split, key, lower, higher):
    values = per_seed(result, split, key)
    assert (lower, higher) in agreed_pairs(values), f"{split} {key}: {lower} {values[lower]} vs {higher} {values[higher]}"


def test_zero_by_construction(result):
    # resize-conv's probe output is flat inside the border before and after training; pixel shuffle + ICNR at step 0
    for seed in EXPERIMENT_SEEDS:
        assert result[seed][RESIZE]["step0"]["probe_strength"] < 1e-9
        assert result[seed][RESIZE]["train"]["probe_strength"] < 1e-9
        assert result[seed][SHUFFLE]["step0"]["probe_strength"] < 1e-9
        assert result[seed][SHUFFLE]["train"]["probe_strength"] > 1e-3     # ICNR is a start, not a guarantee


def test_training_lowers_the_loss_for_every_decoder_and_seed(result):
    for seed in EXPERIMENT_SEEDS:
        for name in UPSAMPLERS:
            assert result[seed][name]["train"]["loss"] < 0.5 * result[seed][name]["step0"]["loss"]


def test_stated_comparisons_with_the_targets_and_bilinear(result):
    from course_lib import interpolate
    from course_lib.artifacts import flat_window_spreads, period_energy_share

    train, heldout = (super_resolution_pairs(images, dtype=np.float64) for images in experiment_images())
    own = flat_window_spreads(train[1], train[1], window=8, tolerance=0.01, border=4).mean()
    bilinear = interpolate(heldout[0], scale_factor=2, mode="bilinear")
    bilinear_share = period_energy_share(bilinear - heldout[1], 2)
    for name in UPSAMPLERS:
        # "No decoder gets down to the targets' level" in the training images' flat windows
        assert min(per_seed(result, "train", "flat_spread")[name]) > 2 * own
        # "On held-out images every decoder's period-2 share is above bilinear's on every seed"
        assert min(per_seed(result, "heldout", "period_share")[name]) > bilinear_share


def test_what_the_notebook_says_depends_on_the_seed(result):
    # k3 s2 against k4 s2: neither is below the other on every seed, on any measure after training
    for split in ("train", "heldout"):
        for key in ("psnr", "strength", "flat_spread", "period_share", "loss"):
            pairs = agreed_pairs(per_seed(result, split, key))
            assert (K3, K4) not in pairs and (K4, K3) not in pairs, (split, key)
    assert not {(K3, K4), (K4, K3)} & set(agreed_pairs(per_seed(result, "train", "probe_strength")))
    # at step 0 k3 s2 has the larger probe pattern on some seeds but not all (3 of 5 in the notebook)
    step0 = per_seed(result, "step0", "probe_strength")
    assert sum(a > b for a, b in zip(step0[K3], step0[K4])) == 3
    # no PSNR ranking between any two upsamplers, on training or held-out images
    assert agreed_pairs(per_seed(result, "train", "psnr")) == []
    assert agreed_pairs(per_seed(result, "heldout", "psnr")) == []


def test_trained_k3_pattern_does_not_grow_steadily_with_brightness_distance(result):
    # section 7: "On none of the five seeds does the trained k3 s2 decoder's pattern grow steadily with the
    # distance from the training images' mean brightness"; resize-convolution has no pattern at any level
    from course_lib.artifacts import phase_means

    train, _ = experiment_images()
    levels = np.array([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    order = np.argsort(np.abs(levels - train.mean()), kind="stable")
    for seed in EXPERIMENT_SEEDS:
        amplitudes = {name: np.array([np.ptp(phase_means(result[seed][name]["model"](
            np.full((1, 1, 24, 24), level))[0, 0, 6:-6, 6:-6], 2)) for level in levels]) for name in (K3, RESIZE)}
        assert not np.all(np.diff(amplitudes[K3][order]) >= 0)
        assert np.all(amplitudes[RESIZE] < 1e-9)
