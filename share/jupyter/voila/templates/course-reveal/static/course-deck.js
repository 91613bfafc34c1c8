/* The course's deck helpers, shared by the live decks (Voila, template course-reveal),
 * the static decks and the book's pages (make book copies this file into _static/course/).
 *
 * 1. Fit: the slide on screen is scaled down (never below MIN_SCALE, so text stays
 *    legible) until its content fits the deck's 1280x720 canvas; a line of code too long
 *    for the slide widens the slide before the scaling. Runs whenever the slide, its size
 *    (a widget rendered) or the window changes, and on every page of a PDF print.
 * 2. Speaker view (key S): a window with the current slide's speaker notes (cells with
 *    slide_type "notes"), copies of the current and next slides, the slide number, an
 *    elapsed-time timer (click to pause, R to reset) and the clock. Unlike reveal's own
 *    speaker view it has no <iframe> previews: in a live deck each preview was another
 *    Voila page, so another kernel running the whole notebook. The speaker view's
 *    arrow keys / Space move the deck.
 * 3. Accessibility: every ipywidgets slider gets its label as its accessible name
 *    (ipywidgets 8 renders role="slider" without one), every figure without an alt text
 *    gets one naming the slide or section it belongs to.
 * Reveal's API object is not reachable in Voila's bundle, so everything here works on the
 * DOM (.reveal .slides section.present) and moves the deck through the URL hash.
 */
