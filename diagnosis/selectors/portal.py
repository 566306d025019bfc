"""Reads of the enterprise portal, always for an acting user (``visible_to``): out of scope is 404.

- ``self_assessment_*``: the enterprise sees its own (drafts included); officers in scope and
  engaged clinic/provider staff see submitted ones only.
- ``correction_*``: officers in scope and the enterprise. ``correction_rows`` pairs each proposed
  value with the archive's current one, so a proposal made stale by a later change shows it.
- ``request_*``: officers in scope, the enterprise's commissioner, the enterprise.
- ``comment_threads``: the comments on a diagnosis the actor sees, each with its replies.
- ``portal_overview``: everything the enterprise's portal page shows, in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from diagnosis.models import (
    CONTACT_FIELDS,
    ContactCorrection,
    Diagnosis,
    DiagnosisComment,
    Enterprise,
    EnterpriseRequest,
    SelfAssessment,
)


def _get(qs: QuerySet, pk):
    try:
        return qs.get(pk=int(pk))
    except (TypeError, ValueError, qs.model.DoesNotExist) as exc:
        raise Http404 from exc


# --- self-assessments ---------------------------------------------------------------------------


def self_assessment_list(*, actor, enterprise: Enterprise | None = None) -> QuerySet[SelfAssessment]:
    qs = SelfAssessment.objects.visible_to(actor).select_related("enterprise", "model", "submitted_by")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.order_by("-updated_at", "-id")


def self_assessment_get(*, actor, pk) -> SelfAssessment:
    return _get(self_assessment_list(actor=actor), pk)


def self_assessment_draft(*, actor, enterprise: Enterprise) -> SelfAssessment | None:
    """The enterprise's draft, if the actor may see it (only the enterprise may)."""
    return self_assessment_list(actor=actor, enterprise=enterprise).filter(status="draft").first()


def self_assessment_latest(*, actor, enterprise: Enterprise) -> SelfAssessment | None:
    """The latest submitted self-assessment of ``enterprise`` the actor may see."""
    return (
        self_assessment_list(actor=actor, enterprise=enterprise)
        .filter(status="submitted")
        .order_by("-submitted_at", "-id")
        .first()
    )


# --- contact corrections ------------------------------------------------------------------------


def correction_list(*, actor, status: str | None = None) -> QuerySet[ContactCorrection]:
    qs = ContactCorrection.objects.visible_to(actor).select_related(
        "enterprise__county", "proposed_by", "decided_by"
    )
    if status in ContactCorrection.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-proposed_at", "-id")


def correction_get(*, actor, pk) -> ContactCorrection:
    return _get(correction_list(actor=actor), pk)


@dataclass
class CorrectionRow:
    field: str
    label: str
    before: str  # on the archive when proposed
    proposed: str
    current: str  # on the archive now

    @property
    def stale(self) -> bool:
        return self.current != self.before


def correction_rows(correction: ContactCorrection) -> list[CorrectionRow]:
    """Each proposed value with the value when proposed and the archive's current one (the
    enterprise is the one selected with the correction: no query)."""
    enterprise = correction.enterprise
    return [
        CorrectionRow(
            name,
            str(Enterprise._meta.get_field(name).verbose_name),
            correction.changes[name][0],
            correction.changes[name][1],
            getattr(enterprise, name) or "",
        )
        for name in CONTACT_FIELDS
        if name in correction.changes
    ]


# --- requests -----------------------------------------------------------------------------------


def request_list(*, actor, status: str | None = None, enterprise: Enterprise | None = None) -> QuerySet:
    qs = (
        EnterpriseRequest.objects.visible_to(actor)
        .select_related("enterprise__county", "created_by", "replied_by")
        .prefetch_related("need_tags")
    )
    if status in EnterpriseRequest.Status.values:
        qs = qs.filter(status=status)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.order_by("-created_at", "-id")


def request_get(*, actor, pk) -> EnterpriseRequest:
    return _get(request_list(actor=actor).select_related("enterprise__commissioner"), pk)


def portal_todo_counts(*, actor) -> dict[str, int]:
    """Pending corrections and open requests the actor sees (two aggregate queries)."""
    corrections = ContactCorrection.objects.visible_to(actor).aggregate(
        n=Count("pk", filter=Q(status=ContactCorrection.Status.PENDING))
    )["n"]
    requests = EnterpriseRequest.objects.visible_to(actor).aggregate(
        n=Count("pk", filter=Q(status__in=EnterpriseRequest.OPEN_STATES))
    )["n"]
    return {"corrections": corrections, "requests": requests}


# --- comments -----------------------------------------------------------------------------------


def comment_list(*, actor, diagnosis: Diagnosis | None = None) -> QuerySet[DiagnosisComment]:
    qs = DiagnosisComment.objects.visible_to(actor).select_related("author", "diagnosis")
    if diagnosis is not None:
        qs = qs.filter(diagnosis=diagnosis)
    return qs.order_by("created_at", "id")


def comment_get(*, actor, pk) -> DiagnosisComment:
    return _get(comment_list(actor=actor).select_related("diagnosis__enterprise__county"), pk)


def comment_threads(*, actor, diagnosis: Diagnosis) -> list[DiagnosisComment]:
    """The enterprise's comments on ``diagnosis``, oldest first, each with ``.thread`` (its
    replies, oldest first). Two queries."""
    replies = comment_list(actor=actor, diagnosis=diagnosis).filter(reply_to__isnull=False)
    return list(
        comment_list(actor=actor, diagnosis=diagnosis)
        .filter(reply_to__isnull=True)
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="thread"))
    )


# --- the portal page ----------------------------------------------------------------------------


def portal_overview(*, actor, enterprise: Enterprise) -> dict:
    """What the enterprise's portal shows: its issued diagnoses (never drafts: the scope of
    ``Diagnosis`` gives the enterprise issued ones only), its latest corrections and requests,
    its self-assessment draft and latest submitted one."""
    return {
        "diagnoses": list(
            Diagnosis.objects.visible_to(actor)
            .filter(enterprise=enterprise, status__in=Diagnosis.ISSUED_STATES)
            .select_related("organisation", "model", "superseded_by")
            .order_by("-issued_at", "-id")[:20]
        ),
        "corrections": list(correction_list(actor=actor).filter(enterprise=enterprise)[:10]),
        "requests": list(request_list(actor=actor, enterprise=enterprise)[:20]),
        "draft": self_assessment_draft(actor=actor, enterprise=enterprise),
        "latest": self_assessment_latest(actor=actor, enterprise=enterprise),
    }
