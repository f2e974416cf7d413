# The two entry points named in README.md:
#   make book   install everything into .venv, vendor the page JavaScript, build the book
#   make test   install everything, then run the whole test suite (CI runs this)
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: book test install vendor lint notebooks clean

install: $(BIN)/.installed
$(BIN)/.installed: requirements.txt requirements-test.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-test.txt -e .
	touch $@

# JavaScript the rendered pages load (widget manager, anywidget, require.js, MathJax):
# installed from npm by the lock file and copied into vendor/, so no page needs a CDN.
vendor: vendor/.installed
vendor/.installed: package.json package-lock.json scripts/vendor_js.py $(BIN)/.installed
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	$(BIN)/python scripts/vendor_js.py
	touch $@

# Full mode unless CNNLAB_QUICK=1 is set; warnings (including a failing cell) stop the build.
book: install vendor
	$(BIN)/jupyter-book build --all -W .

lint: install
	$(BIN)/ruff check .

test: export CNNLAB_QUICK ?= 1
test: install vendor lint
	$(BIN)/python -m pytest tests cnnlab book --nbval --nbval-current-env --nbval-sanitize-with book/sanitize.cfg

# Re-execute every chapter in place and store its outputs (what nbval compares against).
notebooks: install
	$(BIN)/python scripts/execute_notebooks.py book/*.ipynb

clean:
	rm -rf _build vendor node_modules
