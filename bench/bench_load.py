"""Load benchmark of the main pages at register scale, against a bare signed-in view.

    python bench/bench_load.py [--enterprises 20000] [--duration 10] [--connections 20] [--json]

Steps, all on this machine and over loopback only:

1. PostgreSQL: ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/dsp_bench``); the
   database is created if missing (``--fresh`` drops and recreates it). If PostgreSQL is down:
   ``pg_ctlcluster --skip-systemctl-redirect 15 main start``.
2. ``migrate``, ``collectstatic`` (into ``var/bench/``), then ``seed_scale`` with
   ``--enterprises`` and ``--seed`` unless that data set is already there (a database holding a
   different one is refused: use ``--fresh``). Static files are hashed as in production but not
   pre-compressed (see ``bench/settings_bench.py``).
3. gunicorn with ``--workers`` sync workers (default 2) on a free loopback port, settings
   ``bench.settings_bench`` (production settings: DEBUG off, SECRET_KEY and ALLOWED_HOSTS from the
   environment this script sets; ``SECURE_COOKIES=0`` because the loopback is plain HTTP).
4. Signs in through the real login form (CSRF cookie and token, POST) as the province officer and
   the commissioner with the largest caseload; the API uses the province officer's token. Every
   page must answer 200 before it is timed, or the script stops and says which.
5. ``wrk`` (Debian package ``wrk``) drives each page with ``--connections`` connections for
   ``--duration`` seconds; the bare signed-in view runs first and last, and its mean is the
   baseline. Then gunicorn is stopped (also on Ctrl-C or an error).

The table: requests/s, p50 and p95 latency (ms), requests/s as a ratio of the bare view's, and
whether the page meets the aim: p95 < ``AIM_P95_MS`` and at least ``AIM_RATIO`` of the bare view's
throughput. ``--json`` prints the same as JSON. With sync workers a request waits for a free worker,
so at 20 connections and 2 workers the latency is about 10× the time one request takes.

Each page is measured twice: as repeat views of one URL (what a user reloading a list or an
archive costs: the main pages keep their rendered body in the cache under the data version, see
``core/fragments.py``), and as first views, where every request carries a query parameter of its
own so the body is rendered every time (``--cached-only`` skips these; the enterprise list's
filter panel and count are keyed by its filters, not the URL, and so are still reused, as they are
when a person pages through a list). The bare view is never
cached, so both sections are compared with the same baseline.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dsp_bench"
AIM_P95_MS = 100.0
AIM_RATIO = 0.25
SEARCH_FRAGMENT = "电子"
BARE_PATH = "/bench/bare/"

LUA = r"""
%(headers)s
%(unique)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%%d,"duration_us":%%d,"p50_us":%%d,"p95_us":%%d,"p99_us":%%d,' ..
    '"mean_us":%%.1f,"max_us":%%d,"status_errors":%%d,"socket_errors":%%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max, e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


# With ``Target.unique`` every request gets a query parameter of its own (``_bench=<thread>-<n>``),
# which the pages ignore: each request is then a first view of its URL, a miss of the page cache
# (core.fragments), so the run measures what rendering the page costs.
UNIQUE_LUA = r"""
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
request = function()
  n = n + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "_bench=" .. tostring(tid) .. "-" .. tostring(n))
end
"""


class BenchError(RuntimeError):
    """The benchmark cannot run or a page misbehaves; the message says what to do."""


@dataclass
class Target:
    label: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    unique: bool = False  # every request a URL of its own: no page-cache hits (see UNIQUE_LUA)


@dataclass
class Measurement:
    label: str
    path: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    ratio: float | None = None
    meets_aim: bool | None = None


# --- database ------------------------------------------------------------------------------------


def ensure_database(url: str, *, fresh: bool) -> None:
    """Create the PostgreSQL database of ``url`` if missing (drop it first with ``fresh``)."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise BenchError(f"DATABASE_URL must be a PostgreSQL URL, not {parts.scheme}://…")
    name = parts.path.lstrip("/")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    try:
        conn = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise BenchError(
            f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({exc}).\n"
            "Start it with: pg_ctlcluster --skip-systemctl-redirect 15 main start"
        ) from exc
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare(enterprises: int, seed: int) -> tuple[dict, float | None]:
    """Migrate, collect static files, seed if needed; returns the data set's sample and seed seconds."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from demo.scale import already_seeded, dataset_sample, seed_scale
    from diagnosis.models import Enterprise

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    seconds = None
    if already_seeded():
        have = Enterprise.objects.count()
        if have != enterprises:
            raise BenchError(
                f"The database already holds a scale data set of {have:,} enterprises, not {enterprises:,}: "
                "pass --fresh to recreate it."
            )
    else:
        started = time.perf_counter()
        seed_scale(enterprises=enterprises, seed=seed)
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    sample = dataset_sample()
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    officer = User.objects.get(username=sample["province_officer"])
    sample["token"] = Token.objects.get_or_create(user=officer)[0].key
    sample["search_matches"] = Enterprise.objects.filter(name__icontains=SEARCH_FRAGMENT).count()
    sample["postgresql"] = ".".join(str(p) for p in connection.get_database_version())
    connection.close()
    return sample, seconds


