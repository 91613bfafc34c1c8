"""Time course_lib's conv2d / conv_transpose2d against the loop versions and PyTorch (CPU).

One run, one machine, so the ratios are comparable even when absolute times
are noisy. Decoder-sized problem: batch 8, 32 -> 32 channels, 64x64 input,
kernel 4, stride 2, padding 1 (conv: 64x64 -> 32x32; transposed: 64x64 -> 128x128).

    python benchmarks/bench_conv.py              # float32 and float64, 2 threads for both libraries
    python benchmarks/bench_conv.py --threads 1  # one thread for numpy's BLAS and for PyTorch
    python benchmarks/bench_conv.py --quick      # fewer repeats
    python benchmarks/bench_conv.py --parts      # float32 conv2d: its matrix product and phase split alone
PyTorch is optional: without it the PyTorch columns are skipped.

Both libraries get the same number of threads: OpenBLAS reads its thread count
when numpy is imported, so the script re-runs itself with OPENBLAS_NUM_THREADS
set (and calls ``torch.set_num_threads`` with the same number). The first line
printed names numpy's BLAS, its threads and the CPU kernels it picked
(OpenBLAS's "core"). OpenBLAS 0.3.31 (numpy 2.4's wheels) does not recognise
AMD Zen 5 and falls back to its AVX2 "Haswell" kernels there; on such a CPU,
``OPENBLAS_CORETYPE=SkylakeX`` in the environment selects the AVX-512 kernels
(about 2x faster matrix products) and the first line shows it.
"""
import argparse
import ctypes
import glob
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from course_lib import conv2d, conv2d_loop, conv_transpose2d, conv_transpose2d_loop

SHAPE = dict(batch=8, channels=32, size=64, kernel=4, stride=2, padding=1)
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def blas_description():
    """numpy's BLAS: OpenBLAS's version, the kernels ("core") it chose for this CPU, its threads."""
    libraries = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*"))
    for path in libraries:
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""), ("openblas", "")):
            try:
                config, core, threads = (getattr(library, f"{prefix}_{name}{suffix}")
                                         for name in ("get_config", "get_corename", "get_num_threads"))
            except AttributeError:
                continue
            config.restype = core.restype = ctypes.c_char_p
            return f"{config().decode().split()[1]} core {core().decode()}, {threads()} threads"
    return "BLAS not identified (not numpy's bundled OpenBLAS)"


def median_time(function, repeats):
    function()  # warm-up (allocations, BLAS threads)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired_times(first, second, blocks, per_block=5):
    """Time two functions in alternating blocks: medians, median block ratio, ratio of the fastest runs.

    Each block starts after a short pause and runs one function ``per_block + 1``
    times, dropping the first run: OpenMP (PyTorch) and OpenBLAS (numpy) worker
    threads keep spinning for a while after a call and would slow the other
    library's next call. Alternating blocks puts both
    under the same background load, so the ratio is steadier than a ratio of
    two medians measured minutes apart. On a loaded machine (other processes on
    the same cores) the medians still swing; the ratio of the two fastest runs
    is the steadier estimate of the uncontended speed, so both are reported.
    """
    a_blocks, b_blocks, a_best, b_best = [], [], [], []
    for _ in range(blocks):
        for function, results, best in ((first, a_blocks, a_best), (second, b_blocks, b_best)):
            time.sleep(0.3)  # let the other library's worker threads stop spinning
            times = []
            for _ in range(per_block + 1):
                start = time.perf_counter()
                function()
                times.append(time.perf_counter() - start)
            results.append(statistics.median(times[1:]))
            best.append(min(times[1:]))
    ratio = statistics.median(a / b for a, b in zip(a_blocks, b_blocks))
    return statistics.median(a_blocks), statistics.median(b_blocks), ratio, min(a_best) / min(b_best)


