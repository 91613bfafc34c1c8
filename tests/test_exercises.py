"""The graded exercises: nbgrader source (solutions/), release (exercises/), autograding.

What is promised, and tested here:

1. ``solutions/<assignment>/`` is valid nbgrader source: every test cell has
   points, visible tests and a hidden-tests block; every assignment has a
   hand-graded written answer; the points the notebooks announce add up.
2. ``exercises/`` is exactly what ``nbgrader generate_assignment`` makes from
   ``solutions/`` (regenerated here in a temporary course folder and compared
   byte for byte, with the working tree, or with the commit once a student
   has filled in the notebooks there): nobody edits the release by hand.
3. Every solution passes all of its tests, visible and hidden.
4. Every released test cell fails with ``NotImplementedError`` (the stub
   nbgrader leaves), not with a ``NameError`` or any other error. The tests
   below use the freshly generated release, equal to the committed one.
5. A full ``nbgrader autograde`` run in a temporary course folder scores six
   fixture students (tests/fixtures/exercise_submissions.py) exactly, cell by
   cell: correct, untouched, partly correct, raising, looping forever (cut
   off by a timeout) and with edited or deleted test cells (restored and run);
   feedback and the grades CSV come out, and the submitted files never change.
"""
from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from tests._ci import IN_CI


try:
    import nbgrader  # noqa: F401  (the instructor extra)
except ImportError as error:  # pragma: no cover
    if IN_CI:
        raise ImportError(f"CI=true but nbgrader is not importable ({error})") from error
    pytest.skip("nbgrader is not installed (pip install -e '.[instructor]')", allow_module_level=True)

from nbclient import NotebookClient
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.utils import is_grade, is_locked, is_solution

from tests.fixtures import exercise_submissions as fixtures

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "solutions"
RELEASE = REPO / "exercises"
ASSIGNMENTS = ["01_interpolation", "02_pooling", "03_transposed_conv", "04_equivalence", "05_checkerboard",
               "08_conv_backward"]
LOOP_TIMEOUT = 10  # seconds a cell may run during the autograde test


def notebook_path(folder: Path, assignment: str) -> Path:
    notebooks = sorted((folder / assignment).glob("*.ipynb"))
    assert len(notebooks) == 1, f"{folder / assignment} must hold exactly one notebook, found {notebooks}"
    return notebooks[0]


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def is_test_cell(cell) -> bool:
    """An autograded test cell: graded, not an answer, code."""
    return is_grade(cell) and not is_solution(cell) and cell.cell_type == "code"


def is_written_answer(cell) -> bool:
    return is_grade(cell) and is_solution(cell) and cell.cell_type == "markdown"


def errors(cell) -> list[str]:
    return [output.ename for output in cell.get("outputs", []) if output.output_type == "error"]


def describe_errors(cell) -> str:
    return "; ".join(f"{o.ename}: {o.evalue}"[:400] for o in cell.outputs if o.output_type == "error")


