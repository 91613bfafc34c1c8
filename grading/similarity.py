"""Which submissions share their answer code: evidence for a copying policy, not a verdict.

``make similarity ASSIGNMENT=02_interpolation`` (``python -m grading
similarity``) reads every submitted notebook of the assignment (names
matched as ``make autograde`` does), keeps the answer cells (nbgrader's
solution cells, and code cells the student added), and compares every pair
with copydetect (winnowed fingerprints of the token stream, with variable,
function and class names, strings and comments normalised away: renaming
variables or reordering functions does not hide a copy). Fingerprints of the
released notebook's code (the stubs, signatures and docstrings every student
starts from) are ignored. It writes

- ``similarity/<assignment>.html``: the most similar pairs, most similar first,
  the two students' answer cells side by side with the shared code marked;
- ``similarity/<assignment>.csv``: every compared pair above ``--min-similarity``,
  with ``flagged = yes`` at or above ``--threshold`` (``make grades`` lists those
  in grades-summary.txt).

The similarity of a pair is the mean of the two shares of each submission's
answer code found in the other. Reading a notebook never runs it: the JSON is
read from a regular file (no symlink), at most MAX_NOTEBOOK_BYTES.
"""
from __future__ import annotations

import csv
import html
import io
import itertools
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from grading.report import replacing

NOISE = 12           # k-gram length (characters of the normalised token stream) below which nothing counts
GUARANTEE = 16       # a shared stretch this long is always found (winnowing window = GUARANTEE - NOISE + 1)
THRESHOLD = 0.6      # flagged at or above this similarity
MIN_SIMILARITY = 0.3  # pairs below this are not listed
MAX_NOTEBOOK_BYTES = 20 << 20
SHOWN_PAIRS = 30


@dataclass
class Answers:
    student: str
    cells: list[tuple[str, str]]  # (cell name, source)

    @property
    def code(self) -> str:
        return "\n".join(f"# --- {name}\n{source}" for name, source in self.cells) + "\n"


@dataclass
class Pair:
    a: str
    b: str
    similarity: float
    share_a: float
    share_b: float
    slices_a: object
    slices_b: object


def read_notebook(path: Path) -> dict:
    """A notebook's JSON, from a regular file only (never through a symlink), size-limited."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_NOTEBOOK_BYTES:
            raise ValueError(f"{path.name}: not a regular file of at most {MAX_NOTEBOOK_BYTES} bytes")
        with os.fdopen(os.dup(fd), "rb") as handle:
            return json.loads(handle.read().decode("utf-8", "replace"))
    finally:
        os.close(fd)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def answer_cells(notebook: dict, template_sources: set[str]) -> list[tuple[str, str]]:
    """The code a student wrote: solution cells and added code cells, without cells left as released."""
    cells = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        nbgrader = (cell.get("metadata") or {}).get("nbgrader") or {}
        if nbgrader and not nbgrader.get("solution"):
            continue  # a test or read-only cell: the course's code, not the student's
        source = _source(cell)
        if source.strip() and source not in template_sources:
            cells.append((str(nbgrader.get("grade_id") or f"cell {index + 1}"), source))
    return cells


def fingerprint(code: str, boilerplate=()):
    from copydetect import CodeFingerprint

    return CodeFingerprint("answer.py", NOISE, GUARANTEE - NOISE + 1, boilerplate=list(boilerplate),
                           language="python", fp=io.StringIO(code))


def template_fingerprints(release_notebook: dict) -> tuple[set[str], list[int]]:
    """The released notebook's code cells (sources, and their fingerprints as boilerplate)."""
    sources = {_source(c) for c in release_notebook.get("cells", []) if c.get("cell_type") == "code"}
    code = "\n".join(sorted(sources))
    return sources, sorted(fingerprint(code).hashes) if code.strip() else []


def compare_all(answers: list[Answers], boilerplate: list[int]) -> list[Pair]:
    """Every pair's similarity, most similar first (pairs with nothing in common left out)."""
    from copydetect import compare_files

    prints = {a.student: fingerprint(a.code, boilerplate) for a in answers if a.cells}
    pairs = []
    for (a, fa), (b, fb) in itertools.combinations(sorted(prints.items()), 2):
        if not fa.hashes or not fb.hashes or not (fa.hashes & fb.hashes):
            continue
        _, (share_a, share_b), (slices_a, slices_b) = compare_files(fa, fb)
        pairs.append(Pair(a, b, (float(share_a) + float(share_b)) / 2, float(share_a), float(share_b),
                          slices_a, slices_b))
    return sorted(pairs, key=lambda p: (-p.similarity, p.a, p.b))


