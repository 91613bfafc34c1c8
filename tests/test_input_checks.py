"""Absurd sizes refused at once, silent misuse and raw numpy errors, unusual arrays (issue 13).

Each test names the defect it pins. Guards refuse before they allocate (a tracemalloc peak,
tests/_budget.py); cost that follows the output is shown by what the call allocates.
"""
import numpy as np
import pytest

import course_lib as cl
from course_lib import artifacts
from course_lib._checks import MAX_ELEMENTS
from tests._budget import peak_memory, refused_before_allocating


# --- cost follows the output ---------------------------------------------------------------------

@pytest.mark.parametrize("stride", [15000, 10**5, MAX_ELEMENTS])
def test_conv2d_huge_stride_is_one_cheap_pixel(stride, rng):
    x = rng.standard_normal((1, 2, 20, 30))
    weight = rng.standard_normal((3, 2, 3, 3))
    with peak_memory() as peak:
        result = cl.conv2d(x, weight, stride=stride, padding=1)
    assert peak.bytes < 40_000   # one output pixel's window (~6 kB); every stride-1 window would be ~120 kB
    np.testing.assert_allclose(result, cl.conv2d_loop(x, weight, stride=stride, padding=1), atol=1e-12)
    assert result.shape == (1, 3, 1, 1)


