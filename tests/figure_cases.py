"""Canonical drawings (the notebooks' calls) whose pixels are pinned by tests/test_figures.py.

Each case draws on a fresh Agg figure; ``render(case)`` returns its RGBA pixels.
The PNGs in ``tests/fixtures/figures/`` were rendered before the drawing layer was
restructured (issue 12), so a restructuring that changes what learners see fails.
Regenerate only on purpose: ``python tests/figure_cases.py`` (then look at them).
"""
from __future__ import annotations

import io
import pathlib

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from course_lib import conv_matrix, overlap_counts, overlap_counts_2d
from course_lib.draw_convolution import plot_conv_geometry, plot_conv_step
from course_lib.draw_checkerboard import plot_overlap_1d, plot_overlap_2d, plot_phases, plot_source_channels
from course_lib.draw_equivalence import plot_conv_matrix, plot_singular_values
from course_lib.draw_interpolation import plot_coordinate_conventions
from course_lib.draw_pooling import plot_pooling_switches, plot_switch_indices
from course_lib.draw_transposed import plot_kernel_copies, plot_transposed_overview, plot_transposed_step
from course_lib.draw_upsampling import plot_class_map, plot_encoder_stages, plot_unet
from course_lib.explore_checkerboard import overlap_figure
from course_lib.plotting import plot_image, plot_matrix

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "figures"
SLIDES_X = np.array([[0, 1, 0, 1, 1], [0, 0, 1, 1, 0], [1, 1, 0, 1, 0], [0, 1, 0, 0, 1], [0, 0, 1, 1, 0]])
LAPLACIAN = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
X2 = np.array([[0, 1], [2, 3]])


def _axes(figure, count):
    return list(np.atleast_1d(figure.subplots(1, count)))


def matrices(figure):
    axes = _axes(figure, 4)
    plot_matrix([[1, 2], [3, 4]], axes[0], "input X (2 x 2)")
    plot_matrix(np.linspace(-3, 4, 16).reshape(4, 4), axes[1], "floats", fmt=".2f", vmax=4)
    plot_matrix(np.arange(36).reshape(6, 6) - 10, axes[2], show_values=False, grid=False, title="no values")
    plot_matrix(np.arange(9).reshape(3, 3) - 4.5, axes[3], "halves")


def images(figure):
    axes = _axes(figure, 2)
    plot_image(np.linspace(0, 1, 48).reshape(6, 8), axes[0], "ramp", vmin=0, vmax=1)
    plot_image(np.linspace(-1, 1, 25).reshape(5, 5), axes[1], "diverging", cmap="RdBu_r", vmin=-1, vmax=1)


def pooling(figure):
    axes = _axes(figure, 1)
    x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 1, 2, 8], [0, 6, 3, 2]])
    plot_pooling_switches(x, [[4, 6], [13, 11]], 2, ax=axes[0], title="switches")


def conv_steps(figure):
    rows = figure.subplots(2, 4)
    plot_conv_step(SLIDES_X, LAPLACIAN, 5, rows[0])
    plot_conv_step(SLIDES_X, LAPLACIAN, 4, rows[1], stride=2, padding=1)


def conv_geometry(figure):
    axes = _axes(figure, 2)
    plot_conv_geometry(5, 3, ax=axes[0], stride=2, padding=1)
    plot_conv_geometry(5, 3, ax=axes[1], dilation=2)


def kernel_copies(figure):
    plot_kernel_copies(X2, X2, stride=2, axes=_axes(figure, 5))


def transposed_steps(figure):
    rows = figure.subplots(2, 4)
    plot_transposed_step(X2, X2, 3, rows[0])
    plot_transposed_step(X2, X2, 4, rows[1], stride=2)


def transposed_overview(figure):
    plot_transposed_overview(np.array([[1, 2], [3, 4]]), np.ones((3, 3)), stride=2, padding=1,
                             axes=_axes(figure, 3), canvas=7)


def conv_matrices(figure):
    axes = _axes(figure, 2)
    kernel = np.array([[1, 2], [3, 4]])
    plot_conv_matrix(conv_matrix(kernel, (3, 3)), (3, 3), (2, 2), ax=axes[0], title="C")
    plot_conv_matrix(conv_matrix(np.ones((3, 3)), (5, 5), stride=2), (5, 5), (2, 2), ax=axes[1],
                     show_values=True, title="stride 2")


def overlaps(figure):
    axes = _axes(figure, 3)
    plot_overlap_1d(overlap_counts(3, 2, 8), ax=axes[0], kernel_size=3, stride=2)
    plot_overlap_2d(overlap_counts_2d(3, 2, (4, 4)), ax=axes[1], vmax=4, title="k3 s2")
    plot_overlap_2d(overlap_counts_2d(4, 2, (4, 4)), ax=axes[2], vmax=4, colorbar=True, title="k4 s2")


def phases(figure):
    axes = _axes(figure, 2)
    plot_phases(np.linspace(-1, 1, 16).reshape(4, 4), 2, ax=axes[0], title="phases")
    plot_phases(np.ones((3, 3)), 3, ax=axes[1])


