"""nbgrader configuration for the graded exercises (instructors only).

Run every ``nbgrader`` command from the repository's top folder (the Makefile
does): this file makes the repository the course directory, with

- ``solutions/<assignment>/``  the source (instructor) notebooks, with
  ``### BEGIN SOLUTION`` / ``### BEGIN HIDDEN TESTS`` regions: edit these;
- ``exercises/<assignment>/``  the release for students, generated from the
  source by ``nbgrader generate_assignment`` (``make release``): never edit it;
- ``submitted/<student>/<assignment>/``, ``autograded/...``, ``feedback/...``
  and ``gradebook.db``: the grading folders, created as you grade (git ignores them).
"""
import os

c = get_config()  # noqa: F821 (injected by nbgrader)

c.CourseDirectory.course_id = "upsampling-in-cnns"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# A student's test cells (the autograded ones) that were deleted are put back
# and run, so deleting a test cannot hide a failure.
c.OverwriteCells.add_missing_cells = True

# Each notebook runs in well under a minute; a cell that takes longer (an
# infinite loop) is interrupted and scores 0, and grading goes on.
c.Execute.timeout = 60
