# Two commands for a newcomer: `make book` and `make test` (see README.md).
# Prerequisites: Python 3 with venv, make, Node.js with npm. Everything else is
# installed here when missing.

SHELL := /bin/bash
.DEFAULT_GOAL := book

PYTHON     ?= python3
VENV       ?= .venv
BUILD_DIR  ?= _build
NODE_MODULES ?= node_modules
PY         := $(VENV)/bin/python
# The package is installed editable into the venv (pyproject.toml), so `make lab`, the
# seminar and a notebook opened from any folder import this project's `companion`.
# A copy of the project that reuses another project's venv (the tests' and the
# benchmark's copies pass VENV=...) would import the venv owner's package and data
# through that install; such a copy puts itself first on the path instead. realpath: a
# .venv symlink into another checkout is someone else's venv too.
VENV_REAL  := $(or $(realpath $(VENV)),$(abspath $(VENV)))
OWN_VENV   := $(filter $(CURDIR)/%,$(VENV_REAL))
ifeq ($(OWN_VENV),)
export PYTHONPATH := $(CURDIR)
endif
# Matplotlib and Jupyter write caches and runtime files; keep them out of $HOME on CI.
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

# Debian packages the tests and handouts need (the book itself needs none).
SYSTEM_PACKAGES := chromium default-jre-headless fonts-noto-core iproute2 util-linux git poppler-utils

VENDOR := _extra/vendor/jupyter-widgets
WIDGETS_DIST := $(NODE_MODULES)/@jupyter-widgets/html-manager/dist
# The data browser's table sorter (companion/browser.py), served the same way.
TABLESORT := _extra/vendor/tablesort
TABLESORT_DIST := $(NODE_MODULES)/tablesort/dist

.PHONY: book book-student seminar handouts test test-fast lint format check-data lab setup system-deps clean lock publish

## Environment -----------------------------------------------------------------

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pinned set changed.
$(VENV)/.installed-lock: requirements.lock | $(PY)
	@# --no-deps: the lock is the complete set. It leaves out rfc3987-syntax (and lark),
	@# an optional jsonschema format checker that jupyter-events asks for and that builds
	@# its grammar on import, costing every chapter's first glue() over a second.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	cp requirements.lock $@

# The project itself, editable. Only the project that owns the venv installs itself; a
# copy reusing the venv is on PYTHONPATH (above) and leaves the owner's install alone.
$(VENV)/.installed-project: pyproject.toml $(VENV)/.installed-lock
ifneq ($(OWN_VENV),)
	rm -f "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/companion-project.pth"
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@
endif

$(VENV)/share/jupyter/kernels/python3/kernel.json: $(VENV)/.installed-project
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (companion)" > /dev/null

