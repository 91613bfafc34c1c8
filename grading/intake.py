"""What ``submitted/`` holds: the submissions to grade, and everything else, listed and skipped.

A real class hands in what browsers and people make: ``interpolation (1).ipynb``
(downloaded twice), ``Interpolation.ipynb``, a folder named after the notebook
instead of the assignment, notes next to the notebook, a README at the top.
None of it stops a grading run. :func:`find_submissions` returns one
:class:`Submission` per ``submitted/<student>/<assignment>/`` whose
assignment is known, with the notebook to grade (an exact name first; else
the one name that matches up to letter case and a browser's `` (N)`` suffix,
with a note saying so), and a list of :class:`Skipped` entries, each with the
reason, for everything that is not graded.

Nothing here opens a file: names only (``os.scandir`` with
``follow_symlinks=False``), so a symlink is never followed. A symlinked student
or assignment folder, or a notebook name that is a symlink or a folder, is
still returned as a submission: the grader refuses it when it stages the
notebook through descriptors, with a clear line in the summary.
"""
from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

# "name (1).ipynb", "name(2).ipynb": what browsers append to a repeated download.
BROWSER_SUFFIX = re.compile(r"\s*\(\d+\)$")
IGNORED_NAMES = ("timestamp.txt", ".ipynb_checkpoints", ".DS_Store", "__MACOSX", "Thumbs.db")


@dataclass
class Submission:
    """One ``submitted/<student>/<assignment>/`` to grade; ``notebook`` is None when none matches."""
    student: str
    assignment: str
    folder: str  # the folder under submitted/<student>/: the assignment's name, or a near match
    notebook: str | None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Skipped:
    path: str  # relative to submitted/
    reason: str


def normalised(stem: str) -> str:
    """A notebook or folder name without a browser's `` (N)`` suffix, in lower case."""
    return BROWSER_SUFFIX.sub("", stem).strip().lower()


def _entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as it:
        return sorted(it, key=lambda e: e.name)


def choose_notebook(names: list[str], expected: str) -> tuple[str | None, list[str]]:
    """The file name to grade among ``names`` for notebook ``expected`` (a stem), and notes.

    An exact ``expected.ipynb`` wins; otherwise the names equal to it up to letter case
    and a `` (N)`` suffix: one is taken, several are ambiguous (the highest N is taken:
    a browser numbers later downloads higher), and the choice is noted.

    >>> choose_notebook(["interpolation (1).ipynb"], "interpolation")
    ('interpolation (1).ipynb', ['graded interpolation (1).ipynb as interpolation.ipynb'])
    >>> choose_notebook(["interpolation.ipynb", "interpolation (1).ipynb"], "interpolation")[0]
    'interpolation.ipynb'
    >>> choose_notebook(["pooling.ipynb"], "interpolation")
    (None, [])
    """
    wanted = f"{expected}.ipynb"
    if wanted in names:
        return wanted, []
    candidates = [n for n in names if n.lower().endswith(".ipynb") and normalised(n[:-6]) == expected.lower()]
    if not candidates:
        return None, []

    def number(name: str) -> int:
        match = BROWSER_SUFFIX.search(name[:-6])
        return int(match.group().strip(" ()")) if match else 0
    chosen = max(candidates, key=lambda n: (number(n), n))
    notes = [f"graded {chosen} as {wanted}"]
    if len(candidates) > 1:
        notes.append(f"several copies ({', '.join(candidates)}): graded the latest download, {chosen}")
    return chosen, notes


def match_assignment(name: str, assignments: dict) -> str | None:
    """The assignment a folder name means: exact, or up to case and a `` (N)`` suffix."""
    if name in assignments:
        return name
    matches = [a for a in assignments if normalised(name) == a.lower()]
    return matches[0] if len(matches) == 1 else None


def find_submissions(course: Path, assignments: dict, assignment_glob: str = "*",
                     student: str | None = None) -> tuple[list[Submission], list[Skipped]]:
    """Submissions under ``course/submitted`` to grade, and what is skipped (with reasons).

    ``assignments`` maps assignment names to specs with a ``notebook`` attribute;
    ``assignment_glob`` and ``student`` narrow the run (what they exclude is not listed).
    """
    return find_submissions_in(course / "submitted", assignments, assignment_glob, student)


def find_submissions_in(root: Path, assignments: dict, assignment_glob: str = "*",
                        student: str | None = None) -> tuple[list[Submission], list[Skipped]]:
    """:func:`find_submissions` for any folder laid out as ``<student>/<assignment>/`` (an inbox)."""
    found: list[Submission] = []
    skipped: list[Skipped] = []
    if not root.is_dir():
        return found, skipped
    for student_entry in _entries(root):
        if student and student_entry.name != student:
            continue
        if student_entry.name in IGNORED_NAMES:
            continue
        if student_entry.is_symlink():  # refused when graded ("not a folder")
            first = [a for a in assignments if fnmatch.fnmatch(a, assignment_glob)][:1]
            found += [Submission(student_entry.name, a, a, None) for a in first]
            continue
        if not student_entry.is_dir(follow_symlinks=False):
            skipped.append(Skipped(student_entry.name, "not a student folder (submitted/<student>/<assignment>/)"))
            continue
        folders: dict[str, list[str]] = {}  # assignment -> folder names meaning it, exact name first
        for entry in _entries(Path(student_entry.path)):
            where = f"{student_entry.name}/{entry.name}"
            if entry.name in IGNORED_NAMES:
                continue
            assignment = match_assignment(entry.name, assignments)
            if not entry.is_symlink() and not entry.is_dir(follow_symlinks=False):
                skipped.append(Skipped(where, "a file where an assignment folder belongs"))
                continue
            if assignment is None:
                if fnmatch.fnmatch(entry.name, assignment_glob):
                    skipped.append(Skipped(where, f"no assignment of that name (known: {', '.join(assignments)})"))
            elif fnmatch.fnmatch(assignment, assignment_glob):
                folders.setdefault(assignment, []).append(entry.name)
        for assignment, names in folders.items():
            names.sort(key=lambda name: name != assignment)
            folder = names[0]
            for other in names[1:]:
                skipped.append(Skipped(f"{student_entry.name}/{other}", f"a second folder for {assignment}; "
                                                                       f"{folder} is graded"))
            notes = [] if folder == assignment else [f"folder {folder} graded as {assignment}"]
            path = Path(student_entry.path) / folder
            if path.is_symlink():  # refused when graded ("not a folder")
                found.append(Submission(student_entry.name, assignment, folder, None, notes))
                continue
            names = [e.name for e in _entries(path)]  # any kind: a link or folder is refused when staged
            notebook, chosen = choose_notebook(names, assignments[assignment].notebook)
            found.append(Submission(student_entry.name, assignment, folder, notebook, notes + chosen))
    return found, skipped
