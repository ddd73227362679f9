# Every target works on a fresh machine with only Python 3.11: .venv is created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint clean package checkov checkov-venv openapi diagram fuzz load

$(STAMP): pyproject.toml
	@echo "setting up .venv (first run only, about a minute)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install $(PIP_QUIET) -e '.[test]'
	touch $(STAMP)

## demo: replay every sample event in events/ against the embedded fake cloud (no credentials)
# Its first run shows pip's progress (a target's variables reach its prerequisites);
# every other target installs quietly.
PIP_QUIET := --quiet
demo: PIP_QUIET :=
demo: $(STAMP)
	$(BIN)/tagstrip demo events

## lint: ruff (lint and format), mypy --strict, and the import contract (layers point one way)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict functions/tagstrip functions/main.py testkit/tagstrip_testkit
	$(BIN)/lint-imports --no-cache

## test: lint, then the whole test suite
test: lint checkov
	$(BIN)/pytest

## diagram: regenerate docs/flow.svg (README's picture) from docs/flow.txt; plain Python
diagram: $(STAMP)
	$(BIN)/python scripts/diagram.py docs/flow.txt docs/flow.svg

## openapi: regenerate openapi.json (the webhook's contract) from the pydantic models
openapi: $(STAMP)
	$(BIN)/python -m tagstrip.handlers.openapi > openapi.json

## fuzz: coverage-guided fuzzing (atheris) of the parsers and the core, seeded with events/;
## FUZZ_SECONDS=60 by default; crashes land in .fuzz/. Not part of make test.
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[fuzz]'
	mkdir -p .fuzz/corpus
	$(BIN)/python fuzz/run.py -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=.fuzz/ .fuzz/corpus events

## load: the reliability load check (bench/load.py): 20 s of concurrent signed webhook requests
## to gunicorn while the fake cloud injects faults; fails if any tag is left behind
load: $(STAMP)
	$(BIN)/python bench/load.py --seconds 20

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

## package: dist/tagstrip-functions.zip (vendored dependencies + functions/) and
## dist/tagstrip-source.zip (Cloud Run functions) and dist/container (Docker build context)
# PACKAGE_PYTHON: the platform's CPython (3.11 for FC custom.debian12, 3.12 for FunctionGraph).
# Its bytecode is compiled by that version's interpreter: PACKAGE_PYTHON_BIN=/path, or found on
# PATH, in pyenv or by uv; none found stops the build (exit 2) and says what to install.
PACKAGE_PYTHON ?= 3.11
package: $(STAMP)
	$(BIN)/python scripts/package.py --dist dist --python $(PACKAGE_PYTHON)

# checkov pins its own HCL parser, so it lives in its own virtualenv.
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)

$(CHECKOV_STAMP):
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $@

checkov-venv: $(CHECKOV_STAMP)

## checkov: scan template/ and the Dockerfile offline, with our policies in template/checkov-policies
checkov: $(CHECKOV_STAMP)
	$(CHECKOV_VENV)/bin/checkov --config-file template/checkov.yaml --directory template
	$(CHECKOV_VENV)/bin/checkov --config-file template/checkov.yaml --file Dockerfile

# Benchmarks (bench/, not part of make test) run in their own virtualenv: the runtime
# dependencies plus the bench extra only (fake cloud, the vendor SDK to compare with,
# pyinstrument), so the servers import what a deployment imports.
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): pyproject.toml
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e '.[bench]'
	touch $@

.PHONY: bench bench-smoke bench-profile

## bench: cold start, per-event overhead, throughput, fan-out, call count and memory figures
## as ratios (table, and .bench/results.json, untracked); about 2.5 minutes on 2 cores
bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python -m compileall -q functions testkit bench/apps
	$(BENCH_VENV)/bin/python bench/run.py --json .bench/results.json

## bench-smoke: every benchmark for a few iterations (checks they run, measures nothing)
bench-smoke: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python bench/run.py --smoke --json /dev/null

## bench-profile: pyinstrument profiles of the first event and of warm events (bench/profiles/)
bench-profile: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python bench/hotspots.py
