"""Build the course as a static website that works offline: `make book`.

Usage: python tools/build_book.py [OUTPUT_FOLDER]   (default: build/book)

Writes, for every notebook in notebooks/ (as stored: nothing is executed):
  NN_name.html         the notebook as a page (nbconvert's JupyterLab template): text,
                       formulas (MathJax), code, the stored figures, and every widget
                       rendered from its stored state, so each explorer shows its first frame;
  NN_name.slides.html  the same notebook as reveal.js slides (its slide metadata);
  index.html           the course map: a link to each page and each deck.
Every script and style sheet comes from _static/ inside the folder, copied from the
npm packages in package.json (`npm ci`): require.js, the widgets' HTML manager
(@jupyter-widgets/html-manager embed-amd.js), MathJax 2 and reveal.js. Nothing is
loaded from a CDN, so the folder can be opened from any static web server (or
published as it is) without network access. Links between notebooks point at the
pages. Prints the time taken.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter, SlidesExporter
from traitlets.config import Config

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
NODE_MODULES = REPO / "node_modules"
TEMPLATES = Path(__file__).resolve().parent / "book_templates"
STATIC = "_static"
COURSE_TITLE = "Upsampling in CNNs"

# What is copied from node_modules into _static/ (a folder, or files matched by a glob).
ASSETS = {
    "requirejs/require.js": "require.js",
    "@jupyter-widgets/html-manager/dist/embed-amd.js": "html-manager/embed-amd.js",
    "@jupyter-widgets/html-manager/dist/*.woff2": "html-manager/",
    "@jupyter-widgets/html-manager/dist/*.woff": "html-manager/",
    "@jupyter-widgets/html-manager/dist/*.ttf": "html-manager/",
    "@jupyter-widgets/html-manager/dist/*.eot": "html-manager/",
    "@jupyter-widgets/html-manager/dist/*.svg": "html-manager/",
    # MathJax 2 (nbconvert's templates configure MathJax 2), only what the TeX-AMS_CHTML-full
    # configuration loads: the TeX input, the CommonHTML output and its web fonts.
    "mathjax/MathJax.js": "mathjax/MathJax.js",
    "mathjax/config/TeX-AMS_CHTML-full.js": "mathjax/config/TeX-AMS_CHTML-full.js",
    "mathjax/config/Safe.js": "mathjax/config/Safe.js",
    "mathjax/extensions": "mathjax/extensions",
    "mathjax/jax/input/TeX": "mathjax/jax/input/TeX",
    "mathjax/jax/element": "mathjax/jax/element",
    "mathjax/jax/output/CommonHTML": "mathjax/jax/output/CommonHTML",
    "mathjax/fonts/HTML-CSS/TeX/woff": "mathjax/fonts/HTML-CSS/TeX/woff",
    "mathjax/fonts/HTML-CSS/TeX/otf": "mathjax/fonts/HTML-CSS/TeX/otf",
    "mathjax/localization/en": "mathjax/localization/en",
    # reveal.js 4 (nbconvert's reveal template loads dist/reveal.js and the notes plugin).
    "reveal.js/dist": "reveal.js/dist",
    "reveal.js/plugin/notes": "reveal.js/plugin/notes",
    "jquery/dist/jquery.min.js": "jquery.min.js",
}


def copy_assets(out: Path) -> None:
    missing = [source for source in ASSETS if not list(NODE_MODULES.glob(source))]
    if missing:
        sys.exit(f"node_modules/{missing[0]} is missing: run `npm ci` in {REPO} (make book does)")
    for source, target in ASSETS.items():
        for path in NODE_MODULES.glob(source):
            destination = out / STATIC / target
            if target.endswith("/"):
                destination = destination / path.name
            destination.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                shutil.copytree(path, destination, ignore=shutil.ignore_patterns("*.map"))
            else:
                shutil.copy2(path, destination)


def exporter_config() -> Config:
    """URLs of every script, relative to a page in the folder's top level."""
    config = Config()
    for name in ("HTMLExporter", "SlidesExporter"):
        config[name].require_js_url = f"{STATIC}/require.js"
        config[name].mathjax_url = f"{STATIC}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
        config[name].widget_renderer_url = f"{STATIC}/html-manager/embed-amd.js"
        config[name].jquery_url = f"{STATIC}/jquery.min.js"
        config[name].extra_template_basedirs = [str(TEMPLATES)]
    config.SlidesExporter.reveal_url_prefix = f"{STATIC}/reveal.js"
    config.SlidesExporter.reveal_theme = "white"  # the themes with web fonts import them from a CDN
    config.SlidesExporter.reveal_scroll = True
    config.SlidesExporter.reveal_transition = "none"
    return config


