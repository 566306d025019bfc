"""A real Celery worker process for the tests marked ``worker``.

Contract:
- ``celery_worker`` (module scope) starts ``celery -A config worker --pool=solo`` as a subprocess
  in its own process group, with ``config.settings.test`` and, in its environment, the test
  process's database (the test database's name: a file for SQLite, see ``config.settings.test``),
  broker, result backend and media root. It waits until the worker has answered a ``config.ping``
  and kills the process group at teardown. A worker that does not come up fails the tests with
  its log; nothing is skipped.
- Broker: with ``CELERY_REAL_WORKER=1`` and ``REDIS_URL`` set, Redis (``make test-pg``);
  otherwise a throwaway SQLite broker that needs no server, so ``make test`` also proves a real
  worker round trip. On Redis the worker runs as in production (heartbeats, gossip, mingle,
  remote control); the SQLAlchemy transport has no broadcast, so there they are off.
- Queue: the worker consumes only this test process's queue (``CELERY_TASK_DEFAULT_QUEUE`` of
  ``config.settings.test``, one per process), so parallel test processes (pytest-xdist) sharing
  one Redis never take each other's tasks. The queue is purged before and after.
- Results: ``config.ping`` is the one task that stores its result; the result backend is the one
  the test settings name (next to the SQLite broker, or Redis).
- The tests that use it run on one xdist worker (group ``celery-worker``, see
  ``tests/conftest.py``), so a parallel run starts one worker process, not one per xdist worker.
- ``start_worker`` / ``stop_worker`` start and stop further workers (the job-recovery tests kill
  one mid-job and start another).
- ``real_worker`` (function scope) switches the test process from eager execution to sending
  tasks through the broker for the duration of one test, and hands over the worker.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 90
ON_REDIS = ("redis://", "rediss://", "redis+socket://")


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path
    broker_url: str

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL naming the database ``settings_dict`` points at (the test database)."""
    engine = settings_dict["ENGINE"]
    name = str(settings_dict["NAME"])
    if engine == "django.db.backends.sqlite3":
        if name == ":memory:" or "mode=memory" in name:
            raise RuntimeError("A worker process cannot share an in-memory SQLite database.")
        return f"sqlite:///{name}"
    if engine == "django.db.backends.postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "localhost"
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{quote(name, safe='')}"
    raise RuntimeError(f"No worker support for database engine {engine}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def _wait_until_ready(app, worker: Worker) -> None:
    """Send ``config.ping`` and wait for its answer: proves broker, worker and result backend."""
    from config.celery import ping

    deadline = time.monotonic() + READY_TIMEOUT
    token = f"ready-{uuid.uuid4().hex}"
    result = ping.apply_async(args=[token])
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(
                f"The Celery worker exited with {worker.process.returncode}:\n{worker.log()}", pytrace=False
            )
        if result.ready():
            assert result.get(timeout=5) == token
            return
        time.sleep(0.2)
    pytest.fail(f"The Celery worker did not answer within {READY_TIMEOUT} s:\n{worker.log()}", pytrace=False)


def start_worker(
    log_dir: Path, *, name: str = "test-worker", extra_env: dict[str, str] | None = None
) -> Worker:
    """Start a ``celery worker`` process (solo pool) for the test database and wait until it answers.

    The test database must be set up (call from a fixture or test that has database access).
    ``extra_env`` adds to the worker's environment (e.g. ``JOB_TEST_DELAY_SECONDS``). Stop it with
    ``stop_worker`` (or kill its process group).
    """
    from django.conf import settings
    from django.db import connection

    from config.celery import app

    db_url = database_url(connection.settings_dict)
    broker_url = app.conf.broker_url
    queue = app.conf.task_default_queue
    on_redis = broker_url.startswith(ON_REDIS)

    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_FILE", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        CELERY_REAL_WORKER="1",
        CELERY_TASK_ALWAYS_EAGER="0",
        CELERY_BROKER_URL=broker_url,
        CELERY_RESULT_BACKEND=str(app.conf.result_backend),
        CELERY_TASK_DEFAULT_QUEUE=queue,
        DATABASE_URL=db_url,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra_env or {})
    log_path = log_dir / f"{name}.log"
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
        "-l", "info", "-Q", queue, "-n", f"{name}-{os.getpid()}@%h",
    ]  # fmt: skip
    if not on_redis:
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    worker = Worker(process, log_path, broker_url)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        _wait_until_ready(app, worker)
    except BaseException:
        _stop(process)
        raise
    finally:
        app.conf.task_always_eager = eager
    return worker


