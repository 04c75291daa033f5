# Two commands for a fresh machine: `make run` and `make test`.
# Everything installs into .venv; the guide is rebuilt only when its sources change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
GUIDE_SOURCES := mkdocs.yml $(shell find docs sandbox/ipn/catalog sandbox/i18n/messages -type f 2>/dev/null)
HOST ?= 127.0.0.1
PORT ?= 8024

.PHONY: run test setup guide lint screenshots bench readers clean

run: setup site/.built ## build the guide if needed, then serve guide + sandbox on one origin
	$(BIN)/ds24-sandbox serve --host $(HOST) --port $(PORT) --site site

test: setup ## install everything, then run the whole test suite (browser tests need chromium)
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

site/.built: $(STAMP) $(GUIDE_SOURCES)
	$(BIN)/mkdocs build --strict --quiet --site-dir site
	touch $@

guide: site/.built

screenshots: setup ## walk the guide in Chromium, both languages, and redo docs/assets/screenshots/*.png
	$(BIN)/python -m tests.browser.screenshots

BENCH_STAMP := $(VENV)/.bench-$(shell cksum pyproject.toml | cut -d' ' -f1)

bench: $(BENCH_STAMP) ## the sandbox against this machine's limits (~2 min idle): table + benchmarks/results/DATE.json
	$(BIN)/python -m benchmarks

readers: setup ## 50 readers with their own workspaces for a minute: benchmarks/results/readers-DATE.json
	$(BIN)/python -m benchmarks.readers

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	rm -f $(VENV)/.bench-*
	touch $@

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) site
