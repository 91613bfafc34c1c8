"""What learners see stays the same: every drawing and explorer frame, pixel for pixel.

The baseline PNGs in tests/fixtures/figures/ were rendered by the drawing layer
before its restructuring (issue 12: one MatrixPanel, figure handles, modules cut
per notebook); tests/figure_cases.py holds the calls (the notebooks' calls).
A deliberate change of a drawing regenerates them: ``python tests/figure_cases.py``
(issue 10 did: pixel ticks, the nearest labels, phase outlines, copy outlines, new cases).

The pixels are those of one matplotlib and FreeType (tests/fixtures/figures/VERSIONS.json,
written with the baselines; constraints.txt pins the same matplotlib): with those, every
pixel must match. With other versions (a learner's own environment, outside the lock) the
comparison cannot tell a font-rendering change from a real one, so it skips and says why;
in CI (CI=true) that is a failure.
"""
import json

import numpy as np
import pytest

from tests import figure_cases as cases
from tests._ci import IN_CI
from tests._tools import tool


@pytest.fixture(scope="module", autouse=True)
def pinned_renderer():
    recorded, found = json.loads(cases.VERSIONS.read_text()), cases.renderer_versions()
    if recorded != found:
        message = (f"the figure baselines are for {recorded}, this environment has {found}: "
                   "install the lock (make clean-venv; make test) or regenerate on purpose (python tests/figure_cases.py)")
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


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


def test_baselines_are_for_the_locked_matplotlib():
    lock = tool("lock")
    assert json.loads(cases.VERSIONS.read_text())["matplotlib"] == lock.read_lock()[1]["matplotlib"]


def test_one_changed_pixel_fails_the_comparison():
    name = sorted(cases.CASES)[0]
    changed = cases.baseline(name).copy()
    changed[3, 3] = 255 - changed[3, 3]
    with pytest.raises(AssertionError, match="1 pixels differ"):
        _same(name, changed)
