#!/usr/bin/env bash
# `make test` / `make test-pg`: set up like `make run`, then ruff (lint and format), the import
# contracts (lint-imports, when .importlinter exists) and the whole pytest suite.
#
# The suite runs in parallel with pytest-xdist: TEST_WORKERS processes (default `auto`, one per
# core; TEST_WORKERS=0 runs in this process), `--dist loadgroup` so the worker and browser tests
# each stay on one process (see tests/conftest.py). Extra arguments go to pytest. The environment picks the databases: nothing set → SQLite and a
# throwaway SQLite broker; `make test-pg` sets DATABASE_URL (PostgreSQL), REDIS_URL and
# CELERY_REAL_WORKER=1. Browser tests run too (Debian's /usr/bin/chromium).
# A run that collects no test fails: a suite that runs nothing has not passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"

bash "$ROOT/scripts/setup.sh"
# shellcheck disable=SC1091
source "$VENV/bin/activate"

log() { printf '==> %s\n' "$*"; }

if [[ "${DATABASE_URL:-}" == postgres* ]]; then
    python - <<'PY' || { echo "ERROR: PostgreSQL at DATABASE_URL is not reachable (see README: start it, then retry)." >&2; exit 1; }
import os, dj_database_url, psycopg
c = dj_database_url.parse(os.environ["DATABASE_URL"])
psycopg.connect(dbname="postgres", user=c["USER"] or None, password=c["PASSWORD"] or None,
                host=c["HOST"] or None, port=c["PORT"] or None, connect_timeout=5).close()
PY
fi
if [ -n "${REDIS_URL:-}" ]; then
    python -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=5).ping()' ||
        { echo "ERROR: Redis at REDIS_URL is not reachable (see README: start it, then retry)." >&2; exit 1; }
fi

log "ruff check ."
ruff check .
log "ruff format --check ."
ruff format --check .
if [ -f .importlinter ]; then
    log "lint-imports (.importlinter)"
    lint-imports
fi

TEST_WORKERS="${TEST_WORKERS:-auto}"
log "pytest -n $TEST_WORKERS (DATABASE_URL=${DATABASE_URL:-<SQLite>}, REDIS_URL=${REDIS_URL:-<none>}, CELERY_REAL_WORKER=${CELERY_REAL_WORKER:-0})"
set +e
python -m pytest -n "$TEST_WORKERS" --dist loadgroup "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "ERROR: pytest collected no tests: a suite that runs nothing is not a pass." >&2
    exit 1
fi
exit "$status"