def upsampling(figure):
    axes = _axes(figure, 3)
    plot_encoder_stages([np.eye(8), np.ones((4, 4)), np.eye(2)], labels=["a", "b", "c"], ax=axes[0])
    plot_class_map([[0, 1, 1], [2, 1, 0]], ["background", "disk", "square"], axes[1], "classes")
    plot_unet(axes[2], input_size=32, depth=2)


def conventions(figure):
    axes = _axes(figure, 2)
    plot_coordinate_conventions(3, 5, axes[0], conventions=[("nearest", None), ("nearest-exact", None)])
    plot_coordinate_conventions(2, 4, axes[1])


def categories(figure):
    """Issue 10's readable figures: switches as labels, singular values, pixel-shuffle channels."""
    axes = _axes(figure, 4)
    plot_switch_indices([[1, 6], [8, 15]], 4, axes[0], title="switches")
    gram = conv_matrix(LAPLACIAN, (5, 5)).T @ conv_matrix(LAPLACIAN, (5, 5))
    plot_singular_values(np.linalg.svd(gram, compute_uv=False), axes[1], "singular values")
    plot_source_channels(np.arange(4, 8).reshape(2, 2), 2, axes[2], channel=1, title="channel 1")
    plot_source_channels(np.arange(16).reshape(4, 4), 2, axes[3], title="shuffled")


CASES = {f.__name__: f for f in (matrices, images, pooling, conv_steps, conv_geometry, kernel_copies,
                                 transposed_steps, transposed_overview, conv_matrices, overlaps, phases,
                                 upsampling, conventions, categories)}
SIZES = {"categories": (13, 3.2), "conv_steps": (11, 6), "transposed_steps": (10, 6), "kernel_copies": (11.5, 2.6),
         "transposed_overview": (10, 3.6), "upsampling": (13, 4), "conventions": (12, 5)}


def render(name):
    """RGBA pixels of one case (a uint8 array)."""
    figure = Figure(figsize=SIZES.get(name, (10, 3)), dpi=60)
    canvas = FigureCanvasAgg(figure)
    CASES[name](figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def render_overlap_figure(kernel_size, stride, layers):
    figure = overlap_figure(kernel_size, stride, layers)
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba()).copy()


OVERLAP_SETTINGS = [(3, 2, 1), (4, 2, 2), (7, 3, 3), (1, 3, 1)]


#: Slider moves whose frames are pinned, per explorer; an explorer not listed (a new one in
#: course_lib/inventory.py) is pinned at its first frame and with each slider at its maximum.
EXPLORER_MOVES = {
    "conv_step_explorer": [("step", 5), ("step", 9)],
    "transposed_step_explorer": [("step", 2), ("step", 4)],
    "transposed_explorer": [("kernel size", 4), ("stride", 3), ("padding", 1)],
    "overlap_explorer": [("kernel size", 4), ("layers", 3)],
    "arithmetic_explorer": [("dilation", 2), ("padding", 3), ("input size", 3)],
}


def explorer_plans():
    """Each explorer of the course inventory with its pinned moves: name -> (make, [(slider, value), ...])."""
    from course_lib.inventory import explorer_factory, explorers

    return {explorer.function: (explorer_factory(explorer), EXPLORER_MOVES.get(explorer.function))
            for _, explorer in explorers()}


def explorer_frames(name):
    """RGBA pixels of an explorer's first frame and of the frame after each planned move."""
    from course_lib.widgets import explorer_parts, frame_png

    make, moves = explorer_plans()[name]
    sliders, image, _ = explorer_parts(make())
    if moves is None:
        moves = [(description, slider.max) for description, slider in sorted(sliders.items())]
    frames = [frame_png(image)]
    for description, value in moves:
        sliders[description].value = value
        frames.append(frame_png(image))
    return [np.asarray(Image.open(io.BytesIO(frame)).convert("RGBA")) for frame in frames]


VERSIONS = FIXTURES / "VERSIONS.json"


def renderer_versions():
    """What decides the pixels besides the course: matplotlib and its FreeType (the lock pins both)."""
    import matplotlib
    from matplotlib import ft2font

    return {"matplotlib": matplotlib.__version__, "freetype": ft2font.__freetype_version__}


def baseline(name):
    path = FIXTURES / f"{name}.png"
    if not path.exists():   # e.g. an explorer just added to the course inventory
        raise AssertionError(f"no baseline {path.name}: render it on purpose with `python tests/figure_cases.py` "
                             "and look at it before committing")
    return np.asarray(Image.open(path).convert("RGBA"))


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    arrays = {name: render(name) for name in CASES}
    arrays.update({"overlap_figure_%d_%d_%d" % s: render_overlap_figure(*s) for s in OVERLAP_SETTINGS})
    for name in explorer_plans():
        arrays.update({f"explorer_{name}_{n}": frame for n, frame in enumerate(explorer_frames(name))})
    for name, array in arrays.items():
        buffer = io.BytesIO()
        Image.fromarray(array).save(buffer, format="png")
        (FIXTURES / f"{name}.png").write_bytes(buffer.getvalue())
        print(name, array.shape)
    import json

    VERSIONS.write_text(json.dumps(renderer_versions(), indent=1) + "\n")
    print(VERSIONS.name, renderer_versions())


if __name__ == "__main__":
    main()
