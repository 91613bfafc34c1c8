"""Keep freed array memory in the process instead of handing it back to the OS at once.

A training step of notebook 08 allocates and frees dozens of arrays of 0.1 to
2 MB. glibc's ``malloc`` serves blocks above 128 KiB with ``mmap`` and gives
them back on ``free``, raising that threshold only as it sees larger blocks
freed; until it settles, every new array starts on fresh pages, and each page
costs a page fault (a few microseconds on a virtual machine). Measured on the
development machine (2-core KVM guest, float64 step with the k3 s2 upsampler):
about 1,800 page faults and 5-9 ms per step, against 5 faults and 2.4 ms with
the thresholds below (``benchmarks/bench_training.py`` measures the step).

:func:`keep_freed_memory` sets the values glibc's own heuristic ends at for
large arrays (``M_MMAP_THRESHOLD`` 32 MiB, its maximum on 64-bit; the trim
threshold twice that), so freed blocks are reused from the start. The process
keeps at most 64 MiB of freed memory. Elsewhere (macOS, Windows, musl) it does
nothing. Not part of the course's API.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

__all__ = ["keep_freed_memory"]

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
MMAP_THRESHOLD = 32 * 2**20


@functools.cache  # once per process: find_library may run ldconfig, and the setting is process-wide
def keep_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds (32 and 64 MiB); True if set, False where there is no glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
        gnu_get_libc_version = libc.gnu_get_libc_version  # glibc only (not musl)
    except (OSError, AttributeError):
        return False
    del gnu_get_libc_version
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD))
