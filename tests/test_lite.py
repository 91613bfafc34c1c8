"""The JupyterLite site (`make lite`, build/lite/) in headless Chromium, checked against CPython.

For each notebook of the site (the course's notebooks and the released exercises), in a
fresh page and a fresh Pyodide kernel, with every request that would leave loopback
aborted (and listed in the failure):

1. opens it in JupyterLite (lab/index.html?path=...) and runs every cell
   (Run All Cells); no cell may end in an error;
   In a released exercise the reference solutions (solutions/) are pasted into the
   answer cells first, as a learner would type them, and every visible test cell must
   print that it passed;
2. compares the numbers each cell prints (stdout, results, figures' alt text) with the
   outputs stored by CPython in the repository (the same cells, by cell id): integers
   exactly, other numbers to 1e-6 relative (a number printed rounded may differ by one
   unit of its last printed digit; each such case is reported); cells tagged
   ``nbval-ignore-output`` (timings, widgets) are not compared;
3. moves every slider of every explorer (a widget box with an image) one step (typing the
   value into its readout) and checks that the figure changed (a new PNG, other bytes);
4. reports load time (page to idle kernel), time to the first result, the time of the
   longest cell (notebook 08: the training with its live loss curve) and each slider
   move's latency. These are reported, never asserted (STYLE habit 8).

The site is served from this process (a thread, loopback only). Without build/lite
(`make lite`), Chromium or Playwright the module skips with the reason; with CI=true
that is a failure. COURSE_LITE_SITE serves another folder; COURSE_LITE_ONLY=00,05
runs only those notebooks (numbers or exercise folder names).
"""
from __future__ import annotations

import functools
import json
import os
import re
import statistics
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser_support import REPO, block_network, missing_requirement, wait
from tests.browser_support import browser, capsys_module, report, sync_playwright  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SITE = Path(os.environ.get("COURSE_LITE_SITE", REPO / "build" / "lite"))
KERNEL_TIMEOUT_MS = 300_000     # page load to idle kernel (Pyodide and its packages), on a loaded machine
RUN_TIMEOUT_MS = 1_800_000      # Run All Cells of one notebook (08 trains four decoders)
REDRAW_TIMEOUT_MS = 60_000      # one slider move to a new figure
RELATIVE_TOLERANCE = 1e-6
# Differences from CPython that are understood, by (notebook, cell id): the test reports them
# instead of failing. Each says why; remove an entry when its cause is fixed.
KNOWN_DIFFERENCES = {
    ("notebooks/03_pooling_unpooling.ipynb", "6ef6d656"):
        "'pixels equal to the photo' counts exact float ties: grace_hopper's grey is `rgb @ weights`, "
        "which CPython hands to OpenBLAS (its dgemv rounds a pixel's last bit by its position, so CPython "
        "finds 1040) and Pyodide's numpy (no BLAS) computes in order, as the elementwise "
        "r*0.299 + g*0.587 + b*0.114 does on every platform (1038)",
}
# Notebooks that train networks: from the training cell on, every printed number depends on the
# trained weights. The step-0 numbers agree, but float rounding differs between OpenBLAS (CPython)
# and Pyodide's BLAS-free numpy (the grey photo already differs in its last bit, see 03 above), and
# hundreds of gradient steps amplify it (seen for 08: losses agree to ~0.1%, small checkerboard
# strengths differ by up to ~18%). These cells are reported, not compared; the training itself must
# run without an error.
TRAINED_FROM = {"notebooks/08_learned_upsampling.ipynb": "19e9f2eb", "notebooks/09_segmentation.ipynb": "a9c01d16"}
TRAINED_REASON = "printed after training: rounding differences amplified by the gradient steps (see TRAINED_FROM)"
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
SANITIZE = [(re.compile(r"0x[0-9a-fA-F]+"), "0xADDRESS"),
            (re.compile(r"<Figure size [0-9.]+x[0-9.]+ with \d+ Axes>"), "<Figure>")]


def _site_notebooks():
    """``(site path, repository path)`` of every notebook the site serves, in course order."""
    files = SITE / "files"
    found = sorted(files.glob("notebooks/[0-9][0-9]_*.ipynb")) + sorted(files.glob("exercises/*/*.ipynb"))
    if not found:  # not built: one placeholder, so the test reports why it skips
        found = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
        return [(path.relative_to(REPO).as_posix(), path) for path in found]
    only = [part.strip() for part in os.environ.get("COURSE_LITE_ONLY", "").split(",") if part.strip()]
    pairs = [(path.relative_to(files).as_posix(), REPO / path.relative_to(files)) for path in found]
    if only:
        pairs = [pair for pair in pairs if any(Path(pair[0]).parts[-1].startswith(o)
                                                or Path(pair[0]).parts[1].startswith(o) for o in only)]
    return pairs


# --- the site, served on loopback ------------------------------------------------------
class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".mjs": "text/javascript", ".js": "text/javascript", ".json": "application/json"}
    served = {"bytes": 0, "files": 0}

    def log_message(self, *args):
        pass

    def copyfile(self, source, outputfile):
        start = source.tell()
        super().copyfile(source, outputfile)
        _Handler.served["bytes"] += source.tell() - start
        _Handler.served["files"] += 1


@pytest.fixture(scope="module")
def site():
    if not (SITE / "jupyter-lite.json").exists():
        missing_requirement(f"{SITE} is not built: run `make lite` (without internet: "
                            "`make lite LITE_PACKAGES=carrier`) to get Pyodide's files")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# --- what a notebook printed ---------------------------------------------------------------
def printed_text(outputs):
    """The text a cell printed: stdout, results and figures' alt text (never stderr)."""
    parts = []
    for output in outputs:
        if output["output_type"] == "stream" and output.get("name") == "stdout":
            parts.append(_text(output["text"]))
        elif output["output_type"] in {"execute_result", "display_data"}:
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" not in data and "text/plain" in data:
                parts.append(_text(data["text/plain"]))
    text = "\n".join(parts)
    for pattern, replacement in SANITIZE:
        text = pattern.sub(replacement, text)
    return text


def _text(value):
    return "".join(value) if isinstance(value, list) else value


def _last_digit(token):
    """One unit of the last printed digit of a decimal number, 0 for integers and exponents."""
    if "." not in token or "e" in token.lower():
        return 0.0
    return 10.0 ** -len(token.split(".")[1])


def compare_numbers(expected_text, found_text):
    """``(problems, rounded)``: numbers that differ, and those that differ by one printed digit."""
    expected, found = NUMBER.findall(expected_text), NUMBER.findall(found_text)
    if len(expected) != len(found):
        return [f"{len(found)} numbers printed, CPython printed {len(expected)}:\n"
                f"  browser: {found_text[:400]!r}\n  CPython: {expected_text[:400]!r}"], []
    problems, rounded = [], []
    for want, got in zip(expected, found):
        if want == got:
            continue
        a, b = float(want), float(got)
        integers = not any(c in token for token in (want, got) for c in ".eE")
        if integers:
            problems.append(f"integer {got} printed, CPython printed {want}")
        elif abs(a - b) <= RELATIVE_TOLERANCE * max(abs(a), abs(b)):
            continue
        elif abs(a - b) <= 1.000001 * max(_last_digit(want), _last_digit(got)):
            rounded.append(f"{got} vs CPython {want}")
        else:
            problems.append(f"{got} printed, CPython printed {want} (relative difference "
                            f"{abs(a - b) / max(abs(a), abs(b)):.2g})")
    return problems, rounded


def stored_outputs(path):
    """CPython's stored outputs by cell id, without cells tagged nbval-ignore-output."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return {cell["id"]: cell.get("outputs", []) for cell in notebook["cells"]
            if cell["cell_type"] == "code" and "nbval-ignore-output" not in cell["metadata"].get("tags", [])}


# --- the page ---------------------------------------------------------------------------------
_KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!(k && k.status === 'idle' && w.content && w.content.model); }"""

_CELLS = """() => Array.from(window.jupyterapp.shell.currentWidget.content.model.cells)
  .filter(cell => cell.type === 'code')
  .map(cell => ({id: cell.id, count: cell.executionCount, outputs: cell.outputs.toJSON(),
                 timing: cell.getMetadata('execution') || {}}))"""

