# Two commands for a newcomer: `make run` (demo on SQLite) and `make test` (PostgreSQL + Redis).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
	fonts-dejavu-extra gettext chromium poppler-utils redis-server
TEST_ENV := DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/primero_ro} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/5} \
	DJANGO_ALLOW_ASYNC_UNSAFE=true

.PHONY: run test setup system-packages venv messages services lint typecheck migrations-check format migrate demo bench-help bench clean

# DEMO: DEBUG off (the project's own error pages), static files by WhiteNoise, reports built
# on a thread after the response (docs/reporting.md).
run: setup
	DEMO=true $(PY) manage.py migrate --no-input -v0
	DEMO=true $(PY) manage.py seed_demo
	@echo "Open http://$(HOST):$(PORT)/ and log in with a demo user above."
	DEMO=true $(PY) manage.py runserver $(HOST):$(PORT)

# PYTEST_ARGS narrows a run, e.g. PYTEST_ARGS="-m 'not browser'" or PYTEST_ARGS=tests/accounts.
# TEST_PROCESSES: pytest-xdist processes, each with its own test database and Redis
# database (docs/testing.md); 0 runs everything in one process.
TEST_PROCESSES ?= 2
test: setup services lint typecheck migrations-check
	$(TEST_ENV) $(VENV)/bin/pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

setup: system-packages venv messages

# Installs only what is missing; needs root or sudo the first time.
system-packages:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check uv
	$(VENV)/bin/uv pip install -q --python $(PY) -r requirements.lock
	touch $@

messages: venv
	@DEBUG=true $(PY) manage.py compilemessages --ignore=.venv -v0

# PostgreSQL and Redis for the test suite, started when they are down.
services:
	@if command -v pg_lsclusters >/dev/null; then \
	  pg_lsclusters -h | grep -q online || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	fi
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && exit 0; sleep 1; done; \
	  echo "PostgreSQL or Redis did not start" >&2; exit 1

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with django-stubs on the service modules (the files are listed in pyproject.toml).
typecheck: venv
	$(VENV)/bin/mypy

# Every model change has its migration committed (an in-memory database: nothing to set up).
migrations-check: venv
	DEBUG=true DATABASE_URL=sqlite://:memory: $(PY) manage.py makemigrations --check --dry-run

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: venv
	DEBUG=true $(PY) manage.py migrate

# Every figure of issue 14 in one run (bench/run.py, docs/benchmarks.md): 1,000,000 cases
# (filled once by COPY, then reused), ~25 minutes; BENCH_ARGS="--quick" for a few minutes.
# Locust and its dependencies come from their own lock, never into the app's image.
BENCH_ARGS ?=
bench: setup services
	$(VENV)/bin/uv pip install -q --python $(PY) -c requirements.lock -r requirements-bench.lock
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
