"""Grading of the course's exercises (instructors), and the checks learners' visible tests use.

- ``checks``: ``check_array`` / ``check_equal`` for the visible tests (learners);
- ``kernel``: the one call the hidden part of each test cell makes in the sandbox;
- ``spec`` and ``assignments/``: what each assignment's tests call, on which
  fresh inputs, against which reference;
- ``sandbox``: the bubblewrap sandbox around each submission's kernel;
- ``nbgrader_plugins``: the preprocessors that decide scores outside the kernel;
- ``worker``: nbgrader imported once per run, each submission a fork of it;
- ``intake``: which folders and notebooks of ``submitted/`` are graded, what is skipped;
- ``nbgrader_guard``: ``nbgrader autograde`` and the formgrader's button go through the grader;
- ``report``: grades.csv per question, grades-summary.txt, the Canvas import;
- ``similarity``: similar answer cells between submissions (copydetect), an HTML report;
- ``hub``: collecting from and returning feedback to shared folders (JupyterHub);
- ``cli``: ``python -m grading autograde|feedback|grades|similarity|collect|return-feedback|student-bundle``.

Importing the package imports nothing else (the sandbox imports ``checks`` and ``kernel`` only).
"""
