"""The grading specs of the assignments: instructor-only, kept next to the solutions.

Each assignment's ``solutions/NN_topic/grading_spec.py`` defines ``SPEC`` (a
grading.spec.Assignment): the hidden case generators and the reference answers.
They live in ``solutions/`` because they are as private as the solutions (a
student who has them has the hidden inputs' distribution and the answer key);
nbgrader leaves them out of the release (``nbgrader_config.py``: ignored) and
the student bundle has no ``solutions/``. Adding an assignment = adding its
notebook and its ``grading_spec.py`` under ``solutions/NN_topic/``.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from grading.spec import Assignment

SPEC_FILE = "grading_spec.py"
REPOSITORY_SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


def solutions_folder() -> Path:
    """Where the specs are: ``$GRADING_SOLUTIONS`` (set by ``python -m grading`` for its
    nbgrader runs), else the repository's ``solutions/``."""
    return Path(os.environ.get("GRADING_SOLUTIONS") or REPOSITORY_SOLUTIONS)


def load_spec(path: Path) -> Assignment:
    """The ``SPEC`` of one ``grading_spec.py`` (imported as ``grading_specs.<assignment>``)."""
    name = f"grading_specs.{path.parent.name}"
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(path):
        return sys.modules[name].SPEC
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    if module.SPEC.name != path.parent.name:
        raise ValueError(f"{path}: SPEC.name is {module.SPEC.name!r}, the folder is {path.parent.name!r}")
    return module.SPEC


def all_specs(folder: os.PathLike | None = None) -> dict[str, Assignment]:
    """Every assignment's spec, by assignment (folder) name, from ``folder`` (default:
    :func:`solutions_folder`). Without the instructor's ``solutions/`` (the student bundle)
    there is nothing to grade with: a clear error."""
    folder = Path(folder) if folder is not None else solutions_folder()
    paths = sorted(folder.glob(f"*/{SPEC_FILE}"))
    if not paths:
        raise FileNotFoundError(f"no grading specs in {folder} (solutions/<assignment>/{SPEC_FILE}): grading "
                                "needs the instructor's solutions/, which the student bundle does not have")
    return {path.parent.name: load_spec(path) for path in paths}
