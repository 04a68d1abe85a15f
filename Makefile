# Alliance — the two commands of the README, and the checks CI runs.
#   make demo   create .venv, install, migrate, load the demo scenario, serve on 127.0.0.1:$(PORT)
#   make test   install what the tests need, run the whole suite on SQLite and on PostgreSQL
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
JOBS ?= 2

# The first Python 3.12+ found: on PATH, under pyenv, or in the usual system places.
PYTHON ?= $(shell for c in python3.13 python3.12 python3 python \
	$${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13*/bin/python3 \
	$${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3 \
	/usr/local/bin/python3.13 /usr/local/bin/python3.12 /usr/bin/python3.13 /usr/bin/python3.12; do \
	if $$c -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	command -v $$c || echo $$c; break; fi; done)

.PHONY: help demo test test-sqlite test-postgresql lint format messages bench clean lock

help:
	@sed -n '2,3p' Makefile | sed 's/^# *//'

# Installs use uv (exact, hashed pins from requirements/*.lock; several times faster than
# pip): the one on PATH, else one put into the virtualenv first. `make demo` installs only
# what the product needs; `make test` adds the test tools. UV_VERSION matches the locks'.
UV_VERSION := 0.13.8
UV ?= $(shell command -v uv 2>/dev/null)
UVBIN = $(if $(UV),$(UV),$(BIN)/uv)

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Alliance needs Python 3.12 or newer (with venv), and none was found." >&2; \
	  echo "Install one (e.g. 'apt-get install python3.12 python3.12-venv' or 'pyenv install 3.13')," >&2; \
	  echo "or point to it: make PYTHON=/path/to/python3.12 $(MAKECMDGOALS)" >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	@echo "Installing uv $(UV_VERSION) into $(VENV)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# What the product needs (the demo, a server): no test tools.
$(VENV)/.product: pyproject.toml requirements/product.lock | $(BIN)/python $(if $(UV),,$(BIN)/uv)
	@echo "Installing Alliance's dependencies (requirements/product.lock)"
	$(UVBIN) pip install --python $(BIN)/python --require-hashes -r requirements/product.lock
	$(UVBIN) pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

# Everything, test tools included (make test, make lint, make messages).
$(VENV)/.installed: $(VENV)/.product requirements/test.lock
	$(UVBIN) pip install --quiet --python $(BIN)/python --require-hashes -r requirements/test.lock
	@touch $@

# Refresh the locks after changing a pin in pyproject.toml (exact versions, with hashes).
lock: | $(BIN)/python $(if $(UV),,$(BIN)/uv)
	$(UVBIN) pip compile -q pyproject.toml --python-version 3.12 --universal --generate-hashes \
		-o requirements/product.lock
	$(UVBIN) pip compile -q pyproject.toml --extra test --python-version 3.12 --universal \
		--generate-hashes -o requirements/test.lock

demo: $(VENV)/.product
	PORT=$(PORT) $(BIN)/alliance demo

test: $(VENV)/.installed chromium pdftools postgresql
	$(MAKE) --no-print-directory test-sqlite test-postgresql

test-sqlite:
	@echo "== test suite on SQLite =="
	$(BIN)/pytest -n $(JOBS) -p no:cacheprovider --durations=15

test-postgresql:
	@echo "== test suite on PostgreSQL ($(TEST_DATABASE_URL)) =="
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -n $(JOBS) -p no:cacheprovider --durations=15 \
		-m "not browser" --ignore=src/alliance/insights

.PHONY: chromium pdftools postgresql
# Browser tests drive Debian's Chromium; install it when we can, say so clearly when we cannot.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'." >&2; exit 1; \
	  fi; fi

# The briefs' tests read PDFs back with poppler (pdftoppm, pdftotext); WeasyPrint needs pango.
pdftools:
	@if ! command -v pdftoppm >/dev/null || ! ldconfig -p | grep -q libpango-1.0; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing poppler-utils and pango for the PDF briefs"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	  else \
	    echo "The PDF briefs need pango and the tests poppler: run 'sudo apt-get install poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core'." >&2; exit 1; \
	  fi; fi

# The suite also runs on PostgreSQL: start the local cluster if it is not answering.
postgresql:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
	  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then \
	    echo "Starting PostgreSQL"; \
	    pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start; \
	    for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	  fi; \
	  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL does not answer on 127.0.0.1:5432;" \
	    "start it or set TEST_DATABASE_URL to a server the tests may create databases on." >&2; exit 1; }; \
	fi

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	ALLIANCE_TESTING=1 $(BIN)/alliance manage makemigrations --check --dry-run

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the French and German catalogues after changing user-visible text.
# 'insights/*.py', not 'insights/*': Django reduces a 'dir/*' pattern to the bare name and then
# ignores every directory so named, which would drop the templates under web/insights/.
messages: $(VENV)/.installed
	cd src/alliance && ALLIANCE_TESTING=1 ../../$(BIN)/alliance manage makemessages -l fr -l de --no-obsolete \
		--ignore 'insights/*.py' --ignore 'tests/*'
	cd src/alliance && ALLIANCE_TESTING=1 ../../$(BIN)/alliance manage compilemessages

bench: $(VENV)/.installed
	$(BIN)/python bench/insights.py

clean:
	rm -rf $(VENV) var test-output .pytest_cache .ruff_cache
