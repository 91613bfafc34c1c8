"""`make test`: every test, as three pytest processes running at the same time.

The browser tests of the decks (tests/test_slides.py, tests/test_book.py) and of the JupyterLite site
(tests/test_lite.py) spend most of their time waiting: for a kernel to run a notebook behind a deck, for a slide
to settle, for Pyodide. Run one after the other with the rest they made `make test` take about twice as long as
its slowest part; run beside the rest they use the cores the waiting leaves free.

    python tools/run_tests.py              # the three streams; exit status 0 only if every one passed
    python tools/run_tests.py ARGS...      # one plain pytest with ARGS (a file, -k, -m, ...)

Each stream is a full pytest run with the project's settings (pyproject.toml's addopts, PYTEST_ADDOPTS):
the first ("library and notebooks") prints as it goes, the others' output follows when all have ended.
A stream that collects no test at all fails (pytest's exit status 5), as an empty run must.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# (name, the test files of the stream); the first stream is every test path but the others' files.
SIDE_STREAMS = (
    ("decks (live and static slides)", ("tests/test_slides.py", "tests/test_book.py")),
    ("JupyterLite site", ("tests/test_lite.py",)),
)


def commands(python: str = sys.executable) -> list[tuple[str, list[str]]]:
    """The pytest command line of each stream."""
    pytest = [python, "-m", "pytest"]
    side_files = [path for _, paths in SIDE_STREAMS for path in paths]
    missing = [path for path in side_files if not (REPO / path).is_file()]
    if missing:
        raise FileNotFoundError(f"run_tests.py: SIDE_STREAMS names missing test files: {missing}")
    main = ("library and notebooks", pytest + [f"--ignore={path}" for path in side_files])
    return [main] + [(name, pytest + list(paths)) for name, paths in SIDE_STREAMS]


def main(argv: list[str]) -> int:
    if argv:  # a chosen subset: one plain pytest
        return subprocess.call([sys.executable, "-m", "pytest", *argv], cwd=REPO)
    streams = commands()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="course-tests-") as folder:
        running = []
        for index, (name, command) in enumerate(streams):
            if index == 0:
                log, out = None, None  # the first stream prints live
            else:
                log = Path(folder) / f"stream{index}.log"
                out = open(log, "w")
            running.append((name, command, subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT),
                            log, out))
            print(f"== {time.strftime('%H:%M:%S')} started: {name}: {' '.join(command[1:])}", flush=True)
        statuses = []
        try:
            for name, command, process, log, out in running:
                statuses.append((name, process.wait(), time.monotonic() - started))
                if out is not None:
                    out.close()
        except KeyboardInterrupt:
            for _, _, process, _, _ in running:
                process.terminate()
            raise
        for (name, command, process, log, out), (_, status, _) in zip(running[1:], statuses[1:]):
            print(f"\n== {name}: {' '.join(command[1:])} (exit status {status})", flush=True)
            sys.stdout.write(log.read_text(errors="replace"))
    print()
    for name, status, seconds in statuses:
        verdict = "passed" if status == 0 else ("collected no tests" if status == 5 else "FAILED")
        print(f"== {name}: {verdict} (exit status {status}); ended by {seconds / 60:.1f} min")
    return 0 if all(status == 0 for _, status, _ in statuses) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
