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
.PHONY: help lab slides book test notebooks benchmark benchmark-grading clean-venv

help:
	@echo "make lab        open JupyterLab on the course (creates .venv the first time)"
	@echo "make slides NB=05  present notebook 05 as live slides (Voila, widgets work; fresh kernel)"
	@echo "make book       build the course as an offline static website + static slides in build/book/"
	@echo "make test       run every test: library, doctests, notebooks (nbval), exercises"
	@echo "make notebooks  re-execute all notebooks in place and store their outputs"
	@echo "make benchmark  time conv2d/conv_transpose2d (vs loops, PyTorch if installed), every explorer's slider, and a training step (vs PyTorch)"
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

test: $(VENV)/.test-installed $(if $(shell command -v npm),$(NODE_STAMP))
	$(BIN)/python -m pytest

# --- maintainers -------------------------------------------------------------
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
