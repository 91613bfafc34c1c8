"""Handouts: a PDF per deck of the static website (`make handouts`).

Usage: python tools/build_handouts.py [BOOK_FOLDER] [OUTPUT_FOLDER] [--notes]
       (defaults: build/book and build/handouts; `make book` builds BOOK_FOLDER)

Each NN_name.slides.html of BOOK_FOLDER is opened in Chromium (Debian's `chromium`, or
the binary COURSE_CHROMIUM names) through Playwright, in reveal.js's print layout
(``?print-pdf``: every slide on a page of its own, 1280x720 plus reveal's margin, fitted
by course-deck.js), once MathJax has typeset every formula and the widget manager has
drawn every stored widget, and printed with Chromium's print-to-PDF to
OUTPUT_FOLDER/NN_name.pdf. With --notes each slide's speaker notes follow it on a page
of their own. The website is served from a loopback port for the time it takes; nothing
is loaded from the network. Prints one line per PDF.
"""
from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 120_000

WIDGET_WAIT_MS = 20_000
LOADS = 3

# Every stored widget view drawn: the widget manager (loaded by require.js, after the page's load
# event) puts a .widget-subarea before each view's <script> and draws the view into it; until it
# starts there is no "Loading widget" text to wait for (a deck printed before it lost its explorers).
WIDGETS_DRAWN = """() => {
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
  const drawn = Array.from(document.querySelectorAll('.widget-subarea')).filter(el => el.children.length > 0).length;
  return drawn >= views && !document.body.innerText.includes('Loading widget');
}"""

# reveal's print layout is done (pdf-ready -> course-deck.js typeset the formulas again and fitted
# every page) and MathJax 2's queue is empty.
_LAID_OUT = """() => document.documentElement.dataset.courseFitted === 'all'
  && document.querySelectorAll('.reveal .pdf-page').length > 0
  && window.MathJax !== undefined && MathJax.Hub !== undefined
  && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0
  && document.querySelector('.MathJax_Processing') === null"""
_READY = _LAID_OUT + " && (" + WIDGETS_DRAWN + ")()"


def print_deck(page, url: str, target: Path, notes: bool = False) -> int:
    """Print the deck at ``url`` to ``target`` in ``page`` (a Playwright page); returns the page count.

    Waits for the print layout, the formulas and every stored widget view. Under load the widget
    manager sometimes never draws the views of a print layout (1 load in 10 to 14 with two busy
    loops beside Chromium; no error on the page): the deck is then loaded again, up to LOADS times,
    and a deck whose widgets never appear is an error, not a handout without its explorers.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    query = "?print-pdf" + ("&showNotes=separate-page" if notes else "")
    for load in range(1, LOADS + 1):
        page.goto(url + query, wait_until="load", timeout=TIMEOUT_MS)
        page.wait_for_function(_LAID_OUT, timeout=TIMEOUT_MS, polling=200)
        try:
            page.wait_for_function(WIDGETS_DRAWN, timeout=WIDGET_WAIT_MS, polling=200)
            break
        except PlaywrightTimeout:
            if load == LOADS:
                raise RuntimeError(f"{url}: the stored widgets were not drawn in {LOADS} loads "
                                   f"({WIDGET_WAIT_MS / 1000:.0f} s each after the layout)") from None
            print(f"{url}: widgets not drawn {WIDGET_WAIT_MS / 1000:.0f} s after the layout; loading it again",
                  file=sys.stderr)
    page.wait_for_function(_READY, timeout=TIMEOUT_MS, polling=200)
    page.evaluate("() => document.fonts.ready")
    page.wait_for_timeout(300)  # the last fitted page's style (a widget drawn late refits its page)
    # a page per slide, and with the notes a page per slide that has notes (reveal's separate-page)
    pages = page.evaluate("() => document.querySelectorAll('.reveal .pdf-page').length"
                          " + document.querySelectorAll('.reveal .slides > .speaker-notes-pdf').length")
    # (the page range leaves out the empty page Chromium adds after reveal's last one)
    page.pdf(path=str(target), prefer_css_page_size=True, print_background=True, page_ranges=f"1-{pages}")
    return pages


@functools.cache
def _quiet_handler(directory: str):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=directory, **kwargs)

        def log_message(self, *args):
            pass
    return Handler


def build(book: Path, out: Path, notes: bool = False) -> list[Path]:
    decks = sorted(book.glob("[0-9][0-9]_*.slides.html"))
    if not decks:
        sys.exit(f"no decks (NN_name.slides.html) in {book}: run `make book` first")
    if not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"{CHROMIUM} is missing: Debian: apt-get install chromium (or set COURSE_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sys.exit("the Python package playwright is missing: pip install -e '.[book]' (make handouts does)")
    out.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _quiet_handler(str(book)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            # offline: only the loopback server answers
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                          or route.request.url.startswith(("data:", "blob:")) else route.abort())
            page = context.new_page()
            for deck in decks:
                target = out / deck.name.replace(".slides.html", ".pdf")
                started = time.perf_counter()
                pages = print_deck(page, f"{base}/{deck.name}", target, notes)
                print(f"{target} ({pages} slides{' + notes' if notes else ''}, "
                      f"{time.perf_counter() - started:.1f} s)")
                written.append(target)
            browser.close()
    finally:
        server.shutdown()
    return written


def main(argv):
    notes = "--notes" in argv
    args = [a for a in argv if a != "--notes"]
    book = Path(args[0] if args else REPO / "build" / "book").resolve()
    out = Path(args[1] if len(args) > 1 else REPO / "build" / "handouts").resolve()
    build(book, out, notes)


if __name__ == "__main__":
    main(sys.argv[1:])
