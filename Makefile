# The README's two set-up commands: `make run` serves the site, `make test` passes the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 2
SECRET_FILE := .secret_key
# Exact versions of everything installed, compiled from pyproject.toml (make lock).
LOCK := requirements/lock.txt
TEST_LOCK := requirements/lock-test.txt

.PHONY: run serve test test-fast lint typecheck format lock bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when a lock file (or pyproject.toml) changes: the locked versions, then
# the project itself with nothing resolved again.
$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# The test lock holds the runtime lock's versions too (compiled against it).
$(VENV)/.installed-test: $(TEST_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r $(TEST_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

# A local secret key, made once and kept out of git: the site runs with DEBUG off.
$(SECRET_FILE): | $(BIN)/python
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

# Migrate, load the documented initiatives into an empty catalogue (never over
# an editor's work), collect static files and serve on http://$(HOST):$(PORT)/.
run: $(VENV)/.installed $(SECRET_FILE)
	DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" $(BIN)/python manage.py migrate --no-input
	DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" $(BIN)/python manage.py load_catalogue
	DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" $(BIN)/python manage.py collectstatic --no-input -v0
	@if [ -z "$$DJANGO_EMAIL_HOST" ]; then echo "Emails (alert sign-ups and alerts) are written to files in $(CURDIR)/sent-mail/: set DJANGO_EMAIL_HOST to send them."; fi
	DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production way, locally: DEBUG off, gunicorn, static files collected,
# fingerprinted and compressed (whitenoise serves them with far-future headers).
serve: $(VENV)/.installed $(SECRET_FILE)
	DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" $(BIN)/python manage.py migrate --no-input
	DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" $(BIN)/python manage.py load_catalogue
	DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" $(BIN)/python manage.py collectstatic --no-input -v0
	DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" $(BIN)/gunicorn -c gunicorn.conf.py lwrs_site.wsgi \
		--bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

test: $(VENV)/.installed-test
	$(BIN)/pytest

# Everything but the browser tests (tests/browser/) and the fault tests (tests/test_faults.py),
# the slow parts that start Chromium, gunicorn or PostgreSQL.
test-fast: $(VENV)/.installed-test
	$(BIN)/pytest -m "not browser and not faults"

# The performance benchmark (bench/README.md): never part of `make test`. Needs wrk
# (apt-get install wrk); takes about eight minutes. BENCH_ARGS="--n 12 1000" for a part.
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Every hook of .pre-commit-config.yaml (ruff, djhtml, django-upgrade) on every file, as CI runs them.
lint: $(VENV)/.installed-test
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

# mypy (with django-stubs) on the modules that are fully annotated: [tool.mypy] in pyproject.toml.
typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates/

# Compile the lock files from pyproject.toml after changing its dependencies: one
# resolution for every Python from 3.11 and every platform (uv's --universal),
# keeping the versions already locked where they still fit.
# `make lock LOCK_ARGS=--upgrade` takes the newest versions pyproject.toml allows.
lock: $(VENV)/.installed-test
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --quiet \
		--custom-compile-command "make lock" $(LOCK_ARGS) -o $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra test --constraint $(LOCK) \
		--universal --python-version 3.11 --quiet \
		--custom-compile-command "make lock" $(LOCK_ARGS) -o $(TEST_LOCK)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache
