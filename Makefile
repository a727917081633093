# Treaty Clause API. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.DEFAULT_GOAL := help
.PHONY: help install migrate seed run test

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: setup.cfg pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/.installed ## Create .venv and install the package with its test tools

migrate: install ## Migrate DATABASE_URL (default: the SQLite file in instance/) to the latest schema
	$(BIN)/treaty-api migrate

seed: install ## Import the seed files in seeds/ into DATABASE_URL
	$(BIN)/treaty-api seed seeds

run: migrate seed ## From a fresh clone: install, migrate, seed, then serve with gunicorn on $HOST:$PORT
	$(BIN)/gunicorn --config gunicorn.conf.py "api:create_app()"

test: install ## Run the test suite (SQLite; PostgreSQL when TEST_DATABASE_URL is set)
	@if [ -n "$$TEST_DATABASE_URL" ]; then echo "== test suite on PostgreSQL (TEST_DATABASE_URL)"; \
	else echo "== test suite on SQLite"; fi
	$(BIN)/python -m pytest -m "not browser"
	@if [ -z "$$TEST_DATABASE_URL" ]; then echo "PostgreSQL suite skipped: TEST_DATABASE_URL is not set (bash .ci/run sets it)."; fi

.PHONY: test-browser openapi openapi-examples bench
test-browser: install ## Load /docs in headless Chromium and try an operation (needs Debian's chromium)
	$(BIN)/python -m pytest -m browser -p no:cacheprovider

openapi: install ## Regenerate openapi.yaml from the application
	$(BIN)/treaty-api openapi write --format yaml openapi.yaml

openapi-examples: install ## Redraw the 200 examples of openapi.yaml from seeds/, then regenerate it
	$(BIN)/treaty-api openapi examples
	$(MAKE) openapi

bench: install ## Benchmark against a bare WSGI ceiling and Datasette (BENCH_SCALE, BENCH_SECONDS, BENCH_DATABASE_URL)
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python -m bench.run