@pytest.mark.parametrize("stride, padding, dilation", [((3, 1), (1, 0), 1), ((1, 4), 0, (2, 1)), (5, 2, 1), (7, 0, 2)])
def test_conv2d_stride_longer_than_kernel_matches_loop(stride, padding, dilation, rng):
    x = rng.standard_normal((2, 2, 11, 12))
    weight = rng.standard_normal((3, 2, 2, 3))
    np.testing.assert_allclose(cl.conv2d(x, weight, stride=stride, padding=padding, dilation=dilation),
                               cl.conv2d_loop(x, weight, stride=stride, padding=padding, dilation=dilation),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("stride", [10**5, (3, 1), (1, 6)])
def test_conv_transpose2d_huge_stride_on_one_pixel(stride, rng):
    x = rng.standard_normal((1, 2, 1, 1))
    weight = rng.standard_normal((2, 3, 3, 2))
    with peak_memory() as peak:
        result = cl.conv_transpose2d(x, weight, stride=stride)
    assert peak.bytes < 40_000   # one pixel's copy of the kernel (~6 kB), nothing that grows with the stride
    np.testing.assert_allclose(result, cl.conv_transpose2d_loop(x, weight, stride=stride), atol=1e-12)
    x = rng.standard_normal((1, 2, 3, 4))
    np.testing.assert_allclose(cl.conv_transpose2d(x, weight, stride=(4, 5), padding=1, output_padding=(3, 2)),
                               cl.conv_transpose2d_loop(x, weight, stride=(4, 5), padding=1, output_padding=(3, 2)),
                               atol=1e-12)


def test_overlap_counts_cost_follows_the_output():
    with peak_memory() as peak:
        counts = cl.overlap_counts(10**6, 3, 2)
    assert peak.bytes <= 4 * counts.nbytes   # a few output-sized arrays (3 today), no kernel-size x inputs table
    assert counts.shape == (10**6 + 3,) and counts.max() == 2 and counts.sum() == 2 * 10**6


@pytest.mark.parametrize("kernel_size, stride, n_inputs", [(k, s, n) for k in range(1, 7) for s in range(1, 5)
                                                           for n in range(1, 5)])
def test_overlap_counts_by_moving_sum_equals_pasting(kernel_size, stride, n_inputs):
    pasted = np.zeros((n_inputs - 1) * stride + kernel_size, dtype=np.int64)
    for i in range(n_inputs):
        pasted[i * stride : i * stride + kernel_size] += 1
    np.testing.assert_array_equal(cl.overlap_counts(kernel_size, stride, n_inputs), pasted)


@pytest.mark.parametrize("call, match", [
    (lambda: cl.overlap_counts_2d(3, 2, (10**6, 10**6)), r"input_shape=\(1000000, 1000000\) is too large"),
    (lambda: cl.conv_matrix(np.ones((3, 3)), (200, 200)), r"input_shape=\(200, 200\) .* the matrix \(39204, 40000\)"),
    (lambda: cl.conv2d(np.ones((2, 2)), np.ones((1, 1)), padding=10**5), r"padding=100000 is too large|x .* is too large"),
    (lambda: cl.conv2d_loop(np.ones((2, 2)), np.ones((1, 1)), padding=10**5), r"is too large"),
    (lambda: cl.conv2d(np.ones((2, 2)), np.ones((1, 1)), padding=2**70), r"padding must be at most 134,217,728"),
    (lambda: cl.conv2d(np.ones((2, 2)), np.ones((1, 1)), stride=2**70), r"stride must be at most 134,217,728"),
    (lambda: cl.conv_transpose2d(np.ones((3, 3)), np.ones((2, 2)), stride=10**5), r"stride=100000.* is too large"),
    (lambda: cl.conv_transpose2d_loop(np.ones((3, 3)), np.ones((2, 2)), dilation=10**5), r"dilation=100000 .* too large"),
    (lambda: cl.conv_transpose2d_as_conv(np.ones((2, 2)), np.ones((2, 2)), dilation=10**6), r"dilation=1000000 .* too large"),
    (lambda: cl.zero_insert(np.ones((3, 3)), 10**5), r"stride=100000 is too large"),
    (lambda: cl.bed_of_nails(np.ones((3, 3)), 10**5), r"stride=100000 is too large"),
    (lambda: cl.max_unpool2d(np.ones((2, 2)), np.zeros((2, 2), int), 10**5), r"kernel_size=100000.* is too large"),
    (lambda: artifacts.kernel_phase_sums(np.ones((3, 3)), 10**5), r"stride=100000 is too large"),
    (lambda: artifacts.upsample_stack(np.ones((2, 2)), np.ones((3, 3)), 2, 40), r"layers=40, stride=2 is too large"),
    (lambda: artifacts.upsample_stack(np.ones((2, 2)), np.ones((1, 1)), 1, 10**6), r"layers must be at most 100, got 1000000"),
    (lambda: cl.stacked_overlap_counts(1, 1, 2, 10**6), r"n_layers must be at most 100, got 1000000"),
    (lambda: artifacts.icnr(np.ones((2, 1, 3, 3)), 10**5), r"upscale_factor=100000 is too large"),
    (lambda: cl.max_pool2d(np.ones((2, 2)), 2**70), r"kernel_size must be at most"),
    (lambda: cl.stacked_overlap_counts(3, 2, 2, 60), r"n_layers=60 is too many"),
])
def test_absurd_sizes_are_refused_at_once(call, match):
    with refused_before_allocating(ValueError, match):
        call()


def test_a_refusal_that_allocates_first_fails_the_budget():
    def late_refusal():
        np.ones(10**6)   # 8 MB of work before the check
        raise ValueError("stride=7 is too large")

    with pytest.raises(AssertionError, match="the refusal allocated 8,0"):
        with refused_before_allocating(ValueError, "too large"):
            late_refusal()


# --- silent misuse and raw numpy errors ----------------------------------------------------------

def test_conv_output_size_with_a_pair_returns_a_pair():
    assert cl.conv_output_size(32, (3, 5)) == (30, 28)  # was 30: the first of the pair
    assert cl.conv_output_size(32, 3, stride=(1, 2)) == (30, 15)
    assert cl.conv_output_size(32, 3) == 30
    assert cl.conv_transpose_output_size(4, (3, 4), stride=2) == (9, 10)


@pytest.mark.parametrize("shape", [(0, 2, 4, 4), (1, 0, 4, 4)])
def test_empty_batch_or_channels(shape):
    x, indices = np.ones(shape), np.zeros(shape, dtype=int)
    assert cl.max_unpool2d(x[..., :2, :2], indices[..., :2, :2], 2).shape == shape  # was a reshape error
    assert cl.max_pool2d(x, 2)[0].shape == shape[:2] + (2, 2)
    assert cl.interpolate(x, size=3).shape == shape[:2] + (3, 3)
    assert cl.bed_of_nails(x, 2).shape == shape[:2] + (8, 8)
    assert cl.zero_insert(x, 2).shape == shape[:2] + (7, 7)


def test_conv_with_zero_input_channels_is_bias_only_in_both_versions():
    x = np.ones((2, 0, 5, 5))
    for conv in (cl.conv2d, cl.conv2d_loop):  # the fast one raised a reshape error
        result = conv(x, np.ones((3, 0, 2, 2)), bias=[1, 2, 3], stride=2)
        np.testing.assert_array_equal(result, np.broadcast_to(np.array([1.0, 2, 3])[None, :, None, None], (2, 3, 2, 2)))
    for conv in (cl.conv_transpose2d, cl.conv_transpose2d_loop):
        result = conv(x, np.ones((0, 3, 2, 2)), bias=[1, 2, 3], stride=2)
        assert result.shape == (2, 3, 10, 10) and (result[:, 2] == 3).all()
    assert cl.conv2d(np.ones((0, 2, 5, 5)), np.ones((3, 2, 2, 2))).shape == (0, 3, 4, 4)
    assert cl.conv_transpose2d(np.ones((0, 2, 5, 5)), np.ones((2, 3, 2, 2))).shape == (0, 3, 6, 6)


@pytest.mark.parametrize("call, error, match", [
    (lambda: cl.zero_insert(np.ones((0, 3)), 2), ValueError, r"x must have non-empty height and width, got shape \(0, 3\)"),
    (lambda: cl.zero_insert(np.ones((1, 1, 3, 0)), 2), ValueError, r"x must have non-empty height and width"),
    (lambda: cl.conv_transpose2d_as_conv(np.ones((3, 0)), np.ones((2, 2))), ValueError, r"x must have non-empty"),
    (lambda: cl.conv_transpose2d_as_conv(np.ones((1, 2, 3, 3)), np.ones((3, 1, 2, 2))), ValueError,
     r"weight has C_in=3 .* but x has 2 channels"),
    (lambda: cl.conv_transpose2d_as_conv(np.ones((1, 2, 3, 3)), np.ones((2, 0, 2, 2))), ValueError, r"weight must not be empty"),
    (lambda: cl.conv_transpose2d_as_conv(np.ones((2, 2)), np.ones((2, 2)), padding=5), ValueError, r"padding 5 leaves no output"),
    (lambda: cl.bed_of_nails(np.ones((3, 0)), 2), ValueError, r"x must have non-empty height and width"),
    (lambda: cl.interpolate(np.ones((2, 2)), scale_factor="a"), TypeError, r"scale_factor must be a positive number"),
    (lambda: artifacts.upsample_stack(np.ones((2, 2)), np.ones((3, 3)), 2, 1, normalise="yes"), TypeError,
     r"normalise must be True or False, got 'yes'"),
    (lambda: artifacts.upsample_stack(np.ones((2, 2)), np.ones((3, 3)), 2, 1, normalise=np.ones(3)), TypeError,
     r"normalise must be True or False"),
    (lambda: artifacts.resize_conv(np.ones((2, 2)), np.ones((3, 3)), mode=["nearest"]), TypeError, r"mode must be one of"),
    (lambda: artifacts.resize_conv(np.ones((2, 2)), np.ones((3, 3)), padding_mode=np.ones(2)), TypeError,
     r"padding_mode must be one of"),
])
def test_misuse_gets_a_message_in_the_callers_terms(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- dtypes: only real numbers ---------------------------------------------------------------------

REFUSED = {
    "timedelta64": np.array([[1, 2], [3, 4]], dtype="m8[s]"),  # numpy counts it as an integer type
    "datetime64": np.array([[1, 2], [3, 4]], dtype="M8[s]"),
    "object": np.array([[1, 2], [3, 4]], dtype=object),
    "str": np.array([["1", "2"], ["3", "4"]]),
    "bool": np.array([[True, False], [False, True]]),  # refused: 0/1 silently would hide a mask mix-up
    "complex": np.array([[1, 2], [3, 4]], dtype=complex),  # refused: the imaginary part would be dropped
}
CALLS = {
    "conv2d": lambda x: cl.conv2d(x, np.ones((1, 1))),
    "conv2d weight": lambda x: cl.conv2d(np.ones((2, 2)), x),
    "conv_transpose2d": lambda x: cl.conv_transpose2d(x, np.ones((1, 1))),
    "interpolate": lambda x: cl.interpolate(x, size=3),
    "max_pool2d": lambda x: cl.max_pool2d(x, 2),
    "bed_of_nails": lambda x: cl.bed_of_nails(x, 2),
    "zero_insert": lambda x: cl.zero_insert(x, 2),
    "conv_matrix": lambda x: cl.conv_matrix(x, (3, 3)),
    "checkerboard_strength": lambda x: artifacts.checkerboard_strength(x, 2),
}


@pytest.mark.parametrize("dtype", REFUSED)
@pytest.mark.parametrize("call", CALLS)
def test_non_numbers_are_refused(dtype, call):
    with pytest.raises(TypeError, match=r"must be a real numeric array, got dtype"):
        CALLS[call](REFUSED[dtype])


# --- unusual memory layouts -------------------------------------------------------------------------

def _layouts(rng):
    base = rng.standard_normal((1, 2, 9, 10)).astype(np.float32)
    read_only = base.copy()
    read_only.flags.writeable = False
    yield "big-endian", base.astype(">f4")
    yield "non-contiguous", np.asfortranarray(base)
    yield "strided view", np.ones((1, 2, 18, 20), np.float32)[:, :, ::2, ::2] * base
    yield "read-only", read_only
    yield "contiguous", base


@pytest.mark.parametrize("name, function", [
    ("conv2d", lambda x: cl.conv2d(x, np.ones((2, 2, 3, 3), np.float32), stride=2, padding=1)),
    ("conv_transpose2d", lambda x: cl.conv_transpose2d(x, np.ones((2, 2, 3, 3), np.float32), stride=2)),
    ("interpolate", lambda x: cl.interpolate(x, size=(150, 7))),
    ("max_pool2d", lambda x: cl.max_pool2d(x, 3, 2, 1)[0]),
    ("bed_of_nails", lambda x: cl.bed_of_nails(x, 2)),
    ("zero_insert", lambda x: cl.zero_insert(x, 2)),
    ("pixel_shuffle", lambda x: cl.pixel_shuffle(x.reshape(1, 4, 9, 5), 2)),
])
def test_layouts_give_the_contiguous_result_in_float32(name, function, rng):
    results = {label: function(x) for label, x in _layouts(rng)}
    for label, result in results.items():
        assert result.dtype == np.float32 and result.dtype.isnative, (name, label)
        np.testing.assert_array_equal(result, results["contiguous"], err_msg=f"{name}: {label}")
