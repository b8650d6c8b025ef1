# newsbook: two commands on a fresh machine.
#   make report  - set up, annotate the seeds, render every report into outputs/
#   make test    - set up, run the tests
# Re-running skips what is already done (stamp files in .venv/).

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
KERNEL := $(VENV)/.kernel
CHROMIUM ?= /usr/bin/chromium

.PHONY: setup browser annotate report test lab bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "newsbook needs Python 3.11, found " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,cluster]'
	touch $@

$(KERNEL): $(INSTALLED)
	$(BIN)/python -m ipykernel install --sys-prefix --name newsbook --display-name "Python (newsbook)"
	touch $@

setup: $(KERNEL)

# Headless Chromium for the browser tests and report screenshots (Debian's package).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; \
		else echo "chromium missing: run 'sudo apt-get install chromium' (browser checks will be skipped)"; fi; \
	fi

annotate: setup
	$(BIN)/newsbook annotate seeds --out outputs/annotations

report: setup browser annotate
	$(BIN)/newsbook report --corpus seeds
	$(BIN)/newsbook screenshots --out outputs/seeds --lab

test: setup browser
	$(BIN)/python -m pytest

lab: setup
	$(BIN)/jupyter lab notebooks/

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .cache outputs/annotations outputs/seeds outputs/index.html
