"""The static course website (``make book``) in headless Chromium, with the network blocked.

The module builds the website with ``tools/build_book.py`` into a temporary
folder (what ``make book`` does into ``build/book``), serves it with Python's
``http.server`` on a free loopback port, and opens every page in Chromium with
Playwright routing that aborts every request leaving loopback. For each
notebook's page it checks:

1. no request tried to leave loopback, none failed (HTTP status >= 400), and
   the page threw no error;
2. every figure the notebook stores is on the page and decoded (as many
   ``<img>`` in the outputs as the ``.ipynb`` holds PNG outputs, each with a
   non-zero natural size);
3. the formulas are typeset by MathJax (no ``$...$`` left in the text of any
   markdown cell; MathJax's output present where the notebook has formulas);
4. every stored widget renders from the stored widget state, and each
   explorer's figure is the stored first frame, byte for byte.

Each notebook's static slides are opened too (one page per deck): a reveal.js
deck with several slides, no request leaving loopback, no failed request, no
page error, and the formulas and stored explorers rendered as on the pages;
then every slide at 1280x720 and 1920x1080 fits the screen with legible text
(``tests/deck_checks.py``), an ipywidgets progress bar on a slide is visible,
the speaker view (key S) shows each slide's notes and a running timer without
any iframe, and axe-core finds no serious or critical WCAG 2.2 AA violation
(on the book pages too). Every local link of every page resolves (the
exercises included), and ``tools/build_handouts.py`` prints each deck to a
PDF with one page per slide and typeset formulas (``make handouts``).
Screenshots of two pages (the transposed-convolution explorer, the equivalence
notebook's formulas) and of a speaker view are saved; paths, the build time and
per deck the slide count, the tallest slide and the smallest text are printed
at the end.
"""
from __future__ import annotations

import base64
import html.parser
import re
import subprocess
import sys
import time

import nbformat
import pytest

from course_lib import inventory
from course_lib.widgets import value_png
from tests._tools import tool
from tests.browser_support import (REPO, Server, block_network, browser, capsys_module, free_port,  # noqa: F401
                                   report, require_node_modules, screenshots, sync_playwright, wait)
from tests.deck_checks import (axe_violations, check_speaker_view, pending, progress_bar_shown,
                               slider_keys_stay_on_slide, summary, walk_slides)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOKS = [REPO / entry.path for entry in inventory.NOTEBOOKS]   # the course inventory
VIEWPORT = {"width": 1280, "height": 900}
PAGE_TIMEOUT_MS = 60_000
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MATH = re.compile(r"(?<![\\$])\$[^$\n]+\$")  # inline or display formula in a markdown cell
# Decks whose slides other work still has to fit (their notebooks' owners): the checks run and
# report, and the test is an expected failure until the deck passes. Empty this at merge time.
PENDING_DECKS: dict[str, str] = {}

# MathJax 2 has finished when its queue is empty and the typeset signal has fired.
_MATHJAX_DONE = """() => window.MathJax !== undefined && MathJax.Hub !== undefined
  && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0
  && document.querySelector('.MathJax_Processing') === null"""

# Slides in a deck, also in reveal's print layout (which empties the vertical stacks).
_SLIDE_COUNT = "() => document.querySelectorAll('.reveal .slides section:not(.stack)').length"
# Formulas on the printed pages (speaker notes aside) that take no room: typeset while their
# slide was hidden, they vanish from the PDF (each named by its TeX source).
_UNPRINTED_MATH = """() => Array.from(document.querySelectorAll('.reveal .pdf-page .MathJax_CHTML'))
  .filter(el => !el.closest('aside, .speaker-notes-pdf') && el.getBoundingClientRect().width < 1)
  .map(el => ((el.nextElementSibling && el.nextElementSibling.textContent) || el.id).slice(0, 60)).slice(0, 5)"""
