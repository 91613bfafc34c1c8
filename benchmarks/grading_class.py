"""A generated class for the grading benchmark and walkthrough: N students, honest, partial and cheating.

``make_course(folder)`` lays out a temporary course folder (the repository's
nbgrader config, ``solutions/`` and the committed release ``exercises/``);
``write_class(folder, n_students, assignments)`` hands in one notebook per student
and assignment under ``submitted/<student>/<assignment>/``. Students cycle through
kinds: ``honest`` (the instructor's solution), ``partial`` (half of the answer cells
solved, the rest left as released), ``blank`` (the release handed back) and, for
02_interpolation, the cheats of tests/fixtures/exercise_submissions.py (patched
comparisons, lying arrays, answer key, tests blanked). Some folders carry the
traps a real class brings: a notebook downloaded twice (``name (1).ipynb``), a
capitalised name, an extra file, a misnamed assignment folder.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fixtures import exercise_submissions as fixtures  # noqa: E402
from tests.test_exercises import grade_id, make_submission, notebook_path  # noqa: E402
from nbgrader.utils import is_solution  # noqa: E402

KINDS = ("honest", "partial", "honest", "blank", "honest", "cheat")
CHEATS_02 = ("patches_comparisons", "lying_arrays", "blanks_tests", "displayhook_points")


def make_course(folder: Path, source: Path = REPO) -> Path:
    """A course folder with the config, source and release of ``source`` (a checkout; no submissions)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "nbgrader_config.py", folder)
    shutil.copytree(source / "solutions", folder / "solutions")
    shutil.copytree(source / "exercises", folder / "exercises")
    return folder


def student_spec(kind: str, index: int, assignment: str, answer_cells: list[str]) -> dict:
    """What student number ``index`` of ``kind`` writes in ``assignment``."""
    answer = fixtures.ANSWER if assignment == fixtures.ASSIGNMENT else None  # (written answers: 02's only)
    if kind == "honest":
        return {"code": {cell: fixtures.SOLUTION for cell in answer_cells}, "answer": answer}
    if kind == "partial":
        return {"code": {cell: fixtures.SOLUTION for cell in answer_cells[: max(1, len(answer_cells) // 2)]},
                "answer": answer}
    if kind == "cheat" and assignment == fixtures.ASSIGNMENT:
        return fixtures.CHEATS[CHEATS_02[index % len(CHEATS_02)]]
    return {"code": {}, "answer": None}  # blank (and cheats of other assignments: handed back blank)


def write_class(course: Path, n_students: int, assignments: list[str], traps: bool = True) -> dict[str, str]:
    """Hand in ``n_students`` notebooks per assignment; returns {student: kind}."""
    kinds = {}
    for assignment in assignments:
        release_nb = nbformat.read(notebook_path(course / "exercises", assignment), as_version=4)
        source_path = notebook_path(course / "solutions", assignment)
        source_nb = nbformat.read(source_path, as_version=4)
        answer_cells = [grade_id(c) for c in source_nb.cells if is_solution(c) and c.cell_type == "code"]
        for index in range(n_students):
            student = f"student{index:03d}"
            kind = KINDS[index % len(KINDS)]
            kinds[student] = kind
            spec = student_spec(kind, index, assignment, answer_cells)
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True, exist_ok=True)
            name = source_path.name
            if traps and index % 10 == 7:
                name = f"{source_path.stem} (1).ipynb"  # downloaded twice by the browser
            elif traps and index % 10 == 9:
                name = source_path.stem.capitalize() + ".ipynb"
            nbformat.write(make_submission(release_nb, source_nb, spec, {"COURSE": str(course), "REPO": str(REPO),
                                                                          "SITE": ""}), folder / name)
            if traps and index % 10 == 3:
                (folder / "notes.txt").write_text("my notes\n")
    if traps:  # a folder that is no assignment, and a stray file: listed and skipped
        (course / "submitted" / "student000" / "interpolation_final").mkdir(parents=True, exist_ok=True)
        (course / "submitted" / "README.txt").write_text("collected on Monday\n")
    return kinds
