"""``manage.py load_assessment_model FILE [--default]``: load a diagnosis model version (评测模型).

The file is checked whole (``diagnosis.scoring.parse_model``); a bad file writes nothing, prints
the path and reason of every problem on stderr and exits with status 1. Loading a file that is
already loaded does nothing; a changed file under a loaded code is refused (a new edition needs a
new code). ``--default`` makes the version the one new diagnoses use.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from diagnosis.scoring import ModelError
from diagnosis.services.assessment import assessment_model_load


class Command(BaseCommand):
    help = "载入评测模型（JSON 文件）：校验后新增一个版本；已载入的相同文件不重复载入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="评测模型 JSON 文件")
        parser.add_argument("--default", action="store_true", help="设为新建诊断默认使用的版本")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        try:
            model, created = assessment_model_load(source=path.read_bytes(), make_default=options["default"])
        except ModelError as exc:
            for where, reason in exc.errors:
                self.stderr.write(f"{where}: {reason}")
            raise CommandError(
                _("评测模型文件有 %(n)d 处错误，未载入（见上）。") % {"n": len(exc.errors)}
            ) from exc
        if created:
            self.stdout.write(
                _("已载入评测模型 %(code)s：%(name)s") % {"code": model.code, "name": model.name}
            )
        else:
            self.stdout.write(_("评测模型 %(code)s 已载入，文件相同，未做改动。") % {"code": model.code})
        if model.is_default:
            self.stdout.write(_("（当前默认版本）"))
