"""The drawing of notebook 06: the convolution matrix with pixel names."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import conv_matrix  # noqa: E402
from course_lib.draw_equivalence import plot_adjoint_identity, plot_conv_matrix, plot_singular_values  # noqa: E402
from tests._panels import texts  # noqa: E402


def test_plot_conv_matrix_d2l_values_and_pixel_labels(ax):
    C = conv_matrix([[1, 2], [3, 4]], (3, 3))
    assert plot_conv_matrix(C, (3, 3), (2, 2), ax=ax, title="C") is ax
    assert texts(ax)[:5] == ["1", "2", "0", "3", "4"]
    assert len(ax.texts) == 36
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["x[0,0]", "x[0,1]"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["y[0,0]", "y[0,1]", "y[1,0]", "y[1,1]"]
    np.testing.assert_array_equal(ax.images[0].get_array(), C)
    assert "9 columns" in ax.get_xlabel() and "4 rows" in ax.get_ylabel()


def test_plot_conv_matrix_large_hides_zerotexts(ax):
    C = conv_matrix(np.arange(9).reshape(3, 3) - 4, (5, 5), stride=2, padding=1)
    plot_conv_matrix(C, (5, 5), (3, 3), ax=ax, show_values=True)
    assert len([t for t in texts(ax) if t]) == np.count_nonzero(C)
    assert "0" not in texts(ax)


def test_plot_conv_matrix_very_large_has_no_labels(ax):
    C = conv_matrix(np.ones((3, 3)), (8, 8))
    plot_conv_matrix(C, (8, 8), (6, 6), ax=ax)
    assert len(ax.texts) == 0 and len(ax.get_xticks()) == 0


def test_plot_conv_matrix_shape_mismatch(ax):
    with pytest.raises(ValueError, match=r"matrix must have shape \(oH\*oW, H\*W\) = \(4, 9\).*got \(4, 8\)"):
        plot_conv_matrix(np.zeros((4, 8)), (3, 3), (2, 2), ax=ax)
    with pytest.raises(TypeError, match="input_shape must be an"):
        plot_conv_matrix(np.zeros((4, 9)), 3, (2, 2), ax=ax)


@pytest.mark.parametrize("args, error, message", [
    ((np.zeros((4, 9)), (3.7, 3), (2, 2)), TypeError, r"input_shape must be an \(h, w\) pair of ints, got \(3.7, 3\)"),
    ((np.zeros((4, 9)), (3, 3), (2, 0)), ValueError, r"output_shape must be an \(h, w\) pair of positive ints"),
    ((np.zeros((4, 9)), (3, 3), (2, 2, 1)), TypeError, "output_shape must be an"),
    (([["a"] * 9] * 4, (3, 3), (2, 2)), TypeError, "matrix must be a real numeric array"),
    ((np.zeros(36), (3, 3), (2, 2)), ValueError, "matrix must have shape"),
    ((np.zeros((4, 9)), (3, 3), (2, 2), "ax"), TypeError, "ax must be a matplotlib Axes"),
])
def test_plot_conv_matrix_rejects_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        plot_conv_matrix(*args)


def test_plot_singular_values_shows_the_rank_of_the_slides_gram_matrix(ax):
    laplacian = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    C = conv_matrix(laplacian, (5, 5))
    values = np.linalg.svd(C.T @ C, compute_uv=False)
    assert plot_singular_values(values, ax=ax, title="sv") is ax
    kept = [p for p in ax.patches if p.get_facecolor()[:3] != (0.7, 0.7, 0.7)]
    assert len(kept) == 9 == np.linalg.matrix_rank(C.T @ C)
    assert ax.get_legend_handles_labels()[1] == ["9 above tolerance (rank 9)", "16 numerically zero"]
    assert ax.get_yscale() == "log" and ax.get_title() == "sv"


@pytest.mark.parametrize("values, kwargs, error, message", [
    ([[1.0]], {}, ValueError, r"values must be a non-empty 1-D array, got shape \(1, 1\)"),
    ([], {}, ValueError, "values must be a non-empty 1-D array"),
    ([1.0, -1.0], {}, ValueError, "values must be finite and non-negative"),
    ([1.0, np.nan], {}, ValueError, "values must be finite and non-negative"),
    ([1.0], {"tolerance": 0}, ValueError, "tolerance must be a positive number or None, got 0"),
    ([1.0], {"tolerance": "1"}, TypeError, "tolerance must be a positive number or None, got '1'"),
])
def test_plot_singular_values_rejects_bad_input(ax, values, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_singular_values(values, ax=ax, **kwargs)


def test_plot_adjoint_identity_puts_equal_products_on_the_diagonal(ax):
    from course_lib import conv2d, conv_transpose2d

    rng = np.random.default_rng(1)
    lefts, rights = [], []
    for _ in range(5):
        x, y, kernel = rng.normal(size=(6, 6)), rng.normal(size=(2, 2)), rng.normal(size=(3, 3))
        lefts.append(np.sum(conv2d(x, kernel, stride=2) * y))
        rights.append(np.sum(x * conv_transpose2d(y, kernel, stride=2, output_padding=1)))
    plot_adjoint_identity(lefts, rights, ax=ax)
    points = ax.collections[0].get_offsets()
    np.testing.assert_allclose(points[:, 0], points[:, 1])
    assert ax.get_legend().get_texts()[1].get_text() == "5 random geometries"
    with pytest.raises(ValueError, match="lefts and rights must be non-empty 1-D arrays of one length"):
        plot_adjoint_identity([1.0], [1.0, 2.0], ax=ax)
    with pytest.raises(ValueError, match="must be finite"):
        plot_adjoint_identity([np.inf], [1.0], ax=ax)
