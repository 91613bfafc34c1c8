"""nbgrader's own ways to autograde go through the sandboxed grader.

nbgrader offers two paths besides ``make autograde``: the formgrader's
*Autograde* button (``NbGraderAPI.autograde``, in the Jupyter server's
process) and a bare ``nbgrader autograde``. Both build nbgrader's
``Autograde`` converter, which first removes the old
``autograded/<student>/<assignment>/`` (``--force``), then runs the notebook
in an ordinary kernel; our ``DecideScores`` refuses outside a grading run, and
nbgrader then removes the failed folder too: the autograded notebook (and any
hand grading shown with it) was gone.

:func:`route_autograde` (called from ``nbgrader_config.py``, so in every
nbgrader process of this course, the formgrader's included) replaces
``Autograde.start`` outside a grading job (``GRADING_JOB`` unset): it runs
``python -m grading autograde`` for the same assignment and student, which
grades in the sandbox and writes ``autograded/`` only from a finished run,
logs its output, and fails with a message naming ``make autograde`` if that
run cannot grade. Inside a grading job (``make autograde``'s own nbgrader
runs) nbgrader's ``start`` runs unchanged.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

MESSAGE = ("this course grades through `make autograde` (python -m grading autograde: every submission "
           "in its own sandbox); nbgrader's own autograde is routed there")


def grader_command(assignment_id: str, student_id: str) -> list[str]:
    """The ``python -m grading autograde`` command for nbgrader's assignment and student ids.

    >>> grader_command("02_interpolation", "*")[3:]
    ['autograde', '--assignment', '02_interpolation', '--jobs', '1']
    >>> grader_command("", "alice")[3:]
    ['autograde', '--assignment', '*', '--jobs', '1', '--student', 'alice']
    """
    command = [sys.executable, "-m", "grading", "autograde", "--assignment", assignment_id or "*", "--jobs", "1"]
    if student_id and student_id != "*":
        command += ["--student", student_id]
    return command


def routed_start(self) -> None:
    """``Autograde.start`` outside a grading job: grade through the sandboxed grader."""
    from nbgrader.converters.base import NbGraderException

    command = grader_command(self.coursedir.assignment_id, self.coursedir.student_id)
    self.log.warning("%s: running %s", MESSAGE, " ".join(command[1:]))
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    env.pop("GRADING_JOB", None)
    try:
        result = subprocess.run(command, cwd=self.coursedir.root, env=env, capture_output=True, text=True,
                                timeout=6 * 3600)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NbGraderException(f"{MESSAGE}; it could not run ({error}): run `make autograde` in "
                                f"{self.coursedir.root}") from error
    for line in (result.stdout + result.stderr).splitlines():
        self.log.info("%s", line)
    if result.returncode != 0:
        raise NbGraderException(f"{MESSAGE}; it exited {result.returncode} (see the log above): run "
                                f"`make autograde ASSIGNMENT={self.coursedir.assignment_id or '*'}` in "
                                f"{self.coursedir.root}")


def route_autograde() -> None:
    """Make nbgrader's Autograde converter go through the sandboxed grader outside a grading job."""
    from nbgrader.converters.autograde import Autograde

    if getattr(Autograde.start, "routed_through_grading", False):
        return
    original = Autograde.start

    def start(self):
        if os.environ.get("GRADING_JOB"):
            return original(self)
        return routed_start(self)

    start.routed_through_grading = True
    Autograde.start = start
