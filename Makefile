# Python Internals Lab: the two commands are `make book` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY_REF      := 3.14
# `make test` provisions these; `make book` only the reference. 3.11-3.13 come from pyenv or
# PATH; the rest are built from Debian's archive when missing (tools/provision_python.py).
PYTHONS     ?= 3.14 3.14t 3.15 3.15t
VENV        := .venv
PY          := $(VENV)/bin/python
CONSTRAINTS := constraints-$(PY_REF).txt
# `dis` of a frozenset constant prints in hash order: every notebook execution pins the seed.
export PYTHONHASHSEED := 0
# Any python3 runs the tools that find or build interpreters; not pyenv's shim, which fails
# when .python-version names a version pyenv lacks.
BOOT := $(firstword $(wildcard /usr/bin/python3 /usr/local/bin/python3) python3)

.PHONY: help venv python book test test-browser outputs lab assignments lock set-repository clean

help:
	@echo "make book         build the static site into _build/html (installs what it needs)"
	@echo "make test         run every test: unit (3.11-3.15, 3.14t, 3.15t), nbval, assignments, book build"
	@echo "make book EXECUTE=force   also re-execute the lab notebooks while building"
	@echo "make test-browser the browser suite alone (Chromium), on the site already built"
	@echo "make outputs      re-execute the lab notebooks in place (authors; NOTEBOOKS=... for some)"
	@echo "make python       find or build CPython $(PYTHONS) (cached in ~/.cache/internals-lab)"
	@echo "make lab          open JupyterLab on the notebooks"
	@echo "make assignments  generate the nbgrader student release into assignments/release"
	@echo "make lock         re-resolve $(CONSTRAINTS) from requirements-dev.txt"
	@echo "make set-repository URL=...   point the book (launch buttons, labs) at your fork"

# The reference interpreter: found, or built once per machine when this machine has none.
venv:
	@$(if $(PYTHON_REF),,$(BOOT) tools/provision_python.py $(PY_REF) &&) bash tools/venv.sh $(PY_REF) $(VENV) requirements-dev.txt $(CONSTRAINTS)

# Every interpreter the tests compare; a missing one is built from Debian's archive.
python:
	@$(BOOT) tools/provision_python.py $(PYTHONS)

# Never builds a free-threaded or 3.15 interpreter: chapters that compare builds show what
# this machine has and say how to get the rest.
book: venv
	@$(PY) tools/build_book.py $(if $(EXECUTE),--execute $(EXECUTE))

test: venv
	@$(PY) tools/run_tests.py

# The browser suite alone, against the site `make book` (or `make test`) already built.
test-browser: venv
	@bash tools/browser_deps.sh
	@test -f _build/html/index.html || { echo "no built site: run make book first"; exit 2; }
	@$(PY) -m pytest -p no:cacheprovider -n 2 --dist loadgroup tests/browser

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
	@$(BOOT) tools/set_repository.py "$(URL)"

clean:
	rm -rf _build assignments/release assignments/submitted assignments/autograded assignments/feedback assignments/gradebook.db
