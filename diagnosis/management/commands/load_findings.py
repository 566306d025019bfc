"""``manage.py load_findings [FILE]``: load the findings rules and result interpretations of an
assessment model (default: ``diagnosis/data/findings-2024.json``).

The file is checked whole (``diagnosis.services.findings.findings_load``); a bad file writes
nothing, prints the path and reason of every problem on stderr and exits with status 1. Rules are
matched by code (created or updated; rules added in the admin are kept), interpretations replaced;
loading the same file again changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from diagnosis.services.findings import FINDINGS_2024, FindingsError, findings_load


class Command(BaseCommand):
    help = "载入诊断建议规则与结果解读（JSON 文件）：校验后按规则代码新增或更新；重复载入相同文件不做改动。"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(FINDINGS_2024), help="诊断建议规则 JSON 文件")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        try:
            counts = findings_load(source=path.read_bytes())
        except FindingsError as exc:
            for where, reason in exc.errors:
                self.stderr.write(f"{where}: {reason}")
            raise CommandError(
                _("诊断建议规则文件有 %(n)d 处错误，未载入（见上）。") % {"n": len(exc.errors)}
            ) from exc
        self.stdout.write(
            _(
                "评测模型 %(model)s：新增规则 %(created)d 条，更新 %(updated)d 条，未变 %(unchanged)d 条；结果解读 %(interpretations)d 段。"
            )
            % counts
        )
