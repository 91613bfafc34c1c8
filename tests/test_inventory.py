"""The course inventory (course_lib/inventory.py) is the one list of notebooks, exercises, explorers
and decks: the files on disk, the grader's assignments, the README's course table and the course
map of notebook 00 all agree with it."""
import json
import re
from pathlib import Path

import pytest

from course_lib import inventory
from course_lib.inventory import Notebook, explorer_factory, explorers, exercises

ROOT = Path(__file__).resolve().parents[1]


def test_every_notebook_on_disk_is_in_the_inventory_and_back():
    on_disk = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert on_disk == sorted(entry.path for entry in inventory.NOTEBOOKS)
    numbers = [entry.number for entry in inventory.NOTEBOOKS]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers), "reading order, one entry per number"
    for entry in inventory.NOTEBOOKS:
        assert (ROOT / entry.deck_path).is_file(), f"{entry.name}: its deck {entry.deck_path} does not exist"


def test_every_exercise_folder_is_in_the_inventory_and_back():
    for folder in ("solutions", "exercises"):
        on_disk = sorted(path.name for path in (ROOT / folder).iterdir() if path.is_dir() and path.name[:2].isdigit())
        assert on_disk == sorted(exercises()), folder
    for entry in inventory.NOTEBOOKS:
        if entry.exercise:
            assert (ROOT / entry.exercise_path).is_file(), entry.exercise_path


def test_the_grader_grades_exactly_the_listed_assignments():
    from grading.assignments import all_specs, listed

    assert listed() == exercises()
    assert sorted(all_specs()) == sorted(exercises())


@pytest.mark.parametrize("notebook, explorer", explorers(), ids=[e.function for _, e in explorers()])
def test_every_explorer_is_one_module_importable_by_its_name(notebook, explorer):
    factory = explorer_factory(explorer)
    assert callable(factory) and factory.__module__ == explorer.path
    assert explorer.module.startswith("explore_")
    shared = [other for _, other in explorers() if other.module == explorer.module and other != explorer]
    assert shared == [], f"{explorer.module} holds more than one explorer: one module per explorer"


def _markdown_table(text, first_header):
    """Rows (lists of cells) of the markdown table whose header row starts with ``| first_header |``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"\|\s*{re.escape(first_header)}\s*\|", line))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_readme_course_table_is_the_inventory():
    rows = _markdown_table((ROOT / "README.md").read_text(), "notebook")
    assert [row[0] for row in rows] == [f"`{entry.name}`" for entry in inventory.NOTEBOOKS]
    assert [row[1] for row in rows] == [entry.summary for entry in inventory.NOTEBOOKS]


def test_course_map_of_notebook_00_is_the_inventory():
    cells = json.loads((ROOT / inventory.notebook("00").path).read_text())["cells"]
    text = next("".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
                and "".join(c["source"]).startswith("## Course map"))
    rows = _markdown_table(text, "#")
    assert [row[0] for row in rows] == [entry.number for entry in inventory.NOTEBOOKS]
    for row, entry in zip(rows, inventory.NOTEBOOKS):
        assert row[1] == f"[{entry.title}]({entry.name}.ipynb)"
        exercise = f"[{entry.exercise}](../{entry.exercise_path})" if entry.exercise else ""
        assert row[3] == exercise, f"notebook {entry.number}: the map's exercise cell"


def test_inventory_refuses_malformed_entries():
    with pytest.raises(ValueError, match="number must be two digits, got '5'"):
        Notebook("5", "x", "X", "x")
    with pytest.raises(ValueError, match="exercise must be named after its notebook"):
        Notebook("05", "x", "X", "x", exercise="06_x")
    with pytest.raises(ValueError, match="explorers must be 'explore_<module>.<function>', got 'widgets.wire'"):
        Notebook("05", "x", "X", "x", explorers=("widgets.wire",))
    with pytest.raises(ValueError, match="number must be one of"):
        inventory.notebook("42")
    with pytest.raises(TypeError, match="explorer must be an inventory Explorer"):
        explorer_factory("explore_checkerboard.overlap_explorer")


def test_inventory_imports_nothing_heavy():
    import subprocess
    import sys

    code = "import sys, course_lib.inventory; print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
