# Marginalia: `make run` to read, `make test` to check. Everything installs itself into .venv.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# The first Python >= 3.12 on this machine: the usual names, then pyenv's versions.
PYTHON_FOR_VENV := $(shell for candidate in python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV); do \
	  command -v $$candidate >/dev/null 2>&1 && $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	  && { command -v $$candidate; break; }; done)

.PHONY: install run test bench bench-scale fuzz lint format tools clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON_FOR_VENV)" || { echo "Marginalia needs Python 3.12 or newer: install it (e.g. pyenv install 3.13) and retry."; exit 1; }
	@echo "Using $(PYTHON_FOR_VENV)"
	test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The import worker (db_worker) runs beside gunicorn and stops with it: Ctrl-C reaches both (an
# import it interrupts is queued again for the next start), and the trap ends the worker
# whenever gunicorn stops for another reason.
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py prepare_instance
	@echo "Serving Marginalia on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	SECURE_COOKIES=false $(VENV)/bin/gunicorn config.wsgi --config config/gunicorn.conf.py --bind $(HOST):$(PORT) --workers 2 --timeout 300 --access-logfile -

# The test tools: a Chromium for the browser tests (the system's, else Debian's package when we
# may install it, else Playwright's own download on machines with internet) and epubcheck, which
# judges our EPUB exports (Debian's package; its tests skip where it cannot be had).
tools: install
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v epubcheck >/dev/null 2>&1 || missing="$$missing epubcheck"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's$$missing for the tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else case "$$missing" in *chromium*) $(VENV)/bin/playwright install chromium;; esac; fi

test: install tools
	$(PY) -m pytest

# wrk drives the serving benchmark (bench/serving_bench.py falls back to Python threads without it).
bench: install
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || true
	$(PY) bench/run.py
	$(PY) bench/concurrency_bench.py --seconds 30

# A 10,000-work library in a throw-away PostgreSQL database (on SCALE_BENCH_SERVER, else
# 127.0.0.1:5432), then page and annotate timings; `SCALE=0.1` builds a tenth.
bench-scale: install
	$(PY) bench/scale_bench.py $(if $(SCALE),--scale $(SCALE))

# parse_story on a million mutated corpus files: any exception but ParseError, or a hang, is
# saved under bench/results/fuzz/. FUZZ_ARGS="--inputs 10000" for a short run.
fuzz: install
	$(PY) bench/fuzz_parser.py --engine plain $(FUZZ_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
