"""Statistics periods are shown as year and month in the reader's language, never as raw codes."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from core.periods import period_label


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        ("zh-hans", "202610", "2026年10月"),
        ("zh-hans", "202601", "2026年1月"),
        ("en", "202610", "Oct 2026"),
        ("en", "202512", "Dec 2025"),
    ],
)
def test_period_label(language, code, expected):
    with translation.override(language):
        assert period_label(code) == expected
        assert Template("{% load periods %}{{ p|period }}").render(Context({"p": code})) == expected


@pytest.mark.parametrize("odd", ["", None, "2026", "202613", "202600", "abcdef", 202610.5])
def test_odd_values_come_back_unchanged(odd):
    assert period_label(odd) == ("" if odd is None else str(odd))


def test_league_shows_periods_as_months(client, world):
    client.force_login(world.users["province_officer"])
    html = client.get(reverse("reporting:provider_league"), {"period": "202610"}).content.decode()
    assert "统计期 2026年10月" in html
    assert '<option value="202610" selected>2026年10月</option>' in html
    assert ">202610<" not in html
