"""``python manage.py stats_table CODE [--period P] --format json|csv|xlsx [--out FILE]``: one table
computed from the stored values. JSON is ``{"code", "title", "period", "columns", "rows":
[{"region", "label", "cells"}], "rank"}``; CSV and XLSX go through the shared writer (a header
row, then one row per region: code, short name, cells), XLSX to ``--out`` only."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from core.tabular import write_table
from reporting.selectors.stats import table_compute


class Command(BaseCommand):
    help = "Compute a statistics table from the stored values."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--period", default=None)
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--out", default=None)

    def handle(self, code, period=None, format="json", out=None, **options):
        try:
            table = table_compute(code=code, period=period)
        except Http404:
            raise CommandError(f"no table {code!r} (load a package with stats_load)") from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if format == "json":
            content = json.dumps(table, ensure_ascii=False).encode()
        else:
            headers = ["region", "label", *table["columns"]]
            rows = [[row["region"], row["label"], *row["cells"]] for row in table["rows"]]
            if format == "xlsx" and not out:
                raise CommandError("--format xlsx needs --out FILE")
            content = (
                write_table(format, rows, headers, title=table["code"])
                if format == "xlsx"
                else write_table("csv", rows, headers)
            )
        if out:
            with open(out, "wb") as handle:
                handle.write(content)
            self.stdout.write(f"{out}: {len(table['rows'])} rows")
        else:
            sys.stdout.buffer.write(content + (b"\n" if format == "json" else b""))
