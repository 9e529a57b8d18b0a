# Newsroom: `make run` serves the site with demo content, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install run serve backup restore test lint format bench

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# Test-only checkers from npm (axe-core, the Nu HTML Checker); skipped where npm is absent.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --ignore-scripts --no-audit --no-fund && touch $@; \
	else echo "npm not found: the accessibility and HTML validity tests will be skipped"; fi

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_editor
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production settings on this machine: plain HTTP on loopback, so no HTTPS redirect and
# no secure-only cookies; the secret key comes from SECRET_KEY, else from a file made
# on first use and kept out of git.
SECRET_KEY_FILE ?= .secret-key
SERVE_ENV = DJANGO_ENV=production DEBUG=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECRET_KEY="$${SECRET_KEY:-$$(cat $(SECRET_KEY_FILE))}"

$(SECRET_KEY_FILE):
	@umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@echo "Generated a secret key in $@ (git-ignored); keep it to keep sessions valid."

serve: install $(if $(SECRET_KEY),,$(SECRET_KEY_FILE))
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput
	PORT=$(PORT) $(SERVE_ENV) exec $(VENV)/bin/gunicorn --config gunicorn.conf.py

# One dated archive of the database and all media in backups/ (git-ignored); restore
# goes into an empty database only, unless FORCE=1 (see README, "Backups").
backup: install
	$(PY) manage.py backup --output-dir backups

restore: install
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=backups/newsroom-….tar.gz [FORCE=1]"; exit 2; }
	$(PY) manage.py restore "$(ARCHIVE)" $(if $(FORCE),--force)

# Benchmarks (docs/benchmarks.md), about 7 minutes: serving under gunicorn and search
# at 100,000 stories on the PostgreSQL server of DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/newsroom; each script makes and drops a database
# of its own), then photo renditions. The import benchmarks take longer and run alone:
# bench/import_vs_loaddata.py, bench/import_batch.py.
bench: install
	$(PY) bench/serve.py
	$(PY) bench/search.py
	DJANGO_SETTINGS_MODULE=newsroom.settings $(PY) bench/renditions.py

test: install node_modules/.installed
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
