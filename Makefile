# The README's two commands: `make demo` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_AT := 2026-03-03T09:00:00+01:00

.PHONY: install demo test test-browser bench bench-full clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

demo: install
	$(BIN)/rulebook recommend examples/panel.yaml --policy standard --at $(DEMO_AT)

test: install
	$(BIN)/python -m pytest

test-browser: install  ## the playground in headless Chromium only (also part of make test)
	$(BIN)/python -m pytest tests/test_playground_browser.py tests/test_playground_api.py

bench: install  ## the quick benchmark (under two minutes), printed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python -m benchmarks --quick

bench-full: install  ## the full benchmark: writes benchmarks/RESULTS.md (about an hour)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python -m benchmarks --full

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
