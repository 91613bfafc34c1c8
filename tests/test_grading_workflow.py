"""The instructor's workflow around the grader: no traps, grades an instructor can use.

- grading.intake: misnamed folders and stray files are listed and skipped, never
  fatal; a browser's " (1)" and letter case are accepted and noted;
- grading.report: grades.csv per question with autograded and by-hand totals,
  max points, late flag and the run's flags; grades-summary.txt (mean, median,
  hardest question first, flagged similar pairs); Canvas's import layout;
- feedback only for submissions whose written answers are graded (unless asked);
- nbgrader's own autograde (bare command, formgrader button) goes through
  `python -m grading autograde` and never removes an autograded notebook.

The gradebook here is built with nbgrader's API (no kernel runs); the full
sandboxed run is tests/test_exercises.py.
"""
from __future__ import annotations

import csv
import datetime
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")

from nbgrader.api import Gradebook  # noqa: E402

from grading import cli, intake, report  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


class Spec:  # what intake needs of an assignment spec
    def __init__(self, notebook):
        self.notebook = notebook


ASSIGNMENTS = {"02_interpolation": Spec("interpolation"), "03_pooling": Spec("pooling")}


# --- intake -------------------------------------------------------------------------------

def hand_in(course: Path, student: str, folder: str, name: str) -> None:
    (course / "submitted" / student / folder).mkdir(parents=True, exist_ok=True)
    (course / "submitted" / student / folder / name).write_text("{}")


def test_misnamed_and_stray_entries_are_listed_and_skipped(tmp_path):
    hand_in(tmp_path, "alice", "02_interpolation", "interpolation.ipynb")
    hand_in(tmp_path, "alice", "interpolation_final", "interpolation.ipynb")
    (tmp_path / "submitted" / "README.txt").write_text("collected Monday")
    (tmp_path / "submitted" / "bob").mkdir()
    (tmp_path / "submitted" / "bob" / "pooling.ipynb").write_text("{}")  # not in an assignment folder
    found, skipped = intake.find_submissions(tmp_path, ASSIGNMENTS)
    assert [(s.student, s.assignment, s.notebook) for s in found] == [("alice", "02_interpolation",
                                                                       "interpolation.ipynb")]
    reasons = {entry.path: entry.reason for entry in skipped}
    assert set(reasons) == {"README.txt", "alice/interpolation_final", "bob/pooling.ipynb"}
    assert "no assignment of that name" in reasons["alice/interpolation_final"]


def test_browser_suffix_and_case_are_accepted_and_noted(tmp_path):
    hand_in(tmp_path, "alice", "02_interpolation", "interpolation (1).ipynb")
    hand_in(tmp_path, "bob", "02_Interpolation", "Interpolation.ipynb")
    hand_in(tmp_path, "carol", "03_pooling", "pooling (1).ipynb")
    hand_in(tmp_path, "carol", "03_pooling", "pooling (2).ipynb")
    found = {s.student: s for s in intake.find_submissions(tmp_path, ASSIGNMENTS)[0]}
    assert found["alice"].notebook == "interpolation (1).ipynb"
    assert found["alice"].notes == ["graded interpolation (1).ipynb as interpolation.ipynb"]
    assert (found["bob"].assignment, found["bob"].folder, found["bob"].notebook) == (
        "02_interpolation", "02_Interpolation", "Interpolation.ipynb")
    assert "folder 02_Interpolation graded as 02_interpolation" in found["bob"].notes
    assert found["carol"].notebook == "pooling (2).ipynb" and "several copies" in found["carol"].notes[1]


def test_the_exact_name_wins_over_a_near_match(tmp_path):
    hand_in(tmp_path, "alice", "02_interpolation", "interpolation.ipynb")
    hand_in(tmp_path, "alice", "02_interpolation", "interpolation (1).ipynb")
    hand_in(tmp_path, "alice", "02_Interpolation", "interpolation.ipynb")
    found, skipped = intake.find_submissions(tmp_path, ASSIGNMENTS)
    assert [(s.folder, s.notebook, s.notes) for s in found] == [("02_interpolation", "interpolation.ipynb", [])]
    assert [entry.path for entry in skipped] == ["alice/02_Interpolation"]


def test_options_narrow_without_listing_what_they_exclude(tmp_path):
    hand_in(tmp_path, "alice", "02_interpolation", "interpolation.ipynb")
    hand_in(tmp_path, "bob", "03_pooling", "pooling.ipynb")
    found, skipped = intake.find_submissions(tmp_path, ASSIGNMENTS, "03_*", None)
    assert [(s.student, s.assignment) for s in found] == [("bob", "03_pooling")] and skipped == []
    found, _ = intake.find_submissions(tmp_path, ASSIGNMENTS, "*", "alice")
    assert [s.student for s in found] == ["alice"]


