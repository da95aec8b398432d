# Two commands: `make run` starts the app, `make test` runs every test. Both build .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
SHELL  := /bin/bash

.PHONY: run test test-fast bench screenshots chromium clean

# One BLAS thread per computation: two users on two cores compute side by side instead of thrashing.
export OPENBLAS_NUM_THREADS ?= 1

run: $(VENV)/.runtime
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: $(VENV)/.dev chromium
	$(BIN)/python -m pytest

test-fast: $(VENV)/.dev           ## engine + app tests, no browser
	$(BIN)/python -m pytest tests/engine tests/app

# Refresh the README's screenshots (docs/*.png) from a browser run of the page tests.
screenshots: $(VENV)/.dev chromium
	$(BIN)/python -m pytest tests/e2e/test_pages.py tests/e2e/test_race_and_presets.py -k "loads or play" -q
	cp test-artifacts/screenshots/{home,init,activations,gradients,race}.png docs/

bench: $(VENV)/.dev
	$(BIN)/python bench/engine_bench.py
	$(BIN)/python bench/page_bench.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# The browser tests drive Debian's Chromium; install it when it is missing (never `playwright install`).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts
