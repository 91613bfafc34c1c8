"""Figures for a room: every static figure of notebooks 01-07 is readable on a 1280x720 projector.

Each notebook's code runs in this process with ``show_figure`` replaced by a recorder
that renders the figure as the notebook does (``bbox_inches="tight"``, the figure's dpi)
and notes every text matplotlib actually draws. A figure is shown at its pixel width,
but at most ``SLIDE_WIDTH`` pixels (what a 1280-pixel-wide screen leaves for a cell's
output); a wider PNG is scaled down, and its text with it. Checked:

- no drawn text is smaller than ``SMALLEST_PT`` points at the size it is shown;
- no two axes titles or legends overlap or touch (a long title running into its neighbour's).

(The explorers' figures are drawn by widgets, not ``show_figure``; their static
states are figures of their own in the notebooks and are checked here.)
"""
import contextlib
import io
import json
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text
from PIL import Image

import course_lib.plotting

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {path.name[:2]: path for path in sorted((ROOT / "notebooks").glob("0[1-7]_*.ipynb"))}
SLIDE_WIDTH = 1100   # pixels: 1280 minus JupyterLab's side bar, the cell prompt and the margins
SMALLEST_PT = 10
GAP = 3              # pixels at least between two titles or legends


def figure_report(figure):
    """``(png_width, [(shown_pt, text)] below SMALLEST_PT, [(name, name)] of titles/legends that clash)``."""
    drawn = []
    original = Text.draw

    def recording_draw(text, renderer):
        if text.get_visible() and text.get_text().strip():
            drawn.append(text)
        return original(text, renderer)

    buffer = io.BytesIO()
    Text.draw = recording_draw
    try:
        figure.savefig(buffer, format="png", bbox_inches="tight", dpi=figure.dpi)
    finally:
        Text.draw = original
    width = Image.open(io.BytesIO(buffer.getvalue())).size[0]
    scale = min(1.0, SLIDE_WIDTH / width)
    small = sorted({(round(t.get_fontsize() * scale, 1), t.get_text()[:40]) for t in drawn
                    if t.get_fontsize() * scale < SMALLEST_PT - 1e-9})
    renderer = figure.canvas.get_renderer()
    boxes = [(ax.title.get_text(), ax.title.get_window_extent(renderer)) for ax in figure.axes
             if ax.title.get_text().strip() and ax.title in drawn]
    legends = [ax.get_legend() for ax in figure.axes if ax.get_legend() is not None and ax.get_legend().get_visible()]
    boxes += [("legend " + " ".join(t.get_text() for t in legend.get_texts()), legend.get_window_extent(renderer))
              for legend in legends]
    clashes = [(a[:30], b[:30]) for n, (a, box_a) in enumerate(boxes) for b, box_b in boxes[n + 1:]
               if box_a.padded(GAP).overlaps(box_b)]
    return width, small, clashes


def run_notebook(path, monkeypatch):
    """Run the notebook's code cells in order; returns ``[(cell_id, report)]`` per shown figure."""
    reports, current = [], [None]

    def record(figure, alt):
        reports.append((current[0], figure_report(figure)))
        plt.close(figure)

    monkeypatch.setattr(course_lib.plotting, "show_figure", record)
    monkeypatch.chdir(path.parent)
    namespace = {}
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    # the notebooks set numpy's print options and may set matplotlib's rcParams: both are put back
    with contextlib.redirect_stdout(io.StringIO()), np.printoptions(), matplotlib.rc_context():
        for cell in cells:
            current[0] = cell.get("id")
            code = "\n".join(line for line in "".join(cell["source"]).splitlines() if not line.startswith("%"))
            exec(compile(code, f"{path.name}:{cell.get('id')}", "exec"), namespace)
    plt.close("all")
    return reports


def test_run_notebook_leaves_print_options_and_rc_params_as_they_were(tmp_path, monkeypatch):
    notebook = {"cells": [{"cell_type": "code", "id": "a", "source": [
        "import numpy as np, matplotlib\n", "np.set_printoptions(precision=2, suppress=True)\n",
        "matplotlib.rcParams['font.size'] = 31\n"]}]}
    path = tmp_path / "99_demo.ipynb"
    path.write_text(json.dumps(notebook))
    before, size = np.get_printoptions(), matplotlib.rcParams["font.size"]
    assert run_notebook(path, monkeypatch) == []
    assert np.get_printoptions() == before and matplotlib.rcParams["font.size"] == size


def test_figure_report_finds_small_text_scaled_down_text_and_clashing_titles():
    figure = plt.figure(figsize=(5, 3), dpi=100)
    ax = figure.subplots()
    ax.text(0.5, 0.5, "tiny", fontsize=8)
    assert [text for _, text in figure_report(figure)[1]] == ["tiny"]
    wide = plt.figure(figsize=(22, 3), dpi=100)          # about 1800 px: shown scaled down, 10 pt looks 6 pt
    wide.subplots().set_xlabel("label", fontsize=10)
    width, small, _ = figure_report(wide)
    assert width > 1.5 * SLIDE_WIDTH
    assert (round(10 * SLIDE_WIDTH / width, 1), "label") in small
    crowded = plt.figure(figsize=(4, 2), dpi=100)
    left, right = crowded.subplots(1, 2)
    left.set_title("a very long title that runs into the next one")
    right.set_title("the neighbour's title")
    assert figure_report(crowded)[2]
    legends = plt.figure(figsize=(4, 2), dpi=100)
    for ax in legends.subplots(1, 2):
        ax.plot([0, 1], label="a long legend entry that runs wide")
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.2))
    assert any("legend" in a for a, _ in figure_report(legends)[2])
    plt.close("all")


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_static_figures_are_readable_on_a_projector(number, monkeypatch):
    assert matplotlib.get_backend().lower() == "agg"
    reports = run_notebook(NOTEBOOKS[number], monkeypatch)
    assert reports, f"notebook {number} shows no figure through show_figure"
    small = {cell: report[1] for cell, report in reports if report[1]}
    clashes = {cell: report[2] for cell, report in reports if report[2]}
    assert not small, f"notebook {number}: text below {SMALLEST_PT} pt as shown (pt, text): {small}"
    assert not clashes, f"notebook {number}: overlapping titles or legends: {clashes}"
