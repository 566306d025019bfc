"""A batch of reports on 1 and 2 Celery worker processes, against bare WeasyPrint in the same run.

    python bench/bench_report_batch.py [--reports 500] [--processes 1,2] [--keep DIR]

Self-contained: everything lives in a temporary ``VAR_DIR`` (SQLite database, private files) with
a ``redis-server`` of its own on a free port as broker, so neither the machine's Redis nor a
``make run`` database is touched. Steps:

1. ``migrate`` and ``seed_demo`` into the temporary database (the demo issues ~930 diagnoses);
2. **baseline**: in this process, ``weasyprint.HTML(string=html).write_pdf(...)`` of
   ``--baseline-runs`` of the batch's reports (spread over it), their HTML and CSS built
   beforehand: the mean is the most one process could render (``--processes ''`` runs only this);
3. for each process count k: remove every report row and file, start
   ``celery -A config worker --pool=prefork --concurrency=k -Q <render queue>`` and wait until it
   answers a ping, request ``--reports`` Chinese reports in one transaction (so the messages go out
   on commit, together), and poll the database until every one is done or failed. Throughput is
   reports / (last ``rendered_at`` − commit time). Peak memory per pool process is ``VmHWM`` from
   ``/proc/<pid>/status`` of the worker's children, read before the worker is stopped.

Prints a table: reports/s, × the bare single-process rate, the speed-up over one process (aim
≥ 1.6× for two on two cores), mean pages, and peak RSS per pool process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUEUE = "bench-render"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(directory: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"redis-server on port {port} did not start")


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=500)
    parser.add_argument("--processes", default="1,2", help="worker process counts to run, e.g. 1,2")
    parser.add_argument("--baseline-runs", type=int, default=20)
    parser.add_argument("--keep", help="use (and keep) this directory instead of a temporary one")
    args = parser.parse_args()

    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-batch-"))
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "VAR_DIR": str(workdir),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "REPORT_QUEUE": QUEUE,
        "CONN_MAX_AGE": "0",
        "DEBUG": "0",
    }
    os.environ.update(env)
    redis_process = start_redis(workdir, port)
    try:
        if not (workdir / "db.sqlite3").exists():
            started = time.perf_counter()
            manage("migrate", "--noinput", "-v0", env=env)
            manage("seed_demo", env=env)
            print(f"seeded {workdir} in {time.perf_counter() - started:.0f} s", flush=True)
        run(args, workdir, env)
    finally:
        redis_process.terminate()
        redis_process.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir: Path, env: dict) -> None:
    import logging

    import django
    import redis

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from django.core.files.storage import storages
    from django.db import transaction
    from weasyprint import CSS, HTML

    from config.celery import app
    from core.jobs import JobStatus
    from diagnosis.models import Diagnosis, DiagnosisReport
    from diagnosis.services.reports import report_html, report_request

    issued = list(
        Diagnosis.objects.filter(status__in=Diagnosis.ISSUED_STATES, total_score__isnull=False).order_by("pk")
    )
    if len(issued) < args.reports:
        sys.exit(f"only {len(issued)} issued diagnoses in the demo; ask for fewer --reports")
    chosen = issued[: args.reports]

    # The baseline renders --baseline-runs different reports of the batch, spread evenly over it
    # (reports differ: pages, findings, projects), their HTML built beforehand; mean seconds each.
    step = max(1, len(chosen) // args.baseline_runs)
    documents = []
    for diagnosis in chosen[::step][: args.baseline_runs]:
        sample = DiagnosisReport(
            diagnosis=diagnosis, language="zh-hans", version=0, verification_code="BENCH00000"
        )
        html, css, _document = report_html(sample)
        documents.append((html, css))
    HTML(string=documents[0][0]).write_pdf(stylesheets=[CSS(string=documents[0][1])])  # warm fonts and caches
    runs = []
    for html, css in documents:
        started = time.perf_counter()
        HTML(string=html).write_pdf(stylesheets=[CSS(string=css)])
        runs.append(time.perf_counter() - started)
    bare = statistics.mean(runs)
    print(
        f"bare WeasyPrint: {bare:.3f} s per report (mean of {len(runs)} reports), {1 / bare:.2f} reports/s",
        flush=True,
    )

    results = []
    for processes in [int(k) for k in args.processes.split(",") if k.strip()]:
        for report in DiagnosisReport.objects.exclude(file=""):
            storages["private"].delete(report.file.name)
        DiagnosisReport.objects.all().delete()
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()  # messages for rows that are gone
        name = f"bench-{processes}-{os.getpid()}@%h"
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", f"--concurrency={processes}",
             "-Q", QUEUE, "-n", name, "-l", "warning", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=open(workdir / f"worker-{processes}.log", "w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            hostname = name.replace("%h", socket.gethostname())
            deadline = time.monotonic() + 60
            while not app.control.ping(destination=[hostname], timeout=1):
                if time.monotonic() > deadline or worker.poll() is not None:
                    sys.exit(f"worker {hostname} did not answer (log: {workdir}/worker-{processes}.log)")
            with transaction.atomic():
                ids = [report_request(diagnosis=diagnosis, language="zh-hans").pk for diagnosis in chosen]
            committed = time.time()
            reports = DiagnosisReport.objects.filter(pk__in=ids)
            deadline = time.monotonic() + 30 * args.reports
            while reports.filter(status__in=[JobStatus.PENDING, JobStatus.RUNNING]).exists():
                if time.monotonic() > deadline or worker.poll() is not None:
                    sys.exit(f"the batch did not finish (log: {workdir}/worker-{processes}.log)")
                time.sleep(0.5)
            pool = children(worker.pid)
            peaks = [peak_rss_mib(pid) for pid in pool]
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        done = list(
            reports.filter(status=JobStatus.DONE).values_list("rendered_at", "pages", "render_seconds")
        )
        failed = reports.filter(status=JobStatus.FAILED).count()
        elapsed = max(row[0] for row in done).timestamp() - committed
        rate = len(done) / elapsed
        results.append({
            "processes": processes, "done": len(done), "failed": failed, "elapsed": elapsed, "rate": rate,
            "pages": statistics.mean(row[1] for row in done),
            "render": statistics.mean(float(row[2]) for row in done),
            "peak": max(peaks) if peaks else 0.0, "pool": len(pool),
        })  # fmt: skip
        print(f"{processes} process(es): {len(done)} done, {failed} failed in {elapsed:.1f} s", flush=True)

    base_rate = results[0]["rate"] if results else 0
    print()
    print(f"{args.reports} Chinese reports; bare WeasyPrint {1 / bare:.2f} reports/s in one process")
    print("| worker processes | done | failed | seconds | reports/s | × bare (one process) | speed-up | "
          "pages (mean) | render s (mean) | peak RSS per process MiB |")  # fmt: skip
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in results:
        print(
            f"| {row['processes']} | {row['done']} | {row['failed']} | {row['elapsed']:.1f} | {row['rate']:.2f} | "
            f"{row['rate'] * bare:.2f} | {row['rate'] / base_rate:.2f}× | {row['pages']:.1f} | {row['render']:.2f} | "
            f"{row['peak']:.0f} ({row['pool']} processes) |"
        )


if __name__ == "__main__":
    main()
