# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
# uv from PATH, else the one `make uv` installs into .tools/ (a small venv of its own, so
# no system Python is touched).
UV = $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTEST_ARGS ?=

.PHONY: help uv install migrate seeds demo-user run test test-fast lint format check-migrations screenshots bench-nudges bench-web bench-admin clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

uv:
	@command -v uv >/dev/null 2>&1 || [ -x .tools/bin/uv ] \
		|| { $(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv; }

$(VENV)/.synced: pyproject.toml uv.lock | uv
	$(UV) sync --frozen --python 3.12
	@touch $@

install: $(VENV)/.synced  ## Install the locked dependencies into .venv

# axe-core, which the browser tests load into every page they check, pinned by
# package-lock.json. Without npm the suite still runs and the page sweep says it skipped axe.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund; \
	else echo "npm not found: the browser tests skip their axe-core checks"; fi

migrate: install  ## Apply database migrations
	$(VENV)/bin/python manage.py migrate --noinput

seeds: migrate  ## Load the advice content from seeds/
	$(VENV)/bin/python manage.py load_seeds

demo-user: migrate  ## Create (or reset) the demo login
	$(VENV)/bin/python manage.py create_demo_user

# Links in emails point at the port the web server is on. Honcho gives the worker and beat
# ports of their own, so the address is set here, once, for all three (a SITE_URL in the
# environment or in .env still wins).
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: seeds  ## Install, migrate, load seeds, create the demo login and start web, worker and beat
	@echo
	@echo "  The advisor is starting at http://127.0.0.1:$(PORT)  (admin: /admin/, API docs: /api/docs/)"
	@$(VENV)/bin/python manage.py create_demo_user
	@echo "  Ctrl-C stops the web server, the Celery worker and beat together."
	@echo
	$(VENV)/bin/honcho start --port $(PORT)

lint: install  ## ruff check and ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install  ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: install  ## Fail when models changed without a migration
	$(VENV)/bin/python manage.py makemigrations --check --dry-run

test: lint check-migrations node_modules/.package-lock.json  ## Lint, then run the whole test suite
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

test-fast: install  ## While working: the suite without the slow tests (browsers, subprocesses, schemathesis)
	$(VENV)/bin/python -m pytest -m "not slow" $(PYTEST_ARGS)

screenshots: install  ## Refresh the README's screenshots from the browser tests
	UPDATE_SCREENSHOTS=1 $(VENV)/bin/python -m pytest -q tests/browser/test_comparison_flow.py \
		tests/browser/test_nudge_email.py

bench-nudges: install  ## Benchmark nudge dispatch and delivery (PLANS=10000; needs PostgreSQL and Redis)
	$(VENV)/bin/python -m tests.benchmarks.nudges --plans $(or $(PLANS),10000)

# wrk from Debian when it is missing (the load generator the web benchmark runs).
bench-web: install  ## Benchmark pages and API endpoints against a bare view under gunicorn (needs PostgreSQL)
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(VENV)/bin/python -m tests.benchmarks.web $(if $(DURATION),--duration $(DURATION)) $(if $(RUNS),--runs $(RUNS))

bench-admin: install  ## Time every admin list at 100,000 plans, 1,000,000 check-ins and deliveries (SCALE=1; PostgreSQL)
	$(VENV)/bin/python -m tests.benchmarks.admin --scale $(or $(SCALE),1)

clean:  ## Remove the local database, broker folder and mail folder
	rm -rf var
