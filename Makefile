# Two commands for a new user: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/coalition.duckdb
PORT ?= 8501
BENCH_ARGS ?=
# pytest's workers (pytest-xdist): one per core of the 2-core machine. Each test file stays in
# one worker (--dist loadfile), so a browser module's shared server and its tests stay together.
TEST_WORKERS ?= 2

.PHONY: run test lint format bench system-deps demo clean catalog catalog-check lock

$(VENV)/bin/activate:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)

# The lock files pin every package of the dependency tree with the SHA-256 of its files; pip
# refuses anything unpinned or unhashed (README, Start). requirements*.txt are what people edit.
$(VENV)/.run-installed: requirements.lock | $(VENV)/bin/activate
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.dev-installed: requirements-dev.lock | $(VENV)/bin/activate
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $@ $(VENV)/.run-installed

# Write the lock files again after changing requirements.txt or requirements-dev.txt: pip-tools
# resolves the whole tree and records the hashes of every file PyPI holds for each version. It
# runs from a venv of its own, deleted after, so it never enters the app's or the tests' venv.
LOCK_VENV := .lock-venv
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet pip-tools==7.6.2
	for name in requirements requirements-dev; do \
		CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
			--strip-extras --no-emit-find-links --output-file $$name.lock $$name.txt || exit 1; \
	done
	rm -rf $(LOCK_VENV)

# Debian's chromium (browser tests, chart export), CJK fonts (Chinese text in images and in the
# PDF brief) and poppler-utils (pdftotext: the brief's tests read its text).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing$$missing with apt-get"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Please install:$$missing (sudo apt-get install$$missing); browser tests need them." >&2; exit 1; \
		fi; \
	fi

$(DB): | $(VENV)/.run-installed
	$(PY) -m impact demo --db $(DB)

run: $(VENV)/.run-installed $(DB)
	$(PY) -m streamlit run app.py --server.port $(PORT)

demo: $(VENV)/.run-installed
	$(PY) -m impact demo --db $(DB) --force

# Translations: add the code's new strings to locales/*/LC_MESSAGES/messages.po (keeping
# existing translations), then list what still needs translating (README, Languages).
catalog: $(VENV)/.run-installed
	$(PY) -m impact.i18n_catalog update
	$(PY) -m impact.i18n_catalog check

catalog-check: $(VENV)/.run-installed
	$(PY) -m impact.i18n_catalog scan
	$(PY) -m impact.i18n_catalog check

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: $(VENV)/.dev-installed system-deps lint
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

bench: $(VENV)/.dev-installed
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .ruff_cache
