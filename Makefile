# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
MAIL_PORT ?= 8025
# Links in mails point at the port `make run` serves on, unless a public address is given.
PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
export FLASK_APP := participation

.PHONY: run test test-fast test-pg lint bench install install-dev migrate clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/flask db upgrade

## Set everything up and serve the demo on http://127.0.0.1:$(PORT), with the worker that
## delivers mail and runs the periodic jobs (mails are printed to the console).
run: migrate
	$(BIN)/flask demo load --if-empty
	@echo "Mail sink on 127.0.0.1:$(MAIL_PORT): mails sent by the platform are printed below."
	@$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:$(MAIL_PORT) -c aiosmtpd.handlers.Debugging & \
	  sink=$$!; \
	  MAIL_PORT=$(MAIL_PORT) PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(BIN)/flask worker & \
	  worker=$$!; \
	  trap 'kill $$sink $$worker' EXIT INT TERM; \
	  MAIL_PORT=$(MAIL_PORT) PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) \
	  $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## Install the development dependencies and run the whole suite (SQLite unless TEST_DATABASE_URL is set).
test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The edit loop: no browser, no live server, no real processes, no fuzzing or load tests;
## SQLite (a database file per process) in two processes. `make test` stays the whole suite.
test-fast: install-dev
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -n 2 -m "not e2e and not slow" --ignore=tests/e2e \
	  --ignore=tests/faults $(PYTEST_ARGS)

## The whole suite against the local PostgreSQL server.
test-pg: install-dev
	TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test $(BIN)/python -m pytest $(PYTEST_ARGS)

## Extract every user-facing string, update the Dutch and English catalogues, compile them.
## Then translate what is new in participation/translations/nl/LC_MESSAGES/messages.po
## (a test fails while a string has no Dutch translation) and run this again to compile.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k lazy_ngettext:1,2 \
	  --ignore-dirs=".* __pycache__" --project=participation -w 100 \
	  -o participation/translations/messages.pot .
	$(BIN)/pybabel update -i participation/translations/messages.pot -d participation/translations -w 100
	$(BIN)/pybabel compile -d participation/translations --statistics

lint: install-dev
	$(BIN)/ruff check .

## Benchmark at the scale of the Conference on the Future of Europe (needs PostgreSQL on 127.0.0.1:5432).
bench: install-dev
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance/*.db .pytest_cache
