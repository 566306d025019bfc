"""Template tags of the findings: the result page reads its findings through the selector, with
the reader and the reader's language, so the diagnosis views (a lower subdomain) need not know
about them."""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import get_language

from diagnosis.selectors.findings import findings_overview

register = template.Library()


@register.simple_tag(takes_context=True)
def diagnosis_findings(context, diagnosis):
    """``{% diagnosis_findings diagnosis as findings %}``: the ``Overview`` of
    ``diagnosis.selectors.findings`` for the requesting user (no recommendations without one)."""
    user = getattr(context.get("request"), "user", None) or AnonymousUser()
    return findings_overview(actor=user, diagnosis=diagnosis, language=get_language() or "")


@register.inclusion_tag("diagnosis/investment.html")
def investment(recommendation):
    """The rough investment range in 万元 (``5–20 万元``, ``≥ 5 万元``, ``≤ 20 万元``, ``—``)."""
    return {"low": recommendation.investment_min, "high": recommendation.investment_max}
