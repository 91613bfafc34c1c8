# Two commands for learners: `make lab` and `make test`. Both create the local
# environment (.venv) the first time; nothing else needs to be installed by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Extra arguments for JupyterLab, e.g. `make lab LAB_ARGS="--port 8899 --no-browser"`.
LAB_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help lab test test-fast notebooks benchmark clean-venv

help:
	@echo "make lab        open JupyterLab on the course (creates .venv the first time)"
	@echo "make test       run every test: library, doctests, notebooks (nbval), exercises"
	@echo "make notebooks  re-execute all notebooks in place and store their outputs"
	@echo "make benchmark  time course_lib against loop versions (and PyTorch if installed)"

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
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(LAB_ARGS) notebooks/00_start_here.ipynb

test: $(VENV)/.test-installed
	$(BIN)/python -m pytest

# --- maintainers -------------------------------------------------------------
notebooks: $(VENV)/.test-installed
	$(BIN)/python tools/execute_notebooks.py notebooks/*.ipynb

benchmark: $(VENV)/.test-installed
	$(BIN)/python benchmarks/bench_conv.py

clean-venv:
	rm -rf $(VENV)