def execute(path: Path):
    """Run a notebook top to bottom (errors are recorded, not raised)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def run_nbgrader(course: Path, *args: str, expected_errors: tuple[str, ...] = (),
                 timeout: float = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    # nbgrader runs the `alembic` script when it creates a gradebook: put this
    # environment's scripts first on PATH, as an activated venv would.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                            capture_output=True, text=True, timeout=timeout)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"nbgrader {' '.join(args)} exited {result.returncode}:\n{log[-5000:]}"
    unexpected = [line for line in log.splitlines()
                  if "| ERROR]" in line and not any(text in line for text in expected_errors)]
    assert not unexpected, f"nbgrader {' '.join(args)} logged errors {unexpected}:\n{log[-5000:]}"
    return result


def tree_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under folder, skipping hidden ones (.ipynb_checkpoints, as git does)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def file_states(folder: Path) -> dict[str, tuple]:
    """Content hash, size, permission bits and modification time of every file under folder."""
    return {name: (digest, (folder / name).stat().st_size, (folder / name).stat().st_mode,
                   (folder / name).stat().st_mtime_ns)
            for name, digest in tree_hashes(folder).items()}


def committed_release() -> dict[str, str] | None:
    """tree_hashes of exercises/ as committed at HEAD; None outside a git checkout."""
    def git(*args: str) -> bytes:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, check=True).stdout

    try:
        names = git("ls-tree", "-r", "--name-only", "HEAD", "--", "exercises").decode().split("\n")
        return {name.removeprefix("exercises/"): hashlib.sha256(git("show", f"HEAD:{name}")).hexdigest()
                for name in names if name}
    except (OSError, subprocess.CalledProcessError):
        return None


# --- 1. the source ---------------------------------------------------------------

def test_the_six_assignments_exist_in_source_and_release():
    for folder in (SOURCE, RELEASE):
        assert sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")) == ASSIGNMENTS


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_is_valid_nbgrader_source(assignment):
    nb = nbformat.read(notebook_path(SOURCE, assignment), as_version=4)
    MetadataValidator().validate_nb(nb)  # raises on bad nbgrader metadata
    ids = [grade_id(cell) for cell in nb.cells if grade_id(cell)]
    assert len(ids) == len(set(ids)), f"duplicate grade_id in {assignment}: {ids}"

    tests = [cell for cell in nb.cells if is_test_cell(cell)]
    answers = [cell for cell in nb.cells if is_written_answer(cell)]
    solutions = [cell for cell in nb.cells if is_solution(cell) and cell.cell_type == "code"]
    assert len(tests) >= 4 and answers and solutions
    for cell in tests:
        points = cell.metadata.nbgrader["points"]
        assert is_locked(cell) and points > 0, grade_id(cell)
        # The first line tells the student the points; it must match the metadata.
        first_line = cell.source.splitlines()[0]
        assert first_line.startswith("# Tests") and f"({points:g} point" in first_line, (grade_id(cell), first_line)
        visible, _, hidden = cell.source.partition("### BEGIN HIDDEN TESTS")
        assert "check_" in visible and "### END HIDDEN TESTS" in hidden and "check_" in hidden, grade_id(cell)
    for cell in solutions:
        # The solution sits inside a function body, so the released stub raises
        # NotImplementedError when the function is called, not when it is defined.
        lines = cell.source.splitlines()
        begin = [line for line in lines if "### BEGIN SOLUTION" in line]
        assert len(begin) == 1 and begin[0].startswith("    "), grade_id(cell)
    for cell in answers:
        assert cell.metadata.nbgrader["points"] > 0 and cell.source.strip(), grade_id(cell)

    # The introduction announces the points: "Points: 12 for code (5 test cells), 2 for the written answer."
    code_points = sum(cell.metadata.nbgrader["points"] for cell in tests)
    answer_points = sum(cell.metadata.nbgrader["points"] for cell in answers)
    announced = f"Points: {code_points:g} for code ({len(tests)} test cells), {answer_points:g} for the written answer"
    assert announced in nb.cells[0].source, f"{assignment}: the introduction should say {announced!r}"


# --- 2. the release is generated from the source -----------------------------------

@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """A temporary course folder: the repository's config and solutions/, release generated."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(SOURCE, root / "solutions")
    run_nbgrader(root, "generate_assignment", "*")
    return root


def test_exercises_are_exactly_the_generated_release(course):
    """exercises/ must be what solutions/ generates, in the working tree or, once a student
    has filled in the notebooks there, as committed."""
    generated, on_disk = tree_hashes(course / "exercises"), tree_hashes(RELEASE)
    if generated == on_disk:
        return
    committed = committed_release()
    differ = sorted(name for name in set(generated) | set(on_disk) if generated.get(name) != on_disk.get(name))
    assert generated == committed, (
        f"exercises/ is not what solutions/ generates (files that differ: {differ}). Never edit exercises/ "
        "by hand: edit solutions/, run `make release`, and commit both.")


def test_release_has_no_solutions_or_hidden_tests(course):
    for assignment in ASSIGNMENTS:
        text = notebook_path(course / "exercises", assignment).read_text()
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{assignment}: the release still contains {marker!r}"


# --- 3 and 4. solutions pass, the release fails with NotImplementedError --------------

