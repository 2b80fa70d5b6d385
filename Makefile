# Commission: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_WORKERS ?= auto
export FLASK_APP := wsgi.py

.PHONY: run test install install-test assets migrate seed lint typecheck pytest bench clean

run: install assets migrate seed  ## install, build assets, migrate, load data, serve
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: install-test assets lint typecheck pytest  ## install test tools, lint, type-check, run every test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

node_modules/.package-lock.json: package.json
	npm install --no-audit --no-fund --ignore-scripts
	@touch $@

assets: node_modules/.package-lock.json
	node scripts/build-assets.mjs

migrate:
	$(BIN)/flask db upgrade

seed:  ## reference data always; the demo scenario except in production
	@case "$$(printf '%s' "$$COMMISSION_ENV" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')" in \
	  production) $(BIN)/flask seed ;; \
	  *) $(BIN)/flask seed --demo ;; \
	esac

lint:
	$(BIN)/ruff check commission tests
	$(BIN)/ruff format --check commission tests

typecheck:
	$(BIN)/mypy

pytest:  ## in parallel, one worker a core (PYTEST_WORKERS=0 for one process)
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench:  ## the performance harness: ten-year and one-year datasets behind gunicorn, one table (docs/performance.md)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules commission/static/govuk commission/static/autocomplete .pytest_cache .mypy_cache .ruff_cache