def parts(torch, n, c, size, k, s, p, rounds):
    """Where float32 conv2d's time goes: its matrix product and its phase split alone, against PyTorch.

    Each part runs in blocks of 6 (the first dropped) after a pause, the parts in turn, ``rounds``
    times; the fastest run of each is reported (the uncontended speed) with its ratio to PyTorch's.
    The matrix product has conv2d's shapes: all kernel shifts' weights (shifts * C_out rows) times
    the phase-split input (C_in * s * s rows, one column per phase pixel of every image).
    """
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, c, size, size)).astype(np.float32)
    w = rng.normal(size=(c, c, k, k)).astype(np.float32)
    rows, shifts = -(-(size + 2 * p) // s), (k - 1) // s + 1
    weights = rng.normal(size=(shifts * shifts * c, c * s * s)).astype(np.float32)
    phases = rng.normal(size=(c * s * s, n * rows * rows)).astype(np.float32)
    product = np.empty((weights.shape[0], phases.shape[1]), dtype=np.float32)

    def phase_split():  # the stride-2 gather conv2d makes (into a fresh zeroed array, as conv2d)
        split = np.zeros((c, s, s, n, rows, rows), dtype=np.float32)
        channels_first = x.transpose(1, 0, 2, 3)
        for a in range(s):
            for b in range(s):
                split[:, a, b, :, : size // s, : size // s] = channels_first[:, :, a::s, b::s]

    functions = {"conv2d (whole)": lambda: conv2d(x, w, stride=s, padding=p),
                 f"matrix product {weights.shape[0]}x{weights.shape[1]} @ {phases.shape[0]}x{phases.shape[1]}":
                     lambda: np.matmul(weights, phases, out=product),
                 "phase split (space-to-depth)": phase_split}
    if torch is not None:
        tx, tw = torch.from_numpy(x), torch.from_numpy(w)

        def run_torch():
            with torch.no_grad():
                return torch.nn.functional.conv2d(tx, tw, stride=s, padding=p)

        functions = {"torch conv2d": run_torch, **functions}
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(rounds):
        for name, function in functions.items():
            time.sleep(0.1)
            for index in range(6):
                start = time.perf_counter()
                function()
                if index:
                    best[name] = min(best[name], time.perf_counter() - start)
    print(f"float32, fastest of {rounds} blocks of 5 runs each")
    header = f"{'part':44} {'best ms':>8} {'/ torch':>8}"
    print(header)
    print("-" * len(header))
    for name, seconds in best.items():
        ratio = f"{seconds / best['torch conv2d']:7.2f}x" if torch is not None else f"{'-':>8}"
        print(f"{name:44} {seconds * 1e3:8.3f} {ratio}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--threads", type=int, default=2, help="threads for numpy's BLAS and for PyTorch (default 2)")
    parser.add_argument("--parts", action="store_true", help="float32 conv2d's matrix product and phase split alone")
    parser.add_argument("--here", action="store_true", help="measure in this process (thread variables already set)")
    args = parser.parse_args()
    if not args.here:  # OpenBLAS reads its thread count when numpy is imported: run in a child process
        env = {key: value for key, value in os.environ.items() if key not in THREAD_VARIABLES}
        env.update({key: str(args.threads) for key in THREAD_VARIABLES})
        command = [sys.executable, os.path.abspath(__file__), "--here", "--threads", str(args.threads)]
        command += (["--quick"] if args.quick else []) + (["--parts"] if args.parts else [])
        subprocess.run(command, env=env, check=True)
        return
    repeats, loop_repeats = (3, 1) if args.quick else (9, 3)
    try:
        import torch
        torch.set_num_threads(args.threads)
    except ImportError:
        torch = None
    print(f"numpy {np.__version__}, BLAS: OpenBLAS {blas_description()}; "
          + (f"torch {torch.__version__}, {torch.get_num_threads()} threads" if torch else "no torch"))
    n, c, size, k, s, p = (SHAPE[key] for key in ("batch", "channels", "size", "kernel", "stride", "padding"))
    if args.parts:
        parts(torch, n, c, size, k, s, p, 5 if args.quick else 20)
        return
    rng = np.random.default_rng(0)
    print(f"batch {n}, {c}->{c} channels, {size}x{size}, kernel {k}, stride {s}, padding {p}; "
          f"{repeats} alternating blocks of 5 runs (loops: {loop_repeats} runs); fast/torch = median block ratio, "
          f"best f/t = fastest fast run / fastest torch run")
    header = (f"{'operator':18} {'dtype':8} {'fast ms':>9} {'loop ms':>9} {'torch ms':>9} {'loop/fast':>10} "
              f"{'fast/torch':>11} {'best f/t':>9}")
    print(header)
    print("-" * len(header))
    for dtype in (np.float32, np.float64):
        x = rng.normal(size=(n, c, size, size)).astype(dtype)
        w = rng.normal(size=(c, c, k, k)).astype(dtype)
        cases = [("conv2d", conv2d, conv2d_loop, "conv2d"),
                 ("conv_transpose2d", conv_transpose2d, conv_transpose2d_loop, "conv_transpose2d")]
        for name, fast, loop, torch_name in cases:
            run_fast = lambda: fast(x, w, stride=s, padding=p)  # noqa: E731
            loop_time = median_time(lambda: loop(x, w, stride=s, padding=p), loop_repeats)
            if torch is not None:
                tx, tw = torch.from_numpy(x), torch.from_numpy(w)
                op = getattr(torch.nn.functional, torch_name)

                def run_torch():
                    with torch.no_grad():
                        return op(tx, tw, stride=s, padding=p)

                fast_time, torch_time, ratio, best = paired_times(run_fast, run_torch, repeats)
                np.testing.assert_allclose(run_fast(), run_torch().numpy(), rtol=1e-3, atol=1e-3)
                torch_text, ratio_text = f"{torch_time * 1e3:9.1f}", f"{ratio:10.2f}x {best:8.2f}x"
            else:
                fast_time = median_time(run_fast, repeats)
                torch_text, ratio_text = f"{'-':>9}", f"{'(no torch)':>11}"
            print(f"{name:18} {np.dtype(dtype).name:8} {fast_time * 1e3:9.1f} {loop_time * 1e3:9.1f} "
                  f"{torch_text} {loop_time / fast_time:9.1f}x {ratio_text}", flush=True)


if __name__ == "__main__":
    main()
