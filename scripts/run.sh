#!/usr/bin/env bash
# `make run`: set up, migrate, load the demo data, then serve with a real Celery worker and beat.
#
# HOST/PORT choose the address (default 127.0.0.1:8000). With REDIS_URL the broker is Redis;
# without it, kombu's SQLAlchemy transport on var/celery-broker.sqlite3 (a real worker, not eager).
# Worker and beat log to var/log/; they are stopped when the web server stops (Ctrl-C, TERM, exit).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
export PYTHONUNBUFFERED=1

bash "$ROOT/scripts/setup.sh"
# shellcheck disable=SC1091
source "$VENV/bin/activate"

log() { printf '==> %s\n' "$*"; }
mkdir -p var/log

log "Migrating the database"
python manage.py migrate --noinput -v0
log "Collecting static files"
python manage.py collectstatic --noinput -v0
log "Loading demo data (seed_demo; does nothing when already loaded)"
python manage.py seed_demo | tee var/log/seed_demo.log

pids=()
cleanup() {
    trap - EXIT INT TERM
    if [ "${#pids[@]}" -gt 0 ]; then
        log "Stopping web server, Celery worker and beat"
        # Each process leads its own process group (setsid): signal the whole group, so the
        # worker's prefork pool children go too, whatever stopped this script.
        for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
        for _ in $(seq 1 50); do
            alive=0
            for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
            [ "$alive" -eq 0 ] && break
            sleep 0.2
        done
        for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
        wait 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

worker_flags=()
if [ -z "${REDIS_URL:-}" ]; then
    # The SQLAlchemy transport has no broadcast: skip the features that need it.
    worker_flags=(--without-gossip --without-mingle --without-heartbeat)
    log "Broker: SQLite (var/celery-broker.sqlite3); set REDIS_URL to use Redis"
else
    log "Broker: Redis (REDIS_URL)"
fi
setsid celery -A config worker -l info --concurrency="${CELERY_CONCURRENCY:-2}" -n "dsp-worker-$$@%h" \
    "${worker_flags[@]}" >>var/log/celery-worker.log 2>&1 &
pids+=($!)
setsid celery -A config beat -l info --pidfile= -s "$ROOT/var/celerybeat-schedule" >>var/log/celery-beat.log 2>&1 &
pids+=($!)
log "Celery worker and beat started (logs: var/log/celery-worker.log, var/log/celery-beat.log)"

setsid python manage.py runserver --noreload "$HOST:$PORT" &
server=$!
pids+=("$server")

for _ in $(seq 1 100); do
    if ! kill -0 "$server" 2>/dev/null; then
        echo "ERROR: the web server did not start (is $HOST:$PORT already in use?)" >&2
        exit 1
    fi
    if python -c "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 0.5)" \
        "$HOST" "$PORT" 2>/dev/null; then
        break
    fi
    sleep 0.2
done

cat <<EOF

  数字化转型诊断服务平台 is running:  http://$HOST:$PORT/
  API: http://$HOST:$PORT/api/v1/    API docs: http://$HOST:$PORT/api/docs/

EOF
sed -n '/^演示账号/,$p' var/log/seed_demo.log
printf '\n  Stop with Ctrl-C.\n\n'

wait "$server"
