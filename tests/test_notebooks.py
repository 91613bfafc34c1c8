"""Structure of the course notebooks: the parts every notebook must have, slide
metadata that builds into slides, widget cells nbval can run, and the slides'
worked examples present with their numbers. (nbval itself runs the notebooks:
see `addopts` in pyproject.toml.)"""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib import inventory

ROOT = Path(__file__).resolve().parents[1]
# The course inventory (course_lib/inventory.py) names the notebooks and the explorers each must build.
NOTEBOOKS = {entry.number: f"{entry.name}.ipynb" for entry in inventory.NOTEBOOKS}
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
EXPLORERS = {entry.number: [explorer.function for explorer in entry.explorers]
             for entry in inventory.NOTEBOOKS if entry.explorers}


def load(number):
    return json.loads((ROOT / "notebooks" / NOTEBOOKS[number]).read_text())


def source(cell):
    return "".join(cell["source"])


def output_text(cell):
    texts = []
    for output in cell.get("outputs", []):
        texts.append("".join(output.get("text", "")))
        texts.append("".join(output.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


def numbers(text):
    """The integers in ``text`` in order (``3.``, ``3.0`` and ``-3`` count; other floats are skipped)."""
    return [int(m) for m in re.findall(r"(?<![\w.])-?\d+(?=\.?0*(?![\d]))(?!\.\d*[1-9])", text)]


def contains_run(haystack, needle):
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1))


def test_numbers_helper():
    assert numbers("[[ 3., -3., -1.],\n [-2.,  3.5, 0.0]]") == [3, -3, -1, -2, 0]
    assert contains_run([1, 2, 3, 4], [2, 3]) and not contains_run([1, 2, 3, 4], [3, 2])


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_every_notebook_has_objectives_summary_and_check_yourself(number):
    cells = load(number)["cells"]
    markdown = [source(c) for c in cells if c["cell_type"] == "markdown"]
    assert markdown and markdown[0].lstrip().startswith("# "), "the first cell must be the notebook's title"
    head = "\n".join(markdown[:3]).lower()
    assert "learning objectives" in head or "you will learn" in head
    headings = [line.lower() for text in markdown for line in text.splitlines() if line.startswith("#")]
    assert any("summary" in h for h in headings), "a Summary section"
    assert any("check yourself" in h for h in headings), "a Check yourself section"
    assert sum(1 for c in cells if c["cell_type"] == "code") >= 3


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_every_cell_has_slide_metadata_and_sections_start_slides(number):
    for index, cell in enumerate(load(number)["cells"]):
        slide_type = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        assert slide_type in SLIDE_TYPES, f"cell {index} has slide_type {slide_type!r}"
        if cell["cell_type"] == "markdown" and re.match(r"#{1,2} ", source(cell)):
            assert slide_type == "slide", f"section heading in cell {index} must start a slide"


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_notebooks_import_course_lib_and_copy_nothing(number):
    code = "\n".join(source(c) for c in load(number)["cells"] if c["cell_type"] == "code")
    if number != "00":
        assert re.search(r"^from course_lib(\.\w+)? import", code, re.M)
    assert "%run" not in code
    import course_lib

    redefined = [name for name in course_lib.__all__ if re.search(rf"^def {name}\(", code, re.M)]
    assert redefined == [], "notebooks must import course_lib functions, not copy them"


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_notebooks_have_figures_and_deterministic_widget_cells(number):
    cells = load(number)["cells"]
    figures = sum(1 for c in cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    assert figures >= 2, "at least one figure per idea"
    for explorer in EXPLORERS.get(number, []):
        widget_cells = [c for c in cells if c["cell_type"] == "code" and f"{explorer}(" in source(c)]
        assert widget_cells, f"notebook {number} must build {explorer}"
        for cell in widget_cells:
            assert "nbval-ignore-output" in cell["metadata"].get("tags", [])
    for cell in cells:
        if cell["cell_type"] == "code" and "nbval-ignore-output" not in cell["metadata"].get("tags", []):
            for output in cell.get("outputs", []):
                assert "application/vnd.jupyter.widget-view+json" not in output.get("data", {}), \
                    "cells that show widgets must be tagged nbval-ignore-output"
                assert output.get("output_type") != "error"


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_notebooks_build_as_slides_with_a_slide_per_section(number, tmp_path):
    notebook = ROOT / "notebooks" / NOTEBOOKS[number]
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "slides", str(notebook),
                    "--output-dir", str(tmp_path)], check=True, capture_output=True)
    html = (tmp_path / notebook.name.replace(".ipynb", ".slides.html")).read_text()
    sections = [c for c in load(number)["cells"] if c["cell_type"] == "markdown" and re.match(r"#{1,2} ", source(c))]
    # reveal.js: each slide is a top-level <section> holding one or more sub-slide <section>s.
    slides = len(re.findall(r'<section\b[^>]*>\s*<section\b', html))
    assert slides >= len(sections) >= 3


