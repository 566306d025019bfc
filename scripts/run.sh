#!/usr/bin/env bash
# `make run`: set up, migrate, collect static files, load the demo data, then serve the way
# production does — gunicorn with DEBUG off (config.settings.production), static files from
# WhiteNoise, friendly error pages — next to a real Celery worker and beat on a Redis broker.
# `make dev` (`scripts/run.sh --dev`): the same around Django's runserver with autoreload and
# DEBUG on (config.settings.local), for working on the code.
#
# Environment:
#   HOST/PORT        address (default 127.0.0.1:8000)
#   REDIS_URL        the broker; without it (and without CELERY_BROKER_URL) this script starts its
#                    own redis-server on the unix socket var/redis.sock (no TCP port, nothing
#                    persisted, log in var/log/redis.log) and stops it with the rest
#   SECRET_KEY       without it, a key generated once into var/secret_key (mode 600) is used
#   ALLOWED_HOSTS    default: HOST plus localhost, 127.0.0.1 and [::1]
#   SECURE_COOKIES   default 0: this is plain HTTP on a local address
#   WEB_WORKERS      gunicorn workers (default: one per core, at least 2, at most 4)
#   CELERY_CONCURRENCY   worker processes (default 2)
# Each server (Redis, worker, beat, web) runs in its own process group (setsid) and is stopped as
# a group, Redis last, whatever ends this script (Ctrl-C, TERM, an error): nothing is left behind.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
MODE=run
if [ "${1:-}" = "--dev" ]; then
    MODE=dev
fi
export PYTHONUNBUFFERED=1
export SITE_URL="${SITE_URL:-http://$HOST:$PORT}"

bash "$ROOT/scripts/setup.sh"
# shellcheck disable=SC1091
source "$VENV/bin/activate"

log() { printf '==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
mkdir -p var/log

if [ "$MODE" = dev ]; then
    export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
else
    export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.production}"
    if [ -z "${SECRET_KEY:-}" ]; then
        if [ ! -s var/secret_key ]; then
            log "Generating a secret key into var/secret_key (kept for later runs)"
            (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(50))' >var/secret_key.new)
            mv var/secret_key.new var/secret_key
        fi
        chmod 600 var/secret_key
        SECRET_KEY="$(cat var/secret_key)"
        export SECRET_KEY
    fi
    export ALLOWED_HOSTS="${ALLOWED_HOSTS:-$HOST,localhost,127.0.0.1,[::1]}"
    export SECURE_COOKIES="${SECURE_COOKIES:-0}"
fi

pids=()      # worker, beat, web: stopped first
redis_pid="" # stopped last, once nothing uses it
stop_groups() {
    local pid alive
    for pid in "$@"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for _ in $(seq 1 50); do
        alive=0
        for pid in "$@"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
        [ "$alive" -eq 0 ] && break
        sleep 0.2
    done
    for pid in "$@"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
cleanup() {
    trap - EXIT INT TERM
    if [ "${#pids[@]}" -gt 0 ]; then
        log "Stopping web server, Celery worker and beat"
        # Each process leads its own process group (setsid): signal the whole group, so the
        # worker's prefork pool children and gunicorn's workers go too.
        stop_groups "${pids[@]}"
    fi
    if [ -n "$redis_pid" ]; then
        log "Stopping Redis"
        stop_groups "$redis_pid"
        rm -f "$ROOT/var/redis.sock"
    fi
    wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${REDIS_URL:-}" ] && [ -z "${CELERY_BROKER_URL:-}" ]; then
    command -v redis-server >/dev/null 2>&1 ||
        die "redis-server is missing (Debian: apt-get install redis-server), or set REDIS_URL."
    sock="$ROOT/var/redis.sock"
    [ "${#sock}" -lt 100 ] || die "The socket path $sock is too long for a unix socket: set REDIS_URL instead."
    redis_ping() { python -c 'import sys, redis; redis.Redis(unix_socket_path=sys.argv[1], socket_timeout=1).ping()' "$sock" 2>/dev/null; }
    if [ -S "$sock" ] && redis_ping; then
        die "A Redis already answers on $sock: is another \`make run\` using this checkout?"
    fi
    rm -f "$sock"
    log "Starting Redis on $sock (log: var/log/redis.log)"
    # Broker and cache in one server: at the memory cap only keys with a lifetime (cached pages)
    # are evicted, never the broker's queues or the data version (they have none).
    setsid redis-server --port 0 --unixsocket "$sock" --unixsocketperm 700 --save "" --appendonly no \
        --maxmemory "${REDIS_MAXMEMORY:-256mb}" --maxmemory-policy volatile-lru \
        --dir "$ROOT/var" --logfile "$ROOT/var/log/redis.log" --daemonize no </dev/null &
    redis_pid=$!
    for _ in $(seq 1 50); do
        redis_ping && break
        kill -0 "$redis_pid" 2>/dev/null || die "redis-server exited: see var/log/redis.log"
        sleep 0.2
    done
    redis_ping || die "redis-server did not answer on $sock within 10 s: see var/log/redis.log"
    export REDIS_URL="redis+socket://$sock"
fi

log "Migrating the database"
python manage.py migrate --noinput -v0
log "Collecting static files"
python manage.py collectstatic --noinput -v0
log "Loading demo data (seed_demo; does nothing when already loaded)"
python manage.py seed_demo | tee var/log/seed_demo.log

broker="${CELERY_BROKER_URL:-$REDIS_URL}"
worker_flags=()
case "$broker" in
    redis* | rediss* | sentinel* | amqp* | amqps* | pyamqp*)
        log "Broker: ${broker%%://*} (${broker#*://})" ;;
    *)
        # Only with an explicit CELERY_BROKER_URL (kombu's SQLAlchemy transport, development):
        # it has no broadcast, so the worker cannot use the features that need one.
        worker_flags=(--without-gossip --without-mingle --without-heartbeat)
        log "Broker: ${broker%%://*} (no remote control: batches cannot be cancelled)" ;;
