# Two commands: `make run` serves the demo, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
RUN_ADDR ?= 127.0.0.1:8000

.PHONY: run test install messages lint bench worker

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Compiling the kk/ru catalogues needs GNU gettext's msgfmt. Without it (and without
# root to install it) the site still runs, with untranslated interface strings.
messages: $(STAMP)
	@if ! command -v msgfmt >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
	    && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing gettext (msgfmt) to compile the translations..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq gettext >/dev/null) || true; \
	fi
	@if command -v msgfmt >/dev/null 2>&1; then \
	  $(MANAGE) compilemessages --ignore=.venv --verbosity 0; \
	else \
	  echo "msgfmt not found: skipping compilemessages (install gettext for kk/ru)."; \
	fi

# Certificates' links and QR codes point at SITE_URL: the demo's own address unless set.
run: export SITE_URL ?= http://$(RUN_ADDR)
run: $(STAMP) messages
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_demo_content
	$(MANAGE) runserver $(RUN_ADDR)

test: $(STAMP) messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# An RQ worker on the default queue (needs REDIS_URL); the project's rqworker runs
# Django tasks (job class django_tasks_rq.Job) and RQ's scheduler by default.
worker: $(STAMP)
	$(MANAGE) rqworker default
