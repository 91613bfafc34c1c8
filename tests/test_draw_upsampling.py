"""The drawings of notebook 01: encoder stages, U-Net shape, class maps."""
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from course_lib.draw_upsampling import (plot_class_map, plot_encoder_stages, plot_level_costs, plot_receptive_fields,
                                        plot_unet, plot_wrong_pixels)
from tests._panels import new_axes, texts


# --- plot_encoder_stages -------------------------------------------------------

def test_encoder_stages_drawn_at_true_size_bottom_aligned():
    stages = [np.zeros((16, 16)), np.ones((8, 8)), np.arange(16.0).reshape(4, 4)]
    ax = plot_encoder_stages(stages, labels=["input", "stage 1", "stage 2"], ax=new_axes(), gap=2)
    assert len(ax.images) == 3
    extents = [image.get_extent() for image in ax.images]
    # (left, right, bottom, top): widths and heights equal the map sizes, all bottoms at 16.
    assert [(right - left, bottom - top) for left, right, bottom, top in extents] == [(16, 16), (8, 8), (4, 4)]
    assert [bottom for _, _, bottom, _ in extents] == [16, 16, 16]
    # maps are placed left to right with the gap between them
    assert [left for left, *_ in extents] == [0, 18, 28]
    assert texts(ax) == ["input\n16 x 16", "stage 1\n8 x 8", "stage 2\n4 x 4"]
    np.testing.assert_array_equal(ax.images[2].get_array(), stages[2])


def test_encoder_stages_rejects_bad_input():
    with pytest.raises(TypeError, match="stages"):
        plot_encoder_stages([], ax=new_axes())
    with pytest.raises(TypeError, match="stages"):
        plot_encoder_stages(np.zeros((4, 4)), ax=new_axes())
    with pytest.raises(ValueError, match=r"stages\[1\].*\(2, 2, 2\)"):
        plot_encoder_stages([np.zeros((4, 4)), np.zeros((2, 2, 2))], ax=new_axes())
    with pytest.raises(ValueError, match="labels.*2.*got 1"):
        plot_encoder_stages([np.zeros((4, 4)), np.zeros((2, 2))], labels=["one"], ax=new_axes())
    with pytest.raises(ValueError, match="gap.*-1"):
        plot_encoder_stages([np.zeros((4, 4))], ax=new_axes(), gap=-1)


# --- plot_unet -------------------------------------------------------------------

def test_unet_boxes_and_sizes():
    ax = plot_unet(new_axes(), input_size=64, depth=3, channels=16)
    boxes = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(boxes) == 2 * 3 + 1  # encoder and decoder per level, one bottleneck
    labels = [t.replace(", ", "\n") for t in texts(ax) if "ch" in t]
    # each level appears twice (encoder, decoder) except the bottleneck
    assert labels.count("64 x 64\n16 ch") == 2
    assert labels.count("32 x 32\n32 ch") == 2
    assert labels.count("16 x 16\n64 ch") == 2
    assert labels.count("8 x 8\n128 ch") == 1
    assert "input\n64 x 64" in texts(ax) and "class map\n64 x 64" in texts(ax)
    # box heights shrink with depth (encoder boxes sorted left to right)
    encoder = sorted((b for b in boxes if b.get_x() + b.get_width() / 2 < 3 - 1e-9), key=lambda b: b.get_x())
    heights = [b.get_height() for b in encoder]
    assert heights == sorted(heights, reverse=True) and len(set(heights)) == len(heights)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("skip" in t for t in legend) and any("max pool" in t for t in legend)


def test_unet_rejects_bad_sizes():
    with pytest.raises(ValueError, match="input_size.*100"):
        plot_unet(new_axes(), input_size=100, depth=3)
    with pytest.raises(ValueError, match="depth"):
        plot_unet(new_axes(), depth=0)
    with pytest.raises(TypeError, match="channels"):
        plot_unet(new_axes(), channels=2.5)


# --- plot_class_map --------------------------------------------------------------

