"""The drawing of notebook 02: where each output pixel samples the input."""
import numpy as np
import pytest
from matplotlib.patches import Rectangle

from course_lib.draw_interpolation import plot_coordinate_conventions
from tests._panels import new_axes, texts


# --- plot_coordinate_conventions -------------------------------------------------

def output_cells(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_facecolor()[0] > 0.95]


def test_conventions_align_corners_true_puts_corner_centres_on_input_centres():
    ax = plot_coordinate_conventions(2, 4, new_axes(), conventions=[("bilinear", True)])
    assert [t for t in texts(ax) if t.startswith("src")] == ["src 0", "src 0.333", "src 0.667", "src 1"]
    cells = output_cells(ax)
    assert len(cells) == 4
    centres = [c.get_x() + c.get_width() / 2 for c in cells]
    np.testing.assert_allclose(centres, [0, 1 / 3, 2 / 3, 1])


def test_conventions_align_corners_false_lines_up_pixel_areas():
    ax = plot_coordinate_conventions(2, 4, new_axes(), conventions=[("bilinear", False)])
    # The clamped first source coordinate shows both numbers.
    assert [t for t in texts(ax) if t.startswith("src")] == ["src -0.25 → 0", "src 0.25", "src 0.75", "src 1.25"]
    cells = output_cells(ax)
    edges = [cells[0].get_x(), cells[-1].get_x() + cells[-1].get_width()]
    np.testing.assert_allclose(edges, [-0.5, 1.5])  # same outer edges as the two input pixels


def test_conventions_nearest_modes_name_the_copied_pixel():
    ax = plot_coordinate_conventions(4, 2, new_axes(), conventions=[("nearest", None), ("nearest-exact", None)])
    assert [t for t in texts(ax) if t.startswith("src")] == [
        "src 0 → in 0\n(at x = -0.5)", "src 2 → in 2\n(at x = 1.5)",
        "src 1 → in 1\n(at x = 0.5)", "src 3 → in 3\n(at x = 2.5)",
    ]
    assert len(output_cells(ax)) == 4


def test_conventions_default_draws_both_bilinear_bands():
    ax = plot_coordinate_conventions(3, 5, new_axes())
    assert sum("align_corners=True" in t for t in texts(ax)) == 1
    assert sum("align_corners=False" in t for t in texts(ax)) == 1
    assert len(output_cells(ax)) == 10


def test_conventions_reject_bad_input():
    with pytest.raises(ValueError, match="conventions.*'bicubic'"):
        plot_coordinate_conventions(2, 4, new_axes(), conventions=[("bicubic", None)])
    with pytest.raises(ValueError, match="in_size.*0"):
        plot_coordinate_conventions(0, 4, new_axes())
    with pytest.raises(TypeError, match="out_size"):
        plot_coordinate_conventions(2, 4.0, new_axes())




@pytest.mark.parametrize("args, kwargs, error, message", [
    ((10**6, 4), {}, ValueError, "in_size and out_size must be at most 32"),
    ((2, 4), {"conventions": None}, TypeError, r"conventions must be a sequence of \(mode, align_corners\) pairs"),
    ((2, 4), {"conventions": [(3.7, 3)]}, ValueError, "conventions entries must be among"),
    ((2, 4), {"conventions": "bilinear"}, TypeError, "conventions must be a sequence"),
])
def test_attack_found_inputs_are_refused_clearly(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_coordinate_conventions(*args, new_axes(), **kwargs)


def test_nearest_labels_give_the_point_on_the_drawn_axis():
    """PyTorch's nearest src counts from the left edge; the label also gives x = src - 0.5, where the arrow starts."""
    ax = plot_coordinate_conventions(3, 5, new_axes(), conventions=[("nearest", None)])
    labels = [t for t in texts(ax) if t.startswith("src")]
    assert labels[1] == "src 0.6 → in 0\n(at x = 0.1)"
    arrows = [p for p in ax.patches if not isinstance(p, Rectangle)]
    starts = sorted(round(float(a.get_path().vertices[0][0]), 3) for a in arrows)
    np.testing.assert_allclose(starts, [-0.5, 0.1, 0.7, 1.3, 1.9], atol=0.05)