def collect(course: Path, assignment: str) -> tuple[list[Answers], list[str]]:
    """Every submission's answer cells for ``assignment``, and lines about what could not be read."""
    from grading.assignments import all_specs
    from grading.intake import find_submissions

    specs = all_specs(course / "solutions")
    if assignment not in specs:
        raise ValueError(f"assignment must be one of {sorted(specs)}, got {assignment!r}")
    spec = specs[assignment]
    release = read_notebook(course / "exercises" / assignment / f"{spec.notebook}.ipynb")
    template_sources, _ = template_fingerprints(release)
    found, _ = find_submissions(course, {assignment: spec}, assignment)
    answers, problems = [], []
    for submission in found:
        if submission.notebook is None:
            problems.append(f"{submission.student}: no {spec.notebook}.ipynb")
            continue
        path = course / "submitted" / submission.student / submission.folder / submission.notebook
        try:
            notebook = read_notebook(path)
        except (OSError, ValueError) as error:
            problems.append(f"{submission.student}: {error}")
            continue
        answers.append(Answers(submission.student, answer_cells(notebook, template_sources)))
    return answers, problems


def _marked(code: str, slices) -> str:
    """HTML of ``code`` with the shared stretches in <mark>."""
    out, position = [], 0
    starts, ends = (slices[0], slices[1]) if len(slices) == 2 and len(slices[0]) else ([], [])
    for start, end in zip(starts, ends):
        start, end = int(start), int(end)
        out += [html.escape(code[position:start]), "<mark>", html.escape(code[start:end]), "</mark>"]
        position = end
    out.append(html.escape(code[position:]))
    return "".join(out)


def write_report(folder: Path, assignment: str, answers: list[Answers], pairs: list[Pair], threshold: float,
                 min_similarity: float, problems: list[str]) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    listed = [p for p in pairs if p.similarity >= min_similarity]
    table = folder / f"{assignment}.csv"
    with replacing(table) as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_a", "student_b", "similarity", "share_a", "share_b", "flagged"])
        for p in listed:
            writer.writerow([p.a, p.b, f"{p.similarity:.3f}", f"{p.share_a:.3f}", f"{p.share_b:.3f}",
                             "yes" if p.similarity >= threshold else ""])
    code = {a.student: a.code for a in answers}
    flagged = sum(p.similarity >= threshold for p in listed)
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>Similar answers: {html.escape(assignment)}</title><style>",
        "body{font-family:sans-serif;margin:1em 2em} table.pair{width:100%;table-layout:fixed;border-collapse:collapse}",
        "td{vertical-align:top;border:1px solid #ccc;padding:4px} pre{white-space:pre-wrap;font-size:12px;margin:0}",
        "mark{background:#ffd54f} .flag{color:#b00020;font-weight:bold}</style></head><body>",
        f"<h1>Similar answer cells: {html.escape(assignment)}</h1>",
        f"<p>{len(answers)} submissions, {len(answers) * (len(answers) - 1) // 2} pairs compared; "
        f"{flagged} pair(s) at or above {threshold:.2f} (flagged), {len(listed)} at or above {min_similarity:.2f}. "
        "Similarity: the mean share of each side's answer code (names, strings and comments normalised, "
        "the released template ignored) found in the other; marked: the shared stretches. "
        "Evidence to look at, not a verdict: short or standard answers can match honestly.</p>",
    ]
    if problems:
        parts.append("<p>Not compared: " + html.escape("; ".join(problems)) + "</p>")
    for p in listed[:SHOWN_PAIRS]:
        flag = " <span class='flag'>flagged</span>" if p.similarity >= threshold else ""
        parts += [f"<h2>{html.escape(p.a)} ~ {html.escape(p.b)}: {p.similarity:.2f}{flag}</h2>",
                  "<table class='pair'><tr>",
                  f"<th>{html.escape(p.a)} ({100 * p.share_a:.0f}% shared)</th>",
                  f"<th>{html.escape(p.b)} ({100 * p.share_b:.0f}% shared)</th></tr><tr>",
                  f"<td><pre>{_marked(code[p.a], p.slices_a)}</pre></td>",
                  f"<td><pre>{_marked(code[p.b], p.slices_b)}</pre></td></tr></table>"]
    if len(listed) > SHOWN_PAIRS:
        parts.append(f"<p>{len(listed) - SHOWN_PAIRS} more pair(s) in {html.escape(table.name)}.</p>")
    parts.append("</body></html>")
    page = folder / f"{assignment}.html"
    with replacing(page) as handle:
        handle.write("\n".join(parts))
    return page, table


def similarity(course: Path, assignment: str, threshold: float = THRESHOLD,
               min_similarity: float = MIN_SIMILARITY) -> int:
    """``python -m grading similarity``: compare, write the report, print the flagged pairs."""
    answers, problems = collect(course, assignment)
    _, boilerplate = template_fingerprints(read_notebook(
        course / "exercises" / assignment / f"{_notebook(course, assignment)}.ipynb"))
    pairs = compare_all(answers, boilerplate)
    page, table = write_report(course / "similarity", assignment, answers, pairs, threshold, min_similarity,
                               problems)
    flagged = [p for p in pairs if p.similarity >= threshold]
    print(f"{assignment}: {len(answers)} submissions compared; {len(flagged)} pair(s) at or above {threshold:.2f}")
    for p in flagged[:20]:
        print(f"  {p.a} ~ {p.b}: {p.similarity:.2f}")
    for line in problems:
        print(f"  not compared: {line}")
    print(f"report: {page} (pairs: {table})")
    return 0


def _notebook(course: Path, assignment: str) -> str:
    from grading.assignments import all_specs
    return all_specs(course / "solutions")[assignment].notebook
