"""The kernel side of grading: call the student's functions on the grader's inputs.

The hidden part of every test cell is one line, ``record("<grade_id>", globals())``.
Outside a grading run (``GRADING_INPUTS`` unset) it does nothing. In the
grading sandbox it reads the cases the grader drew for this cell, calls the
student's function on each, and saves whatever comes back as a plain ``.npy``
file (``allow_pickle=False``), or the exception's type and message. It decides
nothing: the grader, outside the sandbox, compares. Output the student's
functions print during these calls is discarded, so feedback never shows
the hidden inputs.
"""
from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import numpy as np


def decode(value):
    """Inputs from their JSON form (grading.spec.encode): arrays, tuples, lists, dicts, scalars."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "ndarray" in value:
            return np.array(value["ndarray"], dtype=np.dtype(value["dtype"]))
        if "tuple" in value:
            return tuple(decode(v) for v in value["tuple"])
        return {k: decode(v) for k, v in value["dict"].items()}
    return value


def record(grade_id: str, namespace: dict) -> None:
    """Save the student's results for the grader's cases of test cell ``grade_id``."""
    inputs, results = os.environ.get("GRADING_INPUTS"), os.environ.get("GRADING_RESULTS")
    if not inputs or not results:
        return
    import json

    with open(Path(inputs) / f"{grade_id}.json") as handle:
        cases = json.load(handle)["cases"]
    folder = Path(results) / grade_id
    folder.mkdir(exist_ok=True)
    for index, case in enumerate(cases):
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                value = namespace[case["call"]](*decode(case["args"]), **decode(case["kwargs"]))
                if case["part"] is not None:
                    value = value[case["part"]]
                value = np.asarray(value)
            np.save(folder / f"{index}.npy", value, allow_pickle=False)
        except Exception as error:  # noqa: BLE001 (a student's error is a result, not a crash)
            (folder / f"{index}.error").write_text(f"{type(error).__name__}: {str(error)[:300]}")