esac
setsid celery -A config worker -l info --concurrency="${CELERY_CONCURRENCY:-1}" -n "dsp-worker-$$@%h" \
    -Q "${CELERY_TASK_DEFAULT_QUEUE:-celery}" "${worker_flags[@]}" >>var/log/celery-worker.log 2>&1 </dev/null &
pids+=($!)
# Report rendering has a worker of its own (two processes: one renders about 1 report/s on this
# kind of machine, two about 1.65/s; more adds only latency on two cores).
setsid celery -A config worker -l info --concurrency="${RENDER_CONCURRENCY:-2}" -n "dsp-render-$$@%h" \
    -Q "${REPORT_QUEUE:-render}" "${worker_flags[@]}" >>var/log/celery-render.log 2>&1 </dev/null &
pids+=($!)
setsid celery -A config beat -l info --pidfile= -s "$ROOT/var/celerybeat-schedule" \
    >>var/log/celery-beat.log 2>&1 </dev/null &
pids+=($!)
# Every issued diagnosis of the demo gets its report: request them all now; the render worker
# makes them over the next minutes (progress in var/log/render-reports.log, the pages show each).
setsid python manage.py render_reports --all --background >>var/log/render-reports.log 2>&1 </dev/null &
pids+=($!)
log "Celery workers (short tasks; report rendering) and beat started (logs: var/log/celery-worker.log, var/log/celery-render.log, var/log/celery-beat.log)"

if [ "$MODE" = dev ]; then
    log "Web server: runserver with autoreload, DEBUG on ($DJANGO_SETTINGS_MODULE)"
    setsid python manage.py runserver "$HOST:$PORT" &
else
    cores="$(nproc 2>/dev/null || echo 2)"
    web_workers="${WEB_WORKERS:-$((cores < 2 ? 2 : (cores > 4 ? 4 : cores)))}"
    log "Web server: gunicorn, $web_workers workers, DEBUG off ($DJANGO_SETTINGS_MODULE; access log: var/log/web-access.log)"
    # No control socket: gunicorn's default is one fixed path in $HOME, shared by every checkout.
    setsid gunicorn config.wsgi:application --bind "$HOST:$PORT" --workers "$web_workers" --timeout 120 \
        --no-control-socket --access-logfile var/log/web-access.log --error-logfile - </dev/null &
fi
server=$!
pids+=("$server")

for _ in $(seq 1 100); do
    if ! kill -0 "$server" 2>/dev/null; then
        die "the web server did not start (is $HOST:$PORT already in use?)"
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
if [ "$MODE" = dev ]; then
    printf '\n  Stop with Ctrl-C.  (make dev: code changes reload the web server, not the worker)\n\n'
else
    printf '\n  Stop with Ctrl-C.  (make dev serves with autoreload and DEBUG on)\n\n'
fi

wait "$server"
