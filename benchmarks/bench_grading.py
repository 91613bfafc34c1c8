"""Seconds per submission of `make autograde` on a generated class (honest, partial, cheats).

    python benchmarks/bench_grading.py                  # 12 submissions of 02_interpolation, JOBS=1 and JOBS=2
    python benchmarks/bench_grading.py --students 30 --jobs 2
    python benchmarks/bench_grading.py --assignment 02_interpolation --assignment 03_pooling

Each run grades the whole class in a fresh temporary course folder with
``python -m grading autograde --jobs J`` (one sandbox per submission, what
`make autograde JOBS=J` does) and prints the wall time of the run divided by
the number of submissions, with the machine's load average before and after:
timings on a loaded machine are not comparable with idle ones. No traps are
planted (they are for the walkthrough), so every run grades the same notebooks.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grading_class import make_course, write_class  # noqa: E402


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def grade_class(students: int, assignments: list[str], jobs: int) -> tuple[float, int, str]:
    """(seconds, submissions graded, last lines of the output) for one autograde run."""
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        course = make_course(Path(scratch) / "course")
        write_class(course, students, assignments, traps=False)
        env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
        start = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "grading", "autograde", "--jobs", str(jobs)], cwd=course,
                             env=env, capture_output=True, text=True)
        seconds = time.monotonic() - start
        if run.returncode != 0:
            raise SystemExit(f"autograde exited {run.returncode}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
        graded = sum(1 for line in run.stdout.splitlines() if line.startswith("  ") and ": ok (" in line)
        return seconds, graded, run.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=12, help="students per assignment (default 12)")
    parser.add_argument("--assignment", action="append", help="assignment(s) to hand in (default 02_interpolation)")
    parser.add_argument("--jobs", type=int, action="append", help="JOBS values to time (default 1 and 2)")
    args = parser.parse_args(argv)
    if args.students < 1:
        parser.error(f"--students must be at least 1, got {args.students}")
    assignments = args.assignment or ["02_interpolation"]
    submissions = args.students * len(assignments)
    print(f"grading {submissions} generated submissions ({', '.join(assignments)}) on {os.cpu_count()} cores")
    for jobs in args.jobs or [1, 2]:
        before = load()
        seconds, graded, _ = grade_class(args.students, assignments, jobs)
        print(f"JOBS={jobs}: {seconds:.1f} s for {submissions} submissions ({graded} graded ok): "
              f"{seconds / submissions:.2f} s per submission  [load average before {before}, after {load()}]",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
