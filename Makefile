# Brugwerk: every command of the project. `make help` lists them.
# Without DATABASE_URL and REDIS_URL everything runs on the embedded default (SQLite, tasks
# inline, email to the console); with them, on PostgreSQL with a real Celery worker.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The address `make run` serves; links in emails point there too, unless SITE_URL says otherwise.
SERVE_URL := http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
SITE_URL ?= $(SERVE_URL)

# Every install comes from the lock in requirements/ (exact versions with hashes, made by
# `make lock` from the ranges in pyproject.toml). The portal runs from this folder and is not
# itself installed. -qq: errors only; the lock leaves pip nothing to decide.
PIP_INSTALL := $(PY) -m pip install -qq --require-hashes --no-input
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" $(UV_FLAGS)

.DEFAULT_GOAL := help
.PHONY: help install install-test messages compilemessages collectstatic migrate data run worker beat \
	test lint format check-migrations check-deploy clean bench lock upgrade

help: ## List the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.pip: requirements/pip.txt
	@test -x $(PY) || { echo "== Creating the virtualenv in $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@$(PIP_INSTALL) -r requirements/pip.txt
	@touch $@

$(VENV)/.installed: requirements/main.txt $(VENV)/.pip
	@echo "== Installing the locked packages (requirements/main.txt)"
	@$(PIP_INSTALL) -r requirements/main.txt
	@touch $@

$(VENV)/.installed-test: requirements/test.txt $(VENV)/.pip
	@echo "== Installing the locked packages with the test tools (requirements/test.txt)"
	@$(PIP_INSTALL) -r requirements/test.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed ## Create the virtualenv and install the portal

# axe-core for the accessibility browser tests (package.json; the portal itself needs no npm).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install-test: $(VENV)/.installed-test node_modules/.package-lock.json ## Install the portal with the test dependencies

compilemessages: install ## Compile the translations (needs gettext's msgfmt)
	@echo "== Compiling the translations (locale/)"
	@$(PY) manage.py compilemessages --ignore=.venv -v 0

messages: install ## Extract translatable strings into locale/ (needs gettext)
	$(PY) manage.py makemessages -l nl -l fr -l en --ignore=.venv --ignore=staticfiles --no-obsolete

migrate: install
	@echo "== Migrating the database ($(if $(DATABASE_URL),DATABASE_URL,SQLite file brugwerk.sqlite3))"
	@$(PY) manage.py migrate --no-input -v 0

data: migrate ## Load reference data and demo data (both idempotent)
	@echo "== Loading the reference data (data/) and the demo data"
	@$(PY) manage.py load_reference_data
	@$(PY) manage.py seed_demo
	@# The open-data files at once, not only at beat's nightly run (with SITE_URL, for their links).
	@SITE_URL='$(SITE_URL)' $(PY) manage.py write_open_data

# Links in the emails of the web process, the worker and beat follow the port (SITE_URL).
run: install compilemessages data collectstatic ## Set up and serve the portal on http://127.0.0.1:8000 (HOST=, PORT=)
	@echo "== Open $(SERVE_URL)/ (French: /fr/, English: /en/); links in emails: $(SITE_URL)"
	@echo "   Django's development server, for trying the portal (production: README, Docker); stop with Ctrl+C"
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: starting a Celery worker and beat next to the web server."; \
		trap 'kill 0' INT TERM EXIT; \
		SITE_URL='$(SITE_URL)' $(VENV)/bin/celery -A portal worker --loglevel=INFO & \
		SITE_URL='$(SITE_URL)' $(VENV)/bin/celery -A portal beat --loglevel=INFO --schedule=$(VENV)/celerybeat-schedule & \
		SITE_URL='$(SITE_URL)' DJANGO_RUNSERVER_HIDE_WARNING=true $(PY) manage.py runserver $(HOST):$(PORT); \
	else \
		SITE_URL='$(SITE_URL)' DJANGO_RUNSERVER_HIDE_WARNING=true $(PY) manage.py runserver $(HOST):$(PORT); \
	fi

worker: install ## Run a Celery worker (needs REDIS_URL; SITE_URL as for make run)
	SITE_URL='$(SITE_URL)' $(VENV)/bin/celery -A portal worker --loglevel=INFO

beat: install ## Run Celery beat (needs REDIS_URL; SITE_URL as for make run)
	SITE_URL='$(SITE_URL)' $(VENV)/bin/celery -A portal beat --loglevel=INFO --schedule=$(VENV)/celerybeat-schedule

lint: install-test ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

# Production-like: several web processes sharing Redis (portal.W003 warns without it); the
# check connects to none of these hosts.
check-deploy: install ## Django's deployment checks with production-like settings
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	DJANGO_ALLOWED_HOSTS=brugwerk.example.be SITE_URL=https://brugwerk.example.be \
	EMAIL_URL=smtp://mail.example.be:587?tls=1 REDIS_URL=redis://redis.example.be:6379/0 \
	$(PY) manage.py check --deploy --fail-level WARNING

test: install-test lint check-migrations compilemessages ## Install test dependencies and run the whole suite
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

$(VENV)/.installed-bench: requirements/bench.txt $(VENV)/.pip
	@echo "== Installing the locked packages with the benchmark tools (requirements/bench.txt)"
	@$(PIP_INSTALL) -r requirements/bench.txt
	@touch $@ $(VENV)/.installed

bench: $(VENV)/.installed-bench ## Benchmarks at both sizes on PostgreSQL (DATABASE_URL: a database of its own)
	$(PY) manage.py migrate --no-input -v 0
	DJANGO_DEBUG=true $(PY) -m benchmarks $(BENCH_ARGS)

clean: ## Remove the virtualenv, the SQLite file and collected files
	rm -rf $(VENV) brugwerk.sqlite3 brugwerk.sqlite3-* staticfiles .pytest_cache .ruff_cache node_modules

collectstatic: install
	@echo "== Collecting the static files"
	@$(PY) manage.py collectstatic --no-input -v 0

$(VENV)/.installed-uv: requirements/uv.txt $(VENV)/.pip
	@$(PIP_INSTALL) -r requirements/uv.txt
	@touch $@

# The lock: test.txt first; main.txt and bench.txt are held to its versions (-c), so every
# install of the project has the same version of each package. Pins stay unless pyproject.toml's
# ranges exclude them (make lock) or UV_FLAGS=--upgrade asks for the newest (make upgrade).
lock: $(VENV)/.installed-uv ## Regenerate the lock (requirements/*.txt) after a change to pyproject.toml
	$(UV_COMPILE) pyproject.toml --extra test -o requirements/test.txt
	$(UV_COMPILE) pyproject.toml -c requirements/test.txt -o requirements/main.txt
	$(UV_COMPILE) pyproject.toml --extra bench -c requirements/test.txt -o requirements/bench.txt
	$(UV_COMPILE) requirements/pip.in -o requirements/pip.txt
	$(UV_COMPILE) requirements/uv.in -o requirements/uv.txt

upgrade: ## Move every locked package to its newest allowed version, install, run the suite
	$(MAKE) lock UV_FLAGS=--upgrade
	$(MAKE) test
