"""Writes to the solutions catalogue: drafts, submission, review, publication and withdrawal.

Contract:
- Provider staff create and edit their own provider's solutions and submit them; the province
  department (and administrators) publish or return them; staff (or the province) withdraw a
  published one. Every status move writes a ``SolutionReview`` row.
- Moves follow ``MOVES`` only; anything else is a ``ValidationError`` naming both statuses.
- Only an admitted provider may submit a solution or have one published: a suspended, removed or
  not-yet-admitted provider cannot put anything in front of the public.
- Editing a published solution sends it back to review (``submitted``); editing a submitted one
  keeps it in review.
- Callers fetch the solution through ``visible_to``/selectors first (404 there); the services
  check the role (403) and the rules (400).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_province
from accounts.text import join_list
from regions.codes import MANUFACTURING_DIVISIONS

from ..models import Provider, Solution, SolutionReview
from ..permissions import is_provider_staff_of

S = Solution.Status

#: (from, to) → who: "staff" (the provider's own staff) or "province" (province department/admin).
MOVES: dict[tuple[str, str], set[str]] = {
    (S.DRAFT, S.SUBMITTED): {"staff"},
    (S.RETURNED, S.SUBMITTED): {"staff"},
    (S.WITHDRAWN, S.SUBMITTED): {"staff"},
    (S.SUBMITTED, S.PUBLISHED): {"province"},
    (S.SUBMITTED, S.RETURNED): {"province"},
    (S.PUBLISHED, S.WITHDRAWN): {"staff", "province"},
}
SOLUTION_FIELDS = (
    "title", "summary", "scenarios", "industries", "price_min", "price_max", "deployment", "reference_customers",
)  # fmt: skip
RESUBMIT_REASON = "修改已发布的方案，重新提交审核"


def roles_of(actor, solution: Solution) -> set[str]:
    roles = set()
    if is_provider_staff_of(actor, solution.provider):
        roles.add("staff")
    if is_province(actor):
        roles.add("province")
    return roles


def actions_for(actor, solution: Solution) -> list[str]:
    """The statuses ``actor`` may move ``solution`` to now (for offering buttons)."""
    mine = roles_of(actor, solution)
    return [to for (frm, to), who in MOVES.items() if frm == solution.status and who & mine]


def _label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


def _require_admitted(provider: Provider, what: str) -> None:
    if provider.status != Provider.Status.ADMITTED:
        raise ValidationError(
            _("服务商当前为“%(status)s”状态，不能%(what)s解决方案；恢复入库后方可操作。")
            % {"status": provider.get_status_display(), "what": what}
        )


def _check_industries(industries) -> list[str]:
    codes = [str(code) for code in industries or []]
    unknown = [code for code in codes if code not in MANUFACTURING_DIVISIONS]
    if unknown:
        raise ValidationError(
            {"industries": _("不是制造业行业大类代码：%(codes)s") % {"codes": join_list(unknown)}}
        )
    return sorted(set(codes))


def _apply(solution: Solution, data: dict[str, Any]) -> list:
    unknown = set(data) - set(SOLUTION_FIELDS)
    if unknown:
        raise ValidationError(_("不能通过编辑修改这些项目：%(f)s") % {"f": join_list(sorted(unknown))})
    scenarios = data.get("scenarios")
    for field, value in data.items():
        if field == "scenarios":
            continue
        if field == "industries":
            value = _check_industries(value)
        elif field in ("title", "summary", "reference_customers"):
            value = value or ""
        setattr(solution, field, value)
    if scenarios is not None and not list(scenarios):
        raise ValidationError({"scenarios": _("请至少选择一个适用业务场景。")})
    solution.full_clean()
    return scenarios


def _move(solution: Solution, *, actor, to_status: str, reason: str = "") -> Solution:
    locked = Solution.objects.select_for_update().select_related("provider").get(pk=solution.pk)
    from_status = locked.status
    who = MOVES.get((from_status, to_status))
    if who is None:
        raise ValidationError(
            {
                "status": _("不能从“%(a)s”直接变为“%(b)s”。")
                % {"a": _label(from_status), "b": _label(to_status)}
            }
        )
    if not who & roles_of(actor, locked):
        if who == {"province"}:
            raise PermissionDenied(_("只有省工信厅可以审核解决方案。"))
        raise PermissionDenied(_("只有该服务商的工作人员可以进行此操作。"))
    if to_status in (S.SUBMITTED, S.PUBLISHED):
        _require_admitted(locked.provider, _("提交或发布") if to_status == S.SUBMITTED else _("发布"))
    locked.status = to_status
    if to_status == S.PUBLISHED:
        locked.published_at = timezone.now()
    locked.save()
    SolutionReview.objects.create(
        solution=locked, actor=actor, from_status=from_status, to_status=to_status, reason=reason
    )
    solution.refresh_from_db()
    return locked


@transaction.atomic
def solution_create(*, actor, provider: Provider, data: dict[str, Any]) -> Solution:
    """A new draft of ``provider``'s (its own staff only); ``data`` holds ``SOLUTION_FIELDS``."""
    if not is_provider_staff_of(actor, provider):
        raise PermissionDenied(_("只有服务商的工作人员可以为本服务商新建解决方案。"))
    if provider.status in (Provider.Status.REMOVED, Provider.Status.REJECTED):
        raise ValidationError(
            _("服务商当前为“%(s)s”状态，不能新建解决方案。") % {"s": provider.get_status_display()}
        )
    solution = Solution(provider=provider, status=S.DRAFT)
    if not data.get("scenarios"):
        raise ValidationError({"scenarios": _("请至少选择一个适用业务场景。")})
    scenarios = _apply(solution, data)
    solution.save()
    solution.scenarios.set(scenarios)
    return solution


