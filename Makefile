# The two newcomer commands: `make run` and `make test`. Each installs what it needs into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test test-sqlite test-postgres lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	HUB_SYNC_ALLOW_PRIVATE=$${HUB_SYNC_ALLOW_PRIVATE:-1} $(VENV)/bin/hub demo --serve

test: install
	bash scripts/test.sh

test-sqlite: install
	bash scripts/test.sh sqlite

test-postgres: install
	bash scripts/test.sh postgres

lint: install
	$(VENV)/bin/ruff check app tests bench
	$(VENV)/bin/mypy  # strict on app/ingest, app/jobs, app/dedup, app/search ([tool.mypy] in pyproject.toml)

clean:
	rm -rf $(VENV) hub.db hub.db-wal hub.db-shm test-artifacts
