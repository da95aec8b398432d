# Two commands: `make run` starts the app, `make test` runs every test. Both build .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
SHELL  := /bin/bash

.PHONY: run serve load test test-fast test-parity lint bench screenshots chromium nginx clean

# One BLAS thread per computation: two users on two cores compute side by side instead of thrashing.
export OPENBLAS_NUM_THREADS ?= 1

run: $(VENV)/.runtime
	$(BIN)/streamlit run app.py --server.port $(PORT)

# A class: REPLICAS Streamlit processes (default: two per core) behind Debian's nginx on PORT, sticky sessions by
# cookie. ADDRESS=0.0.0.0 listens beyond localhost. See the README's "Running it for a class" and deploy/.
REPLICAS ?=
ADDRESS  ?= 127.0.0.1
serve: $(VENV)/.runtime nginx
	$(BIN)/python deploy/serve.py $(if $(REPLICAS),--replicas $(REPLICAS)) --port $(PORT) --address $(ADDRESS)

# The largest class that meets the target (median setting change < 1 s, p90 < 2 s), on REPLICAS replicas.
load: $(VENV)/.dev nginx
	$(BIN)/python -m tests.load $(if $(REPLICAS),--replicas $(REPLICAS))

test: $(VENV)/.dev chromium nginx lint
	$(BIN)/python -m pytest -m "not parity"

test-fast: $(VENV)/.dev lint      ## engine, lesson and app tests, no browser
	$(BIN)/python -m pytest tests/engine tests/lessons tests/app -m "not parity"

lint: $(VENV)/.dev
	$(BIN)/ruff check .

# The PyTorch parity tests: the engine's update rules, training curves and exported scripts against torch.
# Installs the CPU build of torch 2.13.0 into .venv (never a runtime dependency of the app).
test-parity: $(VENV)/.parity
	$(BIN)/python -m pytest -m parity

bench: $(VENV)/.dev
	$(BIN)/python bench/engine_bench.py
	$(BIN)/python bench/page_bench.py

# Refresh the README's screenshots (docs/*.png) from a browser run of the page tests.
screenshots: $(VENV)/.dev chromium
	$(BIN)/python -m pytest tests/e2e/test_pages.py tests/e2e/test_race_and_presets.py tests/e2e/test_theory.py \
		tests/e2e/test_training.py -k "loads or play or screenshots" -q
	cp test-artifacts/screenshots/{home,init,activations,gradients,race,theory,training}.png docs/

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

$(VENV)/.parity: requirements-parity.txt $(VENV)/.dev
	$(BIN)/python -m pip install --quiet -r requirements-parity.txt
	$(BIN)/python -c "import torch; print('torch', torch.__version__, 'for the parity tests')"
	touch $@

# The browser tests drive Debian's Chromium; install it when it is missing (never `playwright install`).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The replica front and its load tests use Debian's nginx; install it when it is missing.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx >/dev/null; }

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts
