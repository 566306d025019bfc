"""``python manage.py seed_scale --enterprises N [--seed S] [--commissioners K] [--json]``.

Writes the large deterministic data set of ``demo.scale`` (for load benchmarks) in one
transaction and prints the rows written per kind. Refuses (exit status 1, nothing written) when
a scale data set is already present: seed a fresh database.
"""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from demo.scale import DEMO_PASSWORD, ScaleSeedError, dataset_sample, seed_scale


class Command(BaseCommand):
    help = "写入大规模确定性测试数据（压测用）；已存在时拒绝重复写入。 / Seed the large benchmark data set."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, required=True, help="企业数 / number of enterprises")
        parser.add_argument("--seed", type=int, default=1, help="随机种子 / random seed (default 1)")
        parser.add_argument(
            "--commissioners", type=int, default=3, help="每县数字专员数 / county commissioners per county"
        )
        parser.add_argument("--json", dest="as_json", action="store_true", help="以 JSON 输出 / print JSON")

    def handle(
        self, *args, enterprises: int, seed: int, commissioners: int, as_json: bool = False, **options
    ):
        started = time.monotonic()
        try:
            result = seed_scale(enterprises=enterprises, seed=seed, commissioners=commissioners)
        except (ScaleSeedError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "seconds": round(elapsed, 2),
                        "rows": result.counts,
                        "step_seconds": result.seconds,
                        **dataset_sample(),
                    },
                    ensure_ascii=False,
                )
            )
            return
        for kind, n in result.counts.items():
            self.stdout.write(f"  {kind:<24}{n:>9,}")
        self.stdout.write("  " + ", ".join(f"{step} {s:.1f} s" for step, s in result.seconds.items()))
        sample = dataset_sample()
        self.stdout.write(
            self.style.SUCCESS(f"规模测试数据已写入 / scale data set written in {elapsed:.1f} s.")
        )
        self.stdout.write(
            f"登录 / logins (password {DEMO_PASSWORD}): {sample['province_officer']} (省), "
            f"{sample['commissioner']} (数字专员, {sample['commissioner_caseload']} 家)"
        )
