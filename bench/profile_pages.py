"""Where the time of each benchmarked page goes: SQL vs Python, the slowest queries' plans, a profile.

    python bench/profile_pages.py [--repeat 5] [--explain 2] [--profile enterprise_list]

Runs in-process (Django's test client, no HTTP server) against the database ``bench/bench_load.py``
seeded (same ``DATABASE_URL`` default; run the load benchmark once first). Nothing is written
except the province officer's API token if it is missing. For each page of the load benchmark:

- the median wall time of ``--repeat`` renders, the median CPU time of this process (the Python
  side: views, forms, templates, and the driver; PostgreSQL runs in its own process), the number
  of queries and the median SQL time (``CaptureQueriesContext``), and wall − SQL. On a busy machine
  the CPU column is the steadier one;
- ``EXPLAIN (ANALYZE, BUFFERS)`` of the ``--explain`` slowest queries of one render;
- with ``--profile PAGE``, the cProfile of one render of that page (top functions by cumulative
  time).

Also times opening a new database connection, which every request pays while ``CONN_MAX_AGE`` is 0.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_load import DEFAULT_DATABASE_URL, SEARCH_FRAGMENT  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", type=int, default=2, help="slowest queries to EXPLAIN per page")
    parser.add_argument("--profile", default="enterprise_list", help="page key to cProfile ('' for none)")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("SECRET_KEY", "profile-only-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_bench"
    os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")  # production settings want a real broker

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from demo.scale import already_seeded, dataset_sample

    if not already_seeded():
        print("No scale data set in this database: run bench/bench_load.py first.", file=sys.stderr)
        return 1
    sample = dataset_sample()
    officer = User.objects.get(username=sample["province_officer"])
    commissioner = User.objects.get(username=sample["commissioner"])
    token = Token.objects.get_or_create(user=officer)[0].key

    def client(user=None, **headers) -> Client:
        c = Client(SERVER_NAME="127.0.0.1", **headers)
        if user is not None:
            c.force_login(user)
        return c

    pages = {
        "bare": (client(officer), "/bench/bare/"),
        "enterprise_list": (client(officer), "/enterprises/"),
        "search": (client(officer), f"/enterprises/?q={SEARCH_FRAGMENT}"),
        "api_list": (client(HTTP_AUTHORIZATION=f"Token {token}"), "/api/v1/enterprises/"),
        "detail": (client(officer), f"/enterprises/{sample['enterprise_id']}/"),
        "caseload": (client(commissioner), "/enterprises/caseload/"),
        "directory": (client(), "/directory/"),
    }

    started = time.perf_counter()
    for _ in range(20):
        connection.close()
        connection.ensure_connection()
    print(f"new database connection: {(time.perf_counter() - started) / 20 * 1000:.1f} ms each\n")

    print(f"{'page':<18}{'wall ms':>9}{'CPU ms':>9}{'queries':>9}{'SQL ms':>9}{'wall-SQL':>10}")
    print("-" * 64)
    slowest: dict[str, list[dict]] = {}
    for key, (c, path) in pages.items():
        response = c.get(path)
        assert response.status_code == 200, (path, response.status_code)
        walls, cpus, sqls = [], [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                t0, c0 = time.perf_counter(), time.process_time()
                c.get(path)
                walls.append((time.perf_counter() - t0) * 1000)
                cpus.append((time.process_time() - c0) * 1000)
            sqls.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        slowest[key] = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[: args.explain]
        wall, cpu, sql = statistics.median(walls), statistics.median(cpus), statistics.median(sqls)
        queries = len(captured.captured_queries)
        print(f"{key:<18}{wall:>9.1f}{cpu:>9.1f}{queries:>9}{sql:>9.1f}{wall - sql:>10.1f}")

    for key, queries in slowest.items():
        if key == "bare":
            continue
        for query in queries:
            print(f"\n=== {key}: {float(query['time']) * 1000:.1f} ms\n{query['sql'][:600]}")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                for (line,) in cursor.fetchall():
                    print("   ", line)

    if args.profile:
        c, path = pages[args.profile]
        profiler = cProfile.Profile()
        profiler.enable()
        c.get(path)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(f"\n=== cProfile of one render of {path}\n{out.getvalue()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
