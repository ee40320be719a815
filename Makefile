# Two commands for a newcomer: `make run` (chat in a browser) and `make test` (every test).
# Everything else is set up on the way, once, and skipped when nothing changed.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup venv node knowledge check train run browser test test-data test-pytest test-stories \
        bench clean

help:
	@echo "make run    set up if needed, then start the assistant and print the chat URL"
	@echo "make test   set up if needed, then run every test"
	@echo "make train  train the model (skipped when data, config and domain did not change)"
	@echo "make bench  measure speed, memory and NLU quality (with cross-validation: about 25 minutes)"
	@echo "make check  validate the knowledge base catalogue"

setup: venv node knowledge

venv:
	@bash scripts/bootstrap.sh

node: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "setup: npm (Node.js 18 or newer) is required for the territory data and the web widget: install Node.js, then run the command again." >&2; exit 1; }
	@echo "setup: installing the npm packages (territory data, socket.io client)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

knowledge: venv node
	@$(PY) -m knowledge load

check: venv node
	@$(PY) -m knowledge check

train: setup
	@$(PY) scripts/train.py

run: train
	@$(PY) scripts/run.py

browser:
	@bash scripts/install_browser.sh

test: train browser test-data test-pytest test-stories
	@echo "test: all tests passed"

test-data:
	@$(PY) -m knowledge check
	@$(RASA) data validate --max-history 5

test-pytest:
	@$(PY) -m pytest

test-stories:
	@$(PY) scripts/test_stories.py

# BENCH_ARGS="knowledge latency" (or nlu without --cross-validation) for a quicker partial run.
BENCH_ARGS ?= --cross-validation

bench: train
	@$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf models results var .pytest_cache test-artifacts bench-results
