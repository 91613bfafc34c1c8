"""The graded exercises: nbgrader source (solutions/), release (exercises/), autograding.

What is promised, and tested here:

1. ``solutions/<assignment>/`` is valid nbgrader source: every test cell has
   points, visible tests and a hidden-tests block; every assignment has a
   hand-graded written answer; the points the notebooks announce add up.
2. ``exercises/`` is exactly what ``nbgrader generate_assignment`` makes from
   ``solutions/`` (regenerated here in a temporary course folder and compared
   byte for byte, with the working tree, or with the commit once a student
   has filled in the notebooks there): nobody edits the release by hand.
3. Every solution passes all of its visible tests; every test cell has a
   grading spec (grading/assignments/) with at least 5 hidden cases that
   change with the seed.
4. Every released test cell fails with ``NotImplementedError`` (the stub
   nbgrader leaves), not with a ``NameError`` or any other error. The tests
   below use the freshly generated release, equal to the committed one.
5. One sandboxed ``python -m grading autograde --jobs 2`` run (what ``make
   autograde JOBS=2`` does) in a temporary course folder scores every fixture
   student (tests/fixtures/exercise_submissions.py) exactly as an honest
   grader would, cell by cell: honest controls (full marks in every
   assignment), careless students (untouched, partial, raising, looping,
   tests edited or deleted) and one cheating student per attack family of
   issue 11 (comparisons patched, lying arrays, library patched, tests blanked
   by an input transformer, execute_result "partial credit", setup cell
   unlocked, shadow library, answer key, weak-test shortcuts, a sandbox
   probe, a kernel that kills itself), and one per attack of issue 21
   (tests/fixtures/grader_attacks.py: links planted for what the grader does
   after the kernel, fake results, answer-key helpers, the base interpreter's
   scipy, memory and disk hogs, odd names, oversized and linked submissions).
   The run exits 0 and ends with one summary; submitted/, solutions/, the
   library, the environment and private files outside the course are
   unchanged; the probe is refused everything; feedback shows no hidden
   tests; grades.csv has no 0 for work never handed in.
"""
from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
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

from course_lib.inventory import exercises
from tests.fixtures import exercise_submissions as fixtures
from tests.fixtures import grader_attacks as attacks

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "solutions"
RELEASE = REPO / "exercises"
# Named after the notebook each one follows; the course inventory lists them (course_lib/inventory.py).
ASSIGNMENTS = exercises()
LOOP_TIMEOUT = 30  # seconds a cell may run during the autograde test (the memory attack needs ~10 s under load)


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

def test_the_assignments_exist_in_source_and_release():
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
        # The hidden part only hands the student's functions to the grader (grading/kernel.py);
        # the visible part checks the examples, with messages a learner can act on.
        head, _, rest = cell.source.partition("### BEGIN HIDDEN TESTS")
        hidden, _, visible = rest.partition("### END HIDDEN TESTS")
        assert hidden.strip() == (f'__import__("grading.kernel").kernel.record("{grade_id(cell)}", globals())'
                                  "  # the grader's cases"), grade_id(cell)
        assert "check_" in visible and "\n" not in head.strip(), grade_id(cell)
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


# --- 5. sandboxed autograding: honest, careless and cheating students ---------------