# What reveal prints of a slide: not its speaker notes, not the inside of a closed <details>.
_PRINTED = "!el.closest('aside, .speaker-notes-pdf, details:not([open])')"
# Content of a printed page that lies outside it (pdf-page clips it): a slide reveal's print
# layout did not let course-deck.js scale (`transform: none !important`) ran off the right edge.
_OUTSIDE_PAGE = """() => Array.from(document.querySelectorAll('.reveal .pdf-page')).flatMap((page, i) => {
  const box = page.getBoundingClientRect();
  return Array.from(page.querySelectorAll('section p, section li, section pre, section h1, section h2, section h3,'
      + ' section img, section table, section .MathJax_CHTML_Display'))
    .filter(el => """ + _PRINTED + """)
    .map(el => ({el, b: el.getBoundingClientRect()}))
    .filter(({b}) => b.width > 0 && (b.right > box.right + 2 || b.left < box.left - 2 || b.bottom > box.bottom + 2))
    .map(({el, b}) => `page ${i + 1}: ${el.tagName} "${el.textContent.trim().slice(0, 40)}" ends`
         + ` ${Math.round(Math.max(b.right - box.right, b.bottom - box.bottom, box.left - b.left))} px outside`);
}).slice(0, 5)"""
# The figures on the printed pages (distinct images): each must be an image of the PDF. A slide
# scaled with a transform kept its full height in the layout, and Chromium's page breaking moved
# the figure in its lower part past its page, where the page's clip hid it.
_PRINTED_FIGURES = """() => new Set(Array.from(document.querySelectorAll('.reveal .pdf-page section img'))
  .filter(el => """ + _PRINTED + """ && el.getBoundingClientRect().width > 0)
  .map(el => el.src)).size"""
_RAW_MATH = r"""() => Array.from(document.querySelectorAll('.jp-MarkdownOutput, .jp-RenderedMarkdown'))
  .map(el => (el.innerText.match(/\$[^$\n]{1,80}\$/g) || [])).flat().slice(0, 5)"""

_FIGURES = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output img:not(.widget-image)'))
  .map(img => ({complete: img.complete, width: img.naturalWidth}))"""

_WIDGET_IMAGES = """async () => {
  const out = [];
  for (const img of document.querySelectorAll('img.widget-image')) {
    if (!img.complete) await new Promise(r => img.addEventListener('load', r, {once: true}));
    const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    out.push({png: btoa(text), width: img.naturalWidth});
  }
  return out;
}"""


def _stored(path):
    """What the notebook stores: PNG outputs, widget views, formulas, the Image widgets' PNGs."""
    notebook = nbformat.read(path, as_version=4)
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    frames, sliders = set(), 0
    for model in state.values():
        sliders += model.get("model_name", "").endswith("SliderModel")
        if model.get("model_name") == "ImageModel":   # explorers store their frame as a PNG data: URL
            for buffer in model.get("buffers", []):
                if buffer.get("path") == ["value"]:
                    frames.add(value_png(base64.b64decode(buffer["data"]), model["state"].get("format", "png")))
    return {
        "pngs": sum("image/png" in output.get("data", {}) for output in outputs),
        "widgets": sum(WIDGET_VIEW in output.get("data", {}) for output in outputs),
        "formulas": sum(len(MATH.findall(cell.source)) for cell in notebook.cells if cell.cell_type == "markdown"),
        "frames": frames,
        "sliders": sliders,
    }


@pytest.fixture(scope="module")
def site(sync_playwright, tmp_path_factory, report):
    """Build the website into a temporary folder and serve it; yields the base URL."""
    require_node_modules("reveal.js/dist/reveal.css", "mathjax/MathJax.js", "requirejs/require.js",
                         "@jupyter-widgets/html-manager/dist/embed-amd.js", "axe-core/axe.min.js")
    tmp = tmp_path_factory.mktemp("book")
    out = tmp / "book"
    started = time.perf_counter()
    build = subprocess.run([sys.executable, str(REPO / "tools" / "build_book.py"), str(out)],
                           capture_output=True, text=True, cwd=REPO, timeout=600)
    assert build.returncode == 0, f"tools/build_book.py failed:\n{build.stdout}\n{build.stderr}"
    report.append(f"[book] tools/build_book.py built {len(list(out.glob('*.html')))} pages in "
                  f"{time.perf_counter() - started:.1f} s")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = Server([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port), "--directory", str(out)],
                    f"{base}/index.html", tmp / "http.log", cwd=tmp)
    try:
        server.start()
        yield base, out
    finally:
        server.stop()


