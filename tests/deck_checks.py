"""Checks every deck shares, live (Voilà, ``tests/test_slides.py``) and static (``make book``,
``tests/test_book.py``): each slide fits the screen with legible text, the speaker view shows
each slide's notes, and axe-core finds no serious or critical WCAG 2.2 AA violation.

The functions take a Playwright page already showing a deck whose ``course-deck.js`` has run
(``window.courseDeck``), walk the slides through the URL hash (as the speaker view does) and
return plain data for the tests to assert on and report.
"""
from __future__ import annotations

import base64

from tests.browser_support import REPO, wait

SCREENS = ({"width": 1280, "height": 720}, {"width": 1920, "height": 1080})
# Smallest text allowed on a slide, in CSS pixels on a 1280x720 screen (20 px notebook text
# scaled by reveal's margin 0.96 and course-deck.js's smallest fit 0.7 gives 13.4 px).
MIN_TEXT_PX = 12.0
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA = the A and AA rules of WCAG 2.0, 2.1 and 2.2.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_GO = """(index) => {
  const slides = courseDeck.leafSlides();
  const section = slides[index];
  const top = section.parentElement.matches('.reveal .slides') ? section : section.parentElement;
  const h = Array.from(top.parentElement.children).filter(el => el.tagName === 'SECTION').indexOf(top);
  const v = top === section ? 0 : Array.from(top.children).filter(el => el.tagName === 'SECTION').indexOf(section);
  location.hash = '#/' + h + (v ? '/' + v : '');
  return slides.length;
}"""

_SHOWN = "(index) => courseDeck.leafSlides()[index].classList.contains('present')"

# The slide on screen: how far its content reaches, what is clipped inside it, its smallest
# text (on screen, after every scaling), its fit scale and its title.
_MEASURE = """() => {
  const section = courseDeck.presentSlide();
  // hidden copies for screen readers, and (for the text size only) sub- and superscripts of formulas
  const skip = '.MJX_Assistive_MathML, mjx-assistive-mml, .MathJax_Preview, script, style, aside.notes';
  const scripts = '.mjx-sup, .mjx-sub, .mjx-script, .mjx-under, .mjx-over, mjx-script, mjx-sub, mjx-sup';
  const clipKinds = 'section, pre, code, .jp-OutputArea-output, .jp-RenderedText, .jp-RenderedHTMLCommon, .jp-Cell, .jp-OutputArea';
  let bottom = 0, right = 0, left = Infinity, top = Infinity;
  const clipped = [];
  let smallest = Infinity, smallestText = '';
  for (const el of [section, ...section.querySelectorAll('*')]) {
    if (el.closest(skip) || el.closest('details:not([open]) > :not(summary)')) continue;
    // not rendered (display none, a closed <details>); fragments not yet shown still count
    if (!el.checkVisibility({contentVisibilityAuto: true})) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    bottom = Math.max(bottom, box.bottom); right = Math.max(right, box.right);
    left = Math.min(left, box.left); top = Math.min(top, box.top);
    if (el.matches(clipKinds) && el !== section
        && ((style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 2)
            || (style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 2)))
      clipped.push(el.tagName.toLowerCase() + '.' + el.className + ': ' + el.textContent.trim().slice(0, 60));
    const text = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
    if (text && el.offsetWidth > 0 && !el.closest(scripts)) {
      const px = parseFloat(style.fontSize) * box.width / el.offsetWidth;
      if (px < smallest) { smallest = px; smallestText = text.slice(0, 40); }
    }
  }
  const title = (section.querySelector('h1, h2, h3, h4') || {textContent: ''}).textContent.replace(/¶/g, '').trim();
  return {top, bottom, left, right, clipped, smallest, smallestText, title,
          scale: parseFloat(section.dataset.courseScale || '1'), height: bottom - top,
          viewport: [innerWidth, innerHeight]};
}"""


# The slide on screen has settled: MathJax 2 (static decks) has nothing queued, and course-deck.js's
# fit (scale, height) and the slide's images and fonts are the same three times 100 ms apart (formulas and
# figures change the height as they render; on a loaded machine that takes a while); up to 12 s.
_SETTLED = """async () => {
  const idle = () => !(window.MathJax && MathJax.Hub && MathJax.Hub.queue)
    || (MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0);
  const state = () => { const s = courseDeck.presentSlide();
    const images = Array.from(s.querySelectorAll('img')).filter(i => !i.complete).length;
    return s.dataset.courseScale + ' ' + s.scrollHeight + ' ' + s.style.top + ' ' + images + ' ' + document.fonts.status; };
  const pause = ms => new Promise(r => setTimeout(r, ms));
  let last = null, same = 0;
  for (let i = 0; i < 120; i++) {
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const now = state();
    same = idle() && now === last ? same + 1 : 0;
    if (same >= 2) return true;
    last = now;
    await pause(100);
  }
  return false;
}"""


