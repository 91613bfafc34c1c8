"""Collecting from, and returning feedback to, many students through shared folders (JupyterHub).

The recipe (README, "JupyterHub"): every student's server sees two folders of
the course, ``inbox/<student>/`` (writable by that student only) and
``outbox/<student>/`` (readable by that student only). A student saves
``<assignment>/<notebook>.ipynb`` into the inbox; the course's grading user
(never root) runs, in the course folder:

    make collect INBOX=/srv/course/inbox        # inbox/<s>/<a>/ -> submitted/<s>/<a>/
    make autograde JOBS=<cores>
    ... grade the written answers in the formgrader ...
    make feedback
    make return-feedback OUTBOX=/srv/course/outbox   # feedback/<s>/<a>/*.html -> outbox/<s>/<a>/

``collect`` treats the inbox as the students' (anything may be there): it
reads each notebook through a descriptor opened without following symlinks,
regular files of at most MAX_NOTEBOOK_BYTES only, matches names as
``make autograde`` does (a browser's `` (1)``, letter case), copies the notebook
under its own name into ``submitted/<student>/<assignment>/`` (replacing an
earlier collection of it) with the file's modification time as nbgrader's
``timestamp.txt``, and lists everything it skipped. ``return-feedback``
writes each HTML file as a new file renamed into place (a symlink in the
outbox is replaced, never written through).
"""
from __future__ import annotations

import datetime
import os
import stat
from pathlib import Path

from grading import intake
from grading.report import replacing

MAX_NOTEBOOK_BYTES = 16 << 20


def read_regular(path: Path, limit: int) -> tuple[bytes, float]:
    """Content and modification time of a regular file (never through a symlink), at most ``limit`` bytes."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > limit:
            raise ValueError(f"too large ({info.st_size} bytes; at most {limit})")
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read(limit + 1)[:limit], info.st_mtime
    finally:
        os.close(fd)


def write_replacing(path: Path, data: bytes) -> None:
    """``data`` as ``path``: a new file renamed into place (a symlink there is replaced, not followed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as handle:
        handle.flush()
        handle.buffer.write(data)


def collect(course: Path, inbox: Path, assignments: dict) -> tuple[list[str], list[str]]:
    """Copy every inbox/<student>/<assignment>/ notebook into submitted/; (collected, skipped) lines."""
    found, skipped = intake.find_submissions_in(inbox, assignments)
    collected, problems = [], [f"{entry.path}: {entry.reason}" for entry in skipped]
    for submission in found:
        where = f"{submission.student}/{submission.folder}"
        if submission.notebook is None:
            problems.append(f"{where}: no {assignments[submission.assignment].notebook}.ipynb")
            continue
        try:
            data, mtime = read_regular(inbox / submission.student / submission.folder / submission.notebook,
                                       MAX_NOTEBOOK_BYTES)
        except (OSError, ValueError) as error:
            problems.append(f"{where}/{submission.notebook}: {getattr(error, 'strerror', None) or error}")
            continue
        target = course / "submitted" / submission.student / submission.assignment
        name = f"{assignments[submission.assignment].notebook}.ipynb"
        write_replacing(target / name, data)
        stamp = datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
        write_replacing(target / "timestamp.txt", stamp.encode())
        collected.append(f"{submission.student}/{submission.assignment}"
                         + (f" ({'; '.join(submission.notes)})" if submission.notes else ""))
    return collected, problems


def return_feedback(course: Path, outbox: Path) -> list[str]:
    """Copy feedback/<student>/<assignment>/*.html into outbox/<student>/<assignment>/; the lines written."""
    written = []
    feedback = course / "feedback"
    for html in sorted(feedback.glob("*/*/*.html")):
        if any(p.is_symlink() for p in (html, html.parent, html.parent.parent)):
            continue
        relative = html.relative_to(feedback)
        write_replacing(outbox / relative, html.read_bytes())
        written.append(str(relative))
    return written
