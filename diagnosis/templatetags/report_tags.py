"""Template tags of the report: the diagnosis page shows its report card (versions, state, download)
through the report selector, so the diagnosis views (a lower subdomain) need not know about it."""

from django import template
from django.contrib.auth.models import AnonymousUser

from diagnosis.selectors.reports import report_list, report_state

register = template.Library()


@register.inclusion_tag("diagnosis/report_card.html", takes_context=True)
def report_card(context, diagnosis):
    """``{% report_card diagnosis %}``: the report versions the requesting user sees (issued diagnoses only)."""
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    if not diagnosis.issued:
        return {"show": False}
    state = report_state(diagnosis, list(report_list(actor=user, diagnosis=diagnosis)))
    return {
        "show": True,
        "diagnosis": diagnosis,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        **state,
    }
