"""The convolution drawings of notebook 04: the step handle and the geometry strip."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib import conv2d
from course_lib.draw_convolution import MAX_CELLS, ConvStepFigure, plot_conv_geometry, plot_conv_step
from tests._panels import cell_values, new_axes

SLIDES_INPUT = np.array([[0, 1, 0, 1, 1], [0, 0, 1, 1, 0], [1, 1, 0, 1, 0], [0, 1, 0, 0, 1], [0, 0, 1, 1, 0]])
LAPLACIAN = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])


def test_conv_step_walks_every_output():
    handle = plot_conv_step(SLIDES_INPUT, LAPLACIAN, 1, new_axes(4))
    assert isinstance(handle, ConvStepFigure)
    expected = conv2d(SLIDES_INPUT, LAPLACIAN)
    np.testing.assert_array_equal(expected, [[3, -3, -1], [-2, 3, -3], [-3, 2, 3]])
    for step in range(1, 10):
        assert handle.show(step) is handle and handle.step == step
        i, j = divmod(step - 1, 3)
        np.testing.assert_array_equal(cell_values(handle.products), SLIDES_INPUT[i : i + 3, j : j + 3] * LAPLACIAN)
        assert handle.axes[2].get_title() == f"window × kernel: sum = {int(expected[i, j])}"
        shown = cell_values(handle.result).ravel()
        np.testing.assert_array_equal(shown[:step], expected.ravel()[:step])
        assert np.isnan(shown[step:]).all()
        assert handle.window.get_xy() == (j - 0.5, i - 0.5)
        assert handle.current.get_xy() == (j - 0.5, i - 0.5)


def test_conv_step_handle_lists_what_changes():
    handle = plot_conv_step(SLIDES_INPUT, LAPLACIAN, 1, new_axes(4))
    assert handle.window in handle.artists and handle.current in handle.artists
    assert handle.products.image in handle.artists and handle.axes[3].title in handle.artists
    assert handle.figure is handle.axes[0].figure
    assert not any(name.startswith("_course") for ax in handle.axes for name in vars(ax))


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 1)])
def test_conv_step_panels_share_one_colour_scale(stride, padding):
    """Input, kernel, products and output are one quantity: one colour limit, at every step.
    For the slides' example it is the kernel's -4 (as in notebook 04's first figure)."""
    handle = plot_conv_step(SLIDES_INPUT, LAPLACIAN, 1, new_axes(4), stride=stride, padding=padding)
    assert handle.limit == 4
    for step in (1, handle.output.size):
        handle.show(step)
        assert {ax.images[0].get_clim() for ax in handle.axes} == {(-4, 4)}
    big = plot_conv_step([[5, 0], [0, 1]], [[2]], 1, new_axes(4))   # products reach 10, beyond input and kernel
    assert big.limit == 10 and {ax.images[0].get_clim() for ax in big.axes} == {(-10, 10)}


def test_conv_step_without_axes_makes_a_figure():
    handle = plot_conv_step(SLIDES_INPUT, LAPLACIAN, 9)
    assert len(handle.axes) == 4 and handle.figure is plt.gcf()


def test_conv_step_with_stride_and_padding_matches_conv2d():
    handle = plot_conv_step(SLIDES_INPUT, LAPLACIAN, 9, new_axes(4), stride=2, padding=1)
    np.testing.assert_array_equal(cell_values(handle.result), conv2d(SLIDES_INPUT, LAPLACIAN, stride=2, padding=1))
    assert handle.padded.shape == (7, 7)
    assert handle.window.get_xy() == (3.5, 3.5)


@pytest.mark.parametrize("step, error", [(0, ValueError), (10, ValueError), (-1, ValueError), (1.0, TypeError),
                                         ("1", TypeError), (True, TypeError)])
def test_conv_step_rejects_bad_step(step, error):
    with pytest.raises(error, match=f"step must be .* got {step!r}"):
        plot_conv_step(SLIDES_INPUT, LAPLACIAN, step, new_axes(4))
    handle = plot_conv_step(SLIDES_INPUT, LAPLACIAN, 1, new_axes(4))
    with pytest.raises(error, match="step must be"):
        handle.show(step)


@pytest.mark.parametrize("axes, error, message", [
    (lambda: Figure().subplots(1, 3), ValueError, "axes must hold 4 Axes, got 3"),
    (lambda: Figure().subplots(), TypeError, "axes must be a sequence of 4 matplotlib Axes"),
    (lambda: [1, 2, 3, 4], TypeError, r"axes\[0\] must be a matplotlib Axes"),
    (lambda: 4, TypeError, "axes must be a sequence"),
])
def test_conv_step_rejects_bad_axes(axes, error, message):
    with pytest.raises(error, match=message):
        plot_conv_step(SLIDES_INPUT, LAPLACIAN, 1, axes())


@pytest.mark.parametrize("x, kernel, error, message", [
    (np.ones(5), LAPLACIAN, ValueError, r"x must be a 2-D \(H, W\) array, got 1-D with shape \(5,\)"),
    (np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), ValueError, "x must be a 2-D .* got 4-D"),
    (SLIDES_INPUT, np.ones(3), ValueError, "kernel must be a 2-D .* got 1-D"),
    (np.ones((0, 5)), LAPLACIAN, ValueError, r"x must not be empty, got shape \(0, 5\)"),
    ([["a"]], LAPLACIAN, TypeError, "x must be a real numeric array"),
    (SLIDES_INPUT, LAPLACIAN.astype(complex), TypeError, "kernel must be a real numeric array"),
    (np.ones((2, 2)), LAPLACIAN, ValueError, "kernel_size 3"),
    (np.ones((64, 64)), LAPLACIAN, ValueError, f"64 x 64 cells; .* legible up to {MAX_CELLS} x {MAX_CELLS}"),
])
def test_conv_step_rejects_bad_inputs(x, kernel, error, message):
    with pytest.raises(error, match=message):
        plot_conv_step(x, kernel, 1, new_axes(4))


