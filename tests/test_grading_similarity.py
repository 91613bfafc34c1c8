"""`make similarity`: copies are found through renamed variables and reordered functions; honest work is not.

Fixtures (02_interpolation): the instructor's solution; a copy of it with every
variable renamed and the functions moved into one cell in reverse order; two
independently written honest solutions (loops; a different vectorised style);
a notebook handed back as released. Only the copy pair may be flagged.
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("copydetect")
pytest.importorskip("nbgrader")

from grading import report, similarity  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT, NOTEBOOK = "02_interpolation", "interpolation"
ANSWERS = ("nearest_indices", "upsample_nearest", "bilinear_source_coords", "upsample_bilinear")

LOOPS = {
    "nearest_indices": '''
def nearest_indices(in_size, out_size, exact=False):
    scale = in_size / out_size
    result = []
    for position in range(out_size):
        if exact:
            source = int((position + 0.5) * scale)
        else:
            source = int(position * scale)
        result.append(min(source, in_size - 1))
    return np.array(result, dtype=int)
''',
    "upsample_nearest": '''
def upsample_nearest(x, size, exact=False):
    image = np.asarray(x)
    out = np.empty(size, dtype=image.dtype)
    rows = nearest_indices(image.shape[0], size[0], exact)
    cols = nearest_indices(image.shape[1], size[1], exact)
    for i in range(size[0]):
        for j in range(size[1]):
            out[i, j] = image[rows[i], cols[j]]
    return out
''',
    "bilinear_source_coords": '''
def bilinear_source_coords(in_size, out_size, align_corners=False):
    coords = np.zeros(out_size)
    for d in range(out_size):
        if align_corners:
            coords[d] = 0.0 if out_size == 1 else d * (in_size - 1) / (out_size - 1)
        else:
            coords[d] = max((d + 0.5) * in_size / out_size - 0.5, 0.0)
    return coords
''',
    "upsample_bilinear": '''
def upsample_bilinear(x, size, align_corners=False):
    image = np.asarray(x, dtype=float)
    h, w = image.shape
    ys = bilinear_source_coords(h, size[0], align_corners)
    xs = bilinear_source_coords(w, size[1], align_corners)
    out = np.zeros(size)
    for i, y in enumerate(ys):
        y0 = min(int(y), h - 1)
        y1 = min(y0 + 1, h - 1)
        for j, xx in enumerate(xs):
            x0 = min(int(xx), w - 1)
            x1 = min(x0 + 1, w - 1)
            top = (1 - (xx - x0)) * image[y0, x0] + (xx - x0) * image[y0, x1]
            bottom = (1 - (xx - x0)) * image[y1, x0] + (xx - x0) * image[y1, x1]
            out[i, j] = (1 - (y - y0)) * top + (y - y0) * bottom
    return out
''',
}

VECTORISED = {
    "nearest_indices": '''
def nearest_indices(in_size, out_size, exact=False):
    positions = np.arange(out_size) + (0.5 if exact else 0)
    return np.clip((positions * in_size // out_size).astype(int), 0, in_size - 1)
''',
    "upsample_nearest": '''
def upsample_nearest(x, size, exact=False):
    arr = np.asarray(x)
    return arr[nearest_indices(arr.shape[0], size[0], exact)][:, nearest_indices(arr.shape[1], size[1], exact)]
''',
    "bilinear_source_coords": '''
def bilinear_source_coords(in_size, out_size, align_corners=False):
    if align_corners:
        return np.linspace(0, in_size - 1, out_size) if out_size > 1 else np.zeros(1)
    scale = in_size / out_size
    return np.clip(scale * (np.arange(out_size) + 0.5) - 0.5, 0, None)
''',
    "upsample_bilinear": '''
def upsample_bilinear(x, size, align_corners=False):
    arr = np.asarray(x, dtype=float)

    def along(a, axis, n):
        pos = bilinear_source_coords(a.shape[axis], n, align_corners)
        lo = np.clip(np.floor(pos).astype(int), 0, a.shape[axis] - 1)
        hi = np.clip(lo + 1, 0, a.shape[axis] - 1)
        shape = [1, 1]
        shape[axis] = n
        weight = (pos - lo).reshape(shape)
        return np.take(a, lo, axis=axis) * (1 - weight) + np.take(a, hi, axis=axis) * weight

    return along(along(arr, 0, size[0]), 1, size[1])
''',
}

RENAMES = {"dst": "positions", "src": "source_index", "offset": "shift", "rows": "ri", "cols": "ci",
           "neighbours": "near", "i0": "lo", "i1": "hi", "tr": "wr", "tc": "wc", "top": "upper",
           "bottom": "lower", "r0": "ra", "r1": "rb", "c0": "ca", "c1": "cb", "x": "image"}


def solution_cells() -> dict[str, str]:
    nb = nbformat.read(REPO / "solutions" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    cells = {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in ANSWERS:
            cells[grade_id] = "\n".join(line for line in cell.source.splitlines() if "### " not in line)
    return cells


def renamed(code: str) -> str:
    return re.sub(r"\b(" + "|".join(RENAMES) + r")\b", lambda m: RENAMES[m.group(1)], code)


def write_notebook(course: Path, student: str, cells: dict[str, str], name: str = f"{NOTEBOOK}.ipynb") -> None:
    release = nbformat.read(course / "exercises" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in cells:
            cell.source = cells[grade_id].strip("\n")
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(release, folder / name)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("similarity")
    shutil.copytree(REPO / "exercises" / ASSIGNMENT, course / "exercises" / ASSIGNMENT)
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, course / "solutions" / ASSIGNMENT)  # its grading spec
    solution = solution_cells()
    write_notebook(course, "original", solution)
    # every variable renamed, the four functions in one cell in reverse order, the other cells as released
    write_notebook(course, "copier", {ANSWERS[0]: "\n\n".join(renamed(solution[n]) for n in reversed(ANSWERS))},
                   name=f"{NOTEBOOK} (1).ipynb")
    write_notebook(course, "loops", LOOPS)
    write_notebook(course, "vectorised", VECTORISED)
    write_notebook(course, "blank", {})
    return course


@pytest.fixture(scope="module")
def pairs(course):
    answers, problems = similarity.collect(course, ASSIGNMENT)
    release = similarity.read_notebook(course / "exercises" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    _, boilerplate = similarity.template_fingerprints(release)
    assert problems == []
    return {(p.a, p.b): p for p in similarity.compare_all(answers, boilerplate)}, answers


def score(pairs, a, b) -> float:
    found = pairs.get((a, b)) or pairs.get((b, a))
    return found.similarity if found else 0.0


def test_renamed_and_reordered_copy_is_flagged(pairs):
    found, _ = pairs
    assert score(found, "original", "copier") >= similarity.THRESHOLD, found


def test_independent_honest_solutions_are_not_flagged(pairs):
    found, _ = pairs
    for a, b in [("original", "loops"), ("original", "vectorised"), ("loops", "vectorised"),
                 ("copier", "loops"), ("copier", "vectorised")]:
        assert score(found, a, b) < similarity.THRESHOLD, (a, b, score(found, a, b))


def test_the_released_template_is_not_compared(pairs):
    found, answers = pairs
    blank = [a for a in answers if a.student == "blank"]
    assert blank and blank[0].cells == [], "an untouched notebook has no answer code"
    assert not any("blank" in key for key in found)
    copier = [a for a in answers if a.student == "copier"][0]
    assert [name for name, _ in copier.cells] == ["nearest_indices"], "stub cells left as released are ignored"


def test_report_shows_pairs_side_by_side_and_summary_lists_flagged(course):
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    run = subprocess.run([sys.executable, "-m", "grading", "similarity", "--assignment", ASSIGNMENT], cwd=course,
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "copier ~ original" in run.stdout and "1 pair(s) at or above" in run.stdout, run.stdout
    page = (course / "similarity" / f"{ASSIGNMENT}.html").read_text()
    assert page.count("<table class='pair'>") >= 1 and "<mark>" in page
    first = page.index("<h2>")
    assert "copier ~ original" in page[first:first + 100] and "flagged" in page[first:first + 200]
    with open(course / "similarity" / f"{ASSIGNMENT}.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["student_a"], r["student_b"]) for r in rows if r["flagged"] == "yes"] == [("copier", "original")]
    assert [p["student_a"] for p in report.flagged_pairs(course, ASSIGNMENT)] == ["copier"]


def test_unknown_assignment_is_refused_with_its_name(course):
    run = subprocess.run([sys.executable, "-m", "grading", "similarity", "--assignment", "99_nothing"], cwd=course,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "'99_nothing'" in run.stderr


def test_a_symlinked_notebook_is_not_read(course, tmp_path):
    secret = tmp_path / "secret.ipynb"
    secret.write_text('{"cells": []}')
    folder = course / "submitted" / "linker" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / f"{NOTEBOOK}.ipynb").symlink_to(secret)
    try:
        answers, problems = similarity.collect(course, ASSIGNMENT)
        assert "linker" not in [a.student for a in answers]
        assert any(p.startswith("linker") for p in problems)
    finally:
        shutil.rmtree(course / "submitted" / "linker")
