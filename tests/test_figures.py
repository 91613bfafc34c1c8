"""What learners see stays the same: every drawing and explorer frame, pixel for pixel.

The baseline PNGs in tests/fixtures/figures/ were rendered by the drawing layer
before its restructuring (issue 12: one MatrixPanel, figure handles, modules cut
per notebook); tests/figure_cases.py holds the calls (the notebooks' calls).
A deliberate change of a drawing regenerates them: ``python tests/figure_cases.py``
(issue 10 did: pixel ticks, the nearest labels, phase outlines, copy outlines, new cases).
"""
import numpy as np
import pytest

from tests import figure_cases as cases


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


@pytest.mark.parametrize("name", sorted(cases.explorer_plans()))
def test_explorer_frames_are_pixel_identical_to_the_baseline(name):
    for number, frame in enumerate(cases.explorer_frames(name)):
        _same(f"explorer_{name}_{number}", frame)
