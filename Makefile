# Two commands matter: `make serve` (build the database from the bundled corpus and serve
# it at http://127.0.0.1:8001; `make serve PORT=8002` for another port) and `make test` (run
# every test). Both install what they need.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= complaints.db
PORT   ?= 8001

.PHONY: help venv build serve test test-deps bench fixtures renderings reader-goldens screenshot clean

help:
	@echo "make serve   build $(DB) from the bundled corpus and serve it at http://127.0.0.1:$(PORT) (PORT=... for another)"
	@echo "make test    run all tests (installs test tools if missing: poppler-utils, chromium, axe-core from npm)"
	@echo "make bench   run the speed and memory benchmark"
	@echo "make renderings      build the rendering matrix and score every rendering (scripts/render_matrix.py)"
	@echo "make reader-goldens  rewrite tests/fixtures/readers/*.json from the readers' output"
	@echo "make build   only build $(DB)"
	@echo "make clean   remove the database, caches and the virtualenv"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3 on PATH)"; exit 1; }
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

build: $(STAMP)
	$(BIN)/complaints build --db $(DB)

serve: build
	$(BIN)/complaints serve --db $(DB) --port $(PORT)

test-deps:
	@scripts/install-test-deps.sh

test: $(STAMP) test-deps
	$(BIN)/python -m pytest

bench: $(STAMP) test-deps
	$(BIN)/python scripts/bench.py

fixtures: $(STAMP)
	$(BIN)/python scripts/make_fixtures.py

renderings: $(STAMP) test-deps
	$(BIN)/python scripts/render_matrix.py --score

reader-goldens: $(STAMP)
	READER_GOLDENS=1 $(BIN)/python -m pytest -q tests/test_reader_goldens.py

# docs/screenshot.png (a comparison) and docs/fact.png (a fact page), for the README
screenshot: $(STAMP) test-deps
	UPDATE_SCREENSHOT=1 $(BIN)/python -m pytest tests/test_browser.py -q

clean:
	rm -rf $(DB) .cache .pytest_cache tests/artifacts bench-out $(VENV)
