"""Time one training step (forward + loss + backward) of notebook 08's decoder and notebook 09's U-Net:
course_lib vs PyTorch (CPU).

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
    python benchmarks/bench_training.py --unet-only   # only notebook 09's U-Net step
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


def run(repeats, unet_only=False):
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
    if unet_only:
        unet_step(torch, repeats)
        return
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
    unet_step(torch, repeats)


def unet_step(torch, repeats, decoder="U-Net bilinear", batch=8, size=32):
    """One training step of notebook 09's U-Net (float32, 2 stages, per-pixel cross-entropy) vs the same in PyTorch."""
    import numpy as np

    from course_lib.layers import SoftmaxCrossEntropyLoss
    from course_lib.segmentation import CLASS_WEIGHTS, SegmentationNet
    from course_lib.shapes_data import shapes_dataset

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from bench_conv import paired_times  # noqa: E402
    from tests._torch_segmentation import torch_forward, torch_parameters  # noqa: E402  (the same network in torch)

    images, labels, _ = shapes_dataset(batch, seed=0, size=size)
    net, loss = SegmentationNet(decoder, seed=0, stages=2), SoftmaxCrossEntropyLoss(CLASS_WEIGHTS)

    def ours():
        for p in net.parameters():
            p.zero_grad()
        loss(net.forward(images), labels)
        net.backward(loss.backward())

    print(f"\nnotebook 09's {decoder} ({net.weight_count()} weights), one training step on {batch} images "
          f"{size}x{size}, float32")
    if torch is None:
        start = time.perf_counter()
        for _ in range(5 * repeats):
            ours()
        print(f"numpy {(time.perf_counter() - start) / (5 * repeats) * 1e3:.2f} ms")
        return
    params = torch_parameters(torch, net)
    xt, yt = torch.from_numpy(images), torch.from_numpy(labels)
    weight = torch.from_numpy(np.asarray(CLASS_WEIGHTS, dtype=np.float32))

    def theirs():
        for tensor in params.values():
            tensor.grad = None
        torch.nn.functional.cross_entropy(torch_forward(torch, net, xt, params), yt, weight=weight).backward()

    ours_s, theirs_s, ratio, best = paired_times(ours, theirs, repeats)
    print(f"{'numpy ms':>9} {'torch ms':>9} {'numpy/torch':>12} {'best n/t':>9}")
    print(f"{ours_s * 1e3:9.2f} {theirs_s * 1e3:9.2f} {ratio:12.2f} {best:9.2f}   (target: within 2)")
    # CPU time of this process (best of `repeats` blocks of 10 steps): with one thread, what the step costs
    # without the other processes on the machine; with several threads it adds up their time.
    cpu = [min(_cpu_block(function) for _ in range(repeats)) for function in (ours, theirs)]
    print(f"CPU time per step: numpy {cpu[0] * 1e3:.2f} ms, torch {cpu[1] * 1e3:.2f} ms, ratio {cpu[0] / cpu[1]:.2f}")


def _cpu_block(function, steps=10):
    start = time.process_time()
    for _ in range(steps):
        function()
    return (time.process_time() - start) / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--here", action="store_true", help="measure in this process with its thread settings")
    parser.add_argument("--unet-only", action="store_true", help="only notebook 09's U-Net step")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    if args.here:
        run(repeats, args.unet_only)
        return
    for label, threads in (("one BLAS thread (as notebook 08)", "1"), ("library default threads", None)):
        env = {key: value for key, value in os.environ.items() if key not in THREAD_VARIABLES}
        if threads:
            env.update({key: threads for key in THREAD_VARIABLES})
        print(f"\n== {label} ==", flush=True)
        command = ([sys.executable, os.path.abspath(__file__), "--here"] + (["--quick"] if args.quick else [])
                   + (["--unet-only"] if args.unet_only else []))
        subprocess.run(command, env=env, check=True)


if __name__ == "__main__":
    main()
