"""What a wall-clock limit stood for, measured without a clock: memory a call allocates, calls it makes.

A refusal "at once" is a refusal before the big array is allocated: :class:`peak_memory`
measures the peak of what Python and numpy allocate inside a block (tracemalloc sees
numpy's buffers), which does not depend on how busy the machine is. Speed itself is a
benchmark figure (benchmarks/), never a test assertion.
"""
from __future__ import annotations

import tracemalloc

import pytest

#: A refusal may allocate its arguments and its message, not an output: 1 MiB is far below any
#: output the guards refuse (the smallest is hundreds of MB) and far above what a check allocates.
REFUSAL_BUDGET = 2**20


class peak_memory:
    """``with peak_memory() as peak:`` ... ``peak.bytes``: the most memory allocated at once inside the block.

    Examples
    --------
    >>> import numpy as np
    >>> with peak_memory() as peak:
    ...     _ = np.ones(10**6)
    >>> peak.bytes >= 8 * 10**6
    True
    """

    def __enter__(self):
        self.was_tracing = tracemalloc.is_tracing()
        if not self.was_tracing:
            tracemalloc.start()
        self.base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        self.bytes = None
        return self

    def __exit__(self, *exc):
        self.bytes = tracemalloc.get_traced_memory()[1] - self.base
        if not self.was_tracing:
            tracemalloc.stop()
        return False


class refused_before_allocating:
    """``with refused_before_allocating(ValueError, match=...)``: raises, having allocated under ``budget`` bytes."""

    def __init__(self, error, match, budget=REFUSAL_BUDGET):
        self.raises = pytest.raises(error, match=match)
        self.memory = peak_memory()
        self.budget = budget

    def __enter__(self):
        info = self.raises.__enter__()
        self.memory.__enter__()
        return info

    def __exit__(self, *exc):
        self.memory.__exit__(*exc)
        handled = self.raises.__exit__(*exc)
        assert self.memory.bytes < self.budget, (
            f"the refusal allocated {self.memory.bytes:,} bytes first (budget {self.budget:,}): "
            "the check must come before the work")
        return handled