def _open(browser, url):
    """A page opened with the network blocked; returns (page, context, left_loopback, failed, errors)."""
    context = browser.new_context(viewport=VIEWPORT)
    left = block_network(context)
    page = context.new_page()
    failed, errors = [], []
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))
    page.on("requestfailed", lambda request: failed.append(f"failed {request.url}")
            if "127.0.0.1" in request.url else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
    return page, context, left, failed, errors


def _check_rendered(page, path, expected, where):
    """Figures, formulas and stored widgets of one notebook, on a page or in a deck."""
    wait(page, _MATHJAX_DONE, f"{where}: MathJax to finish", PAGE_TIMEOUT_MS)
    figures = page.evaluate(_FIGURES)
    assert len(figures) >= expected["pngs"], (
        f"{where}: {len(figures)} figures shown, {path.name} stores {expected['pngs']}")
    assert all(f["complete"] and f["width"] > 0 for f in figures), f"{where}: a figure did not load: {figures}"
    raw = page.evaluate(_RAW_MATH)
    assert not raw, f"{where}: formulas left as raw LaTeX: {raw}"
    typeset = page.evaluate("() => document.querySelectorAll('.MathJax_CHTML').length")
    if expected["formulas"]:
        assert typeset > 0, f"{where}: {expected['formulas']} formulas in the notebook, none typeset"
    if expected["widgets"]:
        wait(page, "(n) => document.querySelectorAll('.widget-vbox, .widget-hbox, .widget-slider').length >= n"
             " && !document.body.innerText.includes('Loading widget')",
             f"{where}: the stored widgets to render", PAGE_TIMEOUT_MS, arg=1)
        frames = page.evaluate(_WIDGET_IMAGES)
        assert len(frames) >= len(expected["frames"]), (
            f"{where}: {len(frames)} explorer figures shown, the widget state holds {len(expected['frames'])}")
        for frame in frames:
            assert frame["width"] > 0, f"{where}: an explorer's figure does not decode"
            assert base64.b64decode(frame["png"]) in expected["frames"], (
                f"{where}: an explorer shows a figure that is not its stored first frame")
        sliders = page.evaluate("() => document.querySelectorAll('.widget-slider').length")
        assert sliders >= expected["sliders"], (   # explorers; 08's training monitor has none
            f"{where}: {sliders} sliders shown, the widget state holds {expected['sliders']}")
    return len(figures), typeset


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_book_page(path, site, browser, screenshots, report):
    expected = _stored(path)
    site, _ = site
    page, context, left, failed, errors = _open(browser, f"{site}/{path.stem}.html")
    try:
        shown, typeset = _check_rendered(page, path, expected, f"{path.stem}.html")
        nav = page.locator("nav.course-nav a").all_text_contents()
        assert "slides" in nav, f"{path.stem}.html: no link to its slides in the navigation bar ({nav})"
        if path.stem.startswith("05"):
            page.locator("img.widget-image").last.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshots / "book_05_explorer.png"))
            report.append(f"[book]   screenshot: {screenshots / 'book_05_explorer.png'}")
        if path.stem.startswith("06"):
            page.locator(".MathJax_CHTML").nth(3).scroll_into_view_if_needed()
            page.screenshot(path=str(screenshots / "book_06_formulas.png"))
            report.append(f"[book]   screenshot: {screenshots / 'book_06_formulas.png'}")
        page.wait_for_timeout(200)  # let late requests (fonts) show up before the checks below
        assert not left, f"{path.stem}.html: requests that tried to leave loopback: {left}"
        assert not failed, f"{path.stem}.html: failed requests: {failed}"
        assert not errors, f"{path.stem}.html: errors in the page: {errors}"
        violations = axe_violations(page, f"{path.stem}.html")
        assert not violations, "axe-core (WCAG 2.2 AA):\n" + "\n".join(violations)
        report.append(f"[book] {path.stem}.html: {shown} figures, {typeset} formulas typeset, "
                      f"{len(expected['frames'])} stored explorer frame(s) shown")
    finally:
        context.close()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_book_slides(path, site, browser, screenshots, report, request):
    expected = _stored(path)
    site, _ = site
    reason = pending(path.stem, PENDING_DECKS)
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=False))
    page, context, left, failed, errors = _open(browser, f"{site}/{path.stem}.slides.html")
    where = f"{path.stem}.slides.html"
    try:
        wait(page, "() => document.querySelector('.reveal.ready') !== null && window.courseDeck !== undefined",
             f"{path.stem}: reveal.js to start", PAGE_TIMEOUT_MS)
        slides = page.evaluate("() => document.querySelectorAll('.reveal .slides section').length")
        assert slides > 3, f"{where}: only {slides} slides"
        _check_rendered(page, path, expected, where)
        page.keyboard.press("ArrowRight")
        wait(page, "() => !location.hash.match(/^#?\\/?$/)", f"{where}: ArrowRight to move on", 10_000)
        assert progress_bar_shown(page), f"{where}: an ipywidgets progress bar on a slide is hidden"
        problems, measured = walk_slides(page, where)
        report.append(f"[book] {where}: {summary(measured)}")
        assert not problems, f"{where}: slides that do not fit:\n" + "\n".join(problems)
        if expected["sliders"]:
            stuck = slider_keys_stay_on_slide(page, where)
            assert not stuck, "\n".join(stuck)
        shot = screenshots / f"speaker_view_{path.stem}.png"
        notes_problems, requests, with_notes = check_speaker_view(page, where, shot)
        report.append(f"[book] {where}: speaker view: {with_notes} slides with notes, screenshot {shot}")
        assert not notes_problems, "\n".join(notes_problems)
        violations = axe_violations(page, where)
        assert not violations, "axe-core (WCAG 2.2 AA):\n" + "\n".join(violations)
        page.wait_for_timeout(200)
        assert not left, f"{where}: requests that tried to leave loopback: {left}"
        assert not failed, f"{where}: failed requests: {failed}"
        assert not errors, f"{where}: errors in the page: {errors}"
    finally:
        context.close()