def solution_code(source_nb, cell_id: str) -> str:
    """The instructor's solution cell as a student would have typed it (markers removed)."""
    (cell,) = [c for c in source_nb.cells if grade_id(c) == cell_id]
    return "\n".join(line for line in cell.source.splitlines()
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def make_submission(release_nb, source_nb, student: dict, paths: dict):
    nb = nbformat.from_dict(release_nb)  # a copy
    for cell_id, code in student["code"].items():
        (cell,) = [c for c in nb.cells if grade_id(c) == cell_id]
        assert is_solution(cell), cell_id
        if isinstance(code, list):  # parts, SOLUTION standing for the solution's code
            code = "\n".join(solution_code(source_nb, cell_id) if part is fixtures.SOLUTION else part
                              for part in code)
        if code is fixtures.SOLUTION:
            cell.source = solution_code(source_nb, cell_id)
        else:
            for key, value in paths.items():
                code = code.replace("{" + key + "}", value)
            cell.source = code.strip("\n")
    if student.get("answer"):
        (cell,) = [c for c in nb.cells if grade_id(c) == fixtures.ANSWER_CELL]
        cell.source = student["answer"]
    for cell_id, source in student.get("edit_tests", {}).items():
        (cell,) = [c for c in nb.cells if grade_id(c) == cell_id]
        cell.source = source
    for cell_id, points in student.get("edit_points", {}).items():
        (cell,) = [c for c in nb.cells if grade_id(c) == cell_id]
        cell.metadata.nbgrader["points"] = points
    if student.get("strip_setup_metadata"):
        (cell,) = [c for c in nb.cells if grade_id(c) == "setup"]
        del cell.metadata["nbgrader"]
        cell.source = student["strip_setup_metadata"]
    deleted = set(student.get("delete_tests", []))
    nb.cells = [c for c in nb.cells if grade_id(c) not in deleted]
    return nb


def all_students() -> dict[str, dict]:
    """Every fixture submission: student -> spec with its assignment."""
    students = {name: dict(spec, assignment=fixtures.ASSIGNMENT) for name, spec in fixtures.STUDENTS.items()}
    for name, spec in fixtures.CHEATS.items():
        students[name] = dict(spec, assignment=spec.get("assignment", fixtures.ASSIGNMENT))
    for assignment in fixtures.HONEST:
        tests = [c for c in nbformat.read(notebook_path(SOURCE, assignment), as_version=4).cells if is_test_cell(c)]
        solutions = [grade_id(c) for c in nbformat.read(notebook_path(SOURCE, assignment), as_version=4).cells
                     if is_solution(c) and c.cell_type == "code"]
        students[f"honest_{assignment[:2]}"] = {
            "assignment": assignment, "answer": None, "code": {cell_id: fixtures.SOLUTION for cell_id in solutions},
            "expected": {grade_id(c): c.metadata.nbgrader["points"] for c in tests}}
    for name, spec in attacks.ATTACKS.items():
        students[attacks.student_id(name, spec)] = dict(spec, assignment=spec.get("assignment", fixtures.ASSIGNMENT))
    return students


def state(folder: Path) -> dict[str, tuple]:
    """file_states without Python's byte-code caches (the grader's own imports write those); a
    symlink is its target's name, not followed (a submission may link to the gradebook)."""
    links = {str(p.relative_to(folder)): ("symlink", os.readlink(p)) for p in folder.rglob("*") if p.is_symlink()}
    files = {name: value for name, value in file_states(folder).items()
             if "__pycache__" not in name and not any(name == link or name.startswith(link + "/") for link in links)}
    return files | links


def environment_state() -> dict[str, tuple]:
    """Name, size and modification time of every file of the environment (fast enough for torch)."""
    site = Path(sysconfig.get_paths()["purelib"])
    return {str(p.relative_to(site)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in site.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="session")
def graded(course):
    """Every fixture student in one sandboxed `python -m grading autograde --jobs 2` run."""
    from grading import sandbox

    reason = sandbox.available()
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true but the grading sandbox cannot run: {reason}")
        pytest.skip(reason)
    students = all_students()
    outside = course.parent / f"{course.name}-outside"  # a folder outside the course and the run
    attacks.prepare_outside(outside)
    base_site = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})["purelib"]
    paths = {"COURSE": str(course), "REPO": str(REPO), "SITE": sysconfig.get_paths()["purelib"],
             "OUTSIDE": str(outside), "BASE_SITE": base_site}
    for student, spec in students.items():
        assignment = spec["assignment"]
        release_nb = nbformat.read(notebook_path(course / "exercises", assignment), as_version=4)
        source_nb = nbformat.read(notebook_path(SOURCE, assignment), as_version=4)
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(make_submission(release_nb, source_nb, spec, paths),
                       folder / notebook_path(SOURCE, assignment).name)
        for name, text in spec.get("extra_files", {}).items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
        if spec.get("setup"):
            attacks.prepare(spec["setup"], folder, course, outside, notebook_path(SOURCE, assignment).name)
    # Submissions that are refused, each with a clear line.
    release = notebook_path(course / "exercises", fixtures.ASSIGNMENT)
    for name, spec in attacks.REFUSED.items():
        folder = course / "submitted" / attacks.student_id(name, spec) / fixtures.ASSIGNMENT
        if spec.get("setup"):
            attacks.prepare(spec["setup"], folder, course, outside, release.name)
        else:
            folder.mkdir(parents=True)
            shutil.copy(release, folder / release.name)
    # A notebook that is not JSON cannot be graded: reported, and the run goes on.
    (course / "submitted" / "corrupt" / fixtures.ASSIGNMENT).mkdir(parents=True)
    (course / "submitted" / "corrupt" / fixtures.ASSIGNMENT / f"{fixtures.NOTEBOOK}.ipynb").write_text("{not json")
    before = {"submitted": state(course / "submitted"), "solutions": state(course / "solutions"),
              "library": state(REPO / "course_lib"), "environment": environment_state(),
              "outside": file_states(outside), "course folder": sorted(os.listdir(course))}
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    start = time.monotonic()
    autograde = subprocess.run([sys.executable, "-m", "grading", "autograde", "--jobs", "2",
                                f"--nbgrader-args=--Execute.timeout={LOOP_TIMEOUT}"],
                               cwd=course, env=env, capture_output=True, text=True, timeout=1200)
    seconds = time.monotonic() - start
    daemons = subprocess.run(["pgrep", "-f", "sleep 31337"], capture_output=True, text=True).stdout.split()
    feedback = subprocess.run([sys.executable, "-m", "grading", "feedback", "--include-ungraded"], cwd=course,
                              env=env,
                              capture_output=True, text=True, timeout=600)
    grades = subprocess.run([sys.executable, "-m", "grading", "grades", "--output", str(course / "grades.csv")],
                            cwd=course, env=env, capture_output=True, text=True, timeout=600)
    after = {"submitted": state(course / "submitted"), "solutions": state(course / "solutions"),
             "library": state(REPO / "course_lib"), "environment": environment_state(),
             "outside": file_states(outside), "course folder": sorted(os.listdir(course))}
    print(f"autograded {len(students)} submissions in {seconds:.1f} s (2 jobs)")
    return {"course": course, "outside": outside, "students": students, "before": before, "after": after,
            "autograde": autograde,
            "feedback": feedback, "grades": grades, "daemons": daemons, "db": f"sqlite:///{course / 'gradebook.db'}"}


