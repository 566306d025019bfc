"""``manage.py diagnosis_score FILE [--model CODE] [--json]``: score answer sets from a file.

FILE is a JSON list of ``{"answers": {"<question code>": ["<option key>", …]}, "scenarios":
{"<scenario code>": 1–4}}``. The output is a JSON list in the same order; each scored entry has at
least ``{"total": "<exact decimal>", "level": 0–4, "dimensions": {"<code>": "<decimal>"}}`` (plus
the sub-dimension scores, the level's name and the scenario counts), and an entry that can't be
scored is ``{"errors": [{"path": …, "reason": …}]}`` — the others are still scored, and the
command then exits with status 1. ``--model`` picks a loaded version by code (default: the current
default version). Without ``--json`` a short table is printed instead.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from diagnosis.scoring import AnswerError, load_json, result_json, score
from diagnosis.selectors.assessment import model_get, model_spec


def _scenario_levels(raw) -> dict:
    """JSON levels arrive as Decimals (exact reading): whole numbers become ints for scoring."""
    if not isinstance(raw, dict):
        return raw
    out = {}
    for code, level in raw.items():
        if (
            not isinstance(level, bool)
            and hasattr(level, "to_integral_value")
            and level == level.to_integral_value()
        ):
            level = int(level)
        out[code] = level
    return out


class Command(BaseCommand):
    help = "按评测模型为答题文件中的每组答案计分定级，输出 JSON。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="答案文件（JSON 列表）")
        parser.add_argument("--model", help="评测模型代码（默认：当前默认版本）")
        parser.add_argument("--json", action="store_true", help="输出 JSON 列表")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        try:
            model = model_spec(model_get(code=options.get("model")))
        except Http404 as exc:
            raise CommandError(
                _("没有评测模型 %(code)s。") % {"code": options.get("model") or _("（默认版本）")}
            ) from exc
        try:
            entries = load_json(path.read_bytes())
        except ValueError as exc:
            raise CommandError(_("答案文件不是有效的 JSON：%(error)s") % {"error": exc}) from exc
        if not isinstance(entries, list):
            raise CommandError(_("答案文件应为 JSON 列表，每项包含 answers 和 scenarios。"))

        results, failed = [], 0
        for index, entry in enumerate(entries):
            try:
                if not isinstance(entry, dict):
                    raise AnswerError([(f"[{index}]", "must be an object with answers and scenarios")])
                result = score(
                    model, entry.get("answers") or {}, _scenario_levels(entry.get("scenarios") or {})
                )
            except AnswerError as exc:
                failed += 1
                results.append({"errors": [{"path": p, "reason": r} for p, r in exc.errors]})
            else:
                results.append(result_json(model, result))

        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False))
        else:
            for index, row in enumerate(results):
                if "errors" in row:
                    reasons = "; ".join(f"{e['path']}: {e['reason']}" for e in row["errors"])
                    self.stdout.write(f"{index}\t{_('无法计分')}\t{reasons}")
                else:
                    self.stdout.write(f"{index}\t{row['total']}\t{row['level_name']}")
        if failed:
            raise CommandError(_("%(n)d 组答案无法计分（见输出中的 errors）。") % {"n": failed})
