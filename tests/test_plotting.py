"""The drawing layer's shared pieces: MatrixPanel, plot_matrix, plot_image, highlight_cells, axes helpers."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_lib.plotting import (  # noqa: E402
    MatrixPanel,
    arrow,
    check_axes,
    format_value,
    highlight_cells,
    pixel_tick_step,
    plot_image,
    plot_matrix,
    value_limit,
)
from tests._panels import cell_values, row_values  # noqa: E402


def test_panel_fills_in_place_and_blanks_nan(ax):
    panel = MatrixPanel(ax, (3, 3), vmax=4)
    artists = list(panel.artists)
    panel.fill([[1, -4], [np.nan, 2]])
    np.testing.assert_array_equal(cell_values(panel)[:2, :2], [[1, -4], [np.nan, 2]])
    assert np.isnan(cell_values(panel)[2]).all()
    assert panel.texts[0][1].get_color() == "white" and panel.texts[0][0].get_color() == "black"
    panel.fill(np.arange(9).reshape(3, 3))
    assert panel.artists == artists          # same artists, new data
    np.testing.assert_array_equal(cell_values(panel), np.arange(9).reshape(3, 3))
    assert len(panel.grid.get_segments()) == 8


def test_panel_blank_mask_keeps_the_colour(ax):
    panel = MatrixPanel(ax, (1, 3), vmax=1).fill([[0, 1, 0]], blank=[[True, False, True]])
    assert [t.get_text() for t in panel.texts[0]] == ["", "1", ""]
    assert not np.isnan(panel.image.get_array()).any()


def test_panel_row_texts_and_limits(ax):
    panel = MatrixPanel(ax, (2, 3), vmax=2, row_texts=True).fill([[1, 2, 3], [4, 5, 6]])
    assert row_values(panel) == [[1, 2, 3], [4, 5, 6]]
    assert panel.image.get_clim() == (-3.2, 3.2)     # lightened: 1.6 x vmax
    panel.set_limit(5)
    assert panel.image.get_clim() == (-8.0, 8.0)
    sequential = MatrixPanel(Figure().subplots(), (1, 1), vmax=4, vmin=0, cmap="YlOrRd")
    assert sequential.image.get_clim() == (0, 4)


@pytest.mark.parametrize("args, kwargs, error, message", [
    (("ax", (2, 2), 1), {}, TypeError, "ax must be a matplotlib Axes"),
    ((None, 3, 1), {}, TypeError, "shape must be a"),
    ((None, (2, 0), 1), {}, ValueError, "shape must be a positive int, got 0"),
])
def test_panel_rejects_bad_arguments(ax, args, kwargs, error, message):
    args = tuple(ax if a is None else a for a in args)
    with pytest.raises(error, match=message):
        MatrixPanel(*args, **kwargs)


def test_panel_rejects_values_that_do_not_fit(ax):
    panel = MatrixPanel(ax, (2, 2), vmax=1)
    with pytest.raises(ValueError, match=r"values must be 2-D and fit the panel's \(2, 2\), got shape \(3, 1\)"):
        panel.fill(np.ones((3, 1)))
    with pytest.raises(ValueError, match="got shape"):
        panel.fill(np.ones(2))


def test_plot_matrix_writes_every_value_on_a_zero_centred_map(ax):
    assert plot_matrix([[1, -2], [0.5, 4]], ax, "t") is ax
    assert [t.get_text() for t in ax.texts] == ["1", "-2", "0.50", "4"]
    assert ax.images[0].get_clim() == (-4, 4) and ax.get_title() == "t"
    plot_matrix([[0.25]], ax2 := Figure().subplots(), fmt=".3f", vmax=2)
    assert ax2.texts[0].get_text() == "0.250" and ax2.images[0].get_clim() == (-2, 2)
    plot_matrix(np.eye(3), ax3 := Figure().subplots(), show_values=False, grid=False)
    assert len(ax3.texts) == 0 and not ax3.collections[0].get_visible()


@pytest.mark.parametrize("values, kwargs, error, message", [
    ([1, 2], {}, ValueError, r"values must be a non-empty 2-D array, got shape \(2,\)"),
    (np.ones((0, 2)), {}, ValueError, "values must be a non-empty 2-D array"),
    ([["a", "b"]], {}, TypeError, "values must be a real numeric array"),
    ([[1j]], {}, TypeError, "values must be a real numeric array"),
    ([[1]], {"vmax": 0}, ValueError, "vmax must be a positive number or None, got 0"),
    ([[1]], {"vmax": "1"}, TypeError, "vmax must be a positive number or None"),
    ([[1]], {"ax": "ax"}, TypeError, "ax must be a matplotlib Axes or None, got str"),
])
def test_plot_matrix_rejects_bad_input(values, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_matrix(values, **kwargs)


def test_plot_image_labels_sizes_and_rejects_bad_images(ax):
    plot_image(np.zeros((4, 6)), ax, "t")
    assert ax.get_xlabel() == "column (width 6)" and ax.get_ylabel() == "row (height 4)"
    plot_image(np.zeros((3, 3), dtype=bool), Figure().subplots())       # masks are images too
    plot_image(np.zeros((3, 3, 3)), Figure().subplots(), axis_labels=False)
    for image, error in (([1, 2, 3], ValueError), (np.zeros((2, 2, 5)), ValueError), (np.zeros((0, 3)), ValueError),
                         ("abc", TypeError)):
        with pytest.raises(error, match="image must be"):
            plot_image(image, ax)


def test_highlight_cells_outlines_a_block_and_checks_its_arguments(ax):
    patch = highlight_cells(ax, 1, 2, 2, 3, color="red")
    assert patch.get_xy() == (1.5, 0.5) and (patch.get_width(), patch.get_height()) == (3, 2)
    with pytest.raises(ValueError, match="height must be a positive int, got 0"):
        highlight_cells(ax, 0, 0, 0, 1)
    with pytest.raises(TypeError, match="top must be a non-negative int, got 1.5"):
        highlight_cells(ax, 1.5, 0, 1, 1)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        highlight_cells([ax], 0, 0, 1, 1)


def test_helpers():
    assert format_value(2.0) == "2" and format_value(-1.5) == "-1.50" and format_value(3, "03d") == "003"
    assert value_limit([[0.2]]) == 1.0 and value_limit([-7, 2], []) == 7.0
    axes = check_axes(plt.figure().subplots(2, 2), 4)
    assert len(axes) == 4
    plt.close("all")
    with pytest.raises(ValueError, match="axes must hold 3 Axes, got 1"):
        check_axes([Figure().subplots()], 3)
    assert arrow(Figure().subplots(), (0, 0), (1, 1), "red") is not None


@pytest.mark.parametrize("fmt, error", [("a", ValueError), (3, TypeError)])
def test_bad_format_spec_is_named(fmt, error):
    with pytest.raises(error, match="fmt must be a format spec for numbers"):
        plot_matrix([[1]], Figure().subplots(), fmt=fmt)


@pytest.mark.parametrize("size, step", [(128, 32), (129, 32), (161, 64), (64, 16), (32, 8), (6, 2), (5, 1), (1, 1)])
def test_pixel_ticks_are_a_power_of_two_apart_and_few(size, step):
    assert pixel_tick_step(size) == step
    ax = Figure().subplots()
    plot_image(np.zeros((size, size)), ax)
    ticks = [t for t in ax.get_xticks() if -0.5 <= t <= size - 0.5]
    assert np.all(np.diff(ticks) == step) and len(ticks) <= 5
    assert ticks[0] == 0


def test_pixel_tick_step_rejects_bad_sizes():
    with pytest.raises(ValueError, match="size must be"):
        pixel_tick_step(0)
    with pytest.raises(TypeError, match="size must be"):
        pixel_tick_step(2.5)


def test_figure_bundle_carries_the_description_and_the_png():
    import base64

    from course_lib.plotting import figure_bundle, show_figure

    figure = Figure(figsize=(2, 1), dpi=50)
    plot_matrix([[1, 2]], figure.subplots())
    bundle = figure_bundle(figure, 'a 1 x 2 matrix "1, 2" <small>')
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"
    assert f'src="data:image/png;base64,{bundle["image/png"]}"' in bundle["text/html"]
    assert 'alt="a 1 x 2 matrix &quot;1, 2&quot; &lt;small&gt;"' in bundle["text/html"]
    assert bundle["text/plain"] == 'a 1 x 2 matrix "1, 2" <small>'
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure, got Axes"):
        figure_bundle(figure.axes[0], "x")
    with pytest.raises(TypeError, match="alt must be a str"):
        figure_bundle(figure, None)
    with pytest.raises(ValueError, match="alt must describe the figure"):
        show_figure(figure, "  ")


def test_png_rgb_encodes_the_pixels_and_rejects_other_arrays():
    import io

    from PIL import Image

    from course_lib.plotting import png_rgb

    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, (7, 5, 4)).astype(np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(png_rgb(rgba))))
    assert decoded.shape == (7, 5, 3) and np.array_equal(decoded, rgba[..., :3])
    for bad in [rgba[..., :3], rgba.astype(np.float64), np.zeros((0, 5, 4), np.uint8), rgba[0]]:
        with pytest.raises(ValueError, match="rgba must be a non-empty"):
            png_rgb(bad)