def go_to_slide(page, index):
    """Show leaf slide ``index`` (0-based) and wait until it has settled; returns the number of slides."""
    count = page.evaluate(_GO, index)
    wait(page, _SHOWN, f"slide {index + 1} to show", 10_000, arg=index)
    page.evaluate(_SETTLED)
    return count


def walk_slides(page, where):
    """Every slide at every screen size: a list of problems and, per size, the measurements."""
    problems, measured = [], {}
    for screen in SCREENS:
        page.set_viewport_size(screen)
        rows = []
        count = page.evaluate("() => courseDeck.leafSlides().length")
        for index in range(count):
            go_to_slide(page, index)
            m = page.evaluate(_MEASURE)
            rows.append(m)
            label = f"{where} at {screen['width']}x{screen['height']}, slide {index + 1}/{count} ({m['title'][:50]!r})"
            if m["bottom"] > screen["height"] + 1 or m["top"] < -1:
                problems.append(f"{label}: content spans y {m['top']:.0f}..{m['bottom']:.0f}, "
                                f"taller than the screen (fit scale {m['scale']})")
            if m["right"] > screen["width"] + 1 or m["left"] < -1:
                problems.append(f"{label}: content spans x {m['left']:.0f}..{m['right']:.0f}, "
                                f"wider than the screen (fit scale {m['scale']})")
            if m["clipped"]:
                problems.append(f"{label}: clipped content: {m['clipped'][:3]}")
            if screen["width"] == 1280 and m["smallest"] < MIN_TEXT_PX:
                problems.append(f"{label}: text {m['smallest']:.1f} px < {MIN_TEXT_PX} px: {m['smallestText']!r}")
        measured[f"{screen['width']}x{screen['height']}"] = rows
    page.set_viewport_size(SCREENS[0])
    return problems, measured


def summary(measured):
    """'N slides, tallest H px (slide i), smallest scale s, smallest text t px' at 1280x720."""
    rows = measured["1280x720"]
    tallest = max(range(len(rows)), key=lambda i: rows[i]["height"])
    return (f"{len(rows)} slides; at 1280x720 tallest content {rows[tallest]['height']:.0f} px "
            f"(slide {tallest + 1}), smallest fit scale {min(r['scale'] for r in rows):.3f}, "
            f"smallest text {min(r['smallest'] for r in rows):.1f} px")


_SPEAKER_STATE = """() => {
  const w = window.open('', 'course-speaker-view');
  const d = w.document;
  // textContent (not innerText) on both sides: a notes <aside> is not rendered on the slide, and a
  // typeset formula's glyphs are blocks (one per line in innerText) where it is rendered
  return {notes: d.getElementById('course-notes').textContent.replace(/\\s+/g, ' ').trim(),
          number: d.getElementById('course-slide-number').textContent,
          timer: d.getElementById('course-timer').textContent,
          iframes: d.querySelectorAll('iframe').length,
          previews: d.querySelectorAll('.preview section').length};
}"""

_NOTES_OF = """(index) => Array.from(courseDeck.leafSlides()[index].querySelectorAll('aside.notes'))
  .map(a => a.textContent).join(' ').replace(/\\s+/g, ' ').trim()"""


