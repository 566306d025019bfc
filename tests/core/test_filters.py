"""Filter forms open on "全部": no "---------" and no "未知" on the clinic and commissioner lists."""

import pytest
from django.urls import reverse

from core.filters import label_all
from providers.selectors.commissioners import CommissionerFilter


def test_label_all_relabels_choices_and_yes_no_filters(world):
    form = label_all(CommissionerFilter(None, actor=world.users["province_officer"]).form)
    html = str(form)
    assert "---------" not in html and "未知" not in html
    assert list(form.fields["tier"].choices)[0] == ("", "全部")
    assert [value for value, _ in form.fields["active"].widget.choices] == ["", "true", "false"]


def test_a_yes_no_filter_still_filters(world):
    from providers.services.commissioners import commissioner_register  # noqa: F401 (the registry exists)

    officer = world.users["province_officer"]
    for value, expected in (("true", True), ("false", False)):
        filterset = CommissionerFilter({"active": value}, actor=officer)
        label_all(filterset.form)
        assert filterset.is_valid() and filterset.form.cleaned_data["active"] is expected


@pytest.mark.parametrize("url_name", ["providers:clinic_list", "providers:commissioner_list"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_list_filters_open_on_all(client, world, url_name, language):
    client.cookies["django_language"] = language
    client.force_login(world.users["province_officer"])
    response = client.get(reverse(url_name))
    html = response.content.decode()
    assert response.status_code == 200
    assert "---------" not in html
    assert "未知" not in html and "Unknown" not in html
    assert (
        '<option value="" selected>全部</option>'
        if language == "zh-hans"
        else '<option value="" selected>All</option>'
    ) in html
