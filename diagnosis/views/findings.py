"""The clinic's pages for a diagnosis' findings and recommendations (the result page shows them
read-only: ``templates/diagnosis/recommendations.html``, through ``findings_tags``).

Contract:
- The diagnosis is read through ``diagnosis.selectors.diagnoses.diagnosis_get`` with the user:
  out of scope answers 404, and so does a recommendation of another diagnosis.
- Only staff of the diagnosing organisation use these pages, while the diagnosis is editable
  (``can_edit_recommendations``); anyone else who sees the diagnosis gets 403 with the reason.
  The diagnosing staff on a diagnosis in review or issued are sent back to its page with the
  message that the recommendations are read-only (never an error page).
- Writes go through ``diagnosis.services.findings``; every POST answers with a redirect, except a
  refused form, which comes back (400) with the messages and everything typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnosis.forms.findings import RecommendationForm
from diagnosis.permissions import can_edit_recommendations, is_diagnosing_staff
from diagnosis.selectors.assessment import model_spec
from diagnosis.selectors.diagnoses import diagnosis_get
from diagnosis.selectors.findings import findings_overview, recommendation_get
from diagnosis.services import findings as services


class _ReadOnly(Exception):
    """The diagnosing staff on a diagnosis that is no longer editable."""


def _diagnosis(request, pk: int):
    diagnosis = diagnosis_get(actor=request.user, pk=pk)
    if can_edit_recommendations(request.user, diagnosis):
        return diagnosis
    if is_diagnosing_staff(request.user, diagnosis):
        raise _ReadOnly(diagnosis)
    raise PermissionDenied(_("只有开展诊断的机构人员可以修改诊断建议。"))


def _read_only(request, diagnosis):
    if diagnosis.issued:
        messages.info(request, _("该诊断已出具，诊断建议只读，不能再修改。"))
    else:
        messages.info(
            request,
            _("该诊断当前为“%(status)s”，诊断建议不能修改。") % {"status": diagnosis.get_status_display()},
        )
    return redirect("diagnosis:diagnosis_detail", pk=diagnosis.pk)


def _guarded(view):
    """Turn "no longer editable" into the redirect with its message."""

    def wrapped(request, pk: int, *args, **kwargs):
        try:
            return view(request, pk, *args, **kwargs)
        except _ReadOnly as exc:
            return _read_only(request, exc.args[0])

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


@_guarded
def recommendations_view(request, pk: int):
    """The clinic's list: generate from the rules, add, edit, delete, reorder."""
    diagnosis = _diagnosis(request, pk)
    overview = findings_overview(actor=request.user, diagnosis=diagnosis, language=get_language() or "")
    return render(
        request,
        "diagnosis/recommendations_edit.html",
        {"diagnosis": diagnosis, "findings": overview, "has_scores": diagnosis.total_score is not None},
    )


@_guarded
@require_POST
def recommendations_generate_view(request, pk: int):
    diagnosis = _diagnosis(request, pk)
    try:
        made = services.recommendations_generate(actor=request.user, diagnosis=diagnosis)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(
            request, _("已根据诊断结果生成建议，共 %(n)d 条（人工修改过的建议保留）。") % {"n": len(made)}
        )
    return redirect("diagnosis:recommendations", pk=diagnosis.pk)


def _form_page(request, diagnosis, form, recommendation=None, status=200, general=()):
    return render(
        request,
        "diagnosis/recommendation_form.html",
        {
            "diagnosis": diagnosis,
            "form": form,
            "recommendation": recommendation,
            "revision": recommendation.revision if recommendation else 0,
            "general_errors": list(general),
        },
        status=status,
    )


def _save(request, diagnosis, recommendation=None):
    spec = model_spec(diagnosis.model)
    if request.method != "POST":
        initial = RecommendationForm.initial_of(recommendation) if recommendation else {}
        return _form_page(
            request, diagnosis, RecommendationForm(initial=initial, scenarios=spec.scenarios), recommendation
        )
    form = RecommendationForm(request.POST, scenarios=spec.scenarios)
    if not form.is_valid():
        return _form_page(request, diagnosis, form, recommendation, status=400)
    try:
        revision = int(request.POST.get("revision", "-1"))
    except ValueError:
        revision = -1
    try:
        services.recommendation_save(
            actor=request.user,
            diagnosis=diagnosis,
            recommendation=recommendation,
            revision=revision,
            data=form.cleaned_data,
        )
    except ValidationError as exc:
        general = []
        if hasattr(exc, "error_dict"):
            for key, texts in exc.message_dict.items():
                if key in form.fields:
                    form.add_error(key, texts)
                else:
                    general.extend(texts)
        else:
            general = list(exc.messages)
        return _form_page(request, diagnosis, form, recommendation, status=400, general=general)
    messages.success(request, _("已保存建议。"))
    return redirect("diagnosis:recommendations", pk=diagnosis.pk)


@_guarded
def recommendation_add_view(request, pk: int):
    return _save(request, _diagnosis(request, pk))


@_guarded
def recommendation_edit_view(request, pk: int, rec_id: int):
    diagnosis = _diagnosis(request, pk)
    return _save(request, diagnosis, recommendation_get(actor=request.user, diagnosis=diagnosis, pk=rec_id))


@_guarded
@require_POST
def recommendation_delete_view(request, pk: int, rec_id: int):
    diagnosis = _diagnosis(request, pk)
    recommendation = recommendation_get(actor=request.user, diagnosis=diagnosis, pk=rec_id)
    try:
        services.recommendation_delete(actor=request.user, diagnosis=diagnosis, recommendation=recommendation)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("已删除建议。"))
    return redirect("diagnosis:recommendations", pk=diagnosis.pk)


@_guarded
@require_POST
def recommendation_move_view(request, pk: int, rec_id: int):
    diagnosis = _diagnosis(request, pk)
    recommendation = recommendation_get(actor=request.user, diagnosis=diagnosis, pk=rec_id)
    try:
        services.recommendation_move(
            actor=request.user,
            diagnosis=diagnosis,
            recommendation=recommendation,
            up=request.POST.get("direction") != "down",
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect("diagnosis:recommendations", pk=diagnosis.pk)
