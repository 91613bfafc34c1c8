"""Build the course as a static website that works offline: `make book`.

Usage: python tools/build_book.py [OUTPUT_FOLDER]   (default: build/book)

Writes, for every notebook in notebooks/ (as stored: nothing is executed):
  NN_name.html         the notebook as a page (nbconvert's JupyterLab template): text,
                       formulas (MathJax), code, the stored figures, and every widget
                       rendered from its stored state, so each explorer shows its first frame;
  NN_name.slides.html  the same notebook as reveal.js slides (its slide metadata);
  exercise_NN_name.html  each graded exercise a notebook links to (../exercises/NN_name/x.ipynb),
                       as a page, with the notebook itself beside it to download
                       (exercises/NN_name/x.ipynb);
  index.html           the course map: a link to each page and each deck.
Every script and style sheet comes from _static/ inside the folder, copied from the
npm packages in package.json (`npm ci`): require.js, the widgets' HTML manager
(@jupyter-widgets/html-manager embed-amd.js), MathJax 2 and reveal.js; and the
course's deck files (share/jupyter/voila/templates/course-reveal/static/course-deck.*,
shared with the live decks: slides fitted to 1280x720, the speaker view, accessible
slider names and figure alt texts). Nothing is
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

from course_lib import inventory

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
EXERCISES = REPO / "exercises"
DECK_FILES = REPO / "share" / "jupyter" / "voila" / "templates" / "course-reveal" / "static"
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
    # embed-amd.js takes its webpack public path from the AMD module's URL, which require.js makes
    # <site>/@jupyter-widgets/ (the module id), not _static/html-manager/: its Font Awesome files (a
    # button's icon, 08's "Start training") are asked for there, so they are there too.
    for pattern in ("*.woff2", "*.woff", "*.ttf", "*.eot", "*.svg"):
        for path in (NODE_MODULES / "@jupyter-widgets/html-manager/dist").glob(pattern):
            (out / "@jupyter-widgets").mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, out / "@jupyter-widgets" / path.name)
    for name in ("course-deck.js", "course-deck.css"):
        (out / STATIC / "course").mkdir(parents=True, exist_ok=True)
        shutil.copy2(DECK_FILES / name, out / STATIC / "course" / name)


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
    # The canvas of every slide, as in the live decks (voila.py): course-deck.js scales a
    # slide down to fit it, so nothing scrolls.
    # The decks show what the live decks show (voila.py strips the sources): outputs and text,
    # no code cells (a lecturer shows code in JupyterLab; the pages keep it).
    config.SlidesExporter.exclude_input = True
    config.SlidesExporter.exclude_input_prompt = True
    config.SlidesExporter.exclude_output_prompt = True
    config.SlidesExporter.reveal_scroll = False
    config.SlidesExporter.reveal_width = "1280"
    config.SlidesExporter.reveal_height = "720"
    config.SlidesExporter.reveal_transition = "none"
    return config


EXERCISE_LINK = re.compile(r'href="\.\./exercises/([\w-]+)/([\w-]+)\.ipynb')


def exercise_page(folder: str) -> str:
    """The book's page of the exercise in exercises/<folder>/."""
    return f"exercise_{folder}.html"


def link_pages(text: str, stems: set[str]) -> str:
    """Links to another notebook (``02_interpolation.ipynb#x``) point at its page, links to
    an exercise (``../exercises/02_interpolation/interpolation.ipynb``) at the exercise's page."""
    def replace(match):
        stem = match.group(2)
        return f'{match.group(1)}{stem}.html' if stem in stems else match.group(0)
    text = re.sub(r'(href=")(\d\d_[\w-]+)\.ipynb', replace, text)
    return EXERCISE_LINK.sub(lambda match: f'href="{exercise_page(match.group(1))}', text)


def linked_exercises(notebook) -> set[tuple[str, str]]:
    """(folder, name) of every exercise a notebook's markdown links to."""
    found = set()
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            found.update(re.findall(r"\.\./exercises/([\w-]+)/([\w-]+)\.ipynb", cell.source))
    return found


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
    paths = [REPO / entry.deck_path for entry in inventory.NOTEBOOKS]   # the course inventory, in order
    stems = {path.stem for path in paths}
    entries, written, exercises = [], [], {}
    for number, path in enumerate(paths):
        notebook = nbformat.read(path, as_version=4)
        title = title_of(notebook)
        entries.append((path.stem, title))
        for exercise in linked_exercises(notebook):
            exercises.setdefault(exercise, path.stem)
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
    for (folder, name), stem in sorted(exercises.items()):
        written.append(write_exercise(out, pages, folder, name, stem, stems))
    write_index(out, entries)
    written.append(out / "index.html")
    return written


def write_exercise(out: Path, pages: HTMLExporter, folder: str, name: str, stem: str, stems: set[str]) -> Path:
    """An exercise as a page (exercise_<folder>.html) and its notebook to download beside it."""
    source = EXERCISES / folder / f"{name}.ipynb"
    if not source.exists():
        sys.exit(f"notebooks/{stem}.ipynb links to {source.relative_to(REPO)}, which does not exist")
    download = out / "exercises" / folder / source.name
    download.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, download)
    notebook = nbformat.read(source, as_version=4)
    navigation = {"previous": stem + ".html", "next": None, "slides": None, "course": COURSE_TITLE,
                  "download": f"exercises/{folder}/{source.name}"}
    resources = {"metadata": {"name": f"Exercise: {title_of(notebook)}", "path": str(source.parent)},
                 "course_navigation": navigation}
    body, _ = pages.from_notebook_node(notebook, resources=resources)
    target = out / exercise_page(folder)
    target.write_text(link_pages(body, stems), encoding="utf-8")
    return target


def main(argv):
    out = Path(argv[0] if argv else REPO / "build" / "book").resolve()
    started = time.perf_counter()
    written = build(out)
    print(f"{len(written)} pages in {out} ({time.perf_counter() - started:.1f} s); open {out / 'index.html'} "
          f"or serve it: python -m http.server -d {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
