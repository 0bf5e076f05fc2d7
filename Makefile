# The two commands of the Quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO := var/demo
DEMO_ADDR ?= 127.0.0.1:50651

.PHONY: run test lint venv demo bench proto messages clean pg

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# Demo data (central database, one store, one till) is created once under var/demo.
demo: venv
	$(VENV)/bin/central demo --data $(DEMO) --address $(DEMO_ADDR)

# Starts central in the background, opens the till, stops central when the till quits.
# Bytecode is compiled first, as an installed till has it (PYTHONDONTWRITEBYTECODE may be
# set), so the till does not compile its own modules at every start.
run: demo
	@$(PY) -m compileall -q edge central kassa
	@$(VENV)/bin/central serve --db $(DEMO)/central.db --listen $(DEMO_ADDR) \
		>$(DEMO)/central.log 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/edge --config $(DEMO)/edge.toml

# The tests start their own PostgreSQL server (tests/postgres): install Debian's server
# package when it is missing, without the default cluster it would otherwise start.
pg:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || { \
		echo "installing the PostgreSQL server for the tests (Debian package postgresql)"; \
		mkdir -p /etc/postgresql-common; \
		echo "create_main_cluster = false" >> /etc/postgresql-common/createcluster.conf; \
		apt-get update -q && apt-get install -y -q --no-install-recommends postgresql; }

test: venv pg
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

proto: venv
	$(PY) proto/generate.py

# Extract UI messages and merge them into the ru/uk/en catalogs under edge/locale.
messages: venv
	$(PY) tools/update_catalogs.py

clean:
	rm -rf $(VENV) var