def test_class_map_colours_each_class_and_names_it():
    from matplotlib.colors import to_hex

    from course_lib.draw_upsampling import CLASS_COLORS

    labels = np.array([[0, 1, 1], [2, 2, 0]])
    ax = plot_class_map(labels, ["background", "disk", "square"], new_axes(), title="classes")
    image = ax.images[0]
    # each class number maps to its own colour
    rgba = image.cmap(image.norm(labels))
    assert [to_hex(rgba[0, 0]), to_hex(rgba[0, 1]), to_hex(rgba[1, 0])] == list(CLASS_COLORS[:3])
    assert texts(ax) == ["0", "1", "1", "2", "2", "0"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0 background", "1 disk", "2 square"]
    assert ax.get_title() == "classes"


def test_class_map_hides_values_on_large_maps():

    ax = plot_class_map(np.zeros((32, 32), int), ["background"], new_axes(), legend=False)
    assert texts(ax) == [] and ax.get_legend() is None


def test_class_map_rejects_bad_labels():

    with pytest.raises(TypeError, match="labels.*float"):
        plot_class_map(np.zeros((2, 2)), ["a"], new_axes())
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.1.*3"):
        plot_class_map([[0, 3]], ["a", "b"], new_axes())
    with pytest.raises(ValueError, match="class_names.*9"):
        plot_class_map([[0]], list("abcdefghi"), new_axes())


@pytest.mark.parametrize("call, error, message", [
    (lambda: plot_encoder_stages([np.ones((2, 2))], labels=1.5, ax=new_axes()), TypeError, "labels must be a list of str"),
    (lambda: plot_encoder_stages([np.ones((2, 2))], labels={"a": 1}, ax=new_axes()), TypeError, "labels must be a list"),
    (lambda: plot_unet(new_axes(), depth=10**6), ValueError, "depth must be at most 6"),
    (lambda: plot_class_map([[0]], None, new_axes()), TypeError, "class_names must be a list of str, got None"),
    (lambda: plot_class_map([[0]], "ab", new_axes()), TypeError, "class_names must be a list of str"),
])
def test_attack_found_inputs_are_refused_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- issue 10: the cost, receptive-field and fusion figures ---------------------------

def test_level_costs_bars_on_a_log_scale_with_the_highlight_set_apart():
    ax = plot_level_costs(["8 x 8", "16 x 16", "128 x 128"], [9.0, 9.0, 2304.0], new_axes(), highlight=[2], title="t")
    assert [p.get_height() for p in ax.patches] == [9.0, 9.0, 2304.0]
    colours = [p.get_facecolor() for p in ax.patches]
    assert colours[0] == colours[1] != colours[2]
    assert ax.get_yscale() == "log" and ax.get_title() == "t"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["8 x 8", "16 x 16", "128 x 128"]


@pytest.mark.parametrize("labels, costs, kwargs, error, message", [
    (["a"], [0], {}, ValueError, "costs must be a non-empty 1-D array of positive finite numbers"),
    (["a"], [[1]], {}, ValueError, "costs must be a non-empty 1-D array"),
    (["a", "b"], [1], {}, ValueError, "labels must hold 1 entries"),
    ("ab", [1, 2], {}, TypeError, "labels must be a sequence of str"),
    (["a"], [1], {"highlight": [3]}, ValueError, "highlight must index the 1 bars, got 3"),
])
def test_level_costs_reject_bad_input(labels, costs, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_level_costs(labels, costs, new_axes(), **kwargs)


def test_receptive_fields_one_styled_line_each():
    ax = plot_receptive_fields({"pooled": [1, 3, 4, 8], "plain": [1, 3, 5, 7]}, new_axes())
    assert [line.get_ydata().tolist() for line in ax.lines] == [[1, 3, 4, 8], [1, 3, 5, 7]]
    assert ax.lines[0].get_linestyle() != ax.lines[1].get_linestyle()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["pooled", "plain"]
    with pytest.raises(TypeError, match="fields must be a non-empty dict"):
        plot_receptive_fields([1, 2], new_axes())
    with pytest.raises(ValueError, match="fields must map names to non-empty 1-D positive sizes"):
        plot_receptive_fields({"bad": [0, 1]}, new_axes())


def test_wrong_pixels_bars_count_the_maps():
    rng = np.random.default_rng(0)
    maps = {"32s: coarse": rng.uniform(size=(8, 8)) < 0.5, "8s: fine": rng.uniform(size=(8, 8)) < 0.1}
    axes = plot_wrong_pixels(maps, Figure().subplots(1, 3))
    assert [int(p.get_height()) for p in axes[0].patches] == [int(m.sum()) for m in maps.values()]
    assert [t.get_text() for t in axes[0].get_xticklabels()] == ["32s", "8s"]
    assert axes[1].get_title() == f"32s: {int(maps['32s: coarse'].sum())} wrong"
    assert axes[0].get_ylabel() == "wrong pixels (of 64)"
    np.testing.assert_array_equal(axes[2].images[0].get_array(), maps["8s: fine"])
    with pytest.raises(TypeError, match="wrong must map str names to 2-D boolean arrays"):
        plot_wrong_pixels({"a": np.ones((2, 2))}, Figure().subplots(1, 2))
    with pytest.raises(ValueError, match="wrong's masks must share one shape"):
        plot_wrong_pixels({"a": np.ones((2, 2), bool), "b": np.ones((3, 3), bool)}, Figure().subplots(1, 3))
    with pytest.raises(ValueError, match="axes must hold 3 Axes, got 2"):
        plot_wrong_pixels(maps, Figure().subplots(1, 2))
