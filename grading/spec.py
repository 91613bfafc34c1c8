"""The declarative spec of a graded assignment, and how results are judged.

One module per assignment in ``grading/assignments/`` defines ``SPEC``, an
:class:`Assignment`: which notebook it grades, which ``course_lib`` functions
are its answer key (unavailable in the grading sandbox) and which are allowed
building blocks, and for each autograded test cell a :class:`Test`: how to
draw fresh inputs from a random generator, which student function to call on
them, and which reference computes the expected value. The grader draws the
inputs (from a seed made at each grading run), the student's sandboxed kernel
only calls the student's function and saves what it returns as ``.npy``, and
the grader compares (:func:`judge`). Nothing a student's code does inside the
kernel can change the expected values or the comparison.
"""
from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from grading import results
from grading.kernel import decode  # the kernel decodes the same way (it sees only grading.kernel)

MAX_RESULT_BYTES = 16 << 20  # a result file larger than this is not read


@dataclass(frozen=True)
class Case:
    """One call of a student function: ``call(*args, **kwargs)``.

    ``part`` picks one element of a returned tuple (e.g. the switches of
    ``(values, switches)``); ``label`` is shown in feedback for visible cases
    only (hidden ones are numbered, their inputs never shown).
    """
    call: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    part: int | None = None
    label: str = ""


@dataclass(frozen=True)
class Test:
    """An autograded test cell.

    ``visible``: the cases the cell's visible tests show (checked again by the
    grader, with the reference's values); ``draw(rng)``: a list of fresh hidden
    cases; ``reference(*args, **kwargs)``: the expected value of a case (a tuple
    when the student function returns several values; ``part`` then picks one),
    or a dict from function name to reference when the cell's cases call several
    functions; ``exact``: compare exactly (integers, booleans, shapes) instead of to 1e-6;
    ``partial``: credit per case (the cell's points times the share of cases right, to
    0.01 point) instead of all-or-nothing (the default).
    """
    grade_id: str
    visible: list[Case]
    draw: Callable[[np.random.Generator], list[Case]]
    reference: Callable[..., Any] | dict[str, Callable[..., Any]]
    exact: bool = False
    partial: bool = False


@dataclass(frozen=True)
class Assignment:
    """An assignment: its folder name (``NN_topic``, NN = the notebook it follows),
    notebook name, the ``course_lib`` names that are its answer key (``module.name``
    for a function the package does not export, e.g. ``layers.kernel_gradient``), the
    ones allowed as building blocks, and its tests (one per autograded test cell)."""
    name: str
    notebook: str
    forbidden: tuple[str, ...]
    allowed: tuple[str, ...]
    tests: tuple[Test, ...]

    def test(self, grade_id: str) -> Test:
        for test in self.tests:
            if test.grade_id == grade_id:
                return test
        raise KeyError(f"{self.name} has no test {grade_id!r}")

    def cases(self, grade_id: str, rng: np.random.Generator) -> list[Case]:
        test = self.test(grade_id)
        return list(test.visible) + list(test.draw(rng))


def random_shape(rng: np.random.Generator, low: int, high: int) -> tuple[int, int]:
    """A 2-D shape, each side drawn from ``low`` to ``high - 1``: a helper for ``draw``."""
    return tuple(int(n) for n in rng.integers(low, high, size=2))


# --- inputs as plain JSON -----------------------------------------------------------

def encode(value: Any) -> Any:
    """Arrays, tuples, lists, numbers, booleans and strings as JSON (floats round-trip exactly)."""
    if isinstance(value, np.ndarray):
        return {"ndarray": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"dict": {str(k): encode(v) for k, v in value.items()}}
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"cannot encode an input of type {type(value).__name__}: {value!r}")


def write_inputs(path: os.PathLike, cases: list[Case]) -> None:
    data = [{"call": c.call, "args": encode(tuple(c.args)), "kwargs": encode(dict(c.kwargs)), "part": c.part}
            for c in cases]
    with open(path, "w") as handle:
        json.dump({"cases": data}, handle)


def read_inputs(path: os.PathLike) -> list[Case]:
    with open(path) as handle:
        data = json.load(handle)["cases"]
    return [Case(d["call"], decode(d["args"]), decode(d["kwargs"]), d["part"]) for d in data]


# --- judging results (in the grader's process) ----------------------------------------

def parse_result(data: bytes) -> np.ndarray:
    """A result as the sandbox saved it: ``.npy`` bytes, plain numbers, no pickles."""
    value = np.load(io.BytesIO(data), allow_pickle=False)
    if type(value) is not np.ndarray:
        raise ValueError(f"the result is not a plain array (got {type(value).__name__})")
    if value.dtype.kind not in "biuf" or value.dtype.byteorder not in "=|<>":
        raise ValueError(f"expected numbers, got an array of dtype {value.dtype}")
    return value


def load_result(path: os.PathLike) -> np.ndarray:
    """A result file written by the sandbox: a regular ``.npy`` file (no symlink,
    FIFO or device), at most MAX_RESULT_BYTES, plain numbers, no pickles."""
    return parse_result(results.read_path(path, MAX_RESULT_BYTES))


def compare(yours: np.ndarray, expected: Any, exact: bool) -> str | None:
    """None if ``yours`` matches ``expected``, else what is wrong (no values of the input)."""
    expected = np.asarray(expected)
    if yours.shape != expected.shape:
        return f"expected shape {expected.shape}, got shape {yours.shape}"
    if exact or expected.dtype.kind == "b":
        wrong = yours != expected
    else:
        with np.errstate(invalid="ignore"):
            wrong = ~np.isclose(yours.astype(float), expected.astype(float), rtol=1e-9, atol=1e-6)
    if np.any(wrong):
        return f"{int(np.sum(wrong))} of {wrong.size} values differ"
    return None


def expected_value(test: Test, case: Case) -> Any:
    reference = test.reference[case.call] if isinstance(test.reference, dict) else test.reference
    value = reference(*case.args, **case.kwargs)
    return value[case.part] if case.part is not None else value


def load_text(path: os.PathLike, limit: int = 2000) -> str:
    """A short text file written by the sandbox (regular file only, first ``limit`` characters)."""
    fd = os.open(Path(path).parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        return read_text_at(Path(path).name, fd, limit)
    finally:
        os.close(fd)


def read_text_at(name: str, dir_fd: int, limit: int = 2000) -> str:
    """The first ``limit`` characters of the sandbox's text file ``name`` in folder ``dir_fd``."""
    return results.read_regular(name, dir_fd, 64 << 10)[:limit].decode("utf-8", "replace")
