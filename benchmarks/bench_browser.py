"""Key press to new figure on screen, in JupyterLab in headless Chromium, for every explorer of 04, 05 and 07.

``tests/test_browser.py`` times a handful of moves per explorer while it checks
them (3-8 moves to new settings: its medians swing by 10-20 ms from run to
run). This benchmark uses the same JupyterLab, page probe and kernel timing
log, but makes many moves to settings not shown before (``--moves``, default
24 per explorer) and prints, per explorer, the median and 90th percentile from
key press to the new image on screen, the median of each stage (see
``benchmarks/README.md``: key->kernel, update, draw, encode, send, ->browser,
decode, ->screen) and the median of moves back to a setting already shown
(the frame is resent, nothing drawn). It asserts nothing: the load decides
the numbers, so it prints the load average before and after.

    python benchmarks/bench_browser.py               # needs Chromium and playwright (the test extra)
    python benchmarks/bench_browser.py --moves 40
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests import test_browser as browser_test  # noqa: E402  (the JupyterLab, probe and stage code of the test)
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

#: Seconds between showing an explorer and its first move: after Run All Cells the page is still typesetting
#: formulas and drawing other outputs for a few seconds, and the first moves would measure that.
SETTLE_S = 3.0
#: Sliders typed to a new value between runs of arrow-key moves (the moved sliders are browser_test.MOVED).
OTHERS = ("padding", "input size", "dilation", "layers")


def _load():
    return " ".join(open("/proc/loadavg").read().split()[:3]) if sys.platform == "linux" else "n/a"


def _has_output(explorer, label, value):
    """Whether the explorer draws a figure for its current values with ``label`` set to ``value``."""
    spec = browser_test.EXPLORERS.get(explorer.kind)
    if spec is None:
        return True
    values = dict(explorer.values(), **{label: value})
    try:
        return spec["size"](values) is not None
    except ValueError:
        return False


def _moves(explorer, wanted):
    """Arrow-key moves on the explorer's sliders until ``wanted`` of them reached a setting not shown before.

    A setting without an output (the figure keeps the last one) is typed into
    the readout instead, untimed, and the moves go on from there.
    """
    labels = ["step"] if explorer.kind == browser_test.STEP else [m for m in browser_test.MOVED if m in explorer.kind]
    others = [label for label in OTHERS if label in explorer.kind]
    visited, cold, cached = {tuple(sorted(explorer.values().items()))}, [], []
    other_values = [None] if not others else list(range(explorer.bounds(others[0])[0],
                                                         explorer.bounds(others[0])[1] + 1))
    for _sweep in range(4):
        for other in other_values:
            if other is not None and explorer.value(others[0]) != other:
                explorer.type_value(others[0], other)
                time.sleep(0.5)
                visited.add(tuple(sorted(explorer.values().items())))
            for label in labels:
                low, high = explorer.bounds(label)
                steps = [+1] * (high - explorer.value(label)) + [-1] * (high - low)
                for step in steps:
                    if len(cold) >= wanted:
                        return cold, cached
                    target = explorer.value(label) + step
                    if not _has_output(explorer, label, target):
                        explorer.type_value(label, target)
                        time.sleep(0.5)
                        continue
                    times = explorer.press(label, "ArrowRight" if step > 0 else "ArrowLeft")
                    setting = tuple(sorted(explorer.values().items()))
                    (cached if setting in visited else cold).append(times)
                    visited.add(setting)
                    time.sleep(0.2)   # a learner's pace; the kernel and page settle between moves
    return cold, cached


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--moves", type=int, default=24, help="moves to new settings per explorer (default 24)")
    args = parser.parse_args()
    if args.moves < 1:
        parser.error(f"--moves must be at least 1, got {args.moves}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        sys.exit(f"playwright is not importable ({error}): pip install -e '.[test]'")
    if not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"{CHROMIUM} is missing (Debian: apt-get install chromium; or set COURSE_CHROMIUM)")
    print(f"load average before: {_load()}")
    print(f"{'explorer':38} {'moves':>5} {'median':>7} {'p90':>5} {'max':>5}  {'stages (median ms)':60} {'resent':>6}")
    lab = browser_test.Lab(Path(tempfile.mkdtemp(prefix="bench-browser-")))
    lab.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            for notebook in sorted(browser_test.NOTEBOOK_EXPLORERS):
                page = browser.new_context(viewport=browser_test.VIEWPORT).new_page()
                browser_test._open_and_run(page, lab, notebook)
                boxes = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output > .widget-vbox")
                for index, entry in enumerate(page.evaluate(browser_test._EXPLORERS)):
                    if entry["images"] != 1:
                        continue
                    explorer = browser_test.Explorer(page, boxes.nth(index), frozenset(entry["labels"]))
                    explorer.box.scroll_into_view_if_needed()
                    time.sleep(SETTLE_S)
                    cold, cached = _moves(explorer, args.moves)
                    frames = sorted(t["frame"] for t in cold)
                    stages = browser_test._breakdown(cold, lab.timing_log)
                    name = f"{notebook[:2]} {', '.join(entry['labels'])}"
                    print(f"{name[:38]:38} {len(frames):5d} {statistics.median(frames):7.0f} "
                          f"{frames[int(0.9 * (len(frames) - 1))]:5.0f} {frames[-1]:5.0f}  "
                          f"{' '.join(f'{stage} {ms:.0f}' for stage, ms in stages.items()):60} "
                          f"{statistics.median(t['frame'] for t in cached) if cached else float('nan'):6.0f}",
                          flush=True)
                page.context.close()
            browser.close()
    finally:
        lab.stop()
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