def autograded_notebook(graded, student):
    assignment = graded["students"][student]["assignment"]
    return nbformat.read(notebook_path(graded["course"] / "autograded" / student, assignment), as_version=4)


def cell_output(cell) -> str:
    return "".join(o.get("text", "") + o.get("evalue", "") for o in cell.get("outputs", []))


def test_the_grading_run_succeeds_and_ends_with_one_summary(graded):
    run = graded["autograde"]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert run.stdout.count("Summary:") == 1
    summary = run.stdout.split("Summary:")[1]
    rows = {line.split()[0]: line for line in summary.splitlines()[2:] if line.strip()}
    for student in graded["students"]:
        assert student in rows, f"{student} missing from the summary:\n{summary}"
    assert "NOT GRADED" in rows["corrupt"] and "could not be graded" in summary
    # Signal, not noise: an untouched or honest submission has nothing to report.
    for quiet in ("untouched", "correct", "partial", "honest_03", "honest_05"):
        assert rows[quiet].rstrip().endswith("-"), rows[quiet]
    assert "answer key named" in rows["answer_key"] and "conv_transpose2d" in rows["answer_key"]
    assert "answer key named" in rows["answer_key_08"] and "conv_transpose2d" in rows["answer_key_08"]
    assert "layers.kernel_gradient" in rows["answer_key_08"]
    assert "answer key named" in rows["shadow_library"] and "extra files ignored" in rows["shadow_library"]
    assert "cell restored" in rows["edited_tests"]
    assert "timeout" in rows["loops"] and "kernel died" in rows["kills_kernel"]
    assert "no results" in rows["blanks_tests"] and "execute_result ignored" in rows["displayhook_points"]
    assert "read-only cell missing: setup" in rows["strips_setup"]
    assert "checksum" not in run.stdout + run.stderr


