"""What learners see stays the same: every drawing and explorer frame, pixel for pixel.

The baseline PNGs in tests/fixtures/figures/ were rendered by the drawing layer
before its restructuring (issue 12: one MatrixPanel, figure handles, modules cut
per notebook); tests/figure_cases.py holds the calls (the notebooks' calls).
A deliberate change of a drawing regenerates them: ``python tests/figure_cases.py``.
"""
import io

import numpy as np
import pytest
from PIL import Image

from tests import figure_cases as cases
from course_lib.explore_checkerboard import overlap_explorer
from course_lib.explore_convolution import conv_step_explorer
from course_lib.explore_transposed import transposed_explorer, transposed_step_explorer
from course_lib.widgets import explorer_parts


def _same(name, array):
    expected = cases.baseline(name)
    assert array.shape == expected.shape, f"{name}: size {array.shape} != baseline {expected.shape}"
    differing = int(np.any(array != expected, axis=-1).sum())
    assert differing == 0, f"{name}: {differing} pixels differ from the baseline"


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_drawing_is_pixel_identical_to_the_baseline(name):
    _same(name, cases.render(name))


@pytest.mark.parametrize("settings", cases.OVERLAP_SETTINGS)
def test_overlap_figure_is_pixel_identical_to_the_baseline(settings):
    _same("overlap_figure_%d_%d_%d" % settings, cases.render_overlap_figure(*settings))


EXPLORER_PLANS = {
    "conv_step_explorer": (conv_step_explorer, [("step", 5), ("step", 9)]),
    "transposed_step_explorer": (transposed_step_explorer, [("step", 2), ("step", 4)]),
    "transposed_explorer": (transposed_explorer, [("kernel size", 4), ("stride", 3), ("padding", 1)]),
    "overlap_explorer": (overlap_explorer, [("kernel size", 4), ("layers", 3)]),
}


@pytest.mark.parametrize("name", sorted(EXPLORER_PLANS))
def test_explorer_frames_are_pixel_identical_to_the_baseline(name):
    make, moves = EXPLORER_PLANS[name]
    sliders, image, _ = explorer_parts(make())
    frames = [bytes(image.value)]
    for description, value in moves:
        sliders[description].value = value
        frames.append(bytes(image.value))
    for number, frame in enumerate(frames):
        _same(f"explorer_{name}_{number}", np.asarray(Image.open(io.BytesIO(frame)).convert("RGBA")))
