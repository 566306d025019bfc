"""``core.validators``: plausible dates and http/https-only web addresses."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from core.validators import (
    EARLIEST_DATE,
    PAST,
    PLANNED,
    VALIDITY,
    check_dates,
    date_bounds,
    date_problem,
    safe_web_url,
    web_url_problem,
)

TODAY = datetime.date(2025, 3, 14)


@pytest.mark.parametrize(
    ("value", "kind", "ok"),
    [
        (datetime.date(1, 1, 1), PAST, False),
        (datetime.date(1999, 12, 31), PAST, False),
        (EARLIEST_DATE, PAST, True),
        (TODAY, PAST, True),
        (TODAY + datetime.timedelta(days=1), PAST, False),
        (datetime.date(9999, 12, 31), PAST, False),
        (TODAY + datetime.timedelta(days=365), PLANNED, True),
        (datetime.date(2035, 3, 14), PLANNED, True),
        (datetime.date(2035, 3, 15), PLANNED, False),
        (datetime.date(9999, 12, 31), PLANNED, False),
        (datetime.date(2055, 3, 14), VALIDITY, True),
        (datetime.date(9999, 12, 31), VALIDITY, False),
        (datetime.date(1, 1, 1), VALIDITY, False),
        (None, PAST, True),
    ],
)
def test_date_problem(value, kind, ok):
    assert (date_problem(value, kind, today=TODAY) is None) is ok


def test_leap_day_bounds():
    assert date_bounds(PLANNED, today=datetime.date(2028, 2, 29))[1] == datetime.date(2038, 2, 28)


def test_check_dates_names_every_bad_field():
    class Row:
        a = datetime.date(1, 1, 1)
        b = datetime.date(9999, 12, 31)
        c = TODAY

    with pytest.raises(ValidationError) as error:
        check_dates(Row(), past=["a", "c"], planned=["b"], today=TODAY)
    assert set(error.value.error_dict) == {"a", "b"}


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "ftp://example.com/",
        "//evil.example.com",
        "http://",
        "https://exa mple.com",
        "http://example.com/\njavascript:alert(1)",
    ],
)
def test_only_http_and_https_addresses(value):
    assert web_url_problem(value) is not None
    assert safe_web_url(value) == ""


@pytest.mark.parametrize(
    "value", ["https://www.example.com", "http://example.com/a?b=c", "https://赣云.中国/"]
)
def test_web_addresses_pass(value):
    assert web_url_problem(value) is None
    assert safe_web_url(value) == value


def test_web_link_tag_links_only_web_addresses():
    template = Template("{% load weblinks %}{% web_link url %}")
    html = template.render(Context({"url": "https://example.com/?a=1&b=2"}))
    assert html.startswith('<a href="https://example.com/?a=1&amp;b=2" rel="nofollow noopener noreferrer"')
    html = template.render(Context({"url": 'javascript:alert("x")'}))
    assert "<a" not in html and "href" not in html and "javascript:alert(&quot;x&quot;)" in html
    assert template.render(Context({"url": ""})) == "—"
