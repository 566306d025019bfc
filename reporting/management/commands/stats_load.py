"""``python manage.py stats_load DIR [--json]``: check and load a statistics package.

Every problem is printed with its file, line and column and nothing is stored when there is one
(exit status 1). A loaded package's tables are computed and compared with its ``expected/`` cells;
differences are printed cell by cell (exit status 2)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.services.stats import PackageError, package_load


class Command(BaseCommand):
    help = "Load a statistics package (indicators.csv, values.csv, tables/, expected/)."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--json", action="store_true", help="print the result as one JSON object")

    def handle(self, directory, json: bool = False, **options):
        path = Path(directory)
        try:
            result = package_load(path, origin=path.name)
        except PackageError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(exc.problems)} problem(s); nothing was stored.", returncode=1) from None
        summary = {
            "indicators": result.indicators,
            "values": result.values,
            "tables": result.tables,
            "mismatches": [list(m) for m in result.mismatches],
        }
        if json:
            self.stdout.write(_dumps(summary))
        else:
            self.stdout.write(
                f"{result.indicators} indicators, {result.values} values, tables: {', '.join(result.tables) or '—'}"
            )
            for table, region, column, have, want in result.mismatches:
                self.stdout.write(
                    f"  {table} {region} column {column}: computed {have!r}, published {want!r}"
                )
            if not result.mismatches:
                self.stdout.write("every published cell and ranking reproduced.")
        if result.mismatches:
            raise CommandError(f"{len(result.mismatches)} cell(s) differ from expected/.", returncode=2)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