class _Links(html.parser.HTMLParser):
    """Every href and src of a page, and its element ids."""

    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "link" and name == "href" and "stylesheet" not in (attrs.get("rel") or "")
                                        and "icon" not in (attrs.get("rel") or "")):
                self.links.append(attrs[name])


def test_book_local_links_resolve(site):
    """Every local link of every page (notebook pages, decks, exercises, index) names a file of the
    website, and a link to #anchor on a page names an element there."""
    _, out = site
    pages = sorted(out.glob("*.html"))
    parsed = {}
    for page_path in pages:
        parser = _Links()
        parser.feed(page_path.read_text(encoding="utf-8"))
        parsed[page_path.name] = parser
    broken, checked = [], 0
    for name, parser in parsed.items():
        for link in parser.links:
            if re.match(r"^[a-z][a-z0-9+.-]*:", link, re.I) or link.startswith("//"):
                continue  # http(s), mailto, data: ... (the tests above block the network)
            target, _, anchor = link.partition("#")
            target = target.split("?")[0]
            checked += 1
            if target and not (out / target).resolve().is_file():
                broken.append(f"{name}: {link}")
            elif anchor and target.endswith(".html") and (target or name) in parsed:
                ids = parsed[target or name].ids
                if anchor not in ids and not anchor.startswith("/"):
                    broken.append(f"{name}: {link} (no id {anchor!r})")
    assert checked > 100, f"only {checked} local links found"
    assert not broken, f"{len(broken)} broken local links:\n" + "\n".join(broken[:30])
    exercises = sorted(p.name for p in out.glob("exercise_*.html"))
    assert exercises, "the notebooks link to exercises; the book has no exercise page"


def _build_handouts():
    """tools/build_handouts.py as a module."""
    return tool("build_handouts")


