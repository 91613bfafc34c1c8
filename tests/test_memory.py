"""course_lib._memory: freed array memory is reused instead of page-faulted in again (glibc)."""
import resource
import sys

import numpy as np
import pytest

from course_lib._memory import keep_freed_memory

glibc_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt (Linux)")


def churn():
    """Like a training step: several 0.3-2.4 MB arrays alive together, then all freed."""
    arrays = [np.ones(size) for size in (300_000, 40_000, 150_000, 90_000, 200_000, 120_000)]
    del arrays


@glibc_only
def test_freed_arrays_are_reused_without_page_faults():
    assert keep_freed_memory() is True  # (course_lib.training.train calls it before training)
    churn()  # the heap grows once
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        churn()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    # With glibc's defaults the freed blocks go back to the OS and every page faults in again:
    # about 23,000 faults here (measured); with the thresholds, none.
    assert faults < 2_000


def test_importing_the_layers_changes_no_process_setting():
    """STYLE: nothing has side effects at import; train() sets the malloc thresholds, not the import."""
    import subprocess
    import sys

    code = ("import ctypes, ctypes.util, unittest.mock as m, course_lib._memory as mem\n"
            "with m.patch.object(mem, 'keep_freed_memory', side_effect=AssertionError('called at import')):\n"
            "    import course_lib.layers, course_lib.training\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
