"""Time course_lib's conv2d / conv_transpose2d against the loop versions and PyTorch (CPU).

One run, one machine, so the ratios are comparable even when absolute times
are noisy. Decoder-sized problem: batch 8, 32 -> 32 channels, 64x64 input,
kernel 4, stride 2, padding 1 (conv: 64x64 -> 32x32; transposed: 64x64 -> 128x128).

    python benchmarks/bench_conv.py            # float32 and float64
    python benchmarks/bench_conv.py --quick    # fewer repeats
PyTorch is optional: without it the PyTorch columns are skipped.
"""
import argparse
import statistics
import time

import numpy as np

from course_lib import conv2d, conv2d_loop, conv_transpose2d, conv_transpose2d_loop

SHAPE = dict(batch=8, channels=32, size=64, kernel=4, stride=2, padding=1)


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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats, loop_repeats = (3, 1) if args.quick else (9, 3)
    try:
        import torch
        torch.set_num_threads(2)
    except ImportError:
        torch = None
    n, c, size, k, s, p = (SHAPE[key] for key in ("batch", "channels", "size", "kernel", "stride", "padding"))
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
