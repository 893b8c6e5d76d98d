# Performa: `make run` starts the demo, `make test` runs every check CI runs.
# Needs python3 (3.11+) with venv, and for `make test` a PostgreSQL server, which
# scripts/ensure-postgres.sh installs (apt) and starts when it is missing.

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
# bench/ may not exist yet (git keeps no empty folders); ruff fails on a missing path.
LINT_PATHS := $(wildcard src tests bench)

.PHONY: run test lint typecheck test-sqlite test-postgres bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(INSTALLED)
	$(PERFORMA) migrate
# Loads the real Piano della Performance 2022-2024 of Pistoia-Prato (../shared/seeds) once.
	$(PERFORMA) demo
	$(PERFORMA) runserver 127.0.0.1:8000

test: lint typecheck test-sqlite test-postgres

lint: $(INSTALLED)
	$(BIN)/ruff check $(LINT_PATHS)

typecheck: $(INSTALLED)
	$(BIN)/mypy src/performa/engine

# pytest-django creates its own test database: in memory for SQLite, test_performa on
# PostgreSQL. The demo database under var/ is never touched.
test-sqlite: $(INSTALLED)
	@echo "=== pytest on SQLite ==="
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: $(INSTALLED)
	scripts/ensure-postgres.sh
	@echo "=== pytest on PostgreSQL ==="
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest

bench: $(INSTALLED)
	@if [ -f bench/engine.py ]; then $(BIN)/python bench/engine.py; \
	else echo "bench/engine.py does not exist yet"; fi

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist src/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
