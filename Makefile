# The README's two commands: `make demo` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_AT := 2026-03-03T09:00:00+01:00

.PHONY: install browser demo test test-browser bench bench-full fuzz clean bench-embed test-deep

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

demo: install
	$(BIN)/rulebook recommend examples/panel.yaml --policy standard --at $(DEMO_AT)

# The playground's tests drive Debian's Chromium through chromedriver: installed here when
# missing (as root, or with sudo), so that `make test` needs nothing done by hand.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	    SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	        chromium chromium-driver >/dev/null; \
	fi

test: install browser
	$(BIN)/python -m pytest

test-browser: install browser  ## the playground in headless Chromium only (also part of make test)
	$(BIN)/python -m pytest tests/test_playground_browser.py tests/test_playground_api.py

test-deep: install  ## every shipped policy's invariants on 3000 timelines each (10x CI), seeded
	for p in standard classic modern; do \
	    $(BIN)/rulebook test $$p --examples 3000 --seed 1 --min-coverage 100 || exit 1; \
	done

bench: install  ## the quick benchmark (under two minutes), printed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python -m benchmarks --quick

bench-full: install  ## the full benchmark: writes benchmarks/RESULTS.md (about an hour)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python -m benchmarks --full

fuzz: install  ## hostile input at length: the fuzz suite with the deep hypothesis profile
	HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest tests/test_fuzz_hostile.py \
	    tests/test_fuzz_inputs.py tests/test_fuzz_unicode.py
bench-embed: install  ## batch on 1 and all cores, the service under load: a section of RESULTS.md
	$(BIN)/python -m benchmarks.embedding --write

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