def test_handouts_one_page_per_slide_with_typeset_math(site, browser, tmp_path, report):
    """``make handouts`` (tools/build_handouts.py): every deck printed by Chromium has one page per slide
    and, where the notebook has formulas, MathJax's fonts in the PDF (typeset, not raw LaTeX), every
    formula of a printed page with a width (one typeset before reveal laid out the pages was 0 px wide),
    nothing of a slide outside its page (reveal's print layout undid course-deck.js's scaling), and
    every figure of a printed page in the PDF."""
    build_handouts = _build_handouts()
    base, _ = site
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    left = block_network(context)
    page = context.new_page()
    try:
        for path in NOTEBOOKS:
            target = tmp_path / f"{path.stem}.pdf"
            pages = build_handouts.print_deck(page, f"{base}/{path.stem}.slides.html", target)
            slides = page.evaluate(_SLIDE_COUNT)
            pdf = target.read_bytes()
            printed = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
            assert pages == slides and printed == slides, (
                f"{path.stem}: {slides} slides, {pages} print pages, {printed} pages in the PDF")
            raw = page.evaluate(_RAW_MATH)
            assert not raw, f"{path.stem}: raw LaTeX in the handout: {raw}"
            assert page.evaluate(build_handouts.WIDGETS_DRAWN), f"{path.stem}: printed before its widgets were drawn"
            figures = page.evaluate(_PRINTED_FIGURES)
            images = len(re.findall(rb"/Subtype\s*/Image", pdf))
            assert images >= figures, (
                f"{path.stem}: {figures} figures on the printed pages, {images} images in the PDF")
            outside = page.evaluate(_OUTSIDE_PAGE)
            assert not outside, f"{path.stem}: printed pages cut their content off: {outside}"
            unprinted = page.evaluate(_UNPRINTED_MATH)
            assert not unprinted, f"{path.stem}: formulas 0 px wide on the printed pages: {unprinted}"
            if _stored(path)["formulas"]:
                assert b"MathJax" in pdf, f"{path.stem}.pdf: no MathJax font: formulas not typeset"
            report.append(f"[handouts] {path.stem}.pdf: {printed} pages, {images} images, {len(pdf) // 1024} KiB")
        with_notes = tmp_path / "05_notes.pdf"
        five = next(p for p in NOTEBOOKS if p.stem.startswith("05"))
        pages = build_handouts.print_deck(page, f"{base}/{five.stem}.slides.html", with_notes, notes=True)
        printed = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", with_notes.read_bytes()))
        slides = page.evaluate(_SLIDE_COUNT)
        notes = page.evaluate("() => document.querySelectorAll('.reveal .slides > .speaker-notes-pdf').length")
        assert notes > 5 and printed == pages == slides + notes, (
            f"05 with notes: {printed} pages in the PDF, {pages} print pages, {slides} slides, {notes} notes pages")
        assert not left, f"handouts: requests that tried to leave loopback: {left}"
    finally:
        context.close()


def test_book_index_links_every_page_and_deck(site, browser):
    site, _ = site
    page, context, left, failed, errors = _open(browser, f"{site}/index.html")
    try:
        links = set(page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"))
        wanted = {f"{p.stem}{suffix}" for p in NOTEBOOKS for suffix in (".html", ".slides.html")}
        assert wanted <= links, f"index.html lacks links to {sorted(wanted - links)}"
        assert not left and not failed and not errors, (left, failed, errors)
        violations = axe_violations(page, "index.html")
        assert not violations, "axe-core (WCAG 2.2 AA):\n" + "\n".join(violations)
    finally:
        context.close()


class _FakeDeckPage:
    """A Playwright page stand-in for print_deck: the widget wait times out on the first ``stalls`` loads."""

    def __init__(self, stalls):
        self.stalls, self.loads, self.printed = stalls, 0, None
        self.widgets_drawn = _build_handouts().WIDGETS_DRAWN

    def goto(self, url, **kwargs):
        self.loads += 1

    def wait_for_function(self, expression, **kwargs):
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        if expression == self.widgets_drawn and self.loads <= self.stalls:
            raise PlaywrightTimeout("widgets")

    def evaluate(self, expression):
        return 3 if "pdf-page" in expression else None

    def wait_for_timeout(self, ms):
        pass

    def pdf(self, **kwargs):
        self.printed = kwargs


def test_print_deck_loads_again_when_the_widgets_never_appear(tmp_path):
    build_handouts = _build_handouts()
    page = _FakeDeckPage(stalls=1)
    assert build_handouts.print_deck(page, "http://deck", tmp_path / "a.pdf") == 3
    assert page.loads == 2 and page.printed["page_ranges"] == "1-3"
    never = _FakeDeckPage(stalls=build_handouts.LOADS)
    with pytest.raises(RuntimeError, match="widgets were not drawn in 3 loads"):
        build_handouts.print_deck(never, "http://deck", tmp_path / "b.pdf")
    assert never.loads == build_handouts.LOADS and never.printed is None
