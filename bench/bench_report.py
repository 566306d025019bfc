"""One report's render against a bare WeasyPrint render of the same HTML, in the same process.

    DATABASE_URL=sqlite:///var/db.sqlite3 python bench/bench_report.py [--diagnosis ID] [--repeat 5]

Uses a database with issued diagnoses (``make run``'s demo database by default). For one issued
diagnosis (the first with a previous one, or ``--diagnosis``):

- **baseline**: ``weasyprint.HTML(string=html).write_pdf(stylesheets=[CSS(string=css)])`` on the
  report's own HTML and CSS, built once beforehand — the least any renderer of this document does;
- **report**: what the render task does apart from storing the file: gather the document's data
  (``report_document``: scores, benchmark, findings, solutions), render the templates, render the
  PDF through the safe fetcher (``core.pdf.render_pdf``) and hash it.

Runs the two alternately and prints the median of ``--repeat`` runs of each and the product's overhead over the baseline (aim
under 30 %).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def median_seconds(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--diagnosis", type=int)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from weasyprint import CSS, HTML

    from core.pdf import render_pdf
    from diagnosis.models import Diagnosis, DiagnosisReport
    from diagnosis.services.reports import report_html

    issued = Diagnosis.objects.filter(status__in=Diagnosis.ISSUED_STATES, total_score__isnull=False)
    diagnosis = issued.get(pk=args.diagnosis) if args.diagnosis else (
        issued.filter(previous__isnull=False).order_by("pk").first() or issued.order_by("pk").first()
    )  # fmt: skip
    if diagnosis is None:
        sys.exit("no issued diagnosis in this database: run `make run` (or seed_demo) first")
    report = DiagnosisReport(
        diagnosis=diagnosis, language="zh-hans", version=0, verification_code="BENCH00000"
    )
    html, css, _document = report_html(report)

    def baseline():
        HTML(string=html).write_pdf(stylesheets=[CSS(string=css)])

    pages = []

    def product():
        page_html, page_css, _doc = report_html(report)
        rendered = render_pdf(page_html, stylesheets=(page_css,))
        hashlib.sha256(rendered.pdf).hexdigest()
        pages.append(rendered.pages)

    baseline()  # warm fonts and caches for both
    product()
    # interleaved, so a busy moment of the machine falls on both alike
    base_runs, mine_runs = [], []
    for _ in range(args.repeat):
        base_runs.append(median_seconds(baseline, 1))
        mine_runs.append(median_seconds(product, 1))
    base, mine = statistics.median(base_runs), statistics.median(mine_runs)
    print(
        f"Report of diagnosis {diagnosis.pk} ({diagnosis.number}, {pages[-1]} pages), median of {args.repeat} runs"
    )
    print(f"{'':34}{'seconds':>10}{'× baseline':>12}")
    print(f"{'baseline (bare WeasyPrint)':34}{base:>10.3f}{1:>12.2f}")
    print(f"{'report (data + templates + PDF)':34}{mine:>10.3f}{mine / base:>12.2f}")
    print(f"overhead: {(mine / base - 1) * 100:.1f} % (aim < 30 %)")


if __name__ == "__main__":
    main()
