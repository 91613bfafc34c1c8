import numpy as np
import pytest

from course_lib import conv2d, conv_transpose2d
from course_lib.artifacts import (
    checkerboard_strength,
    flat_window_spreads,
    icnr,
    kernel_phase_sums,
    period_energy_share,
    phase_means,
    resize_conv,
    upsample_stack,
)
from course_lib.interpolation import interpolate


def _pixel_shuffle_reference(x, r):
    """out[n, c, h*r + i, w*r + j] = x[n, c*r*r + i*r + j, h, w], written as loops."""
    n, channels, h, w = x.shape
    out = np.zeros((n, channels // (r * r), h * r, w * r), dtype=x.dtype)
    for c in range(channels):
        i, j = divmod(c % (r * r), r)
        out[:, c // (r * r), i::r, j::r] = x[:, c]
    return out


# --- upsample_stack ----------------------------------------------------------------------------


def test_upsample_stack_one_layer_is_conv_transpose(rng):
    image = rng.normal(size=(5, 6))
    kernel = rng.normal(size=(3, 3))
    np.testing.assert_allclose(upsample_stack(image, kernel, 2, 1), conv_transpose2d(image, kernel, stride=2))


def test_upsample_stack_sizes_and_zero_layers(rng):
    image = rng.normal(size=(4, 4))
    out = upsample_stack(image, np.ones((3, 3)), 2, 3)
    size = 4
    for _ in range(3):
        size = (size - 1) * 2 + 3
    assert out.shape == (size, size) == (39, 39)
    np.testing.assert_array_equal(upsample_stack(image, np.ones((3, 3)), 2, 0), image)


def test_upsample_stack_ones_gives_outer_product_of_1d_counts():
    # Distill: k3 s2 -> 1, 1, 2, 1, 2, ..., 1, 1 along each axis; 2-D is the product (1, 2, 4).
    out = upsample_stack(np.ones((4, 4)), np.ones((3, 3)), 2, 1)
    counts = np.array([1, 1, 2, 1, 2, 1, 2, 1, 1])
    np.testing.assert_array_equal(out, np.outer(counts, counts))
    assert set(np.unique(out[2:-2, 2:-2])) == {1, 2, 4}


def test_upsample_stack_normalise_keeps_even_overlap_flat():
    out = upsample_stack(np.ones((6, 6)), np.ones((4, 4)), 2, 2, normalise=True)
    interior = out[8:-8, 8:-8]
    np.testing.assert_allclose(interior, 1.0)


def test_upsample_stack_float32_stays_float32():
    out = upsample_stack(np.ones((3, 3), np.float32), np.ones((3, 3), np.float32), 2, 2, normalise=True)
    assert out.dtype == np.float32


@pytest.mark.parametrize(
    "kwargs, error, text",
    [
        (dict(image=np.ones(3)), ValueError, "image must be a non-empty 2-D"),
        (dict(kernel=np.ones((1, 2, 2))), ValueError, "kernel must be a non-empty 2-D"),
        (dict(stride=0), ValueError, "stride must be a positive int, got 0"),
        (dict(layers=-1), ValueError, "layers must be a non-negative int, got -1"),
        (dict(layers=1.5), TypeError, "layers must be a non-negative int, got 1.5"),
        (dict(kernel=[[1, -1]], normalise=True), ValueError, "sum is not 0"),
    ],
)
def test_upsample_stack_bad_input(kwargs, error, text):
    arguments = dict(image=np.ones((2, 2)), kernel=np.ones((3, 3)), stride=2, layers=1) | kwargs
    with pytest.raises(error, match=text):
        upsample_stack(**arguments)


# --- phases -------------------------------------------------------------------------------------


@pytest.mark.parametrize("size, stride", [(3, 2), (4, 2), (5, 2), (5, 3), (2, 3)])
def test_kernel_phase_sums_are_the_interior_values_of_a_flat_input(rng, size, stride):
    kernel = rng.normal(size=(size, size))
    out = conv_transpose2d(np.ones((8, 8)), kernel, stride=stride)
    sums = kernel_phase_sums(kernel, stride)
    margin = size + stride  # away from the border every phase gets all its copies
    for a in range(stride):
        for b in range(stride):
            block = out[margin + a : -margin : stride, margin + b : -margin : stride]
            np.testing.assert_allclose(block, sums[(margin + a) % stride, (margin + b) % stride])


def test_kernel_phase_sums_random_k4_s2_differ_even_though_overlap_is_even(rng):
    sums = kernel_phase_sums(rng.normal(size=(4, 4)), 2)
    assert sums.shape == (2, 2)
    assert np.ptp(sums) > 0.1
    np.testing.assert_array_equal(kernel_phase_sums(np.ones((4, 4)), 2), np.full((2, 2), 4.0))


def test_kernel_phase_sums_kernel_smaller_than_stride_has_empty_phases():
    np.testing.assert_array_equal(kernel_phase_sums([[1, 2]], (1, 3)), [[1, 2, 0]])


def test_phase_means_and_strength():
    pattern = np.tile([[1.0, 3.0], [3.0, 5.0]], (4, 4))
    np.testing.assert_array_equal(phase_means(pattern, 2), [[1, 3], [3, 5]])
    assert checkerboard_strength(pattern, 2) == pytest.approx(4 / 3)
    assert checkerboard_strength(np.full((8, 8), 7.0), 2) == 0.0
    # the border is cropped before measuring
    framed = np.ones((8, 8))
    framed[0, :] = 10
    assert checkerboard_strength(framed, 2) > 0.5
    assert checkerboard_strength(framed, 2, border=1) == 0.0


@pytest.mark.parametrize(
    "call, error, text",
    [
        (lambda: phase_means(np.ones((1, 4)), 2), ValueError, r"at least stride = \(2, 2\)"),
        (lambda: phase_means(np.ones((4, 4)), 0), ValueError, "stride must be a positive int"),
        (lambda: kernel_phase_sums(np.ones(4), 2), ValueError, "kernel must be a non-empty 2-D"),
        (lambda: checkerboard_strength(np.zeros((4, 4)), 2), ValueError, "zero everywhere"),
        (lambda: checkerboard_strength(np.ones((4, 4)), 2, border=2), ValueError, "border must leave"),
        (lambda: checkerboard_strength(np.ones((4, 4)), 2, border=-1), ValueError, "border must be"),
        (lambda: checkerboard_strength("abc", 2), TypeError, "image must be a real numeric array"),
    ],
)
def test_phase_bad_input(call, error, text):
    with pytest.raises(error, match=text):
        call()


# --- the fixes ----------------------------------------------------------------------------------


def test_resize_conv_size_and_value(rng):
    image = rng.normal(size=(5, 7))
    kernel = rng.normal(size=(3, 3))
    out = resize_conv(image, kernel, 2, padding_mode="zeros")
    assert out.shape == (10, 14)
    expected = conv2d(interpolate(image, scale_factor=2, mode="nearest"), kernel, padding=1)
    np.testing.assert_allclose(out, expected)


@pytest.mark.parametrize("size", [2, 3, 4])
def test_resize_conv_even_and_odd_kernels_keep_the_size(size):
    out = resize_conv(np.ones((4, 4)), np.ones((size, size)), 3, mode="bilinear")
    assert out.shape == (12, 12)
    np.testing.assert_allclose(out, size * size)  # replicate padding: a flat image stays flat


def test_resize_conv_has_no_checkerboard_where_transposed_conv_has(rng):
    kernel = rng.normal(size=(4, 4)) + 1.0
    flat = np.ones((10, 10))
    assert checkerboard_strength(resize_conv(flat, kernel, 2), 2, border=4) < 1e-12
    assert checkerboard_strength(conv_transpose2d(flat, kernel, stride=2), 2, border=4) > 0.1


@pytest.mark.parametrize(
    "kwargs, error, text",
    [
        (dict(mode="bicubic"), ValueError, r"mode must be one of \('nearest', 'bilinear'\), got 'bicubic'"),
        (dict(padding_mode="reflect"), ValueError, "padding_mode must be one of"),
        (dict(scale_factor=0), ValueError, "scale_factor must be a positive int, got 0"),
        (dict(scale_factor=1.5), TypeError, "scale_factor must be a positive int, got 1.5"),
        (dict(weight=np.ones(3)), ValueError, "weight must be a non-empty 2-D"),
    ],
)
def test_resize_conv_bad_input(kwargs, error, text):
    arguments = dict(x=np.ones((3, 3)), weight=np.ones((3, 3))) | kwargs
    with pytest.raises(error, match=text):
        resize_conv(**arguments)


def test_icnr_conv_then_shuffle_equals_conv_then_nearest(rng):
    r = 2
    x = rng.normal(size=(1, 2, 5, 5))
    weight = rng.normal(size=(3, 2, 3, 3))
    expanded = icnr(weight, r)
    assert expanded.shape == (12, 2, 3, 3)
    shuffled = _pixel_shuffle_reference(conv2d(x, expanded, padding=1), r)
    nearest = interpolate(conv2d(x, weight, padding=1), scale_factor=r, mode="nearest")
    np.testing.assert_allclose(shuffled, nearest)


def test_icnr_matches_course_pixel_shuffle(rng):
    from course_lib import checkerboard

    x = rng.normal(size=(1, 1, 4, 4))
    weight = rng.normal(size=(1, 1, 3, 3))
    out = checkerboard.pixel_shuffle(conv2d(x, icnr(weight, 3), padding=1), 3)
    np.testing.assert_allclose(out, interpolate(conv2d(x, weight, padding=1), scale_factor=3, mode="nearest"))


@pytest.mark.parametrize(
    "kwargs, error, text",
    [
        (dict(weight=np.ones((3, 3))), ValueError, "weight must be 4-D"),
        (dict(upscale_factor=0), ValueError, "upscale_factor must be a positive int, got 0"),
        (dict(upscale_factor="2"), TypeError, "upscale_factor must be a positive int, got '2'"),
    ],
)
def test_icnr_bad_input(kwargs, error, text):
    arguments = dict(weight=np.ones((1, 1, 3, 3)), upscale_factor=2) | kwargs
    with pytest.raises(error, match=text):
        icnr(**arguments)


@pytest.mark.torch
def test_against_torch(torch, rng):
    F = torch.nn.functional
    image = rng.normal(size=(6, 6))
    kernel = rng.normal(size=(3, 3))
    ours = upsample_stack(image, kernel, 2, 2)
    t = torch.tensor(image)[None, None]
    k = torch.tensor(kernel)[None, None]
    theirs = F.conv_transpose2d(F.conv_transpose2d(t, k, stride=2), k, stride=2)[0, 0].numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    weight = rng.normal(size=(2, 1, 3, 3))
    x = rng.normal(size=(1, 1, 4, 4))
    conv = F.conv2d(torch.tensor(x), torch.tensor(icnr(weight, 2)), padding=1)
    np.testing.assert_allclose(
        F.pixel_shuffle(conv, 2).numpy(),
        F.interpolate(F.conv2d(torch.tensor(x), torch.tensor(weight), padding=1), scale_factor=2).numpy(),
        rtol=1e-10, atol=1e-12,
    )


# --- flat_window_spreads -------------------------------------------------------------------------


def _checker(shape, amplitude=1.0):
    rows, columns = shape[-2:]
    return amplitude * (-1.0) ** np.add.outer(np.arange(rows), np.arange(columns))


def test_flat_window_spreads_finds_a_checkerboard_only_where_the_reference_is_flat():
    reference = np.full((16, 16), 0.5)
    reference[:8, :8] = np.linspace(0, 1, 64).reshape(8, 8)       # one tile with content (std ~ 0.29)
    image = reference + _checker((16, 16), 0.05)
    spreads = flat_window_spreads(image, reference, stride=2, window=8)
    np.testing.assert_allclose(spreads, [0.1, 0.1, 0.1])          # the three flat tiles, row by row
    assert flat_window_spreads(reference, reference, window=8).tolist() == [0.0, 0.0, 0.0]


def test_flat_window_spreads_known_phase_pattern_and_units():
    # phase (0, 0) raised by 0.3 on a flat 0.2: phase means 0.5, 0.2, 0.2, 0.2 -> spread 0.3, whatever the brightness
    reference = np.full((8, 8), 0.2)
    image = reference.copy()
    image[::2, ::2] += 0.3
    np.testing.assert_allclose(flat_window_spreads(image, reference, window=4), [0.3] * 4)
    np.testing.assert_allclose(flat_window_spreads(image + 10, reference, window=4), [0.3] * 4)


def test_flat_window_spreads_border_tolerance_and_planes():
    reference = np.zeros((2, 3, 12, 12))
    image = reference + _checker((12, 12), 0.5)
    image[..., 0, :] = 7.0                                         # a bad border row, cropped away
    spreads = flat_window_spreads(image, reference, window=4, border=2)
    assert spreads.shape == (2 * 3 * 4,)                           # 8x8 left: 2x2 tiles per plane
    np.testing.assert_allclose(spreads, 1.0)
    noisy = reference + 0.02 * _checker((12, 12))                  # std 0.02 per tile
    assert flat_window_spreads(image, noisy, window=4, border=2, tolerance=0.01).size == 0
    assert flat_window_spreads(image, noisy, window=4, border=2, tolerance=0.03).size == 24


def test_flat_window_spreads_stride_3():
    reference = np.ones((6, 6))
    image = reference.copy()
    image[1::3, 2::3] = 4.0                                        # one of nine phases: means 4 and 1
    np.testing.assert_allclose(flat_window_spreads(image, reference, stride=3, window=6), [3.0])


@pytest.mark.parametrize("kwargs, message", [
    (dict(image=np.zeros((8, 8)), reference=np.zeros((8, 6))), "same shape"),
    (dict(image=np.zeros(8), reference=np.zeros(8)), "image must be"),
    (dict(image=np.zeros((8, 8), dtype=bool), reference=np.zeros((8, 8))), "image must be a real numeric"),
    (dict(image=np.zeros((8, 8)), reference=np.zeros((8, 8)), window=5), "window must be a multiple of stride=2, got 5"),
    (dict(image=np.zeros((8, 8)), reference=np.zeros((8, 8)), stride=0), "stride"),
    (dict(image=np.zeros((8, 8)), reference=np.zeros((8, 8)), tolerance=0), "tolerance must be a positive number, got 0"),
    (dict(image=np.zeros((8, 8)), reference=np.zeros((8, 8)), tolerance="0.1"), "tolerance"),
    (dict(image=np.zeros((8, 8)), reference=np.zeros((8, 8)), border=1), "border=1 must leave"),
    (dict(image=np.zeros((8, 8)), reference=np.zeros((8, 8)), border=-1), "border"),
])
def test_flat_window_spreads_refuses_bad_input(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        flat_window_spreads(**kwargs)


# --- period_energy_share -------------------------------------------------------------------------


def test_period_energy_share_matches_the_fourier_definition(rng):
    error = rng.normal(size=(3, 8, 12))
    spectrum = np.abs(np.fft.fft2(error)) ** 2
    period = spectrum[:, ::4, ::6].sum() - spectrum[:, 0, 0].sum()   # frequencies (a*8/2, b*12/2), not (0, 0)
    assert period_energy_share(error, 2) == pytest.approx(period / spectrum.sum())
    spectrum3 = np.abs(np.fft.fft2(error[0, :6])) ** 2               # stride 3 on 6x12: (2a, 4b)
    period3 = spectrum3[::2, ::4].sum() - spectrum3[0, 0]
    assert period_energy_share(error[0, :6], 3) == pytest.approx(period3 / spectrum3.sum())


def test_period_energy_share_known_answers():
    assert period_energy_share(_checker((16, 16)), 2) == 1.0
    assert period_energy_share(np.full((16, 16), 3.0), 2) == 0.0
    # columns 1, 1, -1, -1 repeating (period 4: no period-2 part, energy 1 per pixel) plus a checkerboard of
    # amplitude 0.5 (energy 0.25 per pixel): the frequencies are orthogonal, so the share is 0.25 / 1.25
    period4 = np.tile([1.0, 1.0, -1.0, -1.0], (16, 4))
    assert period_energy_share(period4, 2) == 0.0
    assert period_energy_share(period4 + _checker((16, 16), 0.5), 2) == pytest.approx(0.2)
    stripes = np.tile([1.0, -1.0], (4, 2))                           # columns alternate: all energy at (0, W/2)
    assert period_energy_share(stripes, 2) == 1.0


def test_period_energy_share_pools_planes_by_energy():
    # a checkerboard plane and a zero plane: energies are summed (share 1), not shares averaged (0.5)
    assert period_energy_share(np.stack([_checker((4, 4)), np.zeros((4, 4))]), 2) == 1.0


@pytest.mark.parametrize("error, stride, message", [
    (np.zeros((4, 4)), 2, "error must not be zero everywhere"),
    (np.ones((4, 5)), 2, r"divisible by stride=2, got \(4, 5\)"),
    (np.ones(4), 2, "at least 2-D"),
    (np.ones((4, 4)), 0, "stride"),
    ([["a"]], 1, "real numeric"),
])
def test_period_energy_share_refuses_bad_input(error, stride, message):
    with pytest.raises((TypeError, ValueError), match=message):
        period_energy_share(error, stride)