# --- HTTP ----------------------------------------------------------------------------------------


def request(
    port: int,
    method: str,
    path: str,
    headers: dict | None = None,
    body: str | None = None,
    timeout: float = 60,
):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def _cookies(headers) -> dict[str, str]:
    jar = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]
    return jar


def log_in(port: int, username: str, password: str) -> str:
    """Sign in through the login form; returns the ``Cookie`` header of the session."""
    status, headers, body = request(port, "GET", "/accounts/login/")
    if status != 200:
        raise BenchError(f"GET /accounts/login/ answered {status}")
    jar = _cookies(headers)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if "csrftoken" not in jar or not match:
        raise BenchError("The login page set no CSRF cookie or token.")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1).decode()}
    )
    status, headers, _body = request(
        port,
        "POST",
        "/accounts/login/",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken']}",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
        form,
    )
    jar.update(_cookies(headers))
    if status != 302 or "sessionid" not in jar:
        raise BenchError(f"Signing in as {username} failed (HTTP {status}).")
    return f"sessionid={jar['sessionid']}; csrftoken={jar['csrftoken']}"


def check(port: int, target: Target, timeout: float = 60) -> None:
    status, _headers, body = request(port, "GET", target.path, target.headers, timeout=timeout)
    if status != 200:
        raise BenchError(f"{target.label}: GET {target.path} answered {status}, not 200:\n{body[:500]!r}")


# --- gunicorn and wrk ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, env: dict) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--backlog=256",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with status {process.returncode}")
        try:
            if request(port, "GET", "/accounts/login/")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop(process)
    raise BenchError("gunicorn did not answer within 30 s")


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (its own process group)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_wrk(
    port: int, target: Target, *, duration: int, connections: int, threads: int, workdir: Path
) -> dict:
    lines = [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in target.headers.items()]
    script = workdir / "bench.lua"
    unique = UNIQUE_LUA if target.unique else ""
    script.write_text(LUA % {"headers": "\n".join(lines), "unique": unique}, encoding="utf-8")
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={duration}s",
        "--timeout=30s",
        f"--script={script}",
        f"http://127.0.0.1:{port}{target.path}",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False)
    found = re.search(r"^BENCHJSON (.*)$", completed.stdout, re.MULTILINE)
    if completed.returncode != 0 or not found:
        raise BenchError(f"wrk failed on {target.path}:\n{completed.stdout}\n{completed.stderr}")
    result = json.loads(found.group(1))
    if result["status_errors"] or result["socket_errors"]:
        raise BenchError(f"{target.label}: {result['status_errors']} non-2xx/3xx and "
                         f"{result['socket_errors']} socket errors under load:\n{completed.stdout}")  # fmt: skip
    return result


def measure(port: int, target: Target, *, drain: Target, **wrk_options) -> Measurement:
    """One wrk run; then waits until the requests wrk left queued are served (one ``drain`` request
    goes through the same queue), so the next run does not pay for this one.

    A run in which no request completed gives 0 requests/s and an infinite p50 and p95.
    """
    raw = run_wrk(port, target, **wrk_options)
    check(port, drain, timeout=300)
    none = not raw["requests"]
    return Measurement(
        label=target.label,
        path=target.path,
        rps=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=math.inf if none else raw["p50_us"] / 1000,
        p95_ms=math.inf if none else raw["p95_us"] / 1000,
        p99_ms=math.inf if none else raw["p99_us"] / 1000,
        requests=raw["requests"],
    )


# --- main ----------------------------------------------------------------------------------------


def targets(sample: dict, officer: str, commissioner: str) -> list[Target]:
    token = {"Authorization": f"Token {sample['token']}"}
    return [
        Target("enterprise list (province)", "/enterprises/", {"Cookie": officer}),
        Target(
            f"search q={SEARCH_FRAGMENT} (province)",
            "/enterprises/?q=" + urllib.parse.quote(SEARCH_FRAGMENT),
            {"Cookie": officer},
        ),
        Target("API enterprise list (token)", "/api/v1/enterprises/", token),
        Target(
            "enterprise detail (province)", f"/enterprises/{sample['enterprise_id']}/", {"Cookie": officer}
        ),
        Target("caseload (commissioner)", "/enterprises/caseload/", {"Cookie": commissioner}),
        Target("statistics dashboard (province)", "/reporting/dashboard/", {"Cookie": officer}),
        Target("public directory (anonymous)", "/directory/", {}),
    ]


def _pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns (CJK characters take two)."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - columns)


