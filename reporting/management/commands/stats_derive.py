"""``python manage.py stats_derive [--month YYYYMM] [--months N]``: derive the casework figures now
(the month, its quarter, half and year to date), without waiting for the job. Default: the month
under way; ``--months N`` also the N-1 months before it."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.services.derive import derive_month, previous_month
from reporting.stats.periods import parse_period


class Command(BaseCommand):
    help = "Derive the statistics of the casework into the indicator store."

    def add_arguments(self, parser):
        parser.add_argument("--month", default=None, help="YYYYMM (default: this month)")
        parser.add_argument("--months", type=int, default=1, help="how many months back from --month")

    def handle(self, month=None, months=1, **options):
        month = month or timezone.localdate().strftime("%Y%m")
        try:
            code, kind = parse_period(month)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if kind != "month" or not 1 <= months <= 120:
            raise CommandError("--month takes YYYYMM and --months 1 to 120")
        for _ in range(months):
            written = derive_month(code)
            self.stdout.write(f"{code}: {written} values (with its quarter, half and year to date)")
            code = previous_month(code)
