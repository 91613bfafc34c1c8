"""Smoke tests that check real things in the convolution drawings (notebooks 04 and 05)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import conv2d, conv_transpose2d
from course_lib.draw_convolution import (
    plot_conv_geometry,
    plot_conv_step,
    plot_kernel_copies,
    plot_transposed_overview,
    plot_transposed_step,
    update_conv_step,
    update_transposed_overview,
    update_transposed_step,
)

SLIDES_INPUT = np.array([[0, 1, 0, 1, 1], [0, 0, 1, 1, 0], [1, 1, 0, 1, 0], [0, 1, 0, 0, 1], [0, 0, 1, 1, 0]])
LAPLACIAN = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
X = K = np.array([[0, 1], [2, 3]])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def cell_values(ax):
    """The numbers written in a per-cell panel, as a 2-D float array (NaN = blank)."""
    texts = ax._course_panel["texts"]
    return np.array([[float(t.get_text()) if t.get_text() else np.nan for t in row] for row in texts])


def row_values(ax):
    """The numbers written in a row-text panel (one monospaced text per row, 4 characters a cell)."""
    rows = []
    for (text,) in ax._course_panel["texts"]:
        line = text.get_text()
        rows.append([float(line[c : c + 4]) for c in range(0, len(line), 4)] if line else [])
    return [r for r in rows if r]


def test_conv_step_walks_every_output():
    axes = plot_conv_step(SLIDES_INPUT, LAPLACIAN, 1)
    expected = conv2d(SLIDES_INPUT, LAPLACIAN)
    np.testing.assert_array_equal(expected, [[3, -3, -1], [-2, 3, -3], [-3, 2, 3]])
    for step in range(1, 10):
        update_conv_step(axes, step)
        i, j = divmod(step - 1, 3)
        products = cell_values(axes[2])
        np.testing.assert_array_equal(products, SLIDES_INPUT[i : i + 3, j : j + 3] * LAPLACIAN)
        assert axes[2].get_title() == f"window × kernel: sum = {int(expected[i, j])}"
        shown = cell_values(axes[3]).ravel()
        np.testing.assert_array_equal(shown[:step], expected.ravel()[:step])
        assert np.isnan(shown[step:]).all()
        window = axes[0]._course_conv_step["window"]
        assert window.get_xy() == (j - 0.5, i - 0.5)


def test_conv_step_with_stride_and_padding_matches_conv2d():
    axes = plot_conv_step(SLIDES_INPUT, LAPLACIAN, 9, stride=2, padding=1)
    np.testing.assert_array_equal(cell_values(axes[3]), conv2d(SLIDES_INPUT, LAPLACIAN, stride=2, padding=1))
    assert cell_values(axes[0]).shape == (7, 7)


@pytest.mark.parametrize("step", [0, 10])
def test_conv_step_rejects_bad_step(step):
    with pytest.raises(ValueError, match=f"step must be .* got {step}"):
        plot_conv_step(SLIDES_INPUT, LAPLACIAN, step)


def test_conv_step_rejects_wrong_axes_count():
    _, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="axes must hold 4 Axes, got 3"):
        plot_conv_step(SLIDES_INPUT, LAPLACIAN, 1, axes)


def test_kernel_copies_sum_to_the_slides_output():
    axes = plot_kernel_copies(X, K)
    assert len(axes) == 5
    np.testing.assert_array_equal(cell_values(axes[-1]), [[0, 0, 1], [0, 4, 6], [4, 12, 9]])
    copy = cell_values(axes[3])  # x[1, 1] = 3 times K, bottom-right
    np.testing.assert_array_equal(copy[1:, 1:], 3 * K)
    assert np.isnan(copy[0]).all() and np.isnan(copy[:, 0]).all()


def test_kernel_copies_with_stride_two_match_d2l():
    axes = plot_kernel_copies(X, K, stride=2)
    np.testing.assert_array_equal(cell_values(axes[-1]), [[0, 0, 0, 1], [0, 0, 2, 3], [0, 2, 0, 3], [4, 6, 6, 9]])


def test_transposed_step_last_step_shows_the_full_sum():
    axes = plot_transposed_step(X, K, 1)
    np.testing.assert_array_equal(np.nan_to_num(cell_values(axes[2])), [[0, 0, 0], [0, 0, 0], [0, 0, 0]])
    update_transposed_step(axes, 3)
    np.testing.assert_array_equal(cell_values(axes[3]), [[0, 0, 1], [0, 4, 3], [4, 6, 0]])
    update_transposed_step(axes, 4)
    np.testing.assert_array_equal(cell_values(axes[3]), conv_transpose2d(X, K))
    assert "output" in axes[3].get_title()


def test_transposed_step_rejects_bad_step():
    with pytest.raises(ValueError, match="step must be between 1 and 4"):
        plot_transposed_step(X, K, 5)


@pytest.mark.parametrize("kernel_size, stride, padding", [(3, 2, 0), (4, 3, 1), (1, 1, 0), (2, 2, 1)])
def test_overview_shows_overlap_counts_and_output(kernel_size, stride, padding):
    x = np.array([[1, 2], [3, 4]])
    kernel = np.ones((kernel_size, kernel_size))
    axes = plot_transposed_overview(x, np.ones((3, 3)), 2, 0, canvas=7)
    update_transposed_overview(axes, kernel, stride, padding)
    counts = conv_transpose2d(np.ones((2, 2)), kernel, stride=stride)
    np.testing.assert_array_equal(row_values(axes[1]), counts)
    np.testing.assert_array_equal(row_values(axes[2]), conv_transpose2d(x, kernel, stride=stride, padding=padding))
    crop = axes[0]._course_overview["crop"]
    assert crop.get_visible() == (padding > 0)


def test_overview_k3_s2_has_uneven_overlap():
    axes = plot_transposed_overview([[1, 1], [1, 1]], np.ones((3, 3)), stride=2)
    np.testing.assert_array_equal(row_values(axes[1])[2], [2, 2, 4, 2, 2])


def test_overview_rejects_a_too_small_canvas():
    axes = plot_transposed_overview([[1, 2], [3, 4]], np.ones((2, 2)), 1, canvas=3)
    with pytest.raises(ValueError, match="does not fit the canvas of 3"):
        update_transposed_overview(axes, np.ones((3, 3)), 2)


def test_conv_geometry_counts_positions():
    ax = plot_conv_geometry(7, 3, stride=1, padding=0, dilation=2)
    assert ax.get_title().endswith("= 3")
    assert len(ax.lines) == 2 * 3     # one line and one row of dots per position
    with pytest.raises(ValueError, match="kernel_size 5"):
        plot_conv_geometry(3, 5)