@pytest.mark.parametrize("student", sorted(all_students()))
def test_every_student_gets_what_an_honest_grader_gives(graded, student):
    spec = graded["students"][student]
    assignment = spec["assignment"]
    notebook = notebook_path(SOURCE, assignment).stem
    with Gradebook(graded["db"]) as gradebook:
        submission = gradebook.find_submission_notebook(notebook, assignment, student)
        scores = {grade.name: grade.auto_score for grade in submission.grades if grade.name in spec["expected"]}
        assert scores == spec["expected"], autograde_detail(graded, student)
        assert all(grade.manual_score is None for grade in submission.grades)


def autograde_detail(graded, student) -> str:
    try:
        nb = autograded_notebook(graded, student)
    except (FileNotFoundError, AssertionError):
        return "no autograded notebook"
    return "\n".join(f"{grade_id(c)}: {cell_output(c)[:600]}" for c in nb.cells if is_test_cell(c))


def test_the_gradebook_holds_only_the_graded_students_and_no_hand_scores(graded):
    with Gradebook(graded["db"]) as gradebook:
        assert set(graded["students"]) <= {s.id for s in gradebook.students} <= set(graded["students"]) | {"corrupt"}
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    assert all(g.manual_score is None and g.extra_credit is None for g in notebook.grades)


def test_the_answer_cell_naming_the_answer_key_gets_a_feedback_line(graded):
    nb = autograded_notebook(graded, "answer_key")
    notes = {grade_id(c): cell_output(c) for c in nb.cells if is_solution(c) and c.cell_type == "code"}
    assert "course_lib.conv_transpose2d" in notes["transposed_conv2d"] and "not available" in notes["transposed_conv2d"]
    tests = {grade_id(c): cell_output(c) for c in nb.cells if is_test_cell(c)}
    assert "RuntimeError" in tests["test_transposed_basic"]  # the sandbox's course_lib refused
    # 08: the input-gradient from conv_transpose2d, the weight-gradient from the layers' kernel_gradient
    nb = autograded_notebook(graded, "answer_key_08")
    notes = {grade_id(c): cell_output(c) for c in nb.cells if is_solution(c) and c.cell_type == "code"}
    assert "course_lib.conv_transpose2d" in notes["input_gradient"] and "not available" in notes["input_gradient"]
    assert "course_lib.layers.kernel_gradient" in notes["weight_gradient"]
    tests = {grade_id(c): cell_output(c) for c in nb.cells if is_test_cell(c)}
    assert "RuntimeError" in tests["test_input_gradient"] and "RuntimeError" in tests["test_weight_gradient"]


def test_the_sandbox_refuses_everything_the_probe_tries(graded):
    nb = autograded_notebook(graded, "probes_sandbox")
    (cell,) = [c for c in nb.cells if grade_id(c) == "nearest_indices"]
    output = cell_output(cell)
    for what in fixtures.PROBE_REFUSED:
        assert f"REFUSED {what}:" in output, f"the sandbox allowed: {what}\n{output}"
    for what in fixtures.PROBE_ALLOWED:
        assert f"ALLOWED {what}" in output, f"the sandbox refused: {what}\n{output}"
    assert "started a daemon" in output
    assert graded["daemons"] == [], "a process the sandbox started outlived it"


def test_an_infinite_loop_is_cut_off_and_grading_goes_on(graded):
    nb = autograded_notebook(graded, "loops")
    cells = {grade_id(cell): cell for cell in nb.cells if grade_id(cell)}
    assert "CellTimeoutError" in errors(cells["test_nearest_indices"]), "the looping cell should time out"
    # The interrupt is a message to the kernel (a SIGINT would end the sandbox):
    # every later cell still ran, and failed on its own stub.
    for later in ("test_upsample_nearest", "test_bilinear_coords", "test_bilinear_align_true"):
        assert {"NotImplementedError", "GradingFailure"} <= set(errors(cells[later])), later


def test_edited_and_deleted_test_cells_are_restored(graded):
    source = nbformat.read(SOURCE / fixtures.ASSIGNMENT / f"{fixtures.NOTEBOOK}.ipynb", as_version=4)
    originals = {grade_id(cell): cell.source for cell in source.cells if is_test_cell(cell)}
    nb = autograded_notebook(graded, "edited_tests")
    restored = {grade_id(cell): cell for cell in nb.cells if is_test_cell(cell)}
    assert list(restored) == list(originals), "every test cell is back, in the original order"
    for cell_id, cell in restored.items():
        assert originals[cell_id] in cell.source, f"{cell_id} was not restored"
        assert cell.outputs, f"{cell_id} was restored but not run"
    assert "all tests passed" not in nbformat.writes(nb)