@pytest.fixture(scope="session")
def executed(course):
    """Every solution and every released notebook, executed once, two at a time (kernels mostly wait).

    The release is the freshly generated one, equal to the committed exercises/
    (tested above), so a student's filled-in exercises/ does not matter here.
    """
    folders = {"solution": SOURCE, "release": course / "exercises"}
    with ThreadPoolExecutor(max_workers=2) as pool:
        return {(kind, assignment): pool.submit(execute, notebook_path(folder, assignment))
                for kind, folder in folders.items() for assignment in ASSIGNMENTS}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_passes_all_its_tests(executed, assignment):
    nb = executed["solution", assignment].result()
    failed = {grade_id(cell) or f"cell {i}": describe_errors(cell) for i, cell in enumerate(nb.cells) if errors(cell)}
    assert not failed, f"{assignment}: cells of the solution fail: {failed}"
    for cell in filter(is_test_cell, nb.cells):
        stderr = [o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
        assert not stderr, f"{grade_id(cell)} writes to stderr, which nbgrader grades as a failure: {stderr}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_exercise_fails_only_with_not_implemented_error(executed, assignment):
    nb = executed["release", assignment].result()
    tests = [cell for cell in nb.cells if is_test_cell(cell)]
    assert tests
    for cell in tests:
        assert errors(cell) == ["NotImplementedError"], (
            f"{assignment}: test cell {grade_id(cell)} should fail with NotImplementedError, "
            f"got {describe_errors(cell) or 'no error'}")
    for i, cell in enumerate(nb.cells):
        assert set(errors(cell)) <= {"NotImplementedError"}, (
            f"{assignment}: cell {grade_id(cell) or i} fails with {describe_errors(cell)}")


# --- 5. autograding fixture students ------------------------------------------------

def solution_code(source_nb, cell_id: str) -> str:
    """The instructor's solution cell as a student would have typed it (markers removed)."""
    (cell,) = [c for c in source_nb.cells if grade_id(c) == cell_id]
    return "\n".join(line for line in cell.source.splitlines()
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def make_submission(release_nb, source_nb, student: dict):
    nb = nbformat.from_dict(release_nb)  # a copy
    for cell_id, code in student["code"].items():
        (cell,) = [c for c in nb.cells if grade_id(c) == cell_id]
        assert is_solution(cell), cell_id
        cell.source = solution_code(source_nb, cell_id) if code is fixtures.SOLUTION else code.strip("\n")
    if student.get("answer"):
        (cell,) = [c for c in nb.cells if grade_id(c) == fixtures.ANSWER_CELL]
        cell.source = student["answer"]
    for cell_id, source in student.get("edit_tests", {}).items():
        (cell,) = [c for c in nb.cells if grade_id(c) == cell_id]
        cell.source = source
    for cell_id, points in student.get("edit_points", {}).items():
        (cell,) = [c for c in nb.cells if grade_id(c) == cell_id]
        cell.metadata.nbgrader["points"] = points
    deleted = set(student.get("delete_tests", []))
    nb.cells = [c for c in nb.cells if grade_id(c) not in deleted]
    return nb


@pytest.fixture(scope="session")
def graded(course):
    """Autograde every fixture student of one assignment, then make feedback and the grades CSV."""
    assignment, name = fixtures.ASSIGNMENT, fixtures.NOTEBOOK
    release_nb = nbformat.read(course / "exercises" / assignment / f"{name}.ipynb", as_version=4)
    source_nb = nbformat.read(SOURCE / assignment / f"{name}.ipynb", as_version=4)
    for student, spec in fixtures.STUDENTS.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(make_submission(release_nb, source_nb, spec), folder / f"{name}.ipynb")
    before = file_states(course / "submitted")
    run_nbgrader(course, "autograde", assignment, f"--Execute.timeout={LOOP_TIMEOUT}",
                 expected_errors=("Timeout waiting for execute reply", "Interrupting kernel"))  # the loop
    run_nbgrader(course, "generate_feedback", assignment)
    run_nbgrader(course, "export", "--to", str(course / "grades.csv"))
    return {"course": course, "before": before, "after": file_states(course / "submitted"),
 "db": f"sqlite:///{course / 'gradebook.db'}"}


def autograded_notebook(graded, student):
    path = graded["course"] / "autograded" / student / fixtures.ASSIGNMENT / f"{fixtures.NOTEBOOK}.ipynb"
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("student", list(fixtures.STUDENTS))
def test_autograde_gives_the_exact_score(graded, student):
    spec = fixtures.STUDENTS[student]
    with Gradebook(graded["db"]) as gradebook:
        submission = gradebook.find_submission_notebook(fixtures.NOTEBOOK, fixtures.ASSIGNMENT, student)
        scores = {grade.name: grade.auto_score for grade in submission.grades}
        answer = gradebook.find_grade(fixtures.ANSWER_CELL, fixtures.NOTEBOOK, fixtures.ASSIGNMENT, student)
        assert {name: scores[name] for name in spec["expected"]} == spec["expected"]
        assert submission.score == sum(spec["expected"].values())
        assert submission.max_score == 14  # 12 autograded + 2 by hand
        if spec["answer"]:  # a written answer waits for a human grader
            assert answer.auto_score is None and answer.needs_manual_grade
        else:  # an untouched answer cell is worth 0 without review
            assert answer.auto_score == 0 and not answer.needs_manual_grade


def test_full_marks_once_the_written_answer_is_graded(graded, tmp_path):
    copy = tmp_path / "gradebook.db"  # grade by hand in a copy; the other tests read the original
    shutil.copy(graded["course"] / "gradebook.db", copy)
    with Gradebook(f"sqlite:///{copy}") as gradebook:
        answer = gradebook.find_grade(fixtures.ANSWER_CELL, fixtures.NOTEBOOK, fixtures.ASSIGNMENT, "correct")
        answer.manual_score = 2
        gradebook.db.commit()
        submission = gradebook.find_submission(fixtures.ASSIGNMENT, "correct")
        assert submission.score == submission.max_score == 14


def test_an_infinite_loop_is_cut_off_and_grading_goes_on(graded):
    nb = autograded_notebook(graded, "loops")
    cells = {grade_id(cell): cell for cell in nb.cells if grade_id(cell)}
    assert "CellTimeoutError" in errors(cells["test_nearest_indices"]), "the looping cell should time out"
    # Everything after the interrupted cell still ran.
    for later in ("test_upsample_nearest", "test_bilinear_coords", "test_bilinear_align_true"):
        assert errors(cells[later]) == ["NotImplementedError"], later
    # No other test cell of any student came near the timeout.
    for student in fixtures.STUDENTS:
        timed_out = [grade_id(cell) for cell in autograded_notebook(graded, student).cells
                     if is_test_cell(cell) and "CellTimeoutError" in errors(cell)]
        assert timed_out == (["test_nearest_indices"] if student == "loops" else []), student


def test_edited_and_deleted_test_cells_are_restored_with_their_hidden_tests(graded):
    source = nbformat.read(SOURCE / fixtures.ASSIGNMENT / f"{fixtures.NOTEBOOK}.ipynb", as_version=4)
    originals = {grade_id(cell): cell.source for cell in source.cells if is_test_cell(cell)}
    nb = autograded_notebook(graded, "edited_tests")
    restored = {grade_id(cell): cell for cell in nb.cells if is_test_cell(cell)}
    assert list(restored) == list(originals), "every test cell is back, in the original order"
    for cell_id, cell in restored.items():
        assert originals[cell_id] in cell.source, f"{cell_id} was not restored to the original tests"
        assert "### BEGIN HIDDEN TESTS" in cell.source
        assert cell.outputs, f"{cell_id} was restored but not run"
        assert cell.metadata.nbgrader["points"] != 100
    assert "all tests passed" not in nbformat.writes(nb)


def test_grading_never_changes_the_submitted_files(graded):
    """Autograde, feedback and export leave submitted/ as it was: content, permissions, times."""
    assert len(graded["before"]) == len(fixtures.STUDENTS)
    assert graded["after"] == graded["before"]


def test_feedback_and_grades_csv_are_written(graded):
    course = graded["course"]
    for student in fixtures.STUDENTS:
        feedback = course / "feedback" / student / fixtures.ASSIGNMENT / f"{fixtures.NOTEBOOK}.html"
        assert feedback.is_file() and feedback.stat().st_size > 0, feedback
    with open(course / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle) if row["assignment"] == fixtures.ASSIGNMENT}
    assert sorted(rows) == sorted(fixtures.STUDENTS)
    for student, spec in fixtures.STUDENTS.items():
        assert float(rows[student]["raw_score"]) == sum(spec["expected"].values()), student
        assert float(rows[student]["max_score"]) == 14