def print_table(report: dict) -> None:
    meta = report["meta"]
    print()
    print(
        f"Load benchmark: {meta['enterprises']:,} enterprises, {meta['connections']} connections × "
        f"{meta['duration_s']} s per page, gunicorn {meta['workers']} sync workers, PostgreSQL {meta['postgresql']}"
    )
    load = meta["load_average_1min"]
    print(
        f"{meta['date']}, {meta['cpus']} CPUs (1-min load average {load[0]} before, {load[1]} after), "
        f"Python {meta['python']}, Django {meta['django']}"
    )
    if meta["seed_seconds"] is not None:
        print(f"seed_scale: {meta['seed_seconds']:.1f} s")
    print()
    print(f"{'page':<34}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'× bare':>8}  aim")
    print("-" * 76)
    bare = report["bare"]
    print(
        f"{'bare signed-in view (baseline)':<34}{bare['rps']:>9.1f}{bare['p50_ms']:>9.1f}{bare['p95_ms']:>9.1f}"
    )
    sections = [("repeat views (the same URL: the page cache answers)", report["pages"])]
    if report.get("first_views"):
        sections.append(("first views (a new URL each request: the body is rendered)", report["first_views"]))
    for title, rows in sections:
        print(title)
        for row in rows:
            aim = "yes" if row["meets_aim"] else "NO"
            print(
                f"{_pad('  ' + row['label'], 34)}{row['rps']:>9.1f}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
                f"{row['ratio']:>8.2f}  {aim}"
            )
    print()
    first, last = report["bare_runs"]
    print(
        f"Baseline: mean of the bare view run first ({first['rps']:.1f} req/s) and last ({last['rps']:.1f} req/s)."
    )
    print(
        f"Aim: p95 < {AIM_P95_MS:.0f} ms and at least {AIM_RATIO:.2f} × the bare view's requests/s. "
        f"Search matches {meta['search_matches']:,} enterprises; caseload: {meta['commissioner']} "
        f"({meta['commissioner_caseload']} enterprises)."
    )


def _finite(value):
    """``value`` with infinities (no request completed) as ``None``, so the JSON stays standard."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return None if isinstance(value, float) and math.isinf(value) else value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (default 10)")
    parser.add_argument("--connections", type=int, default=20, help="concurrent connections (default 20)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument(
        "--cached-only", action="store_true", help="skip the first-view runs (every request a new URL)"
    )
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk (Debian package wrk)", file=sys.stderr)
        return 2
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        # Production settings refuse a broker that isn't Redis; the pages measured send no tasks.
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14",
        "VAR_DIR": str(ROOT / "var" / "bench"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    try:
        ensure_database(database_url, fresh=args.fresh)
        sample, seed_seconds = prepare(args.enterprises, args.seed)
    except BenchError as exc:
        print(exc, file=sys.stderr)
        return 1

    import django

    port = free_port()
    try:
        process = start_gunicorn(port, args.workers, env)
    except BenchError as exc:
        print(exc, file=sys.stderr)
        return 1
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    wrk_options = {
        "duration": args.duration,
        "connections": args.connections,
        "threads": args.threads,
        "workdir": workdir,
    }
    try:
        officer = log_in(port, sample["province_officer"], sample["password"])
        commissioner = log_in(port, sample["commissioner"], sample["password"])
        bare = Target("bare signed-in view", BARE_PATH, {"Cookie": officer})
        pages = targets(sample, officer, commissioner)
        for target in [bare, *pages]:  # warm both workers' caches (templates, translations), untimed
            for _ in range(2 * args.workers):
                check(port, target)
        load_before = os.getloadavg()
        bare_runs = [measure(port, bare, drain=bare, **wrk_options)]
        measured = [measure(port, target, drain=bare, **wrk_options) for target in pages]
        if not args.cached_only:
            cold = [replace(t, label=t.label, unique=True) for t in pages]
            measured_cold = [measure(port, target, drain=bare, **wrk_options) for target in cold]
        else:
            measured_cold = []
        bare_runs.append(measure(port, bare, drain=bare, **wrk_options))
        load_after = os.getloadavg()
    except BenchError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        stop(process)
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(workdir, ignore_errors=True)

    baseline_rps = sum(m.rps for m in bare_runs) / len(bare_runs)
    for row in [*measured, *measured_cold]:
        row.ratio = row.rps / baseline_rps
        row.meets_aim = row.p95_ms < AIM_P95_MS and row.ratio >= AIM_RATIO
    bare_row = {
        "rps": baseline_rps,
        "p50_ms": sum(m.p50_ms for m in bare_runs) / 2,
        "p95_ms": sum(m.p95_ms for m in bare_runs) / 2,
    }
    report = {
        "meta": {
            "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "postgresql": sample["postgresql"],
            "enterprises": args.enterprises,
            "seed_seconds": seed_seconds,
            "duration_s": args.duration,
            "connections": args.connections,
            "workers": args.workers,
            "commissioner": sample["commissioner"],
            "commissioner_caseload": sample["commissioner_caseload"],
            "search_matches": sample["search_matches"],
            "load_average_1min": [round(load_before[0], 2), round(load_after[0], 2)],
            "aim": {"p95_ms_below": AIM_P95_MS, "min_ratio_to_bare": AIM_RATIO},
        },
        "bare": bare_row,
        "bare_runs": [asdict(m) for m in bare_runs],
        "pages": [asdict(m) for m in measured],
        "first_views": [asdict(m) for m in measured_cold],
    }
    if args.json:
        print(json.dumps(_finite(report), ensure_ascii=False, indent=2))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
