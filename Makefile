# The two newcomer commands: `make run` and `make test`. Each installs what it needs into .venv:
# `make run` the runtime set only, `make test` the dev set too, both pinned by constraints.txt.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install -q --disable-pip-version-check -c constraints.txt
RUN_STAMP := $(VENV)/.runtime-stamp
DEV_STAMP := $(VENV)/.dev-stamp

.PHONY: install install-runtime run test test-sqlite test-postgres lint lock bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml setup.py constraints.txt | $(PY)
	$(PIP) -e .
	touch $@

$(DEV_STAMP): pyproject.toml setup.py constraints.txt | $(PY)
	$(PIP) -e '.[dev]'
	touch $@ $(RUN_STAMP)

install-runtime: $(RUN_STAMP)

install: $(DEV_STAMP)

run: install-runtime
	HUB_SYNC_ALLOW_PRIVATE=$${HUB_SYNC_ALLOW_PRIVATE:-1} $(VENV)/bin/hub demo --serve

test: install
	bash scripts/test.sh

test-sqlite: install
	bash scripts/test.sh sqlite

test-postgres: install
	bash scripts/test.sh postgres

lint: install
	$(VENV)/bin/ruff check app tests bench
	$(VENV)/bin/mypy  # all of app/; strict on app/ingest, app/jobs, app/dedup, app/search ([tool.mypy])

# Re-pin constraints.txt: the newest versions pyproject.toml allows, resolved in a fresh venv.
lock:
	bash scripts/lock.sh

clean:
	rm -rf $(VENV) hub.db hub.db-wal hub.db-shm hub.db-writer test-artifacts build *.egg-info