def test_grading_changes_no_submission_solution_library_environment_or_outside_file(graded):
    """Byte for byte (and mode and modification time): submitted/, solutions/, the library, the
    environment and the private files outside the course, whatever the attacks linked to them."""
    for what in ("submitted", "solutions", "library", "environment", "outside"):
        before, after = graded["before"][what], graded["after"][what]
        changed = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
        assert not changed, f"grading changed {what}: {changed[:10]}"
    assert set(graded["after"]["course folder"]) - set(graded["before"]["course folder"]) <= {
        "autograded", "feedback", "grades.csv", "grades-summary.txt", "grades-canvas.csv", "autograde-summary.txt",
        "grading-flags.json"}, "grading planted a file in the course folder"
    assert (graded["outside"] / "secret.txt").stat().st_mode & 0o777 == 0o600


# --- issue 21: what the grader does after the kernel, its inputs, library, limits, names ------

def summary_rows(graded) -> dict[str, str]:
    summary = graded["autograde"].stdout.split("Summary:")[1]
    return {line.split()[0]: line for line in summary.splitlines()[2:] if line.strip().split()
            and not line.startswith("  not enforced")}


def test_the_gradebook_is_the_gradebook_after_links_to_it(graded):
    """The notebook's name linked to gradebook.db (in the kernel's folder and in the submission):
    the gradebook is still SQLite, every score is in it, `grades` and the summary work."""
    with open(graded["course"] / "gradebook.db", "rb") as handle:
        assert handle.read(16) == b"SQLite format 3\x00"
    assert graded["grades"].returncode == 0 and "Summary:" in graded["autograde"].stdout


def test_autograded_holds_only_the_graded_notebook_and_no_private_file(graded):
    """Only the graded notebook is written to autograded/<student>/<assignment>/, by the grader:
    no leak.ipynb copied out, no directory zz.ipynb, nothing of the private file anywhere."""
    course = graded["course"]
    for student, spec in graded["students"].items():
        folder = course / "autograded" / student / spec["assignment"]
        assert sorted(p.name for p in folder.iterdir()) == [notebook_path(SOURCE, spec["assignment"]).name], student
    for folder in (course / "autograded", course / "feedback"):
        for path in folder.rglob("*"):
            assert not path.is_symlink(), path
            if path.is_file():
                assert attacks.SECRET not in path.read_text(errors="replace"), path


def test_links_planted_by_the_kernel_stay_inside_the_sandbox(graded):
    nb = autograded_notebook(graded, "links_after_kernel")
    (cell,) = [c for c in nb.cells if grade_id(c) == "nearest_indices"]
    assert "links planted:" in cell_output(cell) and "interpolation.ipynb" in cell_output(cell)


def test_results_that_are_links_fifos_or_folders_are_refused_and_reported(graded):
    row = summary_rows(graded)["b_twin_EGDEIIBB@@"]
    assert "invalid result" in row and "refused" in row, row
    nb = autograded_notebook(graded, "b_twin_EGDEIIBB@@")
    (cell,) = [c for c in nb.cells if grade_id(c) == "nearest_indices"]
    assert "fake results planted" in cell_output(cell)


def test_extra_files_are_listed_never_opened(graded):
    row = summary_rows(graded)["links_in_submission"]
    assert "extra files ignored: gradebook.ipynb, leak.ipynb, perm.txt, zz.ipynb" in row, row


def test_names_are_graded_or_refused_with_a_clear_line_and_printed_escaped(graded):
    out = graded["autograde"].stdout + graded["autograde"].stderr
    assert "\x1b" not in out, "a terminal escape sequence reached the instructor's screen"
    rows = summary_rows(graded)
    assert "NOT GRADED" not in rows[attacks.LONG_EMAIL] and "NOT GRADED" not in rows["v" * 200]
    assert "\\x1b[2K\\x1b[1Aerased.txt" in rows["escape_file"], rows["escape_file"]
    for name, spec in attacks.REFUSED.items():
        shown = attacks.student_id(name, spec).encode("unicode_escape").decode()
        assert shown in rows, f"{name} missing from the summary"
        assert "NOT GRADED" in rows[shown] and spec["refused"] in rows[shown], rows[shown]


