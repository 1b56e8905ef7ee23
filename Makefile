# Developer entry points. A fresh machine needs only python3 and GNU make:
#   make run    a local portal at http://127.0.0.1:8000 with a Celery worker and beat
#   make test   the test suite (SQLite unless DATABASE_URL is set)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM := /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help venv run test screenshots lint format migrations-check prod-smoke clean

help:
	@echo "make run               serve http://$(HOST):$(PORT) with a Celery worker and beat (Ctrl-C stops all)"
	@echo "make test              run the test suite (screenshots go to the ignored test-results/screenshots/)"
	@echo "make screenshots       refresh the documented screenshots in docs/screenshots/ (browser tests)"
	@echo "make lint              ruff check and ruff format --check"
	@echo "make format            ruff format and ruff check --fix"
	@echo "make migrations-check  fail if a model change has no migration"
	@echo "make prod-smoke        production settings end to end: gunicorn, worker, beat (needs DATABASE_URL, REDIS_URL)"
	@echo "make clean             remove caches, collected static files and the local queue"

venv: $(STAMP)

# Reinstalls only when a requirements file is newer than the stamp.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# DEBUG=1 unless the caller set DEBUG: no SECRET_KEY is needed locally.
run migrations-check: export DEBUG ?= 1

# The settings create no folder; VAR_DIR (the SQLite database's folder) is read through them, so a
# VAR_DIR from .env (READ_DOT_ENV=1) is honoured. Celery creates its broker folders itself.
run: venv
	$(PY) -c 'from config.settings import VAR_DIR; VAR_DIR.mkdir(parents=True, exist_ok=True)'
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py refresh_square
	$(PY) manage.py collectstatic --noinput --verbosity 0
	exec $(PY) scripts/devserver.py --host $(HOST) --port $(PORT)

# Browser tests need Debian's Chromium; CI installs it, a newcomer may not have it yet. The fault tests
# (tests/faults, -m faults) need PostgreSQL and Redis: without DATABASE_URL or REDIS_URL they are
# deselected, except under CI=true, where they run and fail so that a CI without the services is noticed.
# The suite runs in TEST_WORKERS processes (pytest-xdist: "auto" one per core, 0 this process alone), each
# with a test database of its own; then the fault tests, one at a time in one process: they share the Redis
# database and time a killed worker's recovery, which a machine busy with other tests would slow. Either
# part may select nothing (PYTEST_ARGS naming tests of one part), not both.
TEST_WORKERS ?= auto

test: venv
	@skip=""; faults=yes; \
	if [ ! -x $(CHROMIUM) ]; then \
		echo "NOTE: $(CHROMIUM) is missing, so the browser tests are deselected (-m 'not browser')."; \
		echo "      To run them: apt-get install -y chromium fonts-noto-cjk"; \
		skip="browser"; \
	fi; \
	if [ "$${CI:-}" != "true" ] && { [ -z "$${DATABASE_URL:-}" ] || [ -z "$${REDIS_URL:-}" ]; }; then \
		echo "NOTE: DATABASE_URL or REDIS_URL is unset, so the fault tests are deselected (-m 'not faults')."; \
		echo "      To run them: DATABASE_URL=postgres://... REDIS_URL=redis://... make test"; \
		faults=no; \
	fi; \
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not ($${skip:+$$skip or }faults)" $(PYTEST_ARGS); rest=$$?; \
	rc=5; \
	if [ $$faults = yes ]; then $(VENV)/bin/pytest -m "faults$${skip:+ and not ($$skip)}" $(PYTEST_ARGS); rc=$$?; fi; \
	if [ $$rest -eq 5 ] && [ $$rc -eq 5 ]; then exit 5; fi; \
	for code in $$rest $$rc; do [ $$code -eq 0 ] || [ $$code -eq 5 ] || exit $$code; done

# The browser tests save screenshots to the ignored test-results/screenshots/; this run points them at
# the tracked docs/screenshots/ on purpose (review and commit the PNGs that changed).
screenshots: venv
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) is missing: apt-get install -y chromium fonts-noto-cjk"; exit 1; }
	SCREENSHOTS_DIR=docs/screenshots $(VENV)/bin/pytest -m browser $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: venv
	$(PY) manage.py makemigrations --check --dry-run

# Production settings on this machine (scripts/prod_smoke.py): migrate, collectstatic, gunicorn, a Celery
# worker and beat, then health, static, sign-in and a job run through the broker. DATABASE_URL (PostgreSQL)
# and REDIS_URL must name throw-away ones: it migrates and seeds a small demo data set.
prod-smoke: venv
	$(PY) scripts/prod_smoke.py $(SMOKE_ARGS)

clean:
	rm -rf .ruff_cache .pytest_cache test-results var/staticfiles var/celery
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
