# photocheck developer entry points. `make run` and `make test` are all a new clone needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.setup-done
ARGS ?=

.PHONY: setup run test test-fast test-windows bench translations screenshots screenshots-screens dist installer-check clean help

help:
	@echo "make run [ARGS=...]   set up (if needed) and start the GUI"
	@echo "make test             set up (if needed) and run the whole test suite"
	@echo "make setup            idempotent set-up: Debian packages, .venv, models, translations"
	@echo "make test-windows     the library's tests under the Windows CPython 3.13 with wine (skips without wine)"
	@echo "make bench            benchmarks, figures written to bench/results.json"
	@echo "make screenshots      regenerate docs/*.png from code-drawn samples"
	@echo "make screenshots-screens  every page at 1920x1080 (100-200%) and 1366x768 (100, 125%) under Xvfb, in build/screens"
	@echo "make dist             PyInstaller one-folder bundle in dist/photocheck + self-test"
	@echo "make installer-check  build the NSIS installer and test it under wine64"

setup: $(STAMP)
	@$(PY) -m photocheck.models fetch --quiet
	@$(MAKE) --no-print-directory translations

$(STAMP): pyproject.toml requirements.lock requirements-dev.lock tools/setup.sh
	@PYTHON="$(PYTHON)" VENV="$(VENV)" sh tools/setup.sh
	@touch $(STAMP)

translations: $(STAMP)
	@$(PY) tools/i18n.py compile

run: setup
	$(VENV)/bin/photocheck-gui $(ARGS)

test: setup
	$(PY) -m pytest -n 2 --dist loadgroup -q -p no:cacheprovider --basetemp=.pytest-tmp $(PYTEST_ARGS)

test-fast: setup
	$(PY) -m pytest -q -x -m "not slow" $(PYTEST_ARGS)

test-windows: setup
	$(PY) tools/windows_test.py $(if $(PYTEST_ARGS),-- $(PYTEST_ARGS))

bench: setup
	$(PY) tools/bench.py --out bench/results.json

screenshots: setup
	$(PY) tools/screenshots.py

screenshots-screens: setup
	$(PY) tools/screenshots.py --screens

dist: setup
	$(PY) tools/dist.py build

installer-check: dist
	$(PY) tools/dist.py installer-check

clean:
	rm -rf build dist .pytest_cache .pytest-tmp
