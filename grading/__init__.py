"""Grading of the course's exercises (instructors), and the checks learners' visible tests use.

- ``checks``: ``check_array`` / ``check_equal`` for the visible tests (learners);
- ``kernel``: the one call the hidden part of each test cell makes in the sandbox;
- ``spec`` and ``assignments/``: what each assignment's tests call, on which
  fresh inputs, against which reference;
- ``sandbox``: the bubblewrap sandbox around each submission's kernel;
- ``nbgrader_plugins``: the preprocessors that decide scores outside the kernel;
- ``cli``: ``python -m grading autograde|feedback|grades|student-bundle``.

Importing the package imports nothing else (the sandbox imports ``checks`` and ``kernel`` only).
"""
