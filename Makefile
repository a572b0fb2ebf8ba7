# bilat: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WAREHOUSE ?= var/warehouse.duckdb
export BILAT_WAREHOUSE ?= $(CURDIR)/$(WAREHOUSE)
export DATABASE_URL ?= sqlite:///$(CURDIR)/var/bilat.sqlite3
export BILAT_SECRET_KEY_FILE ?= $(CURDIR)/var/secret_key

.PHONY: run test bench install system system-run axe lint typecheck clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Debian packages: what PDF reports need (Pango, fonts), and for the tests also Chromium (driven
# by Playwright), poppler (PDF pages to PNG) and PostgreSQL (the coordination suite runs on it).
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils postgresql
system:
	@sh scripts/debian-packages $(TEST_PACKAGES)

system-run:
	@sh scripts/debian-packages $(RUN_PACKAGES)

## Build the warehouse from the bundled real data, add the example coordination data, and
## serve on http://127.0.0.1:8000
run: install system-run
	$(BIN)/bilat ingest data/
	$(BIN)/bilat demo
	$(BIN)/bilat serve --host 127.0.0.1 --port 8000

# axe-core, the accessibility checker the browser tests inject into every type of page: from
# npm, at the version locked in tests/js/package-lock.json, read from disk (no CDN).
AXE := tests/js/node_modules/axe-core/axe.min.js
$(AXE): tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	touch $@

axe: $(AXE)

## Install everything the tests need, check style and types, and run every test: all of them on
## SQLite, then the coordination suite again on a PostgreSQL server started on a local port
test: install system axe
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	cd benchmarks && ../$(BIN)/mypy --strict --ignore-missing-imports run.py
	BILAT_EXPECT_DATABASE=sqlite $(BIN)/python -m pytest
	BILAT_EXPECT_DATABASE=postgresql DATABASE_URL=$$(sh scripts/postgres start) \
		$(BIN)/python -m pytest -m coordination

## Full-scale benchmarks against baselines measured in the same run (about 10 minutes)
bench: install system
	cd benchmarks && ../$(BIN)/python run.py

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy
	cd benchmarks && ../$(BIN)/mypy --strict --ignore-missing-imports run.py

clean:
	rm -rf $(VENV) var build *.egg-info tests/js/node_modules
