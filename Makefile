# Two commands: `make run` starts the app, `make test` runs every test. Both set up first:
# a venv with the exact versions of the lock files (requirements.lock for the app,
# requirements-test.lock with the test and benchmark extras), installed by uv, which pip
# installs first; a fresh machine needs only python3 (with venv and pip) and make.
# `make lock` refreshes the locks from pyproject.toml, keeping the versions it still allows;
# `make lock LOCK_FLAGS=--upgrade` (or `--upgrade-package streamlit`) moves them on.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
UV := $(BIN)/uv
UV_STAMP := $(VENV)/.uv-$(UV_VERSION)
IN_VENV := --quiet --python $(BIN)/python
# One lock for every platform and every Python that pyproject's requires-python allows.
COMPILE := $(UV) pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--annotation-style line --custom-compile-command "make lock"
LOCK_FLAGS ?=
CHROMIUM := /usr/bin/chromium

.PHONY: run test setup setup-test system-packages bench bench-quick lock

run: setup
	$(BIN)/streamlit run app.py

test: setup-test system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

bench: setup-test system-packages
	$(BIN)/python -m benchmarks

bench-quick: setup-test system-packages
	$(BIN)/python -m benchmarks --quick

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

# The lock's versions, then feed itself (editable, with its commands) and nothing else; `pip
# check` fails if pyproject.toml asks for something the lock lacks (run `make lock`).
$(VENV)/.installed: requirements.lock pyproject.toml $(UV_STAMP)
	$(UV) pip install -r requirements.lock $(IN_VENV)
	$(UV) pip install --no-deps -e . $(IN_VENV)
	$(UV) pip check $(IN_VENV)
	touch $@

$(VENV)/.installed-test: requirements-test.lock pyproject.toml $(UV_STAMP)
	$(UV) pip install -r requirements-test.lock $(IN_VENV)
	$(UV) pip install --no-deps -e . $(IN_VENV)
	$(UV) pip check $(IN_VENV)
	touch $@

$(UV_STAMP):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "uv==$(UV_VERSION)"
	touch $@

# The test lock first; the app's takes the same versions.
lock: $(UV_STAMP)
	$(COMPILE) $(LOCK_FLAGS) --extra test -o requirements-test.lock
	$(COMPILE) $(LOCK_FLAGS) -c requirements-test.lock -o requirements.lock

# Debian's Chromium (browser tests and benchmarks; Playwright cannot download its own here) and
# redis-server (the Redis source's tests start their own on a free port).
system-packages:
	@missing=""; \
	test -x $(CHROMIUM) || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	test -z "$$missing" || { \
		echo "Installing Debian's$$missing (needs root or sudo)..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; }
