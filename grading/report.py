"""Grades an instructor can use: per-question points, a class summary, an LMS import, run flags.

``make grades`` (``python -m grading grades``) writes, next to each other:

- ``grades.csv``: one row per student and assignment: status, autograded and
  by-hand totals with their maximum points, late flag (when nbgrader has a due
  date), the flags of the last grading run, then one column per question
  (``<assignment>/<grade_id>``, points);
- ``grades-summary.txt``: per assignment, mean, median, lowest and highest
  score, and per question the success rate (share of submissions with full
  points: the question the class found hard comes first), the flags, and
  the pairs the similarity report flagged;
- ``grades-canvas.csv``: Canvas's gradebook import layout: ``Student, ID,
  SIS User ID, SIS Login ID, Section``, one column per assignment and a
  ``Points Possible`` row (blank cells leave Canvas's grade alone).

Questions are nbgrader's grade cells: autograded ones are code cells (the
test cells), by-hand ones markdown cells (the written answers).

The flags of a grading run (cells restored, answer-key names, timeouts, ...)
are kept by ``make autograde`` in ``grading-flags.json`` (:func:`save_flags`),
the latest run's per submission.
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

FLAGS_FILE = "grading-flags.json"
SIMILARITY_FOLDER = "similarity"


@dataclass
class Question:
    name: str
    max_points: float
    by_hand: bool


@dataclass
class Row:
    """One student's submission of one assignment (``graded`` False: never handed in)."""
    assignment: str
    student: str
    graded: bool
    points: dict[str, float | None] = field(default_factory=dict)  # question -> points (None: not graded yet)
    auto_score: float = 0.0
    auto_max: float = 0.0
    hand_score: float = 0.0
    hand_max: float = 0.0
    hand_pending: bool = False
    late_seconds: float = 0.0
    penalty: float = 0.0
    flags: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return max(0.0, self.auto_score + self.hand_score - self.penalty)


def score_text(auto: float, auto_max: float, hand: float | None, hand_max: float) -> str:
    """How a submission's score reads in a summary.

    >>> score_text(12, 12, None, 2)
    '12 / 12 auto, by hand: to grade (2 pts)'
    >>> score_text(12, 12, 1.5, 2)
    '13.5 / 14 (12 auto + 1.5 by hand)'
    >>> score_text(8, 10, None, 0)
    '8 / 10'
    """
    if not hand_max:
        return f"{auto:g} / {auto_max:g}"
    if hand is None:
        return f"{auto:g} / {auto_max:g} auto, by hand: to grade ({hand_max:g} pts)"
    return f"{auto + hand:g} / {auto_max + hand_max:g} ({auto:g} auto + {hand:g} by hand)"


@contextlib.contextmanager
def replacing(path: Path):
    """A text handle whose content replaces ``path`` when the block ends: written to a new file
    next to it, then renamed over it (a symlink at ``path`` is replaced, never written through)."""
    fd, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="") as handle:
            yield handle
        os.chmod(scratch, 0o644)
        os.replace(scratch, path)
    except BaseException:
        os.unlink(scratch)
        raise


# --- flags of the last grading run -------------------------------------------------------

def save_flags(course: Path, flags: dict[tuple[str, str], list[str]]) -> None:
    """Record ``{(assignment, student): [flag, ...]}`` of a run, replacing those submissions' old flags."""
    path = course / FLAGS_FILE
    data = json.loads(path.read_text()) if path.is_file() else {}
    for (assignment, student), items in flags.items():
        data.setdefault(assignment, {})[student] = items
    with replacing(path) as handle:
        handle.write(json.dumps(data, indent=1, sort_keys=True))


def load_flags(course: Path) -> dict[tuple[str, str], list[str]]:
    path = course / FLAGS_FILE
    data = json.loads(path.read_text()) if path.is_file() else {}
    return {(a, s): items for a, students in data.items() for s, items in students.items()}


# --- reading the gradebook -----------------------------------------------------------------

def questions(assignment) -> list[Question]:
    """The grade cells of an nbgrader assignment, in notebook order."""
    found = []
    for notebook in assignment.notebooks:
        for cell in notebook.grade_cells:
            found.append(Question(cell.name, float(cell.max_score), cell.cell_type == "markdown"))
    return found


def read_gradebook(course: Path) -> tuple[dict[str, list[Question]], list[Row], dict]:
    """Questions per assignment, one Row per (assignment, student), and the students (id -> nbgrader Student
    fields)."""
    from nbgrader.api import Gradebook, MissingEntry

    flags = load_flags(course)
    rows: list[Row] = []
    by_assignment: dict[str, list[Question]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        students = {s.id: {"first_name": s.first_name, "last_name": s.last_name, "email": s.email,
                           "lms_user_id": s.lms_user_id} for s in gradebook.students}
        for assignment in gradebook.assignments:
            asked = questions(assignment)
            by_assignment[assignment.name] = asked
            kinds = {q.name: q for q in asked}
            for student in sorted(students):
                try:
                    submission = gradebook.find_submission(assignment.name, student)
                except MissingEntry:
                    rows.append(Row(assignment.name, student, graded=False))
                    continue
                row = Row(assignment.name, student, graded=True, flags=flags.get((assignment.name, student), []))
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        question = kinds.get(grade.name)
                        if question is None:
                            continue
                        if question.by_hand:
                            row.hand_max += question.max_points
                            if grade.needs_manual_grade:
                                row.hand_pending = True
                                row.points[grade.name] = None
                                continue
                            row.hand_score += grade.score or 0.0
                        else:
                            row.auto_max += question.max_points
                            row.auto_score += grade.score or 0.0
                        row.points[grade.name] = float(grade.score or 0.0)
                if assignment.duedate is not None:
                    row.late_seconds = float(submission.total_seconds_late or 0.0)
                row.penalty = float(submission.late_submission_penalty or 0.0)
                rows.append(row)
    return by_assignment, rows, students


# --- writing ---------------------------------------------------------------------------------

GRADES_COLUMNS = ["assignment", "student_id", "status", "auto_score", "auto_max", "hand_score", "hand_max",
                  "hand_grading", "raw_score", "late", "seconds_late", "late_submission_penalty", "score",
                  "max_score", "needs_manual_grade", "flags"]


def write_grades_csv(path: Path, by_assignment: dict[str, list[Question]], rows: list[Row]) -> None:
    """One row per (assignment, student); question columns for the assignments anyone handed in."""
    handed_in = {r.assignment for r in rows if r.graded}
    question_columns = [f"{a}/{q.name}" for a, asked in by_assignment.items() if a in handed_in for q in asked]
    with replacing(path) as handle:
        writer = csv.writer(handle)
        writer.writerow(GRADES_COLUMNS + question_columns)
        for row in rows:
            max_score = sum(q.max_points for q in by_assignment[row.assignment])
            if not row.graded:
                writer.writerow([row.assignment, row.student, "not submitted", "", "", "", "", "", "", "", "", "",
                                 "", f"{max_score:g}", "", ""] + [""] * len(question_columns))
                continue
            points = {f"{row.assignment}/{name}": value for name, value in row.points.items()}
            late = row.late_seconds > 0
            writer.writerow([
                row.assignment, row.student, "graded", f"{row.auto_score:g}", f"{row.auto_max:g}",
                "" if row.hand_pending else f"{row.hand_score:g}", f"{row.hand_max:g}",
                "to grade" if row.hand_pending else ("done" if row.hand_max else "none"),
                f"{row.auto_score + row.hand_score:g}", "late" if late else "", f"{row.late_seconds:g}" if late else "",
                f"{row.penalty:g}", f"{row.total:g}", f"{max_score:g}", row.hand_pending, "; ".join(row.flags),
            ] + ["" if points.get(c) is None else f"{points[c]:g}" for c in question_columns])


def write_canvas_csv(path: Path, by_assignment: dict[str, list[Question]], rows: list[Row],
                     students: dict) -> None:
    """Canvas's gradebook import: identity columns, one column per assignment, a Points Possible row.

    A submission whose written answers are not graded yet, or that was never handed
    in, is left blank (Canvas keeps what it has for a blank cell)."""
    scores = {(r.student, r.assignment): r for r in rows}
    assignments = list(by_assignment)
    with replacing(path) as handle:
        writer = csv.writer(handle)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + assignments)
        writer.writerow(["Points Possible", "", "", "", ""]
                        + [f"{sum(q.max_points for q in by_assignment[a]):g}" for a in assignments])
        for student, info in sorted(students.items()):
            name = ", ".join(n for n in (info.get("last_name"), info.get("first_name")) if n) or student
            cells = []
            for assignment in assignments:
                row = scores.get((student, assignment))
                cells.append("" if row is None or not row.graded or row.hand_pending else f"{row.total:g}")
            writer.writerow([name, info.get("lms_user_id") or "", student, student, ""] + cells)


def flagged_pairs(course: Path, assignment: str) -> list[dict]:
    """The pairs ``make similarity`` flagged for ``assignment`` (its CSV), most similar first."""
    path = course / SIMILARITY_FOLDER / f"{assignment}.csv"
    if not path.is_file():
        return []
    with open(path, newline="") as handle:
        return [r for r in csv.DictReader(handle) if r.get("flagged") == "yes"]


def summary_lines(course: Path, by_assignment: dict[str, list[Question]], rows: list[Row]) -> list[str]:
    """Per assignment that anyone handed in: scores, questions hardest first, flags, similar pairs."""
    lines = []
    nobody = [a for a in by_assignment if not any(r.graded for r in rows if r.assignment == a)]
    for assignment, asked in by_assignment.items():
        if assignment in nobody:
            continue
        mine = [r for r in rows if r.assignment == assignment]
        graded = [r for r in mine if r.graded]
        max_auto = sum(q.max_points for q in asked if not q.by_hand)
        max_hand = sum(q.max_points for q in asked if q.by_hand)
        lines.append(f"{assignment}: {len(graded)} of {len(mine)} students handed in; "
                     f"{max_auto:g} points autograded + {max_hand:g} by hand")
        auto = [r.auto_score for r in graded]
        lines.append(f"  autograded score: mean {statistics.mean(auto):.2f}, median {statistics.median(auto):g}, "
                     f"lowest {min(auto):g}, highest {max(auto):g} (of {max_auto:g})")
        done = [r for r in graded if not r.hand_pending]
        if max_hand:
            lines.append(f"  written answers graded for {len(done)} of {len(graded)}"
                         + (f"; total of those: mean {statistics.mean(r.total for r in done):.2f}, "
                            f"median {statistics.median(r.total for r in done):g} (of {max_auto + max_hand:g})"
                            if done else ""))
        late = [r for r in graded if r.late_seconds > 0]
        if late:
            lines.append(f"  late: {len(late)} ({', '.join(r.student for r in late[:10])}"
                         + (" ..." if len(late) > 10 else "") + ")")
        lines.append("  per question (success = full points), hardest first:")
        stats = []
        for question in asked:
            values = [r.points.get(question.name) for r in graded]
            values = [v for v in values if v is not None]
            if not values:
                stats.append((2.0, f"    {question.name:<36} {question.max_points:>4g} pts  not graded yet"))
                continue
            success = sum(v >= question.max_points for v in values) / len(values)
            stats.append((success, f"    {question.name:<36} {question.max_points:>4g} pts  success "
                                   f"{100 * success:5.1f}%  mean {statistics.mean(values):.2f}"
                                   f"{'  (by hand)' if question.by_hand else ''}"))
        lines += [text for _, text in sorted(stats, key=lambda s: s[0])]
        flagged = [r for r in graded if r.flags]
        if flagged:
            lines.append(f"  flags from the last grading run ({len(flagged)} submissions):")
            lines += [f"    {r.student}: {'; '.join(r.flags)}"[:300] for r in flagged]
        pairs = flagged_pairs(course, assignment)
        if pairs:
            lines.append(f"  similar answer cells (similarity/{assignment}.html), {len(pairs)} pair(s):")
            lines += [f"    {p['student_a']} ~ {p['student_b']}: {float(p['similarity']):.2f}" for p in pairs[:20]]
        lines.append("")
    if nobody:
        lines.append(f"No submissions yet: {', '.join(nobody)}")
    return lines


def write_all(course: Path, output: Path) -> list[Path]:
    """grades.csv (``output``), grades-summary.txt and grades-canvas.csv next to it; returns the paths."""
    by_assignment, rows, students = read_gradebook(course)
    summary = output.with_name(output.stem + "-summary.txt")
    canvas = output.with_name(output.stem + "-canvas.csv")
    write_grades_csv(output, by_assignment, rows)
    with replacing(summary) as handle:
        handle.write("\n".join(summary_lines(course, by_assignment, rows)) + "\n")
    write_canvas_csv(canvas, by_assignment, rows, students)
    return [output, summary, canvas]
