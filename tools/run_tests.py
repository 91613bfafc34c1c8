"""`make test`: every test, as three pytest processes running at the same time.

The browser tests of the decks (tests/test_slides.py, tests/test_book.py) and of the JupyterLite site
(tests/test_lite.py) spend most of their time waiting: for a kernel to run a notebook behind a deck, for a slide
to settle, for Pyodide. Run beside the rest, their waiting overlaps with its computing.

    python tools/run_tests.py              # the three streams; exit status 0 only if every one passed
    python tools/run_tests.py ARGS...      # one plain pytest with ARGS (a file, -k, -m, ...)

Each stream is a full pytest run with the project's settings (pyproject.toml's addopts, PYTEST_ADDOPTS):
the first ("library and notebooks") prints as it goes, the others' output follows when all have ended.
A stream that collects no test at all fails (pytest's exit status 5), as an empty run must.

Every stream runs with one BLAS thread (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS = 1 unless set):
three processes that each start a BLAS thread per core oversubscribe the cores, and OpenBLAS's waiting threads spin.
Seen in a clean-clone CI run with the streams on 2 cores: notebook 08's experiment test took 264 s instead of 17 s.
"""
from __future__ import annotations

import os
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


#: One BLAS thread per process while the streams share the cores.
ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def stream_environment(environ=None) -> dict[str, str]:
    """The environment of every stream: ``environ`` (default: this process's) with one BLAS thread unless set."""
    env = dict(os.environ if environ is None else environ)
    for name in ONE_THREAD:
        env.setdefault(name, "1")
    return env


def main(argv: list[str]) -> int:
    if argv:  # a chosen subset: one plain pytest
        return subprocess.call([sys.executable, "-m", "pytest", *argv], cwd=REPO)
    streams = commands()
    env = stream_environment()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="course-tests-") as folder:
        running = []
        for index, (name, command) in enumerate(streams):
            if index == 0:
                log, out = None, None  # the first stream prints live
            else:
                log = Path(folder) / f"stream{index}.log"
                out = open(log, "w")
            running.append((name, command, subprocess.Popen(command, cwd=REPO, env=env, stdout=out,
                                                             stderr=subprocess.STDOUT),
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
