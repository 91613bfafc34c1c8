"""nbgrader configuration for the graded exercises (instructors only).

Run every command through the Makefile (``make release``, ``make autograde``,
``make feedback``, ``make grades``) from the repository's top folder: this
file makes the repository the course directory, with

- ``solutions/<assignment>/``  the source (instructor) notebooks, with
  ``### BEGIN SOLUTION`` / ``### BEGIN HIDDEN TESTS`` regions, and the
  grading spec (``grading_spec.py``: hidden cases, references): edit these;
- ``exercises/<assignment>/``  the release for students, generated from the
  source by ``nbgrader generate_assignment`` (``make release``): never edit it;
- ``submitted/<student>/<assignment>/``, ``autograded/...``, ``feedback/...``
  and ``gradebook.db``: the grading folders, created as you grade (git ignores them).

Autograding runs every submission's kernel in a bubblewrap sandbox and
decides the scores outside it (``grading/``, README "Threat model"): a bare
``nbgrader autograde`` and the formgrader's Autograde button go through
``make autograde``'s grader (grading/nbgrader_guard.py): nbgrader's own
converter never removes an autograded notebook here.
"""
import os

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearMarkScheme,
                                    ClearOutput, DeduplicateIds, GetGrades, IgnorePattern, LimitOutput,
                                    OverwriteKernelspec, SaveAutoGrades)
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

c = get_config()  # noqa: F821 (injected by nbgrader)

# `nbgrader autograde` and the formgrader's Autograde button run `python -m grading autograde`.
__import__("grading.nbgrader_guard").nbgrader_guard.route_autograde()

c.CourseDirectory.course_id = "upsampling-in-cnns"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# solutions/<assignment>/grading_spec.py holds the hidden case generators and the
# reference answers (grading/assignments): never copied into the release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "grading_spec.py"]

# A student's test cells (the autograded ones) that were deleted are put back
# and run, so deleting a test cannot hide a failure. Read-only cells that were
# edited are restored; only real changes are reported (grading.nbgrader_plugins).
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec,
                                      "grading.nbgrader_plugins.QuietOverwriteCells", CheckCellMetadata]
# The kernel only computes; DecideScores sets every test cell's outcome from
# the grader's own comparison, before SaveAutoGrades records it.
c.Autograde.autograde_preprocessors = ["grading.nbgrader_plugins.SandboxedExecute", IgnorePattern,
                                       ClearMetadataPreprocessor, LimitOutput,
                                       "grading.nbgrader_plugins.DecideScores", SaveAutoGrades,
                                       AssignLatePenalties, CheckCellMetadata]
# SandboxedExecute is nbgrader's Execute, except that a kernel that dies
# costs only the cells after it. `make autograde` adds, per submission,
# c.Execute.kernel_name = "course-sandbox" (the sandboxed kernel, whatever the
# notebook or the gradebook says) and the kernel's socket folder (grading/cli.py);
# they are not set here, so that nbgrader's "Validate" keeps the normal kernel.

# Each notebook runs in well under a minute; a cell that takes longer (an
# infinite loop) is interrupted and scores 0, and grading goes on.
c.Execute.timeout = 60

# Feedback shows the student's notebook, scores and test output, never the
# hidden part of a test cell, nor the rubric of a written answer: each written
# answer's question is a task cell whose "=== BEGIN/END MARK SCHEME ===" region
# (the rubric) is cut from the release, restored into the autograded copy (so the
# formgrader shows it to graders next to the answer) and cut again here.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, ClearMarkScheme, CSSHTMLHeaderPreprocessor]

# This course hands out and collects notebooks without nbgrader's exchange
# (README, "Instructors"); a course-local exchange folder keeps the
# formgrader from warning that /srv/nbgrader/exchange does not exist.
c.Exchange.root = os.path.join(c.CourseDirectory.root, ".nbgrader-exchange")
os.makedirs(c.Exchange.root, exist_ok=True)
