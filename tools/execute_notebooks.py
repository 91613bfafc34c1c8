"""Re-execute notebooks in place (fresh kernel each) and store their outputs.

Usage: python tools/execute_notebooks.py notebooks/*.ipynb

Prints the wall time per notebook; exits non-zero if any cell raises. The
stored outputs are what nbval compares in `make test`, so run this (via
`make notebooks`) after changing a notebook or course_lib.
"""
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

# Seconds one cell may take: 09's training cell takes about 45 s of CPU, several minutes on a loaded
# two-core machine (120 s was too short there); COURSE_CELL_TIMEOUT overrides it.
CELL_TIMEOUT_S = int(os.environ.get("COURSE_CELL_TIMEOUT", "900"))


def execute(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        record_timing=False,  # no timestamps: re-running changes only what really changed
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)
    return elapsed


def main(paths):
    if not paths:
        sys.exit("usage: python tools/execute_notebooks.py NOTEBOOK.ipynb ...")
    os.environ.setdefault("PYTHONHASHSEED", "0")
    total = 0.0
    for name in paths:
        elapsed = execute(Path(name))
        total += elapsed
        print(f"{elapsed:6.1f} s  {name}", flush=True)
    print(f"{total:6.1f} s  total")


if __name__ == "__main__":
    main(sys.argv[1:])