SLIDES_INPUT = [0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0]
LAPLACIAN = [0, 1, 0, 1, -4, 1, 0, 1, 0]
FEATURE_MAP = [3, -3, -1, -2, 3, -3, -3, 2, 3]


def all_outputs(number):
    return numbers("\n".join(output_text(c) for c in load(number)["cells"]))


def all_code(number):
    return numbers("\n".join(source(c) for c in load(number)["cells"] if c["cell_type"] == "code"))


def test_slides_convolution_example_in_notebook_04():
    code = all_code("04")
    assert contains_run(code, SLIDES_INPUT) and contains_run(code, LAPLACIAN)
    assert contains_run(all_outputs("04"), FEATURE_MAP)


def test_slides_transposed_example_in_notebook_05():
    outputs = all_outputs("05")
    assert contains_run(outputs, [0, 0, 1, 0, 4, 6, 4, 12, 9])
    assert contains_run(outputs, [0, 0, 0, 1, 0, 0, 2, 3, 0, 2, 0, 3, 4, 6, 6, 9])  # stride 2


def test_slides_claim_corrected_in_notebook_06():
    outputs = all_outputs("06")
    assert contains_run(outputs, [27, 91, 74, 138, 400, 282, 171, 429, 268])
    assert contains_run(outputs, [0, 3, -3, -1, 0, 3, -17, 17, -2, -1])  # C^T y for the slides' feature map


def test_distill_overlaps_in_notebook_07():
    outputs = all_outputs("07")
    assert contains_run(outputs, [1, 2, 1, 2, 1])  # k3 s2
    assert contains_run(outputs, [2, 3, 2, 3])  # k5 s2


def test_notebook_08_trains_four_upsamplers_and_measures_them():
    cells = load("08")["cells"]
    code = "\n".join(source(c) for c in cells if c["cell_type"] == "code")
    outputs = "\n".join(output_text(c) for c in cells)
    training = [c for c in cells if c["cell_type"] == "code" and "TrainingMonitor(" in source(c)]
    assert training and all("nbval-ignore-output" in c["metadata"].get("tags", []) for c in training)
    for name in ("transposed k3 s2", "transposed k4 s2", "nearest resize + conv", "pixel shuffle + ICNR"):
        assert outputs.count(name) >= 3, f"{name} must appear in the step-0, final and probe tables"
    assert "equals conv_transpose2d(dL/dy" in outputs and "True" in outputs
    assert "checkerboard_strength" in code and "probe" in code
    assert re.search(r"strong red .*spread", outputs), "the strong-colours RGB experiment"


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_every_stored_figure_has_a_text_description(number):
    """JupyterLab reads alt on an <img> in text/html (not on image/png): every figure carries one (issue 10)."""
    import html
    import re

    for cell in load(number)["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            page = "".join(data.get("text/html", []))
            match = re.fullmatch(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)" width="\d+"/>', page)
            assert match, f"notebook {number}: a figure without an <img alt=...> in text/html: {source(cell)[:80]!r}"
            assert match.group(1) == "".join(data["image/png"]).replace("\n", "")   # the same picture
            alt = html.unescape(match.group(2))
            assert 40 <= len(alt) <= 400 and alt == "".join(data["text/plain"])
