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
.PHONY: help lab test notebooks benchmark clean-venv

help:
	@echo "make lab        open JupyterLab on the course (creates .venv the first time)"
	@echo "make test       run every test: library, doctests, notebooks (nbval), exercises"
	@echo "make notebooks  re-execute all notebooks in place and store their outputs"
	@echo "make benchmark  time conv2d/conv_transpose2d (vs loops, PyTorch if installed) and every explorer's slider"
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
$(VENV)/.lab-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	@touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[lab,test,instructor]"
	@touch $@ $(VENV)/.lab-installed

# --- learners ----------------------------------------------------------------
lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(ROOT_ARGS) $(LAB_ARGS) notebooks/00_start_here.ipynb

test: $(VENV)/.test-installed
	$(BIN)/python -m pytest

# --- maintainers -------------------------------------------------------------
notebooks: $(VENV)/.test-installed
	$(BIN)/python tools/execute_notebooks.py notebooks/*.ipynb

benchmark: $(VENV)/.test-installed
	$(BIN)/python benchmarks/bench_conv.py
	$(BIN)/python benchmarks/bench_widgets.py

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
