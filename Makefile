# The same commands as the README. `make run` and `make test` work on a fresh machine.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE := src/newsarchive/data/category-archive-russia.txt
DB ?= newsarchive.db

.PHONY: install install-dev run test lint format bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# What `run` needs, and what the tests and linters need on top.
$(BIN)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(BIN)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(BIN)/.installed

install: $(BIN)/.installed
install-dev: $(BIN)/.installed-dev

# The main job on the embedded default: ingest the bundled sample into SQLite, find who
# said what in it, group it into stories and topics, and serve it (the URL is printed;
# Ctrl-C stops). HOST/PORT change where it listens.
HOST ?= 127.0.0.1
PORT ?= 8000
run: install
	$(BIN)/newsarchive ingest --db $(DB) $(SAMPLE)
	$(BIN)/newsarchive enrich --db $(DB)
	$(BIN)/newsarchive stories --db $(DB)
	$(BIN)/newsarchive serve --db $(DB) --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

# Lint, types, then every test; pytest's exit code 5 (no tests collected) is not a failure.
test: lint
	$(BIN)/pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest: no tests collected"; exit 0; fi; exit $$rc

format: install-dev
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: install-dev
	$(BIN)/python benchmarks/bench_parse.py
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/bench_web.py

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
