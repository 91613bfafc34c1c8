"""Time one slider move of every explorer: set a slider's value, wait for the redraw.

ipywidgets calls the explorer's observer synchronously when ``slider.value``
changes, so the time of the assignment is the time of the whole update (compute,
artists updated in place, Agg render, PNG encode). The browser adds the transfer
and decode on top; tests/test_browser.py measures that end to end.

    python benchmarks/bench_widgets.py          # prints the median per explorer
    python benchmarks/bench_widgets.py --moves 10
    python benchmarks/bench_widgets.py --cached  # with the frame cache (moving back resends a kept frame)
Prints whether each explorer's median is under the 100 ms target; ``--strict`` exits non-zero if not
(CI prints the figures, it does not fail on them: the machine's load decides them).
"""
import argparse
import importlib
import statistics
import sys
import time

from course_lib import widgets
from course_lib.inventory import explorers
from course_lib.widgets import explorer_parts

EXPLORERS = [(explorer.path, explorer.function) for _, explorer in explorers()]   # the course inventory
LIMIT_MS = 100.0


def moves(slider, count):
    """``count`` values walking up and down the slider's range (every move changes the value)."""
    values = list(range(slider.min, slider.max + 1, slider.step)) or [slider.value]
    walk = values[1:] + values[-2::-1] if len(values) > 1 else values
    return [walk[i % len(walk)] for i in range(count)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--moves", type=int, default=12, help="slider moves per slider (default 12)")
    parser.add_argument("--cached", action="store_true",
                        help="keep the explorers' frame cache (default: off, every move draws and renders)")
    parser.add_argument("--strict", action="store_true", help="exit non-zero when a median misses the target")
    args = parser.parse_args()
    if not args.cached:
        widgets.MAX_FRAMES = 0   # every move is a first visit: the cost of drawing, not of resending
    failed = False
    print(f"load average {' '.join(open('/proc/loadavg').read().split()[:3])}" if sys.platform == "linux" else "")
    print(f"{'explorer':28} {'slider':12} {'moves':>5} {'median ms':>10} {'max ms':>8}")
    for module_name, function_name in EXPLORERS:
        widget = getattr(importlib.import_module(module_name), function_name)()
        all_times = []
        for description, slider in sorted(explorer_parts(widget)[0].items()):
            times = []
            for value in moves(slider, args.moves):
                start = time.perf_counter()
                slider.value = value
                times.append((time.perf_counter() - start) * 1e3)
            all_times += times
            print(f"{function_name:28} {description:12} {len(times):5d} {statistics.median(times):10.1f} {max(times):8.1f}")
        median = statistics.median(all_times)
        verdict = "ok" if median < LIMIT_MS else f"over the {LIMIT_MS:.0f} ms target"
        failed |= median >= LIMIT_MS
        print(f"{function_name:28} {'all sliders':12} {len(all_times):5d} {median:10.1f} {max(all_times):8.1f}  {verdict}")
    sys.exit(1 if failed and args.strict else 0)


if __name__ == "__main__":
    main()
