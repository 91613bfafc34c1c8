import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import conv_matrix  # noqa: E402
from course_lib.draw_overlap import plot_conv_matrix, plot_overlap_1d, plot_overlap_2d, plot_phases  # noqa: E402


@pytest.fixture
def ax():
    figure, axes = plt.subplots()
    yield axes
    plt.close(figure)


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_plot_conv_matrix_d2l_values_and_pixel_labels(ax):
    C = conv_matrix([[1, 2], [3, 4]], (3, 3))
    assert plot_conv_matrix(C, (3, 3), (2, 2), ax=ax, title="C") is ax
    assert _texts(ax)[:5] == ["1", "2", "0", "3", "4"]
    assert len(ax.texts) == 36
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["x[0,0]", "x[0,1]"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["y[0,0]", "y[0,1]", "y[1,0]", "y[1,1]"]
    np.testing.assert_array_equal(ax.images[0].get_array(), C)
    assert "9 columns" in ax.get_xlabel() and "4 rows" in ax.get_ylabel()


def test_plot_conv_matrix_large_hides_zero_texts(ax):
    C = conv_matrix(np.arange(9).reshape(3, 3) - 4, (5, 5), stride=2, padding=1)
    plot_conv_matrix(C, (5, 5), (3, 3), ax=ax, show_values=True)
    assert len(ax.texts) == np.count_nonzero(C)
    assert "0" not in _texts(ax)


def test_plot_conv_matrix_very_large_has_no_labels(ax):
    C = conv_matrix(np.ones((3, 3)), (8, 8))
    plot_conv_matrix(C, (8, 8), (6, 6), ax=ax)
    assert len(ax.texts) == 0 and len(ax.get_xticks()) == 0


def test_plot_conv_matrix_shape_mismatch(ax):
    with pytest.raises(ValueError, match=r"matrix must have shape \(oH\*oW, H\*W\) = \(4, 9\).*got \(4, 8\)"):
        plot_conv_matrix(np.zeros((4, 8)), (3, 3), (2, 2), ax=ax)
    with pytest.raises(ValueError, match="input_shape must be an"):
        plot_conv_matrix(np.zeros((4, 9)), 3, (2, 2), ax=ax)


def test_plot_overlap_1d_bars_and_labels(ax):
    counts = np.array([1, 1, 2, 1, 2, 1, 1])
    assert plot_overlap_1d(counts, ax=ax, kernel_size=3, stride=2) is ax
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == counts.tolist()
    assert _texts(ax) == ["1", "1", "2", "1", "2", "1", "1"]
    assert ax.get_title() == "kernel size 3, stride 2"
    with pytest.raises(ValueError, match=r"counts must be 1-D, got shape \(2, 2\)"):
        plot_overlap_1d(np.ones((2, 2)), ax=ax)


def test_plot_overlap_2d_values_and_scale(ax):
    counts = np.outer([1, 2, 1], [1, 2, 1])
    plot_overlap_2d(counts, ax=ax, title="map", colorbar=True)
    assert _texts(ax) == ["1", "2", "1", "2", "4", "2", "1", "2", "1"]
    assert ax.images[0].get_clim() == (0, 4)
    assert "width 3" in ax.get_xlabel()
    with pytest.raises(ValueError, match="counts must be 2-D"):
        plot_overlap_2d([1, 2], ax=ax)


def test_plot_phases_outlines_each_phase(ax):
    kernel = np.arange(16).reshape(4, 4)
    plot_phases(kernel, 2, ax=ax, title="phases")
    colours = {tuple(p.get_edgecolor()) for p in ax.patches}
    assert len(ax.patches) == 16 and len(colours) == 4
    assert "15.00" in _texts(ax)
    with pytest.raises(ValueError, match="stride must be a positive int, got 0"):
        plot_phases(kernel, 0, ax=ax)
    with pytest.raises(ValueError, match="kernel must be 2-D"):
        plot_phases(np.ones(3), 2, ax=ax)
