# The README's two commands are `make run` and `make test`; everything else is for developers.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The embedded default (SQLite, tasks in-process) with development settings.
DEV := DEBUG=1
MANAGE := $(BIN)/python manage.py

.PHONY: install run demo test lint format worker beat messages openapi bench loadtest clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(DEV) $(MANAGE) migrate --noinput
	$(DEV) $(MANAGE) seed_demo --score-months 12
	$(DEV) $(MANAGE) run_nightly

run: demo
	@echo "Serving http://127.0.0.1:8000 — log in with one of the demo logins above."
	$(DEV) $(MANAGE) runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV) $(MANAGE) makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A crm worker --loglevel INFO

beat: install
	$(BIN)/celery -A crm beat --loglevel INFO

# Needs gettext (apt-get install gettext). The compiled .mo files are committed, and a test
# checks they match the .po files, so nobody else needs gettext to run the app.
messages: install
	cd $(CURDIR) && $(DEV) $(BIN)/django-admin makemessages --settings crm.settings \
		--locale ja --locale en --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*' \
		--ignore 'static/*' --ignore 'tests/*'
	$(DEV) $(BIN)/django-admin compilemessages --settings crm.settings --ignore '.venv/*'

# The committed OpenAPI schema; tests/api/test_schema.py fails until it is regenerated.
# The schema is generated as for PostgreSQL, the production database, whatever the local one:
# Django takes integer bounds from the backend (SQLite's are 64-bit). No server is contacted.
SCHEMA_DATABASE_URL := postgres://schema@127.0.0.1:1/schema
openapi: install
	$(DEV) DATABASE_URL=$(SCHEMA_DATABASE_URL) $(MANAGE) spectacular --lang en --validate \
		--fail-on-warn --file docs/openapi.yaml

# Benchmarks on PostgreSQL only (DATABASE_URL=postgres://…; they say so and stop without it).
# SCALE accounts, 100,000 by default (BENCH_ACCOUNTS works too); `make bench SCALE=1000000` for
# a million. They seed and keep a database of their own beside DATABASE_URL's (<db>_bench<N>)
# and serve it with gunicorn, the production server, on 127.0.0.1. See docs/benchmarks.md.
SCALE ?= $(or $(BENCH_ACCOUNTS),100000)
bench: install
	$(BIN)/python -m tests.benchmarks.bench --accounts $(SCALE) $(BENCH_ARGS)

# 50 simulated reps for 60 s (locust, headless, loopback only); fails on any failed request.
loadtest: install
	$(BIN)/python -m tests.benchmarks.loadtest --accounts $(SCALE) $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-*