(function () {
  'use strict';
  const MIN_SCALE = 0.7;   // 20px notebook text -> 14px at 1280x720: still legible from the back row
  const STEP = 0.025;

  const isPrinting = () => /print-pdf/.test(window.location.search);

  function leafSlides() {
    return Array.from(document.querySelectorAll('.reveal .slides section'))
      .filter(section => section.querySelector('section') === null);
  }

  function presentSlide() {
    return leafSlides().find(section => section.classList.contains('present')) || null;
  }

  function canvasSize() {
    const slides = document.querySelector('.reveal .slides');
    const width = parseFloat(slides && slides.style.width) || 1280;
    const height = parseFloat(slides && slides.style.height) || 720;
    return {width, height};
  }

  // --- 1. fit --------------------------------------------------------------------------
  function fitSlide(section) {
    if (!section) return;
    const {width, height} = canvasSize();
    // a printed page (reveal's print layout, ?print-pdf) is scaled with CSS zoom, a slide on
    // screen with a transform: reveal's print CSS sets `transform: none !important`, and a
    // transform leaves the layout tall, so Chromium's page breaking pushed a figure in the
    // lower part of a scaled slide past its page, where the page's clip hid it
    const printing = isPrinting();
    section.style.transform = '';
    section.style.transformOrigin = '';
    section.style.zoom = '';
    if (section.dataset.courseWidth) section.style.width = section.dataset.courseWidth;
    let scale = 1;
    // (scrollWidth/scrollHeight are in the slide's own unscaled pixels, with either)
    const fits = () => section.scrollHeight <= height / scale + 1 && section.scrollWidth <= width / scale + 1;
    while (!fits() && scale - STEP >= MIN_SCALE - 1e-9) {
      scale -= STEP;
      if (section.dataset.courseWidth === undefined) section.dataset.courseWidth = section.style.width;
      section.style.width = (width / scale) + 'px';
      if (printing) {
        section.style.zoom = scale.toFixed(3);
      } else {
        section.style.transformOrigin = '0 0';
        section.style.transform = 'scale(' + scale.toFixed(3) + ')';
      }
    }
    // centred vertically as reveal does, but on the fitted height (reveal measured the slide
    // when it was shown: formulas typeset and widgets rendered later change it); a zoomed
    // slide's own top is zoomed too
    const top = Math.max((height - section.scrollHeight * scale) / 2, 0);
    section.style.top = (printing ? top / scale : top) + 'px';
    // (on a printed page reveal's left margin stays)
    if (scale < 1 && !printing) section.style.left = '0px';
    section.dataset.courseScale = scale.toFixed(3);
    section.dataset.courseFitHeight = section.scrollHeight;
  }

  let fitQueued = false;
  function fitPresentSoon() {
    if (fitQueued) return;
    fitQueued = true;
    requestAnimationFrame(() => {
      fitQueued = false;
      if (isPrinting()) leafSlides().forEach(fitSlide);
      else fitSlide(presentSlide());
      updateSpeaker();
    });
  }

  function watchSlides() {
    const slides = document.querySelector('.reveal .slides');
    if (!slides) return false;
    // a slide change toggles the class "present"; a widget that renders changes the size
    // (and again a little later: formulas are typeset and figures decoded after the change)
    new MutationObserver(() => {
      fitPresentSoon();
      setTimeout(fitPresentSoon, 300);
      setTimeout(fitPresentSoon, 1000);
    }).observe(slides, {attributes: true, attributeFilter: ['class'], subtree: true});
    const sizes = new ResizeObserver(fitPresentSoon);
    leafSlides().forEach(section => sizes.observe(section));
    window.addEventListener('resize', fitPresentSoon);
    // a late change the observers above miss (a formula re-rendered, an image decoded): refit
    setInterval(() => {
      const section = presentSlide();
      if (section && String(section.scrollHeight) !== section.dataset.courseFitHeight) fitPresentSoon();
      updateSpeaker();
    }, 400);
    window.addEventListener('hashchange', fitPresentSoon);
    // reveal's print layout (?print-pdf) ends with this event: fit every page then
    // MathJax 2 (the static decks) sizes a formula from the text around it when it typesets it;
    // a formula typeset before reveal laid the pages out sat in a hidden slide and came out 0 px
    // wide, so it vanished from the print (and others got another size): typeset them all again
    // on the laid-out pages, then fit
    document.querySelector('.reveal').addEventListener('pdf-ready', () => {
      const fitAll = () => {
        leafSlides().forEach(fitSlide);
        document.documentElement.dataset.courseFitted = 'all';
      };
      const hub = window.MathJax && window.MathJax.Hub;
      if (hub && typeof hub.Queue === 'function') hub.Queue(['Rerender', hub], fitAll);
      else fitAll();
    });
    fitPresentSoon();
    return true;
  }

  // --- 2. speaker view -----------------------------------------------------------------
  let speaker = null;
  let timerStart = Date.now();
  let pausedAt = null;
  let timerOpened = false;

  function slideTitle(section) {
    const heading = section && section.querySelector('h1, h2, h3, h4');
    return heading ? heading.textContent.replace(/¶/g, '').trim() : '';
  }

  function slidePosition(section) {
    // reveal's hash: #/h or #/h/v (v within a vertical stack)
    const top = section.parentElement.matches('.reveal .slides') ? section : section.parentElement;
    const h = Array.from(top.parentElement.children).filter(el => el.tagName === 'SECTION').indexOf(top);
    const v = top === section ? 0 : Array.from(top.children).filter(el => el.tagName === 'SECTION').indexOf(section);
    return {h, v};
  }

  function goTo(section) {
    if (!section) return;
    const {h, v} = slidePosition(section);
    window.location.hash = '#/' + h + (v ? '/' + v : '');
  }

  function step(delta) {
    const slides = leafSlides();
    const index = slides.indexOf(presentSlide());
    goTo(slides[Math.min(Math.max(index + delta, 0), slides.length - 1)]);
  }

  const SPEAKER_STYLE = `
    body { margin: 0; font-family: system-ui, sans-serif; background: #1f1f1f; color: #f2f2f2;
           display: grid; grid-template-columns: 55% 45%; grid-template-rows: auto 1fr; height: 100vh; }
    header { grid-column: 1 / 3; display: flex; gap: 2rem; align-items: baseline; padding: 0.5rem 1rem;
             background: #000; font-size: 1.4rem; }
    #course-timer { font-variant-numeric: tabular-nums; font-size: 2rem; cursor: pointer; border: 0;
                    background: none; color: #9fe0a0; padding: 0; }
    #course-timer.paused { color: #f0c674; }
    .previews { overflow: hidden; padding: 0.5rem; }
    .preview { position: relative; overflow: hidden; background: #fff; color: #222; margin-bottom: 0.8rem;
               border: 2px solid #555; }
    .preview .reveal, .preview .reveal .slides { position: absolute; left: 0; top: 0; transform-origin: 0 0; }
    .preview .reveal .slides section { display: block !important; position: static !important; transform: none !important; width: auto !important; }
    .label { font-size: 1rem; color: #ccc; margin: 0.2rem 0; }
    #course-notes { overflow: auto; padding: 0.5rem 1.2rem; font-size: 1.35rem; line-height: 1.45; background: #2b2b2b; }
    #course-notes h2 { font-size: 1.2rem; color: #ccc; margin-top: 0.2rem; }
    #course-notes code { background: #444; padding: 0 0.2em; }
    #course-notes aside.notes { display: block !important; }
    #course-notes, #course-notes * { color: #f2f2f2 !important; }`;

  function openSpeaker() {
    if (speaker && !speaker.closed) { speaker.focus(); return speaker; }
    speaker = window.open('', 'course-speaker-view', 'width=1280,height=720');
    if (!speaker) return null;
    if (!timerOpened) { timerStart = Date.now(); pausedAt = null; timerOpened = true; }  // the talk starts
    const doc = speaker.document;
    doc.open();
    doc.write('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Speaker view: ' +
              document.title.replace(/</g, '&lt;') + '</title></head><body>' +
              '<header><button id="course-timer" title="elapsed time: click to pause, R to reset">00:00</button>' +
              '<span id="course-clock"></span><span id="course-slide-number"></span>' +
              '<span id="course-title"></span></header>' +
              '<div class="previews"><p class="label">Now</p><div class="preview" id="course-current"></div>' +
              '<p class="label">Next</p><div class="preview" id="course-next"></div></div>' +
              '<main id="course-notes" aria-live="polite"></main></body></html>');
    doc.close();
    // the deck's own style sheets, so that the previews look like the slides
    // (a <style> is copied rule by rule: MathJax adds its rules with insertRule, which an element
    // copy loses, and the notes' formulas then showed each glyph on a line of its own, twice)
    for (const sheet of document.querySelectorAll('link[rel="stylesheet"], style')) {
      let rules = null;
      if (sheet.tagName === 'STYLE') {
        try { rules = Array.from(sheet.sheet.cssRules, rule => rule.cssText).join('\n'); } catch (error) { rules = null; }
      }
      if (rules === null) { doc.head.appendChild(doc.importNode(sheet, true)); continue; }
      const copy = doc.createElement('style');
      copy.textContent = rules;
      doc.head.appendChild(copy);
    }
    const style = doc.createElement('style');
    style.textContent = SPEAKER_STYLE;
    doc.head.appendChild(style);
    const timer = doc.getElementById('course-timer');
    timer.addEventListener('click', () => {
      if (pausedAt === null) { pausedAt = Date.now(); } else { timerStart += Date.now() - pausedAt; pausedAt = null; }
      tick();
    });
    doc.addEventListener('keydown', event => {
      if (['ArrowRight', 'ArrowDown', 'PageDown', ' ', 'n'].includes(event.key)) { step(1); event.preventDefault(); }
      else if (['ArrowLeft', 'ArrowUp', 'PageUp', 'p'].includes(event.key)) { step(-1); event.preventDefault(); }
      else if (event.key === 'r' || event.key === 'R') { timerStart = Date.now(); pausedAt = null; tick(); }
    });
    updateSpeaker();
    return speaker;
  }

  function preview(container, section, scale) {
    const doc = container.ownerDocument;
    container.textContent = '';
    if (!section) return;
    const {width, height} = canvasSize();
    container.style.width = Math.round(width * scale) + 'px';
    container.style.height = Math.round(height * scale) + 'px';
    const reveal = doc.createElement('div');
    reveal.className = 'reveal';
    reveal.style.width = width + 'px';
    reveal.style.height = height + 'px';
    reveal.style.transform = 'scale(' + scale + ')';
    const slides = doc.createElement('div');
    slides.className = 'slides';
    slides.style.width = width + 'px';
    const copy = doc.importNode(section, true);
    copy.querySelectorAll('aside.notes, script').forEach(el => el.remove());
    copy.querySelectorAll('[id]').forEach(el => el.removeAttribute('id'));
    copy.querySelectorAll('input, button, select, textarea, [tabindex]').forEach(el => el.setAttribute('tabindex', '-1'));
    copy.setAttribute('aria-hidden', 'true');
    slides.appendChild(copy);
    reveal.appendChild(slides);
    container.appendChild(reveal);
  }

  function tick() {
    if (!speaker || speaker.closed) return;
    const doc = speaker.document;
    const elapsed = Math.floor(((pausedAt === null ? Date.now() : pausedAt) - timerStart) / 1000);
    const timer = doc.getElementById('course-timer');
    if (!timer) return;
    const mm = String(Math.floor(elapsed / 60)).padStart(2, '0'), ss = String(elapsed % 60).padStart(2, '0');
    timer.textContent = (elapsed >= 3600 ? Math.floor(elapsed / 3600) + ':' : '') + mm.slice(-2) + ':' + ss;
    timer.classList.toggle('paused', pausedAt !== null);
    doc.getElementById('course-clock').textContent = new Date().toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
  }

  let shownSlide = null;
  let shownNotes = null;
  function updateSpeaker() {
    if (!speaker || speaker.closed) return;
    const doc = speaker.document;
    const slides = leafSlides();
    const current = presentSlide();
    // redrawn when the slide changes, and when its notes change after it is shown (MathJax typesets
    // a slide's formulas, notes included, as the slide is shown: a copy taken before lacks them)
    const asides = current ? current.querySelectorAll('aside.notes') : [];
    const signature = Array.from(asides, aside => aside.innerHTML.length).join(',');
    if (!doc.getElementById('course-notes') || (current === shownSlide && signature === shownNotes)) { tick(); return; }
    shownSlide = current;
    shownNotes = signature;
    const index = slides.indexOf(current);
    doc.getElementById('course-slide-number').textContent = 'slide ' + (index + 1) + ' / ' + slides.length;
    doc.getElementById('course-title').textContent = slideTitle(current);
    const notes = doc.getElementById('course-notes');
    notes.textContent = '';
    if (asides.length === 0) {
      notes.innerHTML = '<p class="label">(no notes for this slide)</p>';
    }
    for (const aside of asides) notes.appendChild(doc.importNode(aside, true));
    preview(doc.getElementById('course-current'), current, 0.45);
    preview(doc.getElementById('course-next'), slides[index + 1], 0.3);
    tick();
  }

  const WIDGET_CONTROLS = '.jupyter-widgets, .widget-slider, [role="slider"], .noUi-target, '
    + 'button, select, input, textarea, [contenteditable="true"]';

  function watchKeys() {
    // capture phase on window: runs before reveal's own "S" (its speaker view with iframes)
    window.addEventListener('keydown', event => {
      const target = event.target;
      if (target && (target.isContentEditable || /INPUT|TEXTAREA|SELECT/.test(target.tagName))) return;
      if ((event.key === 's' || event.key === 'S') && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.stopImmediatePropagation();
        event.preventDefault();
        openSpeaker();
      }
    }, true);
    // A key pressed on a widget control (slider handle, button, dropdown, text box) belongs to the
    // control, not to the deck: reveal listens on document (bubble phase) and does not check
    // event.defaultPrevented, so an arrow key on a focused slider handle moved the slider AND the
    // deck. Stopped on <body>: after the control's own handler, before reveal's. (The "S" above is
    // caught earlier, on window in the capture phase, so the speaker view still opens.)
    document.body.addEventListener('keydown', event => {
      const target = event.target;
      if (target instanceof Element && target !== document.body && target.closest(WIDGET_CONTROLS)) {
        event.stopPropagation();
      }
    });
    setInterval(tick, 1000);
    window.addEventListener('beforeunload', () => { if (speaker && !speaker.closed) speaker.close(); });
  }

  // --- 3. accessibility ----------------------------------------------------------------
  function nearestHeading(element) {
    const section = element.closest('section');
    if (section) return slideTitle(section);
    // a book page: the last heading before the element in document order
    let title = '';
    for (const heading of document.querySelectorAll('h1, h2, h3')) {
      if (heading.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING) {
        title = heading.textContent.replace(/¶/g, '').trim();
      } else {
        break;
      }
    }
    return title;
  }

  function label() {
    for (const handle of document.querySelectorAll('[role="slider"]:not([aria-label]):not([aria-labelledby])')) {
      const box = handle.closest('.widget-slider, .jupyter-widget-slider, .widget-hslider, .widget-vslider');
      const text = box && box.querySelector('.widget-label');
      const name = (text && text.textContent.trim()) || (box && box.getAttribute('title')) || 'slider';
      handle.setAttribute('aria-label', name);
    }
    for (const readout of document.querySelectorAll('.widget-readout:not([aria-label])')) {
      const box = readout.closest('.widget-slider, .jupyter-widget-slider, .widget-hslider, .widget-vslider');
      const text = box && box.querySelector('.widget-label');
      readout.setAttribute('aria-label', ((text && text.textContent.trim()) || 'slider') + ' value');
    }
    for (const image of document.querySelectorAll('img:not([alt])')) {
      const where = nearestHeading(image);
      const kind = image.classList.contains('widget-image') ? 'Explorer figure' : 'Figure';
      image.setAttribute('alt', where ? kind + ': ' + where : kind);
    }
  }

  let labelQueued = false;
  function labelSoon() {
    if (labelQueued) return;
    labelQueued = true;
    requestAnimationFrame(() => { labelQueued = false; label(); });
  }

  function start() {
    label();
    new MutationObserver(labelSoon).observe(document.body, {childList: true, subtree: true});
    if (document.querySelector('.reveal .slides')) {
      watchSlides();
      watchKeys();
    }
  }

  window.courseDeck = {fitSlide, leafSlides, presentSlide, openSpeaker, step, MIN_SCALE};
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