def test_conv_step_rejects_bad_stride_and_padding():
    with pytest.raises(ValueError, match="stride must be a positive int"):
        plot_conv_step(SLIDES_INPUT, LAPLACIAN, 1, new_axes(4), stride=0)
    with pytest.raises(TypeError, match="padding must be a non-negative int"):
        plot_conv_step(SLIDES_INPUT, LAPLACIAN, 1, new_axes(4), padding=1.5)
    with pytest.raises(ValueError, match="13 x 13 cells"):
        plot_conv_step(np.ones((11, 11)), LAPLACIAN, 1, new_axes(4), padding=1)


def test_conv_geometry_counts_positions():
    ax = plot_conv_geometry(7, 3, stride=1, padding=0, dilation=2, ax=Figure().subplots())
    assert ax.get_title().endswith("= 3")
    assert len(ax.lines) == 2 * 3     # one line and one row of dots per position
    with pytest.raises(ValueError, match="kernel_size 5"):
        plot_conv_geometry(3, 5)


@pytest.mark.parametrize("args, error, message", [
    (((5, 5), 3), TypeError, r"size must be a positive int, got \(5, 5\)"),
    ((5, (3, 3)), TypeError, "kernel_size must be a positive int"),
    ((5, 3, 0), ValueError, "stride must be a positive int, got 0"),
    ((5, 3, 1, -1), ValueError, "padding must be a non-negative int, got -1"),
    ((5, 3, 1, 0, 1.5), TypeError, "dilation must be a positive int, got 1.5"),
    ((5, 3, 1, 0, 1, "ax"), TypeError, "ax must be a matplotlib Axes"),
])
def test_conv_geometry_rejects_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        plot_conv_geometry(*args)


def test_huge_settings_are_refused_before_any_work():
    from tests._budget import refused_before_allocating

    axes = [new_axes(4), new_axes(4)]  # figures are made first: only the refusals are measured
    calls = [
        ("size must be at most 134,217,728", lambda: plot_conv_geometry(10**9, 3)),
        ("the padded input would be 1000000 cells", lambda: plot_conv_geometry(10**6, 3)),
        ("stride must be at most 12 in a step drawing",
         lambda: plot_conv_step(SLIDES_INPUT, LAPLACIAN, 1, axes[0], stride=10**6)),
        ("the padded input would be", lambda: plot_conv_step(SLIDES_INPUT, LAPLACIAN, 1, axes[1], padding=10**6)),
    ]
    for message, call in calls:
        # a refusal allocates what the checks allocate; drawing a million cells would take gigabytes
        with refused_before_allocating(ValueError, message):
            call()