def test_limits_hold_for_the_whole_sandbox(graded):
    """Memory for all the sandbox's processes together (where a memory cgroup can be made: the
    summary says when not), the working folder and the results folder capped in size."""
    nb = autograded_notebook(graded, "resource_hog")
    output = "".join(cell_output(c) for c in nb.cells if grade_id(c) in ("nearest_indices", "upsample_nearest"))
    summary = graded["autograde"].stdout
    # where the summary says memory or swap is not capped, the three may hold it (in swap): it says so
    uncapped = "memory of the whole sandbox not capped" in summary or "swap not capped" in summary
    assert "ALLOWED hold 3.3 GiB" not in output or uncapped, output
    if not uncapped:
        # Over the cap the kernel kills a child (the cell says REFUSED) or, while it reclaims
        # memory, the cell runs into its timeout and is stopped: either way the three never hold it.
        memory_cell = next(c for c in nb.cells if grade_id(c) == "upsample_nearest")
        stopped = [o for o in memory_cell.outputs if o.output_type == "error"
                   and o.get("ename") in ("KeyboardInterrupt", "CellTimeoutError")]
        assert "REFUSED hold 3.3 GiB in three processes" in output or stopped, (output, memory_cell.outputs)
    assert "REFUSED write 1280 MiB into the working folder" in output, output
    if "results and socket folders on disk" not in summary:
        assert "REFUSED write 1280 MiB into the results folder" in output, output


def test_feedback_has_no_hidden_tests(graded):
    course = graded["course"]
    assert graded["feedback"].returncode == 0, graded["feedback"].stdout + graded["feedback"].stderr
    for student, spec in graded["students"].items():
        folder = course / "feedback" / student / spec["assignment"]
        (html,) = folder.glob("*.html")
        text = html.read_text()
        assert "HIDDEN TESTS" not in text and "kernel.record" not in text, student
        assert "Graded:" in text or "GradingFailure" in text, student


def test_grades_csv_lists_never_submitted_work_without_a_zero(graded):
    assert graded["grades"].returncode == 0, graded["grades"].stderr
    with open(graded["course"] / "grades.csv", newline="") as handle:
        rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(handle)}
    for student, spec in graded["students"].items():
        row = rows[student, spec["assignment"]]
        assert row["status"] == "graded" and float(row["raw_score"]) == sum(spec["expected"].values()), student
    missing = rows["correct", "03_pooling"]
    assert missing["status"] == "not submitted" and missing["raw_score"] == "" and missing["score"] == ""


def test_student_bundle_has_no_solutions(tmp_path):
    if not (REPO / ".git").exists():
        pytest.skip("the bundle is built from git's file list")
    output = tmp_path / "bundle.tar.gz"
    subprocess.run([sys.executable, "-m", "grading", "student-bundle", "--output", str(output)], cwd=REPO,
                   check=True, capture_output=True)
    with tarfile.open(output) as tar:
        names = tar.getnames()
    assert any(n.endswith("exercises/02_interpolation/interpolation.ipynb") for n in names)
    assert any(n.endswith("grading/checks.py") for n in names)
    assert any(n.endswith("course_lib/__init__.py") for n in names)
    assert not [n for n in names if "/solutions/" in n or n.endswith("test_exercises.py")]


def test_every_test_cell_has_a_grading_spec_and_back():
    from grading.assignments import all_specs

    specs = all_specs()
    assert sorted(specs) == ASSIGNMENTS
    for name, spec in specs.items():
        nb = nbformat.read(notebook_path(SOURCE, name), as_version=4)
        assert notebook_path(SOURCE, name).stem == spec.notebook
        cells = [grade_id(c) for c in nb.cells if is_test_cell(c)]
        assert cells == [t.grade_id for t in spec.tests], name
        for test in spec.tests:
            rng_a, rng_b = np.random.default_rng(1), np.random.default_rng(2)
            first, second = spec.cases(test.grade_id, rng_a), spec.cases(test.grade_id, rng_b)
            hidden = len(first) - len(test.visible)
            assert hidden >= 5, f"{name}/{test.grade_id}: only {hidden} hidden cases"
            assert repr(first) != repr(second), f"{name}/{test.grade_id}: the hidden cases do not depend on the seed"
