"""Seconds per submission of `make autograde` on a generated class (honest, partial, cheats).

    python benchmarks/bench_grading.py                  # 12 submissions of 02_interpolation, JOBS=1 and JOBS=2
    python benchmarks/bench_grading.py --students 30 --jobs 2
    python benchmarks/bench_grading.py --assignment 02_interpolation --assignment 03_pooling
    python benchmarks/bench_grading.py --source /tmp/main-checkout   # the grader of another checkout

Each run grades the whole class in a fresh temporary course folder with
``python -m grading autograde --jobs J`` (one sandbox per submission, what
`make autograde JOBS=J` does) and prints the wall time of the run divided by
the number of submissions, the CPU time of all its processes (grader, nbgrader,
sandboxed kernels) per submission, and the machine's load average before and
after: wall times on a loaded machine are not comparable with idle ones, CPU
times are (nearly). No traps are
planted (they are for the walkthrough), so every run grades the same notebooks.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grading_class import make_course, write_class  # noqa: E402


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def grade_class(students: int, assignments: list[str], jobs: int, source: Path | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of every process, submissions graded ok) for one autograde run."""
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        course = make_course(Path(scratch) / "course", *([source] if source else []))
        write_class(course, students, assignments, traps=False)
        env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
        if source:  # grade with that checkout's grader (e.g. main's, for a before/after comparison)
            env["PYTHONPATH"] = str(source)
        start, cpu = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
        run = subprocess.run([sys.executable, "-m", "grading", "autograde", "--jobs", str(jobs)], cwd=course,
                             env=env, capture_output=True, text=True)
        seconds = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_seconds = (after.ru_utime + after.ru_stime) - (cpu.ru_utime + cpu.ru_stime)
        if run.returncode != 0:
            raise SystemExit(f"autograde exited {run.returncode}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
        graded = sum(1 for line in run.stdout.splitlines() if line.startswith("  ") and ": ok (" in line)
        return seconds, cpu_seconds, graded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=12, help="students per assignment (default 12)")
    parser.add_argument("--assignment", action="append", help="assignment(s) to hand in (default 02_interpolation)")
    parser.add_argument("--jobs", type=int, action="append", help="JOBS values to time (default 1 and 2)")
    parser.add_argument("--source", type=Path, help="another checkout whose grader, config and notebooks to time "
                        "(e.g. `git archive main` unpacked), for a before/after comparison")
    args = parser.parse_args(argv)
    if args.students < 1:
        parser.error(f"--students must be at least 1, got {args.students}")
    assignments = args.assignment or ["02_interpolation"]
    submissions = args.students * len(assignments)
    print(f"grading {submissions} generated submissions ({', '.join(assignments)}) on {os.cpu_count()} cores")
    for jobs in args.jobs or [1, 2]:
        before = load()
        seconds, cpu_seconds, graded = grade_class(args.students, assignments, jobs, args.source)
        print(f"JOBS={jobs}: {seconds:.1f} s for {submissions} submissions ({graded} graded ok): "
              f"{seconds / submissions:.2f} s per submission, {cpu_seconds / submissions:.2f} CPU s per submission "
              f"[load average before {before}, after {load()}]", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
