"""The drawings of notebook 07: overlap counts, phases, pixel-shuffle sources, the frequency view."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib.draw_checkerboard import (  # noqa: E402
    plot_overlap_1d,
    plot_overlap_2d,
    plot_frequency_view,
    plot_phases,
    plot_source_channels,
)
from tests._panels import texts  # noqa: E402


def test_plot_overlap_1d_bars_and_labels(ax):
    counts = np.array([1, 1, 2, 1, 2, 1, 1])
    assert plot_overlap_1d(counts, ax=ax, kernel_size=3, stride=2) is ax
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == counts.tolist()
    assert texts(ax) == ["1", "1", "2", "1", "2", "1", "1"]
    assert ax.get_title() == "kernel size 3, stride 2"
    with pytest.raises(ValueError, match=r"counts must be a non-empty 1-D array, got shape \(2, 2\)"):
        plot_overlap_1d(np.ones((2, 2)), ax=ax)


def test_plot_overlap_2d_values_and_scale(ax):
    counts = np.outer([1, 2, 1], [1, 2, 1])
    plot_overlap_2d(counts, ax=ax, title="map", colorbar=True)
    assert texts(ax) == ["1", "2", "1", "2", "4", "2", "1", "2", "1"]
    assert ax.images[0].get_clim() == (0, 4)
    assert "width 3" in ax.get_xlabel()
    with pytest.raises(ValueError, match="counts must be a non-empty 2-D array"):
        plot_overlap_2d([1, 2], ax=ax)


def test_plot_phases_outlines_each_phase(ax):
    kernel = np.arange(16).reshape(4, 4)
    plot_phases(kernel, 2, ax=ax, title="phases")
    colours = {tuple(p.get_edgecolor()) for p in ax.patches}
    assert len(ax.patches) == 16 and len(colours) == 4
    assert "15.00" in texts(ax)
    with pytest.raises(ValueError, match="stride must be a positive int, got 0"):
        plot_phases(kernel, 0, ax=ax)
    with pytest.raises(ValueError, match="kernel must be a 2-D"):
        plot_phases(np.ones(3), 2, ax=ax)


@pytest.mark.parametrize("function, args, error, message", [
    (plot_overlap_1d, ([],), ValueError, "counts must be a non-empty 1-D array"),
    (plot_overlap_1d, ([1, -1],), ValueError, "counts must be finite and non-negative"),
    (plot_overlap_1d, ([1, np.nan],), ValueError, "counts must be finite and non-negative"),
    (plot_overlap_1d, (["a"],), TypeError, "counts must be a real numeric array"),
    (plot_overlap_1d, ([1, 2], "ax"), TypeError, "ax must be a matplotlib Axes"),
    (plot_overlap_2d, (np.ones((0, 3)),), ValueError, "counts must be a non-empty 2-D array"),
    (plot_phases, (np.ones((2, 2)), "a"), TypeError, "stride must be a positive int, got 'a'"),
    (plot_phases, (np.ones((2, 2)), 2.0), TypeError, "stride must be a positive int, got 2.0"),
    (plot_phases, ([[1 + 1j]], 1), TypeError, "kernel must be a real numeric array"),
])
def test_overlap_drawings_reject_bad_input(function, args, error, message):
    with pytest.raises(error, match=message):
        function(*args)


@pytest.mark.parametrize("vmax, error", [(0, ValueError), (-1, ValueError), ("4", TypeError), (True, TypeError)])
def test_overlap_2d_rejects_bad_vmax(ax, vmax, error):
    with pytest.raises(error, match="vmax must be a positive number or None"):
        plot_overlap_2d(np.ones((2, 2)), ax=ax, vmax=vmax)


# --- issue 10: readable figures ------------------------------------------------------

# Machado, Oliveira & Fernandes (2009), deuteranopia at severity 1.0, on linear RGB.
DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968],
                         [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])


def _deuteranope_sees(colour):
    """The sRGB colour a deuteranope sees (simulated), channels 0-1."""
    from matplotlib.colors import to_rgb

    srgb = np.array(to_rgb(colour))
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(DEUTERANOPIA @ linear, 0, 1)
    return np.where(seen <= 0.0031308, 12.92 * seen, 1.055 * seen ** (1 / 2.4) - 0.055)


def test_phase_outlines_stay_apart_for_deuteranopes_and_differ_in_style(ax):
    plot_phases(np.random.default_rng(0).uniform(size=(4, 4)), 2, ax=ax, legend=True)
    outlines = {}
    for patch in ax.patches:
        outlines.setdefault(patch.get_label(), (patch.get_edgecolor()[:3], patch.get_linestyle()))
    assert sorted(outlines) == ["phase (0, 0)", "phase (0, 1)", "phase (1, 0)", "phase (1, 1)"]
    assert len({style for _, style in outlines.values()}) == 4          # a second cue beside colour
    seen = [_deuteranope_sees(colour) for colour, _ in outlines.values()]
    gaps = [np.abs(a - b).sum() for i, a in enumerate(seen) for b in seen[i + 1:]]
    assert min(gaps) > 0.3, gaps
    # every cell is a light grey (at most 40% of the Greys map), so no outline vanishes into its cell
    cells = ax.images[0].cmap(ax.images[0].norm(ax.images[0].get_array().compressed()))[:, :3]
    assert cells.min() > 0.6
    for colour in seen:
        assert min(np.abs(colour - cell).sum() for cell in cells) > 0.3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == sorted(outlines)


def test_plot_source_channels_colours_by_channel_not_value(ax):
    from course_lib import pixel_shuffle

    x = np.arange(16).reshape(1, 4, 2, 2)
    shuffled = pixel_shuffle(x, 2)[0, 0]
    plot_source_channels(shuffled, 2, ax=ax)
    np.testing.assert_array_equal(ax.images[0].get_array(), [[0, 1, 0, 1], [2, 3, 2, 3]] * 2)
    assert texts(ax)[:4] == ["0\n(ch 0)", "4\n(ch 1)", "1\n(ch 0)", "5\n(ch 1)"]
    other = plt.figure().subplots()
    plot_source_channels(x[0, 3], 2, ax=other, channel=3)
    assert np.all(other.images[0].get_array() == 3) and texts(other) == ["12", "13", "14", "15"]
    fills = [_deuteranope_sees(ax.images[0].cmap(c)) for c in range(4)]   # channels stay apart for deuteranopes
    assert min(np.abs(a - b).sum() for i, a in enumerate(fills) for b in fills[i + 1:]) > 0.15
    with pytest.raises(ValueError, match="channel must be in 0 .. 3 for upscale_factor 2, got 4"):
        plot_source_channels(x[0, 0], 2, ax=other, channel=4)
    with pytest.raises(ValueError, match="upscale_factor must be at most 2"):
        plot_source_channels(np.ones((3, 3)), 3, ax=other)
    with pytest.raises(ValueError, match="values must be a 2-D"):
        plot_source_channels(np.ones(3), 2, ax=other)
    plt.close(other.figure)


def test_overlap_1d_names_what_stacked_values_are(ax):
    plot_overlap_1d([1, 2, 4, 2, 1], ax=ax, ylabel="paths through the layers")
    assert ax.get_ylabel() == "paths through the layers"
    with pytest.raises(TypeError, match="ylabel must be a str, got int"):
        plot_overlap_1d([1, 2], ax=ax, ylabel=3)


def test_frequency_view_zero_insertion_peaks_and_kernel_nulls():
    axes = plot_frequency_view({"k3 ones": np.ones(3), "k4 ones": np.ones(4)}, 2, plt.figure().subplots(1, 2))
    spectrum = axes[0].containers[0].markerline.get_ydata()
    assert np.isclose(spectrum[0], 1) and np.isclose(spectrum[32], 1)       # f = 0 and f = 1/2
    assert np.all(spectrum[1:32] < 0.2)
    k3, k4 = (line.get_ydata() for line in axes[1].lines[:2])
    assert np.isclose(k3[32], 1 / 3) and np.isclose(k4[32], 0, atol=1e-12)  # |H(1/2)|/H(0): 1/3 vs 0
    assert axes[1].lines[0].get_linestyle() != axes[1].lines[1].get_linestyle()
    with pytest.raises(ValueError, match="sum to a non-zero value"):
        plot_frequency_view({"diff": np.array([1.0, -1.0])}, 2, axes)
    with pytest.raises(TypeError, match="kernels must be a non-empty dict"):
        plot_frequency_view([np.ones(3)], 2, axes)
    with pytest.raises(ValueError, match="n_fft must be at least the zero-inserted input's length 63"):
        plot_frequency_view({"k": np.ones(3)}, 2, axes, n_fft=32)
    plt.close(axes[0].figure)
