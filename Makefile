# The two commands: `make run` (demo server with worker and beat) and `make test` (lint + suite).
# `make dev` is `make run` with Django's autoreloading runserver and DEBUG on.
# Both install what is missing first (Debian packages, .venv, requirements): see scripts/setup.sh.

HOST ?= 127.0.0.1
PORT ?= 8000
# The PostgreSQL + Redis run (CI's second step); override to point elsewhere.
PG_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dsp
PG_REDIS_URL ?= redis://127.0.0.1:6379/15

export HOST PORT

.PHONY: help run dev test test-pg setup seed

help:
	@echo "make run       serve the demo on http://$(HOST):$(PORT)/ (worker + beat; HOST=… PORT=…)"
	@echo "make dev       the same with runserver (autoreload) and DEBUG on, for working on the code"
	@echo "make test      ruff + the whole pytest suite on SQLite, in parallel (TEST_WORKERS=auto; ARGS='-k …' goes to pytest)"
	@echo "make test-pg   the suite on PostgreSQL + Redis with a real Celery worker"
	@echo "make setup     only install what is missing (apt packages, .venv, requirements)"
	@echo "make seed      only load the demo data (idempotent)"

run:
	bash scripts/run.sh

dev:
	bash scripts/run.sh --dev

test:
	bash scripts/test.sh $(ARGS)

test-pg:
	DATABASE_URL=$(PG_DATABASE_URL) REDIS_URL=$(PG_REDIS_URL) CELERY_REAL_WORKER=1 bash scripts/test.sh $(ARGS)

setup:
	bash scripts/setup.sh

seed: setup
	.venv/bin/python manage.py migrate --noinput -v0
	.venv/bin/python manage.py seed_demo