$(NODE_MODULES)/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# The widget manager served with the book (never from a CDN); see _config.yml.
$(VENDOR)/embed.js: $(NODE_MODULES)/.package-lock.json
	mkdir -p $(VENDOR)
	cp $(WIDGETS_DIST)/embed.js $(WIDGETS_DIST)/embed.js.LICENSE.txt $(WIDGETS_DIST)/*.woff \
	   $(WIDGETS_DIST)/*.woff2 $(WIDGETS_DIST)/*.ttf $(WIDGETS_DIST)/*.eot $(WIDGETS_DIST)/*.svg $(VENDOR)/
	cp $(NODE_MODULES)/@jupyter-widgets/html-manager/LICENSE* $(VENDOR)/ 2>/dev/null || true

$(TABLESORT)/tablesort.min.js: $(NODE_MODULES)/.package-lock.json
	mkdir -p $(TABLESORT)
	cp $(TABLESORT_DIST)/tablesort.min.js $(TABLESORT_DIST)/sorts/tablesort.number.min.js \
	   $(NODE_MODULES)/tablesort/LICENCE $(TABLESORT)/

setup: $(VENV)/share/jupyter/kernels/python3/kernel.json $(VENDOR)/embed.js $(TABLESORT)/tablesort.min.js

system-deps:
	@tools/system-deps.sh $(SYSTEM_PACKAGES)

## The book --------------------------------------------------------------------

# WORKERS: kernels executing notebooks at once (default: one per core). A build whose inputs
# did not change since the last successful one skips Sphinx (companion/inputs.py).
WORKERS ?= 0
book: setup
	$(PY) -m companion.book.build --build-dir $(BUILD_DIR) --workers $(WORKERS)
	@echo "Built $(BUILD_DIR)/html; view it with: $(PY) -m http.server -d $(BUILD_DIR)/html --bind 127.0.0.1"

# The same book without solutions or teacher pages, into $(BUILD_DIR)/student; it shares
# the execution cache with `make book`, so after that build it executes nothing.
book-student: setup
	$(PY) -m companion.book.build --build-dir $(BUILD_DIR) --edition student --workers $(WORKERS)
	@echo "Built $(BUILD_DIR)/student; view it with: $(PY) -m http.server -d $(BUILD_DIR)/student --bind 127.0.0.1"

check-data: setup
	$(PY) -m companion.check

lab: setup
	$(PY) -m jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --notebook-dir=$(CURDIR)

# The live explorers for class: seminar/seminar.ipynb as a Voilà app on 127.0.0.1. The
# "offline" template (seminar/templates/) drops the stock template's CDN stylesheets, and
# seminar/voila.json (read from the working folder) turns off the jupytext labextension.
SEMINAR_PORT ?= 8866
seminar: setup
	@echo "Seminar explorers: http://127.0.0.1:$(SEMINAR_PORT)/ (Ctrl+C stops the server)"
	cd seminar && JUPYTER_PATH=$(CURDIR)/seminar/templates $(abspath $(PY)) -m voila seminar.ipynb \
	  --template=offline --no-browser --port=$(SEMINAR_PORT) --Voila.ip=127.0.0.1 --ServerApp.port_retries=0

# Printable handouts from both editions, printed by Chromium into $(BUILD_DIR)/handouts:
# teacher.pdf (notes, chapters, worked solutions) and student.pdf (chapters, no solutions).
handouts: book book-student
	$(PY) tools/handouts.py --build-dir $(BUILD_DIR)

# Publish the site exactly as built (and tested): nothing is rebuilt. ghp-import commits the
# built edition, plus a .nojekyll file (GitHub Pages would otherwise hide _static/), to the
# local branch gh-pages and pushes that branch to REMOTE, a remote name or a repository path
# or URL. See about/publishing.md. The public site is the STUDENT edition ($(BUILD_DIR)/student,
# from `make book-student`): the teacher edition carries the worked solutions, so it is
# published only on request, with EDITION=teacher, and with a warning.
REMOTE ?= origin
EDITION ?= student
SITE_DATA_VERSION = $(PY) -c "import json, sys; print(json.load(open(sys.argv[1], encoding='utf-8'))['version'])"
SITE_DIR = $(BUILD_DIR)/$(if $(filter teacher,$(EDITION)),html,student)

publish: $(VENV)/.installed-lock
	@case "$(EDITION)" in student|teacher) ;; *) echo "EDITION must be student or teacher, not '$(EDITION)'." >&2; exit 2;; esac
	$(if $(filter teacher,$(EDITION)),@echo "WARNING: publishing the TEACHER edition: the worked solutions and teacher notes go on the public site." >&2)
	@test -f $(SITE_DIR)/index.html -a -f $(SITE_DIR)/downloads/datapackage.json || \
	  { echo "No built $(EDITION) edition in $(SITE_DIR): run 'make $(if $(filter teacher,$(EDITION)),book,book-student) BUILD_DIR=$(BUILD_DIR)' (and 'make test') first." >&2; exit 1; }
	$(VENV)/bin/ghp-import --no-jekyll --push --remote $(REMOTE) --branch gh-pages \
	  --message "Publish the $(EDITION) edition of the book (data version $$($(SITE_DATA_VERSION) $(SITE_DIR)/downloads/datapackage.json))" \
	  $(SITE_DIR)
	@echo "Pushed the $(EDITION) edition ($(SITE_DIR)) to branch gh-pages of $(REMOTE)"

## Tests -----------------------------------------------------------------------

# The CI gate: the lint, then the whole suite; prints how long it took (set-up included) and
# how it ended (make itself exits 2 on any failure, so pytest's own exit code is printed).
# The lint is a prerequisite, not a recursive make, so `make -n test` runs nothing.
MAKE_STARTED := $(shell date +%s)
test: setup system-deps lint
	@$(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	case $$status in 0) result="passed";; 1) result="tests failed";; 5) result="no tests collected";; \
	  *) result="pytest stopped with exit code $$status (2 interrupted, 3 internal error, 4 usage error)";; esac; \
	echo "make test: $$result in $$(( $$(date +%s) - $(MAKE_STARTED) )) s (set-up and lint included)"; \
	exit $$status

# Quick feedback while editing: no build of the book, no browser (runs without Chromium),
# about a minute on two cores. The tests left out are marked `build` or `browser` (pytest.ini).
test-fast: setup
	$(PY) -m pytest -m "not build and not browser" $(PYTEST_ARGS)

# Ruff (configured in pyproject.toml) over the package, the tools and the tests, and over
# the code cells of every page with code, through jupytext: it hands ruff each page as a
# notebook, so findings name a cell ("chapters/nato-x1y2.ipynb:cell 18:2:34": the file is
# jupytext's temporary copy of chapters/nato.md, the cells count every cell, Markdown ones too).
# Code shown on the book's pages keeps to 100 columns. `make format` fixes what it can.
RUFF := $(VENV)/bin/ruff
LINT_DIRS := companion tools tests
CODE_PAGES = $(shell grep -l '^```{code-cell}' chapters/*.md appendix/*.md teachers/*.md about/*.md 2>/dev/null)
PAGE_LINE_LENGTH := 100
# jupytext would otherwise stamp its own version into the header of every page it writes.
JUPYTEXT_PIPE = $(VENV)/bin/jupytext --quiet --pipe-fmt ipynb \
  --opt notebook_metadata_filter=-jupytext.text_representation.jupytext_version,-jupytext.text_representation.format_version

lint: $(VENV)/.installed-lock
	$(RUFF) check $(LINT_DIRS)
	$(RUFF) format --check $(LINT_DIRS)
	@status=0; for page in $(CODE_PAGES); do \
	  $(JUPYTEXT_PIPE) --check "$(RUFF) check --quiet --line-length $(PAGE_LINE_LENGTH) {}" \
	    --check "$(RUFF) format --check --quiet --line-length $(PAGE_LINE_LENGTH) {}" $$page || status=1; \
	done; \
	if [ $$status -ne 0 ]; then echo "make lint: the code cells above need fixing ('make format' fixes most)" >&2; fi; \
	exit $$status

# Rewrites the code in place: ruff's safe fixes (sorted imports, unused imports) and its
# formatter, over the same files as `make lint`; a page's Markdown and cell options are kept.
format: $(VENV)/.installed-lock
	$(RUFF) check --fix-only --quiet $(LINT_DIRS)
	$(RUFF) format --quiet $(LINT_DIRS)
	$(JUPYTEXT_PIPE) --pipe "$(RUFF) check --fix-only --quiet --line-length $(PAGE_LINE_LENGTH) {}" \
	  --pipe "$(RUFF) format --quiet --line-length $(PAGE_LINE_LENGTH) {}" $(CODE_PAGES)

# Build times and page weights and load times on this machine, from a copy of the project
# (about/performance.md); not part of `make test`. BENCH_ARGS="--runs 1" for a single run.
.PHONY: bench
bench: setup
	$(PY) tools/bench.py $(BENCH_ARGS)

## Maintenance -----------------------------------------------------------------

# Re-pin after editing requirements.in (needs the package index). pip-compile (pip-tools)
# resolves the complete set, so `pip check` passes in a fresh venv; setuptools and pip are
# pinned too (--unsafe-package replaces pip-tools' default list of unpinned packages).
# rfc3987-syntax and lark stay out: see the install rule above.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet pip-tools
	.lock-venv/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	  --unsafe-package rfc3987-syntax --unsafe-package lark --output-file requirements.lock requirements.in
	rm -rf .lock-venv

clean:
	rm -rf $(BUILD_DIR) _extra/vendor _extra/downloads .pytest_cache
