"""``manage.py import_enterprises FILE [--dry-run] [--json] [--user USERNAME] [--rejects PATH]``.

Imports the enterprise register from a CSV or XLSX file (columns and rules: ``diagnosis.imports``).
Without ``--user`` the command acts as the system (whole province, history without an actor);
with it, rows are checked against that user's region and the history names them.

Rejected rows are written next to FILE as ``<name>-被拒绝行.<csv|xlsx>`` (or to ``--rejects``),
also on a dry run. ``--json`` prints exactly one object on stdout::

    {"created": N, "updated": N, "unchanged": N, "rejected": N, "rejects_file": "path" | null}

A whole-file problem (unreadable, empty, required columns missing) exits with status 1 and the
reason on stderr; nothing is imported.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.permissions import can_import_enterprises
from diagnosis.services.register import (
    ImportFileError,
    ImportResult,
    enterprise_register_import,
    rejects_filename,
    write_rejects,
)

SHOWN_REJECTS = 20


class Command(BaseCommand):
    help = "导入企业名录（CSV 或 XLSX）：按统一社会信用代码新增或更新企业档案。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV（UTF-8/GBK/GB18030）或 XLSX 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入数据库")
        parser.add_argument("--json", action="store_true", help="只输出一个 JSON 对象")
        parser.add_argument("--user", help="以该用户的身份和管辖范围导入（默认：系统，全省）")
        parser.add_argument("--rejects", help="被拒绝行文件的路径（默认：与 FILE 同目录）")

    def handle(self, *args, **options):
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": source})
        actor = self._actor(options.get("user"))
        progress = self._progress if options["verbosity"] >= 2 and not options["json"] else None
        try:
            result = enterprise_register_import(
                actor=actor,
                path=source,
                original_name=source.name,
                dry_run=options["dry_run"],
                progress=progress,
            )
        except ImportFileError as exc:
            raise CommandError(_("%(name)s：%(reason)s") % {"name": source.name, "reason": exc}) from exc
        except PermissionDenied as exc:
            raise CommandError(_("该用户没有导入企业名录的权限。")) from exc

        rejects_path = None
        if result.rejected:
            target = options.get("rejects") or source.with_name(
                rejects_filename(source.name, result.file_format)
            )
            rejects_path = str(write_rejects(result, target))

        if options["json"]:
            self.stdout.write(json.dumps(result.summary(rejects_path), ensure_ascii=False))
            return
        self._report(source, result, rejects_path)

    def _actor(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("用户“%(u)s”不存在。") % {"u": username})
        if not can_import_enterprises(user):
            raise CommandError(
                _("用户“%(u)s”没有导入企业名录的权限（仅限各级工信部门和管理员）。") % {"u": username}
            )
        return user

    def _progress(self, processed: int, total: int) -> None:
        self.stderr.write(_("已处理 %(done)d / %(total)d 行") % {"done": processed, "total": total})

    def _report(self, source: Path, result: ImportResult, rejects_path: str | None) -> None:
        out = self.stdout
        out.write(
            self.style.SUCCESS(_("校验完成（试运行，未写入任何数据）") if result.dry_run else _("导入完成"))
        )
        encoding = _("，编码 %(enc)s") % {"enc": result.encoding} if result.encoding else ""
        out.write(
            _("文件：%(name)s（%(fmt)s%(enc)s），数据 %(n)d 行")
            % {
                "name": source.name,
                "fmt": result.file_format.upper(),
                "enc": encoding,
                "n": result.total_rows,
            }
        )
        counts = {"c": result.created, "u": result.updated, "s": result.unchanged, "r": result.rejected}
        if result.dry_run:
            out.write(_("将新增 %(c)d 家，将更新 %(u)d 家，未变化 %(s)d 家，拒绝 %(r)d 行") % counts)
        else:
            out.write(_("新增 %(c)d 家，更新 %(u)d 家，未变化 %(s)d 家，拒绝 %(r)d 行") % counts)
        if result.ignored_columns:
            out.write(_("以下列无法识别，已忽略：%(cols)s") % {"cols": "、".join(result.ignored_columns)})
        if result.rejects:
            shown = result.rejects[:SHOWN_REJECTS]
            out.write(self.style.WARNING(_("被拒绝的行（前 %(n)d 行）：") % {"n": len(shown)}))
            for row in shown:
                out.write(_("  第 %(n)d 行：%(reason)s") % {"n": row.number, "reason": row.reason})
            if rejects_path:
                out.write(_("全部被拒绝的行已写入：%(path)s") % {"path": rejects_path})