def stop_worker(worker: Worker) -> None:
    """Stop the worker's process group (SIGTERM, then SIGKILL)."""
    _stop(worker.process)


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    from config.celery import app

    if app.conf.broker_url.startswith(ON_REDIS):
        app.control.purge()  # this process's queue only: nothing left over may reach this worker
    with django_db_blocker.unblock():
        worker = start_worker(tmp_path_factory.mktemp("celery-worker"), name="test-worker")
    yield worker
    stop_worker(worker)
    if app.conf.broker_url.startswith(ON_REDIS):
        app.control.purge()


@pytest.fixture
def real_worker(celery_worker):
    """The worker, with this test's tasks sent through the broker instead of run in-process."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield celery_worker
    finally:
        app.conf.task_always_eager = eager


def _load_regions_if_missing() -> None:
    from tests.reference import ensure_reference_data

    ensure_reference_data()


@pytest.fixture
def regions_loaded(transactional_db):
    """The division tree, which an earlier transactional test's flush may have removed.

    (``serialized_rollback`` cannot be relied on here: after a transactional test without it, the
    flush re-creates content types and the restore then collides with them.)
    """
    _load_regions_if_missing()


@pytest.fixture(scope="module", autouse=True)
def regions_restored_afterwards(django_db_setup, django_db_blocker):
    """Leave the division tree in place for whatever runs after this module's flushes."""
    yield
    with django_db_blocker.unblock():
        _load_regions_if_missing()


class RedisServer:
    """A ``redis-server`` of the test's own on a free port (nothing on disk), which a test may stop
    and start again on the same port: a broker outage without touching the machine's Redis."""

    def __init__(self, directory: Path):
        from tests.object_store import free_port

        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server on port {self.port} did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def use_broker(url: str) -> None:
    """Point this process's Celery app (publishing, control, results) at ``url``; drops pooled
    connections so nothing keeps talking to the previous broker."""
    from kombu import pools

    from config.celery import app

    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    # kombu keeps producer pools per connection in a process-wide registry: drop them too, or a
    # later test on the previous broker gets the pool closed above ("Acquire on closed pool")
    pools.reset()
    app.amqp._producer_pool = None
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend
    app.conf.broker_url = url
    app.conf.result_backend = url


@pytest.fixture
def own_redis(tmp_path, monkeypatch):
    """A private Redis as this test's broker and result backend (``RedisServer``); the previous
    broker is restored afterwards."""
    from config.celery import app

    server = RedisServer(tmp_path)
    server.start()
    previous = (app.conf.broker_url, app.conf.result_backend)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    use_broker(server.url)
    try:
        yield server
    finally:
        use_broker(previous[0])
        app.conf.result_backend = previous[1]
        server.stop()


@pytest.fixture
def workers(tmp_path):
    """``start(name, delay=0, env=None)`` starts a worker (``JOB_TEST_DELAY_SECONDS=delay`` and
    ``env`` added to its environment); all are stopped at the end. Tasks go through the broker
    this process publishes to (a test may switch it first, as ``own_redis`` does)."""
    from config.celery import app

    if app.conf.broker_url.startswith(ON_REDIS):
        app.control.purge()
    started = []
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False

    def start(name: str, delay: float = 0, env: dict | None = None):
        extra = {"JOB_TEST_DELAY_SECONDS": str(delay), **(env or {})}
        worker = start_worker(tmp_path, name=name, extra_env=extra)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        app.conf.task_always_eager = eager
        for worker in started:
            stop_worker(worker)