def check_speaker_view(page, where, screenshot=None):
    """Open the speaker view with S on the first slide with notes, step with the speaker view's own
    ArrowRight; the notes, number and previews follow the deck; the timer runs. Returns
    (problems, the popup's requests, how many slides have notes)."""
    count = go_to_slide(page, 0)
    with_notes = [i for i in range(count) if page.evaluate(_NOTES_OF, i)]
    if not with_notes:
        return [f"{where}: no slide has speaker notes"], [], 0
    first = with_notes[0]
    go_to_slide(page, first)
    requests = []
    with page.context.expect_page(timeout=10_000) as popup_info:
        page.keyboard.press("s")
    popup = popup_info.value
    popup.on("request", lambda request: requests.append(request.url))
    problems = []
    state = page.evaluate(_SPEAKER_STATE)
    want = page.evaluate(_NOTES_OF, first)
    if want[:80] not in state["notes"]:
        problems.append(f"{where}: speaker view on slide {first + 1} shows {state['notes'][:80]!r}, notes are {want[:80]!r}")
    if state["number"] != f"slide {first + 1} / {count}":
        problems.append(f"{where}: speaker view says {state['number']!r} on slide {first + 1}")
    if state["iframes"] or state["previews"] != (2 if first + 1 < count else 1):
        problems.append(f"{where}: speaker view has {state['iframes']} iframes and {state['previews']} previews")
    try:  # the timer ticks once a second
        page.wait_for_function(f"() => ({_SPEAKER_STATE})().timer !== '00:00'", timeout=10_000, polling=200)
    except Exception:  # noqa: BLE001 (reported as a problem below)
        problems.append(f"{where}: the speaker view's timer does not run")
    if screenshot:  # for a person to look at
        popup.set_viewport_size({"width": 1280, "height": 720})
        # through the DevTools protocol: Playwright's screenshot waits for document.fonts, which in the
        # about:blank speaker window stays "loading" (MathJax's web fonts), and timed out after 15 s
        # for every deck
        cdp = popup.context.new_cdp_session(popup)
        try:
            screenshot.write_bytes(base64.b64decode(cdp.send("Page.captureScreenshot", {"format": "png"})["data"]))
        finally:
            cdp.detach()
    popup.bring_to_front()
    popup.keyboard.press("ArrowRight")
    wait(page, _SHOWN, f"{where}: ArrowRight in the speaker view to move the deck", 10_000, arg=first + 1)
    want = page.evaluate(_NOTES_OF, first + 1) or "(no notes for this slide)"
    try:  # the notes follow (their formulas are typeset as the slide is shown, then copied again)
        page.wait_for_function(f"""([want, number]) => {{ const s = ({_SPEAKER_STATE})();
                                   return s.notes.includes(want) && s.number === number; }}""",
                               arg=[want[:80], f"slide {first + 2} / {count}"], timeout=10_000, polling=100)
    except Exception:  # noqa: BLE001 (reported as a problem below)
        pass
    want = page.evaluate(_NOTES_OF, first + 1) or "(no notes for this slide)"
    state = page.evaluate(_SPEAKER_STATE)
    if want[:80] not in state["notes"] or state["number"] != f"slide {first + 2} / {count}":
        problems.append(f"{where}: after ArrowRight the speaker view shows {state['number']!r}, "
                        f"{state['notes'][:60]!r}; want slide {first + 2}, {want[:60]!r}")
    popup.close()
    return problems, requests, len(with_notes)


def axe_violations(page, where):
    """Serious and critical WCAG 2.2 AA violations axe-core finds in the page as it is."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                        resultTypes: ['violations']})""", AXE_TAGS)
    found = []
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            found.append(f"{where}: {violation['impact']} {violation['id']} ({violation['help']}) "
                         f"x{len(violation['nodes'])}: {targets}")
    return found


# An ipywidgets IntProgress as the widget manager renders it, put on the slide on screen: reveal.css's
# `.reveal .progress {display: none}` (its own progress line) used to hide it.
_PROGRESS_SHOWN = """() => {
  const section = courseDeck.presentSlide();
  const box = document.createElement('div');
  box.className = 'lm-Widget jupyter-widgets widget-inline-hbox widget-progress widget-hprogress';
  box.innerHTML = '<label class="widget-label">training</label><div class="progress">'
                + '<div class="progress-bar" style="width: 40%"></div></div>';
  section.appendChild(box);
  const bar = box.querySelector('.progress');
  const style = getComputedStyle(bar), rect = bar.getBoundingClientRect();
  const shown = style.display !== 'none' && style.opacity !== '0' && rect.height > 4 && rect.width > 40
                && style.position !== 'absolute';
  box.remove();
  return shown;
}"""


def progress_bar_shown(page):
    """True when an ipywidgets progress bar on a slide is visible (the `.progress` clash is fixed)."""
    return page.evaluate(_PROGRESS_SHOWN)


def pending(stem, pending_decks):
    """The reason a deck is not expected to pass yet (``pending_decks``: stem prefix -> reason), or None."""
    return next((reason for prefix, reason in pending_decks.items() if stem.startswith(prefix)), None)


def slider_keys_stay_on_slide(page, where):
    """On the first slide with a slider: an arrow key on its focused handle moves the slider and not the
    deck (reveal listens for arrow keys on the document). Returns a list of problems."""
    index = page.evaluate("() => courseDeck.leafSlides().findIndex(s => s.querySelector('[role=slider]'))")
    if index < 0:
        return [f"{where}: no slide with a slider"]
    go_to_slide(page, index)
    handle = page.locator("section.present [role=slider]").first
    value = float(handle.get_attribute("aria-valuenow"))
    key = "ArrowLeft" if value >= float(handle.get_attribute("aria-valuemax")) else "ArrowRight"
    handle.focus()
    page.keyboard.press(key)
    try:
        page.wait_for_function("([el, v]) => parseFloat(el.getAttribute('aria-valuenow')) !== v",
                               arg=[handle.element_handle(), value], timeout=5_000, polling=50)
    except Exception:  # noqa: BLE001 (reported below)
        return [f"{where}: {key} on the focused slider of slide {index + 1} did not move it"]
    page.wait_for_timeout(300)  # reveal would change the slide within a frame; give it time to show it did not
    if not page.evaluate(_SHOWN, index):
        return [f"{where}: {key} on the focused slider of slide {index + 1} also changed the slide"]
    return []
