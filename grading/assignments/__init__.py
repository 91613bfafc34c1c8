"""One module per graded assignment, each defining ``SPEC`` (a grading.spec.Assignment).

Adding an assignment = adding its notebook under ``solutions/NN_topic/`` and a
module here; :func:`all_specs` finds every module of this package.
"""
from __future__ import annotations

import importlib
import pkgutil

from grading.spec import Assignment


def all_specs() -> dict[str, Assignment]:
    """Every assignment's spec, by assignment (folder) name."""
    specs = {}
    for info in pkgutil.iter_modules(__path__):
        spec = importlib.import_module(f"{__name__}.{info.name}").SPEC
        if spec.name in specs:
            raise ValueError(f"two specs for assignment {spec.name!r}")
        specs[spec.name] = spec
    return dict(sorted(specs.items()))


def listed() -> list[str]:
    """The assignments the course inventory names (``course_lib.inventory``), in course order.

    tests/test_inventory.py holds :func:`all_specs` to this list: a spec module without an
    inventory entry (or the reverse) fails there.
    """
    from course_lib.inventory import exercises

    return exercises()