@transaction.atomic
def solution_update(*, actor, solution: Solution, data: dict[str, Any]) -> Solution:
    """Edit a solution (its provider's staff only). A published one goes back to review."""
    if not is_provider_staff_of(actor, solution.provider):
        raise PermissionDenied(_("只有该服务商的工作人员可以修改解决方案。"))
    locked = Solution.objects.select_for_update().select_related("provider").get(pk=solution.pk)
    was = locked.status
    if was == S.PUBLISHED:
        _require_admitted(locked.provider, _("修改已发布的"))
    scenarios = _apply(locked, data)
    if was == S.PUBLISHED:
        locked.status = S.SUBMITTED
    locked.save()
    if scenarios is not None:
        locked.scenarios.set(scenarios)
    if was == S.PUBLISHED:
        SolutionReview.objects.create(
            solution=locked, actor=actor, from_status=was, to_status=S.SUBMITTED, reason=RESUBMIT_REASON
        )
    solution.refresh_from_db()
    return locked


@transaction.atomic
def solution_submit(*, actor, solution: Solution) -> Solution:
    """Send a draft, returned or withdrawn solution for review (admitted providers only)."""
    return _move(solution, actor=actor, to_status=S.SUBMITTED)


@transaction.atomic
def solution_publish(*, actor, solution: Solution, reason: str = "") -> Solution:
    """Publish a submitted solution (province department): it then shows in the public directory."""
    return _move(solution, actor=actor, to_status=S.PUBLISHED, reason=(reason or "").strip())


@transaction.atomic
def solution_return(*, actor, solution: Solution, reason: str) -> Solution:
    """Return a submitted solution to its provider with the reason (required)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回时请填写退回意见，告诉服务商需要修改什么。")})
    return _move(solution, actor=actor, to_status=S.RETURNED, reason=reason)


#: The name the issue uses (``return`` alone is a keyword).
solution_return_ = solution_return


@transaction.atomic
def solution_withdraw(*, actor, solution: Solution, reason: str = "") -> Solution:
    """Take a published solution out of the directory (its staff, or the province department)."""
    return _move(solution, actor=actor, to_status=S.WITHDRAWN, reason=(reason or "").strip())


#: action name (URLs, API) → service
ACTIONS = {
    "submit": solution_submit,
    "publish": solution_publish,
    "return": solution_return,
    "withdraw": solution_withdraw,
}
ACTION_TARGET = {
    "submit": S.SUBMITTED,
    "publish": S.PUBLISHED,
    "return": S.RETURNED,
    "withdraw": S.WITHDRAWN,
}


def solution_act(*, actor, solution: Solution, action: str, reason: str = "") -> Solution:
    """Run the named action (``ACTIONS``); unknown names are a ``ValidationError``."""
    if action not in ACTIONS:
        raise ValidationError(_("未知的操作。"))
    if action == "submit":
        return solution_submit(actor=actor, solution=solution)
    return ACTIONS[action](actor=actor, solution=solution, reason=reason)
