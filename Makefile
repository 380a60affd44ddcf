# The front door. `make run` serves the demo; `make test` runs every quality gate.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: install run serve test lint format check pytest e2e screenshots bench bench-quick bench-load messages backup restore clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py compilemessages --ignore=.venv -v 0 || true
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:8000

# Production: gunicorn with config/gunicorn.conf.py (DEBUG off; workers 2 x CPUs + 1 or WEB_CONCURRENCY,
# BIND default 127.0.0.1:8000, logs to stdout). SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, ...
# from the environment. With several app servers, let one migrate before the others start (README: Deploying).
serve: $(STAMP)
	DEBUG=0 $(PY) manage.py migrate --noinput
	DEBUG=0 $(PY) manage.py collectstatic --noinput -v 0
	DEBUG=0 $(PY) manage.py compilemessages --ignore=.venv -v 0 || echo "compilemessages skipped: serving the committed .mo files"
	DEBUG=0 exec $(VENV)/bin/gunicorn -c config/gunicorn.conf.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(STAMP)
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

pytest: $(STAMP)
	$(PY) scripts/run_pytest.py

test: lint check pytest

e2e: $(STAMP)
	$(PY) -m pytest -m e2e -p no:randomly

# The user guides' screenshots (docs/images/), taken by the browser tests that walk each role's work.
SCREENSHOT_TESTS ?= tests/e2e/test_story_zh.py
screenshots: $(STAMP)
	SCREENSHOTS=1 $(PY) -m pytest -m e2e -p no:randomly -q $(SCREENSHOT_TESTS)

# Every benchmark in one sitting, each writing its figures into its bench/*.md with the machine
# described (bench/run.py: order, sizes, --skip); bench-quick runs each at a small size to check it works.
bench: $(STAMP)
	$(PY) bench/run.py

bench-quick: $(STAMP)
	$(PY) bench/run.py --quick

# Mixed load: 64 locust users for 60 s against gunicorn, PostgreSQL and Redis (bench/load.md).
bench-load: $(STAMP)
	$(PY) bench/bench_load.py

messages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

# Backups of the configured database and MEDIA_ROOT (scripts/backup.py; see the README).
backup: $(STAMP)
	DEBUG=$${DEBUG:-1} $(PY) scripts/backup.py backup

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/meeting-records-....tar.gz [FORCE=1]" >&2; exit 2; }
	DEBUG=$${DEBUG:-1} $(PY) scripts/backup.py restore "$(FILE)" $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
