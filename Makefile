# Brugwerk: every command of the project. `make help` lists them.
# Without DATABASE_URL and REDIS_URL everything runs on the embedded default (SQLite, tasks
# inline, email to the console); with them, on PostgreSQL with a real Celery worker.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install install-test messages compilemessages collectstatic migrate data run worker beat \
	test lint format check-migrations check-deploy clean bench

help: ## List the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed ## Create the virtualenv and install the portal

# axe-core for the accessibility browser tests (package.json; the portal itself needs no npm).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install-test: $(VENV)/.installed-test node_modules/.package-lock.json ## Install the portal with the test dependencies

compilemessages: install ## Compile the translations (needs gettext's msgfmt)
	$(PY) manage.py compilemessages --ignore=.venv -v 0

messages: install ## Extract translatable strings into locale/ (needs gettext)
	$(PY) manage.py makemessages -l nl -l fr -l en --ignore=.venv --ignore=staticfiles --no-obsolete

migrate: install
	$(PY) manage.py migrate --no-input -v 0

data: migrate ## Load reference data and demo data (both idempotent)
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo

run: install compilemessages data collectstatic ## Set up and serve the portal on http://127.0.0.1:8000
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: starting a Celery worker and beat next to the web server."; \
		trap 'kill 0' INT TERM EXIT; \
		$(VENV)/bin/celery -A portal worker --loglevel=INFO & \
		$(VENV)/bin/celery -A portal beat --loglevel=INFO --schedule=$(VENV)/celerybeat-schedule & \
		$(PY) manage.py runserver $(HOST):$(PORT); \
	else \
		$(PY) manage.py runserver $(HOST):$(PORT); \
	fi

worker: install ## Run a Celery worker (needs REDIS_URL)
	$(VENV)/bin/celery -A portal worker --loglevel=INFO

beat: install ## Run Celery beat (needs REDIS_URL)
	$(VENV)/bin/celery -A portal beat --loglevel=INFO --schedule=$(VENV)/celerybeat-schedule

lint: install-test ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

check-deploy: install ## Django's deployment checks with production-like settings
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	DJANGO_ALLOWED_HOSTS=brugwerk.example.be SITE_URL=https://brugwerk.example.be \
	EMAIL_URL=smtp://mail.example.be:587?tls=1 \
	$(PY) manage.py check --deploy --fail-level WARNING

test: install-test lint check-migrations compilemessages ## Install test dependencies and run the whole suite
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[bench]"
	@touch $@ $(VENV)/.installed

bench: $(VENV)/.installed-bench ## Benchmarks at both sizes on PostgreSQL (DATABASE_URL: a database of its own)
	$(PY) manage.py migrate --no-input -v 0
	DJANGO_DEBUG=true $(PY) -m benchmarks $(BENCH_ARGS)

clean: ## Remove the virtualenv, the SQLite file and collected files
	rm -rf $(VENV) brugwerk.sqlite3 brugwerk.sqlite3-* staticfiles .pytest_cache .ruff_cache node_modules

collectstatic: install
	$(PY) manage.py collectstatic --no-input -v 0
