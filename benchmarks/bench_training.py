"""Time one training step (forward + loss + backward) of notebook 08's decoder: course_lib vs PyTorch (CPU).

The decoder of notebook 08 (conv 3x3, ReLU, x2 upsampler, ReLU, conv 3x3; the widths of
``course_lib.training.MATCHED_CHANNELS``, about 1,200 weights each; batch 10, 16x16 -> 32x32) with each of its four upsamplers, built from
``course_lib.layers`` and from ``torch.nn`` with the same weights. One step is
zero the gradients, forward, mean squared error, backward (no optimiser update).
numpy and PyTorch run in alternating blocks in one process, so the ratio is
measured under the same load (``paired_times`` of bench_conv.py).

BLAS threads matter for matrices this small, and the setting must be made
before numpy is imported, so by default the script runs itself twice: with one
thread for numpy's BLAS and PyTorch (``OPENBLAS_NUM_THREADS=1``, as notebook 08
uses) and with the libraries' defaults (PyTorch set to 2 threads, as in the
tests).

    python benchmarks/bench_training.py            # both thread settings
    python benchmarks/bench_training.py --quick    # fewer repeats
PyTorch is optional: without it only the numpy times are printed.
"""
import argparse
import os
import subprocess
import sys
import time

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def torch_decoder(torch, name, channels):
    nn = torch.nn
    before, after = channels
    upsamplers = {
        "transposed k3 s2": lambda: nn.ConvTranspose2d(before, after, 3, stride=2, padding=1, output_padding=1),
        "transposed k4 s2": lambda: nn.ConvTranspose2d(before, after, 4, stride=2, padding=1),
        "nearest resize + conv": lambda: nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"),
                                                       nn.Conv2d(before, after, 3, padding=1)),
        "pixel shuffle + ICNR": lambda: nn.Sequential(nn.Conv2d(before, 4 * after, 3, padding=1),
                                                      nn.PixelShuffle(2)),
    }
    return nn.Sequential(nn.Conv2d(1, before, 3, padding=1), nn.ReLU(), upsamplers[name](), nn.ReLU(),
                         nn.Conv2d(after, 1, 3, padding=1))


def run(repeats):
    import numpy as np

    from course_lib._memory import keep_freed_memory
    from course_lib.layers import MSELoss
    from course_lib.training import MATCHED_CHANNELS, UPSAMPLERS, decoder

    keep_freed_memory()  # as course_lib.training.train does (both libraries share the process)

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench_conv import paired_times  # noqa: E402  (the shared timing protocol)

    try:
        import torch
        torch.set_num_threads(1 if os.environ.get("OPENBLAS_NUM_THREADS") == "1" else 2)
    except ImportError:
        torch = None
    batch, size = 10, 16
    rng = np.random.default_rng(0)
    header = f"{'upsampler':22} {'dtype':8} {'numpy ms':>9} {'torch ms':>9} {'numpy/torch':>12} {'best n/t':>9}"
    print(header)
    print("-" * len(header))
    ratios = []
    for dtype in (np.float64, np.float32):
        x = rng.uniform(size=(batch, 1, size, size)).astype(dtype)
        y = rng.uniform(size=(batch, 1, 2 * size, 2 * size)).astype(dtype)
        for name in UPSAMPLERS:
            channels = MATCHED_CHANNELS[name]
            model, loss = decoder(name, channels=channels, seed=0, dtype=dtype), MSELoss()

            def ours():
                for p in model.parameters():
                    p.zero_grad()
                loss(model.forward(x), y)
                model.backward(loss.backward())

            if torch is None:
                start = time.perf_counter()
                for _ in range(5 * repeats):
                    ours()
                print(f"{name:22} {np.dtype(dtype).name:8} {(time.perf_counter() - start) / (5 * repeats) * 1e3:9.2f}")
                continue
            net = torch_decoder(torch, name, channels).to(torch.float64 if dtype == np.float64 else torch.float32)
            with torch.no_grad():
                for p, q in zip(model.parameters(), net.parameters()):
                    q.copy_(torch.from_numpy(p.value))
            xt, yt = torch.from_numpy(x), torch.from_numpy(y)

            def theirs():
                net.zero_grad()
                torch.nn.functional.mse_loss(net(xt), yt).backward()

            ours_s, theirs_s, ratio, best = paired_times(ours, theirs, repeats)
            ratios.append(ratio)
            print(f"{name:22} {np.dtype(dtype).name:8} {ours_s * 1e3:9.2f} {theirs_s * 1e3:9.2f} {ratio:12.2f} {best:9.2f}")
    if ratios:
        print(f"largest numpy/torch ratio: {max(ratios):.2f} (target: within 2)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--here", action="store_true", help="measure in this process with its thread settings")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    if args.here:
        run(repeats)
        return
    for label, threads in (("one BLAS thread (as notebook 08)", "1"), ("library default threads", None)):
        env = {key: value for key, value in os.environ.items() if key not in THREAD_VARIABLES}
        if threads:
            env.update({key: threads for key in THREAD_VARIABLES})
        print(f"\n== {label} ==", flush=True)
        command = [sys.executable, os.path.abspath(__file__), "--here"] + (["--quick"] if args.quick else [])
        subprocess.run(command, env=env, check=True)


if __name__ == "__main__":
    main()
