# Performa: `make run` starts the demo, `make test` runs every check CI runs.
# Needs python3 (3.11+) with venv and node/npm (front-end assets, fetched from the npm registry
# at build time, never from a CDN at run time); for `make test` also a PostgreSQL server and
# Debian's chromium, which scripts/ensure-postgres.sh and scripts/ensure-chromium.sh install
# (apt) when they are missing; the documents need Debian's Pango (and the tests poppler-utils),
# which scripts/ensure-apt.sh installs for `make run` and `make test`.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install: the venv is rebuilt only when pyproject.toml changes.
INSTALLED := $(VENV)/.installed
PERFORMA := $(BIN)/performa
POSTGRES_URL := postgres://performa:performa@127.0.0.1:5432/performa
# Test processes (pytest-xdist); each takes whole modules (--dist loadfile), so a module's
# fixtures (the demo, a live server, rendered documents) are built once. `make test WORKERS=0`
# runs them in this process, in file order.
WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(WORKERS) --dist loadfile
# bench/ may not exist yet (git keeps no empty folders); ruff fails on a missing path.
LINT_PATHS := $(wildcard src tests bench)
# Front-end files the app serves (Bootstrap Italia, htmx, Chart.js, axe-core), copied from
# node_modules by scripts/copy-assets.mjs. Gitignored; the stamp lives inside the folder, so
# deleting the folder rebuilds it, and so does a change to the package files.
VENDOR := src/performa/web/static/vendor
ASSETS := $(VENDOR)/.copied

.PHONY: run test lint typecheck test-sqlite test-postgres browser-deps apt-deps bench load load-sqlite \
	audit \
	clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(ASSETS): package.json package-lock.json scripts/copy-assets.mjs
	npm ci --no-audit --no-fund --loglevel=error
	node scripts/copy-assets.mjs
	touch $@

run: $(INSTALLED) $(ASSETS) apt-deps
	$(PERFORMA) migrate
# Loads the real Piano della Performance 2022-2024 of Pistoia-Prato (../shared/seeds) once.
	$(PERFORMA) demo
	$(PERFORMA) runserver 127.0.0.1:8000

test: lint typecheck test-sqlite test-postgres

lint: $(INSTALLED)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/lint-imports

typecheck: $(INSTALLED)
	$(BIN)/mypy src/performa/engine

# pytest-django creates its own test database: in memory for SQLite, test_performa on
# PostgreSQL. The demo database under var/ is never touched.
test-sqlite: $(INSTALLED) $(ASSETS) browser-deps apt-deps
	@echo "=== pytest on SQLite ==="
	env -u DATABASE_URL $(PYTEST)

test-postgres: $(INSTALLED) $(ASSETS) browser-deps apt-deps
	scripts/ensure-postgres.sh
	@echo "=== pytest on PostgreSQL ==="
	DATABASE_URL=$(POSTGRES_URL) $(PYTEST)

# tests/browser drive /usr/bin/chromium through Playwright (never `playwright install`).
browser-deps:
	scripts/ensure-chromium.sh

# Pango and a font for the PDFs (WeasyPrint), poppler-utils for the tests that read them back.
apt-deps:
	scripts/ensure-apt.sh

bench: $(INSTALLED)
	@if [ -f bench/engine.py ]; then $(BIN)/python bench/engine.py; \
	else echo "bench/engine.py does not exist yet"; fi

# 50 users on the live app (gunicorn) over PostgreSQL for 60 s; prints figures, fails only on
# a lost write. Not part of `make test`: it measures, it does not check.
load: $(INSTALLED)
	scripts/ensure-postgres.sh
	$(BIN)/python bench/load.py

# The same load on the default install: SQLite (one file, writers queue, WAL for readers).
load-sqlite: $(INSTALLED)
	$(BIN)/python bench/load.py --database-url sqlite:///$(CURDIR)/var/load.sqlite3

# Known vulnerabilities of every package installed in .venv (the pinned dependencies and what
# they pulled in), from PyPI's advisory data (pip-audit's default, api.osv.dev, is not used).
# --strict: a package that could not be looked up fails the audit instead of passing unseen.
# Not part of `make test`: an advisory published overnight must not fail CI for unchanged code.
audit: $(INSTALLED)
	$(BIN)/pip-audit --vulnerability-service pypi --strict --skip-editable --desc on \
		--progress-spinner off

clean:
	rm -rf $(VENV) var node_modules $(VENDOR) test-output
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist src/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
