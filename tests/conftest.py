"""Shared fixtures.

``torch``: PyTorch as the oracle. The course never needs it, so a learner's
``make test`` skips these comparisons when torch is missing; in CI (``CI=true``)
``.ci/run`` installs it and a missing torch is a failure, not a skip.
"""
import os

import numpy as np
import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def torch():
    try:
        import torch as torch_module
    except ImportError as error:
        if IN_CI:
            pytest.fail(f"CI=true but torch is not importable ({error}); .ci/run must install torch==2.13.0")
        pytest.skip("torch is not installed: PyTorch comparisons skipped (pip install torch==2.13.0 to run them)")
    torch_module.set_num_threads(2)
    return torch_module


@pytest.fixture
def rng():
    """A fresh, seeded generator per test: results never depend on test order."""
    return np.random.default_rng(20261127)