_EXPLORER_BOXES = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output > .widget-vbox'))
  .filter(box => box.querySelector('img.widget-image') && box.querySelector('.widget-slider'))"""

# keydown (Enter) -> the image's src changes -> the new image is loaded (ms, performance.now()).
_PROBE = """(img) => {
  const probe = {start: null, load: null, before: img.src};
  window.__liteProbe = probe;
  document.addEventListener('keydown', () => { if (probe.start === null) probe.start = performance.now(); },
                            {capture: true, once: true});
  const observer = new MutationObserver(() => {
    if (img.src === probe.before) return;
    observer.disconnect();
    img.addEventListener('load', () => { probe.load = performance.now(); }, {once: true});
  });
  observer.observe(img, {attributes: true, attributeFilter: ['src']});
}"""

_PNG = """async (img) => {
  const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
  let hash = 0;
  for (let i = 0; i < bytes.length; i++) hash = (hash * 31 + bytes[i]) | 0;
  return [bytes.length, hash];
}"""


def _seconds_between(start_iso, end_iso):
    from datetime import datetime
    parse = lambda stamp: datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end_iso) - parse(start_iso)).total_seconds()


def move_sliders(page, where):
    """Every explorer's every slider one step; returns the latencies (ms). Fails if a figure stays.

    The new value is typed into the slider's readout (Enter), as a learner can: in JupyterLite
    the arrow keys on a focused slider handle did not move it (they do in JupyterLab).
    """
    latencies, boxes = [], page.evaluate_handle(_EXPLORER_BOXES)
    count = page.evaluate("(boxes) => boxes.length", boxes)
    for index in range(count):
        box = boxes.evaluate_handle("(boxes, i) => boxes[i]", index).as_element()
        image = box.query_selector("img.widget-image")
        for slider in box.query_selector_all(".widget-slider"):
            label = (slider.query_selector(".widget-label").text_content() or "").strip()
            handle = slider.query_selector(".noUi-handle")
            value = round(float(handle.get_attribute("aria-valuenow")))
            target = value - 1 if value >= round(float(handle.get_attribute("aria-valuemax"))) else value + 1
            before = image.evaluate(_PNG)
            image.evaluate(_PROBE)
            readout = slider.query_selector(".widget-readout")
            readout.click()
            readout.fill(str(target))
            readout.press("Enter")
            try:
                page.wait_for_function("() => window.__liteProbe.load !== null", timeout=REDRAW_TIMEOUT_MS)
            except Exception as error:
                raise AssertionError(f"{where}: explorer {index}, slider {label!r} set to {target}: no new "
                                     f"figure within {REDRAW_TIMEOUT_MS / 1000:.0f} s") from error
            probe = page.evaluate("() => window.__liteProbe")
            assert image.evaluate(_PNG) != before, f"{where}: explorer {index}, slider {label!r}: same figure"
            latencies.append(probe["load"] - probe["start"])
    return count, latencies


def solution_sources(path):
    """The reference solutions (solutions/, nbgrader's source) of a released exercise, by cell id."""
    notebook = json.loads((REPO / "solutions" / Path(path).relative_to("exercises")).read_text(encoding="utf-8"))
    return {cell["id"]: "".join(cell["source"]) for cell in notebook["cells"]
            if cell["cell_type"] == "code" and cell["metadata"].get("nbgrader", {}).get("solution")}


def visible_test_cells(source):
    notebook = json.loads(source.read_text(encoding="utf-8"))
    return [cell["id"] for cell in notebook["cells"]
            if cell["cell_type"] == "code" and cell["metadata"].get("nbgrader", {}).get("grade")]


_PASTE = """(sources) => {
  let pasted = 0;
  for (const cell of window.jupyterapp.shell.currentWidget.content.model.cells) {
    if (cell.id in sources) { cell.sharedModel.setSource(sources[cell.id]); pasted += 1; }
  }
  return pasted;
}"""

NOTEBOOKS = _site_notebooks()


@pytest.mark.parametrize("path, source", NOTEBOOKS, ids=[path.removesuffix(".ipynb") for path, _ in NOTEBOOKS])
def test_notebook_runs_in_the_browser_like_cpython(path, source, site, browser, report):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    left = block_network(context)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    missing = []
    context.on("response", lambda response: missing.append(response.url) if response.status >= 400 else None)
    served = dict(_Handler.served)
    try:
        started = time.perf_counter()
        page.goto(f"{site}/lab/index.html?path={path}")
        wait(page, _KERNEL_IDLE, f"{path}: JupyterLite to open the notebook with an idle kernel",
             KERNEL_TIMEOUT_MS)
        loaded = time.perf_counter() - started
        origin = page.evaluate("() => new Date(performance.timeOrigin).toISOString()")
        exercise = path.startswith("exercises/")
        if exercise:  # a learner's answers: the reference solutions pasted into the released notebook
            solutions = solution_sources(path)
            assert page.evaluate(_PASTE, solutions) == len(solutions), f"{path}: solution cells not found"
        page.set_default_timeout(RUN_TIMEOUT_MS)
        finished = page.evaluate("async () => await window.jupyterapp.commands.execute('notebook:run-all-cells')")
        ran = time.perf_counter() - started - loaded
        cells = page.evaluate(_CELLS)

        failures = [f"{cell['id']}: {output['ename']}: {output['evalue']}" for cell in cells
                    for output in cell["outputs"] if output["output_type"] == "error"]
        assert not failures, f"{path}: cells failed in the browser:\n" + "\n".join(failures)
        assert finished, f"{path}: Run All Cells did not finish"
        unrun = [cell["id"] for cell in cells if cell["count"] is None]
        assert not unrun, f"{path}: cells not run: {unrun}"

        expected = {} if exercise else stored_outputs(source)  # releases store no outputs: their checks decide
        problems, rounded, known = [], [], []
        trained = False
        for cell in cells:
            trained = trained or cell["id"] == TRAINED_FROM.get(path)
            if cell["id"] in expected:
                found, want = printed_text(cell["outputs"]), printed_text(expected[cell["id"]])
                cell_problems, cell_rounded = compare_numbers(want, found)
                reason = TRAINED_REASON if trained else KNOWN_DIFFERENCES.get((path, cell["id"]))
                if cell_problems and reason:
                    known.append(f"cell {cell['id']}: {'; '.join(cell_problems[:3])} (known: {reason})")
                    continue
                problems += [f"cell {cell['id']}: {problem}" for problem in cell_problems]
                rounded += [f"cell {cell['id']}: {item}" for item in cell_rounded]
        assert not problems, f"{path}: printed numbers differ from CPython's:\n" + "\n".join(problems)
        if exercise:
            printed = {cell["id"]: printed_text(cell["outputs"]) for cell in cells}
            checks = visible_test_cells(source)
            silent = [cell_id for cell_id in checks if "Visible tests passed" not in printed.get(cell_id, "")]
            assert checks and not silent, f"{path}: visible checks that did not pass: {silent}"

        explorers, latencies = move_sliders(page, path)
        assert not left, f"{path}: requests left loopback: {left[:5]}"

        timed = [(_seconds_between(cell["timing"]["iopub.status.busy"], cell["timing"]["shell.execute_reply"]),
                  cell["id"]) for cell in cells if "shell.execute_reply" in cell["timing"]]
        first = [_seconds_between(origin, cell["timing"]["shell.execute_reply"]) for cell in cells
                 if "shell.execute_reply" in cell["timing"]][:1]
        longest = max(timed, default=(0.0, "-"))
        line = (f"[lite] {path}: load {loaded:.1f} s "
                f"({(_Handler.served['bytes'] - served['bytes']) / 1e6:.1f} MB served), "
                f"first result {first[0] if first else float('nan'):.1f} s, run all {ran:.1f} s, "
                f"longest cell {longest[1]} {longest[0]:.1f} s")
        if latencies:
            line += (f", {explorers} explorers / {len(latencies)} slider moves: median "
                     f"{statistics.median(latencies):.0f} ms, max {max(latencies):.0f} ms")
        for item in known:
            report.append(f"[lite] {path}: differs from CPython, {item}")
        if exercise:
            line += f", {len(checks)} visible test cells passed with the reference solutions"
        if rounded:
            line += f"; {len(rounded)} numbers differ in the last printed digit: {rounded[:3]}"
        line += f" (load average {os.getloadavg()[0]:.1f})"
        report.append(line)
        if errors or missing:
            report.append(f"[lite] {path}: page errors {errors[:3]}; not found {sorted(set(missing))[:5]}")
    finally:
        context.close()
