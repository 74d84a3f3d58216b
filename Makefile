# Qualiréseau — the single entry to dev tasks. `make run` and `make test` are the quick start.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run install migrate demo serve worker beat test lint format browser redis pgbouncer bench loadtest db-stop messages clean

run: install migrate demo serve ## install, migrate, load the demo network, serve http://localhost:$(PORT)

install: $(VENV)/.installed ## create the virtualenv: production + development locks

# requirements.lock: production only (the image installs nothing else);
# requirements-dev.lock: `-r requirements.lock` + tests, linters, embedded PostgreSQL.
$(VENV)/.installed: requirements.lock requirements-dev.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@touch $@

migrate: install ## migrate the public schema, then every structure's schema
	$(PY) manage.py migrate_schemas --shared -v 0
	$(PY) manage.py migrate_schemas --tenant -v 0

demo: install ## load the demo network (idempotent; refused in production)
	$(PY) manage.py load_demo

serve: install
	@echo "Qualiréseau : http://localhost:$(PORT)"
	PORT=$(PORT) $(PY) manage.py runserver 0.0.0.0:$(PORT)

# Development: one worker consumes every queue and runs beat inside it (-B: the jobs'
# sweeper, the outbox's periodic delivery, reminders). With a broker, `make run` needs it.
# Production runs one worker per queue and a single beat (deploy/).
worker: install ## a Celery worker on every queue, with beat (needs CELERY_BROKER_URL)
	$(PY) -m celery -A platform.celery worker -B -Q jobs,emails,celery -l INFO

beat: install ## Celery beat alone (when the workers run without -B; needs CELERY_BROKER_URL)
	$(PY) -m celery -A platform.celery beat -l INFO

browser: ## Debian's Chromium for the browser tests (no browser download)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
	  else echo "Installez le paquet Debian 'chromium' (sudo apt-get install chromium)"; exit 1; fi; }

redis: ## Debian's redis-server for the fault tests (tests/faults/), when none is installed
	@command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq redis-server >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq redis-server >/dev/null)); \
	  else echo "Installez le paquet Debian 'redis-server' (sudo apt-get install redis-server)"; exit 1; fi; }

pgbouncer: ## Debian's pgbouncer for the connection-pooling test (tests/platform/test_pgbouncer.py)
	@command -v pgbouncer >/dev/null 2>&1 || test -x /usr/sbin/pgbouncer || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq pgbouncer >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq pgbouncer >/dev/null)); \
	  else echo "Installez le paquet Debian 'pgbouncer' (sudo apt-get install pgbouncer)"; exit 1; fi; }

test: install browser redis pgbouncer ## the whole suite, against a real PostgreSQL (with format, lint, import rules, types and migrations checks)
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	PYTHONPATH=. $(VENV)/bin/lint-imports
	$(PY) -m mypy
	$(PY) -m pytest -q

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: install ## benchmarks (figures recorded in docs/benchmarks.md)
	@for script in bench/[!_]*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

loadtest: install ## each role's main pages against gunicorn at 1, 8 and 32 users (locust, loopback, needs the system PostgreSQL)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(PY) bench/_loadtest.py

messages: install ## refresh and compile the translations (needs gettext)
	$(PY) manage.py makemessages -l en -l fr --ignore=.venv
	$(PY) manage.py compilemessages --ignore=.venv

db-stop: ## stop the embedded PostgreSQL
	$(PY) -m platform.devdb stop

clean:
	rm -rf $(VENV) var
