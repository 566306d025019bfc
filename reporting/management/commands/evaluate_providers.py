"""``python manage.py evaluate_providers [--period YYYYMM …] [--last N]``: run the providers' evaluation now.

Runs ``services_evaluation.evaluation_run`` in this process, oldest month first (so the "D twice"
flag sees the previous month). A month already computed is left as it is (the run row is DONE),
and so is one a worker is computing right now; a FAILED month is computed afresh. Use the league
table's "重新计算" to compute a DONE month again.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reporting.services.evaluation import evaluation_run, last_complete_period, period_bounds, previous_period


class Command(BaseCommand):
    help = "计算服务商绩效评价（默认上月）；已计算的月份不会重复计算。"

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], help="统计期 YYYYMM，可重复")
        parser.add_argument("--last", type=int, default=0, help="最近 N 个已结束的月份")

    def handle(self, *args, period: list[str], last: int, **options):
        periods = set(period)
        month = last_complete_period()
        for _ in range(last):
            periods.add(month)
            month = previous_period(month)
        if not periods:
            periods.add(last_complete_period())
        for value in sorted(periods):
            try:
                period_bounds(value)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            run = evaluation_run(period=value, retry_failed=True)
            self.stdout.write(
                f"{value}: {run.get_status_display()}（参评 {run.providers_count} 家，有得分 {run.scored_count} 家，"
                f"新标记待审查 {run.flagged_count} 家）"
            )
