"""``python manage.py render_reports [--region CODE | --all | --diagnosis ID …] [--language L] [--out DIR] [--json]``

Makes the reports of issued diagnoses in this process: for each diagnosis ``report_request``
(a version whose inputs are unchanged is reused), then renders what is not done yet
(``report_render_run``, the same idempotent work a worker does). A progress bar goes to stderr.
``--json`` prints one object ``{"requested": N, "rendered": N, "reused": N, "failed": N, "queued":
N, "files": ["<path>", …]}``; ``--background`` only requests the versions and leaves the rendering
to the render workers (``queued``; ``make run`` does this for the demo); with ``--out`` every report's PDF, rendered or reused, is also copied there under
its download name. The scope: ``--region`` (a division code: the region and everything below it),
``--all`` issued diagnoses, or ``--diagnosis`` ids (repeatable).
"""

import json
import shutil
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.jobs import JobStatus
from diagnosis.models import Diagnosis
from diagnosis.services.reports import report_filename, report_render_run, report_request
from regions.models import Region


class Command(BaseCommand):
    help = "生成已出具诊断的诊断书 PDF（内容未变的版本直接沿用）。"

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--region", help="地区代码（含下级）")
        scope.add_argument("--all", action="store_true", help="全部已出具的诊断")
        scope.add_argument("--diagnosis", type=int, action="append", help="诊断 id，可重复")
        parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"], help="语言")
        parser.add_argument("--out", help="把每份诊断书 PDF 复制到此目录")
        parser.add_argument("--json", dest="as_json", action="store_true", help="以 JSON 输出结果")
        parser.add_argument(
            "--background", action="store_true", help="只登记并交给渲染队列（由 worker 生成），不在本进程渲染"
        )

    def handle(
        self,
        *args,
        region=None,
        all=False,
        diagnosis=None,
        language="zh-hans",
        out=None,
        as_json=False,
        background=False,
        **options,
    ):
        diagnoses = Diagnosis.objects.filter(status__in=Diagnosis.ISSUED_STATES).select_related("enterprise")
        if region:
            found = Region.objects.filter(code=region).first()
            if found is None:
                raise CommandError(f"没有代码为 {region!r} 的地区。")
            diagnoses = diagnoses.filter(enterprise__county__path__startswith=found.path)
        elif diagnosis:
            diagnoses = diagnoses.filter(pk__in=diagnosis)
            missing = set(diagnosis) - set(diagnoses.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"这些诊断不存在或尚未出具：{sorted(missing)}")
        target = Path(out) if out else None
        if target:
            target.mkdir(parents=True, exist_ok=True)
        counts = {"requested": 0, "rendered": 0, "reused": 0, "failed": 0, "queued": 0}
        files = []
        items = list(diagnoses.order_by("pk"))
        for index, item in enumerate(items, start=1):
            counts["requested"] += 1
            try:
                report = report_request(diagnosis=item, language=language)
            except ValidationError:
                counts["failed"] += 1
                continue
            if report.status == JobStatus.DONE:
                counts["reused"] += 1
            elif background:
                counts["queued"] += 1  # rung on commit: the render worker makes it
            else:
                report = report_render_run(report_id=report.pk)
                counts["rendered" if report.status == JobStatus.DONE else "failed"] += 1
            if report.status == JobStatus.DONE and target:
                path = target / report_filename(report)
                with report.file.open("rb") as source, open(path, "wb") as sink:
                    shutil.copyfileobj(source, sink)
                files.append(str(path))
            self._progress(index, len(items), counts)
        if items:
            sys.stderr.write("\n")
        if as_json:
            self.stdout.write(json.dumps({**counts, "files": files}, ensure_ascii=False))
        else:
            self.stdout.write(
                f"诊断书：共 {counts['requested']} 份，新生成 {counts['rendered']} 份，沿用 {counts['reused']} 份，"
                f"失败 {counts['failed']} 份"
                + (f"，交给渲染队列 {counts['queued']} 份" if background else "")
                + (f"；已复制到 {target}" if target else "")
            )

    def _progress(self, done: int, total: int, counts: dict) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
            f"生成 {counts['rendered']} 沿用 {counts['reused']} 失败 {counts['failed']}"
        )
        sys.stderr.flush()