def test_a_symlinked_folder_is_returned_for_the_grader_to_refuse(tmp_path):
    hand_in(tmp_path, "alice", "02_interpolation", "interpolation.ipynb")
    (tmp_path / "submitted" / "mallory").symlink_to(tmp_path / "submitted" / "alice")
    found = {s.student: s for s in intake.find_submissions(tmp_path, ASSIGNMENTS)[0]}
    assert found["mallory"].notebook is None  # staged through O_NOFOLLOW descriptors: refused "not a folder"


# --- grades, summary, Canvas ----------------------------------------------------------------

DUE = datetime.datetime(2026, 12, 1, 12, 0)


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A gradebook: 02_interpolation (due date; 2 test cells of 2 and 3 points, one written answer of 2)
    with alice (perfect, answer graded 1.5), bob (one test right, answer waiting, late), carol (never)."""
    # nbgrader runs this environment's `alembic` script when it creates a gradebook
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        gb.add_assignment("02_interpolation", duedate=DUE)
        gb.add_notebook("interpolation", "02_interpolation")
        for name, points, kind in (("test_a", 2, "code"), ("test_b", 3, "code"), ("answer", 2, "markdown")):
            gb.add_grade_cell(name, "interpolation", "02_interpolation", max_score=points, cell_type=kind)
        for student in ("alice", "bob", "carol"):
            gb.add_student(student, first_name=student.title(), last_name="Doe")
        gb.update_or_create_student("alice", lms_user_id="4711")
        scores = {"alice": ({"test_a": 2, "test_b": 3}, 1.5, DUE - datetime.timedelta(hours=1)),
                  "bob": ({"test_a": 2, "test_b": 0}, None, DUE + datetime.timedelta(hours=2))}
        for student, (auto, hand, stamp) in scores.items():
            submission = gb.add_submission("02_interpolation", student, timestamp=stamp)
            for grade in submission.notebooks[0].grades:
                if grade.name in auto:
                    grade.auto_score, grade.needs_manual_grade = auto[grade.name], False
                else:
                    grade.auto_score, grade.manual_score = None, hand
                    grade.needs_manual_grade = hand is None
            gb.db.commit()
    report.save_flags(tmp_path, {("02_interpolation", "bob"): ["cell restored: test_a: edited, restored"]})
    return tmp_path


def rows_of(path: Path) -> dict[str, dict]:
    with open(path, newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def test_grades_csv_has_questions_totals_late_and_flags(course):
    paths = report.write_all(course, course / "grades.csv")
    assert [p.name for p in paths] == ["grades.csv", "grades-summary.txt", "grades-canvas.csv"]
    rows = rows_of(course / "grades.csv")
    alice, bob, carol = rows["alice"], rows["bob"], rows["carol"]
    assert (alice["auto_score"], alice["auto_max"], alice["hand_score"], alice["hand_max"]) == ("5", "5", "1.5", "2")
    assert (alice["score"], alice["max_score"], alice["hand_grading"], alice["late"]) == ("6.5", "7", "done", "")
    assert (alice["02_interpolation/test_a"], alice["02_interpolation/test_b"],
            alice["02_interpolation/answer"]) == ("2", "3", "1.5")
    assert (bob["auto_score"], bob["hand_score"], bob["hand_grading"], bob["late"]) == ("2", "", "to grade", "late")
    assert float(bob["seconds_late"]) == 7200 and bob["02_interpolation/answer"] == ""
    assert bob["flags"] == "cell restored: test_a: edited, restored" and alice["flags"] == ""
    assert (carol["status"], carol["score"], carol["max_score"]) == ("not submitted", "", "7")


def test_summary_reports_class_statistics_hardest_question_first(course):
    report.write_all(course, course / "grades.csv")
    text = (course / "grades-summary.txt").read_text()
    assert "02_interpolation: 2 of 3 students handed in; 5 points autograded + 2 by hand" in text
    assert "autograded score: mean 3.50, median 3.5, lowest 2, highest 5 (of 5)" in text
    assert "written answers graded for 1 of 2" in text and "late: 1 (bob)" in text
    questions = [line.split()[0] for line in text.splitlines() if line.startswith("    test_")
                 or line.startswith("    answer")]
    # success = full points: answer 0 % (alice's 1.5 of 2; bob's waits), test_b 50 %, test_a 100 %
    assert questions == ["answer", "test_b", "test_a"], text
    assert "bob: cell restored" in text


def test_summary_lists_pairs_the_similarity_report_flagged(course):
    (course / "similarity").mkdir()
    (course / "similarity" / "02_interpolation.csv").write_text(
        "student_a,student_b,similarity,share_a,share_b,flagged\nalice,bob,0.950,0.9,1.0,yes\n"
        "alice,carol,0.400,0.4,0.4,\n")
    report.write_all(course, course / "grades.csv")
    text = (course / "grades-summary.txt").read_text()
    assert "alice ~ bob: 0.95" in text and "alice ~ carol" not in text


def test_canvas_layout_imports_one_column_per_assignment(course):
    report.write_all(course, course / "grades.csv")
    with open(course / "grades-canvas.csv", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "02_interpolation"]
    assert table[1] == ["Points Possible", "", "", "", "", "7"]
    by_login = {row[3]: row for row in table[2:]}
    assert by_login["alice"] == ["Doe, Alice", "4711", "alice", "alice", "", "6.5"]
    assert by_login["bob"][5] == "" and by_login["carol"][5] == ""  # waiting for a grader; never handed in


def test_a_perfect_autograde_reads_as_perfect():
    assert report.score_text(12, 12, None, 2) == "12 / 12 auto, by hand: to grade (2 pts)"
    assert report.score_text(12, 12, 2, 2) == "14 / 14 (12 auto + 2 by hand)"


def test_outputs_replace_a_symlink_instead_of_writing_through_it(course, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "precious.txt"
    outside.write_text("keep me")
    (course / "grades-summary.txt").symlink_to(outside)
    report.write_all(course, course / "grades.csv")
    assert outside.read_text() == "keep me" and not (course / "grades-summary.txt").is_symlink()


def test_feedback_waits_for_hand_grading_unless_asked(course):
    plan = cli.feedback_plan(course, "*", None, include_ungraded=False)
    assert plan == {"02_interpolation": (["alice"], ["bob"])}
    assert cli.feedback_plan(course, "*", None, include_ungraded=True) == {"02_interpolation": (["alice", "bob"], [])}
    assert cli.feedback_plan(course, "*", "bob", include_ungraded=False) == {"02_interpolation": ([], ["bob"])}


# --- nbgrader's own autograde goes through the grader ----------------------------------------

@pytest.fixture
def small_course(tmp_path):
    shutil.copy(REPO / "nbgrader_config.py", tmp_path)
    shutil.copytree(REPO / "solutions" / "02_interpolation", tmp_path / "solutions" / "02_interpolation")
    graded = tmp_path / "autograded" / "alice" / "02_interpolation" / "interpolation.ipynb"
    graded.parent.mkdir(parents=True)
    graded.write_text('{"graded": "by make autograde"}')
    return tmp_path, graded


def nbgrader_env() -> dict:
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    env.pop("GRADING_JOB", None)
    return env


def test_bare_nbgrader_autograde_runs_the_grader_and_deletes_nothing(small_course):
    course, graded = small_course
    run = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", "02_interpolation", "--student", "alice",
                          "--force"], cwd=course, env=nbgrader_env(), capture_output=True, text=True, timeout=600)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert "make autograde" in log and "grading autograde --assignment 02_interpolation" in log
    assert "nothing to grade" in log  # the grader's own answer: alice handed nothing in here
    assert graded.read_text() == '{"graded": "by make autograde"}'


def test_formgrader_autograde_button_runs_the_grader_and_deletes_nothing(small_course):
    course, graded = small_course
    # As the formgrader does (server_extensions/formgrader/base.py): the course's config, then the API.
    script = ("from nbgrader.apps.nbgraderapp import NbGraderApp\n"
              "from nbgrader.apps.api import NbGraderAPI\n"
              "app = NbGraderApp()\n"
              "app.load_config_file()\n"
              "result = NbGraderAPI(config=app.config).autograde('02_interpolation', 'alice')\n"
              "print('SUCCESS', result['success'])\n"
              "print(result.get('log', ''))\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=course, env=nbgrader_env(), capture_output=True,
                         text=True, timeout=600)
    assert "SUCCESS True" in run.stdout, run.stdout + run.stderr
    assert "make autograde" in run.stdout and "nothing to grade" in run.stdout
    assert graded.read_text() == '{"graded": "by make autograde"}'


def test_the_grader_command_names_assignment_and_student():
    from grading.nbgrader_guard import grader_command

    assert grader_command("02_interpolation", "alice")[3:] == ["autograde", "--assignment", "02_interpolation",
                                                               "--jobs", "1", "--student", "alice"]
    assert grader_command("", "*")[3:] == ["autograde", "--assignment", "*", "--jobs", "1"]