def link_pages(text: str, stems: set[str]) -> str:
    """Links to another notebook (``02_interpolation.ipynb#x``) point at its page."""
    def replace(match):
        stem = match.group(2)
        return f'{match.group(1)}{stem}.html' if stem in stems else match.group(0)
    return re.sub(r'(href=")(\d\d_[\w-]+)\.ipynb', replace, text)


def live_link(out: Path, notebook: Path) -> str | None:
    """The notebook in the JupyterLite site (`make lite`) when it is built beside the book
    (build/lite next to build/book: publish build/ and both work), else None."""
    if not (out.parent / "lite" / "jupyter-lite.json").exists():
        return None
    return f"../lite/lab/index.html?path=notebooks/{notebook.name}"


def title_of(notebook) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError("a course notebook must start with a '# title' line")


def write_index(out: Path, entries) -> None:
    rows = "\n".join(
        f'    <li><a href="{stem}.html">{html.escape(title)}</a> '
        f'<span class="slides">(<a href="{stem}.slides.html">slides</a>)</span></li>'
        for stem, title in entries)
    (out / "index.html").write_text(f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{COURSE_TITLE}</title>
<style>
  body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem;
         line-height: 1.5; color: #222; }}
  li {{ margin: 0.4rem 0; }}
  .slides {{ color: #666; }}
</style>
</head>
<body>
<h1>{COURSE_TITLE}</h1>
<p>The course's notebooks as pages, with their stored figures and each explorer's first frame
(the sliders need a running kernel: <code>make lab</code>, or <code>make slides NB=05</code> for live slides).
Each notebook also as static slides (arrow keys or Space to move, Esc for the overview).</p>
<ol start="0">
{rows}
</ol>
</body>
</html>
""", encoding="utf-8")


def build(out: Path) -> list[Path]:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copy_assets(out)
    config = exporter_config()
    pages = HTMLExporter(config=config, template_name="course_page")
    slides = SlidesExporter(config=config, template_name="course_slides")
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    stems = {path.stem for path in paths}
    entries, written = [], []
    for number, path in enumerate(paths):
        notebook = nbformat.read(path, as_version=4)
        title = title_of(notebook)
        entries.append((path.stem, title))
        navigation = {
            "previous": paths[number - 1].stem + ".html" if number > 0 else None,
            "next": paths[number + 1].stem + ".html" if number + 1 < len(paths) else None,
            "slides": path.stem + ".slides.html",
            "live": live_link(out, path),
            "course": COURSE_TITLE,
        }
        resources = {"metadata": {"name": title, "path": str(NOTEBOOKS)}, "course_navigation": navigation}
        for exporter, suffix in ((pages, ".html"), (slides, ".slides.html")):
            body, _ = exporter.from_notebook_node(notebook, resources=json.loads(json.dumps(resources)))
            target = out / (path.stem + suffix)
            target.write_text(link_pages(body, stems), encoding="utf-8")
            written.append(target)
    write_index(out, entries)
    written.append(out / "index.html")
    return written


def main(argv):
    out = Path(argv[0] if argv else REPO / "build" / "book").resolve()
    started = time.perf_counter()
    written = build(out)
    print(f"{len(written)} pages in {out} ({time.perf_counter() - started:.1f} s); open {out / 'index.html'} "
          f"or serve it: python -m http.server -d {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
