"""Shared fixtures.

``torch``: PyTorch as the oracle. The course never needs it, so a learner's
``make test`` skips these comparisons when torch is missing; in CI (``CI=true``)
``.ci/run`` installs it and a missing torch is a failure, not a skip.
"""
import sys

import numpy as np
import pytest

from tests._ci import IN_CI

#: Tests skipped because torch is missing, reported in one line at the end of the run.
_TORCH_SKIPS = []


TORCH_MISSING = "torch is not installed: PyTorch comparisons skipped (pip install torch==2.13.0 to run them)"


@pytest.fixture(scope="session")
def torch():
    try:
        import torch as torch_module
    except ImportError as error:
        if IN_CI:
            pytest.fail(f"CI=true but torch is not importable ({error}); .ci/run must install torch==2.13.0")
        pytest.skip(TORCH_MISSING)
    torch_module.set_num_threads(2)
    return torch_module


@pytest.fixture
def ax():
    """One fresh matplotlib Axes on an Agg figure outside pyplot (nothing to close)."""
    from matplotlib.figure import Figure

    return Figure().subplots()


@pytest.fixture(autouse=True)
def _close_pyplot_figures():
    """Drawings called without ``ax`` open pyplot figures: close them after each test."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and pyplot.get_fignums():
        pyplot.close("all")


@pytest.fixture
def rng():
    """A fresh, seeded generator per test: results never depend on test order."""
    return np.random.default_rng(20261127)


def pytest_collection_modifyitems(items):
    """A test that takes the ``torch`` fixture compares with PyTorch: mark it so (``-m "not torch"``)."""
    for item in items:
        if "torch" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.torch)


def pytest_runtest_logreport(report):
    if report.skipped and isinstance(report.longrepr, tuple) and TORCH_MISSING in str(report.longrepr[2]):
        _TORCH_SKIPS.append(report.nodeid)


def pytest_terminal_summary(terminalreporter):
    if _TORCH_SKIPS:
        terminalreporter.write_line(
            f"{len(_TORCH_SKIPS)} PyTorch comparisons skipped: torch is not installed "
            "(the course does not need it; pip install torch==2.13.0 to run them)", yellow=True, bold=True)
