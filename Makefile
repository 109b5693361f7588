# Python Internals Lab: the two commands are `make book` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY_REF      := 3.13
VENV        := .venv
PY          := $(VENV)/bin/python
CONSTRAINTS := constraints-$(PY_REF).txt
# `dis` of a frozenset constant prints in hash order: every notebook execution pins the seed.
export PYTHONHASHSEED := 0

.PHONY: help venv python-ft book test test-browser outputs lab assignments lock set-repository clean

help:
	@echo "make book         build the static site into _build/html (installs what it needs)"
	@echo "make test         run every test: unit (3.13, 3.12, 3.11), nbval, assignments, book build"
	@echo "make book EXECUTE=force   also re-execute the lab notebooks while building"
	@echo "make test-browser the browser suite alone (Chromium), on the site already built"
	@echo "make outputs      re-execute the lab notebooks in place (authors; NOTEBOOKS=... for some)"
	@echo "make python-ft    build free-threaded CPython 3.13 and its GIL twin from Debian source (.cache/cpython)"
	@echo "make lab          open JupyterLab on the notebooks"
	@echo "make assignments  generate the nbgrader student release into assignments/release"
	@echo "make lock         re-resolve $(CONSTRAINTS) from requirements-dev.txt"
	@echo "make set-repository URL=...   point the book (launch buttons, labs) at your fork"

venv:
	@bash tools/venv.sh $(PY_REF) $(VENV) requirements-dev.txt $(CONSTRAINTS)

# Chapter 5 measures a free-threaded build beside its GIL twin. Without them (not Debian, no
# network) the book still builds, and the chapter says how to get one.
python-ft:
	@bash tools/build_python_ft.sh

book: venv
	@bash tools/build_python_ft.sh || echo "warning: no free-threaded build; chapter 5 will show GIL results only" >&2
	@$(PY) tools/build_book.py $(if $(EXECUTE),--execute $(EXECUTE))

test: venv
	@$(PY) tools/run_tests.py

# The browser suite alone, against the site `make book` (or `make test`) already built.
test-browser: venv
	@bash tools/browser_deps.sh
	@test -f _build/html/index.html || { echo "no built site: run make book first"; exit 2; }
	@$(PY) -m pytest -p no:cacheprovider tests/browser

outputs: venv
	@$(PY) tools/regenerate_outputs.py $(NOTEBOOKS)

lab: venv
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

assignments: venv
	@$(PY) tools/assignments.py generate

lock:
	@rm -rf .venv-lock && bash tools/venv.sh $(PY_REF) .venv-lock requirements-dev.txt
	@.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^internals-lab' > $(CONSTRAINTS)
	@rm -rf .venv-lock && echo "wrote $(CONSTRAINTS)"

set-repository:
	@test -n "$(URL)" || { echo "usage: make set-repository URL=https://github.com/you/your-fork"; exit 2; }
	@python3 tools/set_repository.py "$(URL)"

clean:
	rm -rf _build assignments/release assignments/submitted assignments/autograded assignments/feedback assignments/gradebook.db
