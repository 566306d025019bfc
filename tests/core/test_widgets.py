"""FastSelect renders what Django's Select renders: same attributes, options, groups, selection."""

from html.parser import HTMLParser

import pytest
from django import forms

from core.widgets import FastSelect, fast_selects


class Shape(HTMLParser):
    """The element tree as (tag, sorted attributes) events plus text, whitespace ignored."""

    def __init__(self):
        super().__init__()
        self.events = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, tuple(sorted((k, v or "") for k, v in attrs))))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.events.append(("text", data.strip()))


def shape(html: str) -> list:
    parser = Shape()
    parser.feed(str(html))
    return parser.events


CHOICES = [
    ("", "全部县（市、区）"),
    ("南昌市", [("360102", "东湖区"), ("360121", "南昌县")]),
    ("赣州市", [("360702", "章贡区"), ("3607<&>", '引号"与<尖括号>')]),
]
FLAT = [("", "全部"), ("true", "规上企业"), ("false", "规下企业"), (3, "数字三")]


@pytest.mark.parametrize("choices", [CHOICES, FLAT])
@pytest.mark.parametrize("value", [None, "", "360121", "3607<&>", "true", 3, "absent"])
def test_same_markup_as_djangos_select(choices, value):
    attrs = {"id": "id_county", "data-county-select": "", "class": "x"}
    expected = forms.Select(choices=choices).render("county", value, attrs=attrs)
    got = FastSelect(choices=choices).render("county", value, attrs=attrs)
    assert shape(got) == shape(expected)
    assert got.split(">", 1)[0] == expected.split(">", 1)[0]  # the opening tag byte for byte


def test_labels_and_values_are_escaped():
    html = FastSelect(choices=CHOICES).render("county", None)
    assert "<尖括号>" not in html and "&lt;尖括号&gt;" in html
    assert 'value="3607&lt;&amp;&gt;"' in html


@pytest.mark.django_db
def test_fast_selects_keeps_model_choices_and_selection():
    from regions.models import Region

    class Form(forms.Form):
        region = forms.ModelChoiceField(queryset=Region.objects.filter(level="city").order_by("sort_order"))
        kind = forms.ChoiceField(
            choices=[("a", "甲"), ("b", "乙")], widget=forms.Select(attrs={"class": "k"})
        )
        many = forms.MultipleChoiceField(choices=[("x", "X")])

    nanchang = Region.objects.get(code="360100")
    plain = Form({"region": nanchang.pk, "kind": "b"})
    fast = fast_selects(Form({"region": nanchang.pk, "kind": "b"}))
    assert isinstance(fast.fields["region"].widget, FastSelect)
    assert isinstance(fast.fields["kind"].widget, FastSelect)
    assert not isinstance(fast.fields["many"].widget, FastSelect)  # multiple choice left alone
    for name in ("region", "kind"):
        assert shape(fast[name]) == shape(plain[name])
    assert f'value="{nanchang.pk}" selected' in str(fast["region"])


@pytest.mark.django_db
def test_fast_selects_keeps_choices_a_view_gave_the_widget():
    """A view may give a model field's widget a prepared list (cached region names): it is kept,
    and the field's queryset is not read to build the options."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from regions.models import Region

    class Form(forms.Form):
        region = forms.ModelChoiceField(queryset=Region.objects.all())

    form = Form()
    form.fields["region"].widget.choices = [("", "全部"), ("360100", "南昌市")]
    fast_selects(form)
    with CaptureQueriesContext(connection) as queries:
        html = str(form["region"])
    assert len(queries) == 0
    assert shape(html) == shape(
        '<select name="region" required id="id_region"><option value="" selected>全部</option><option value="360100">南昌市</option></select>'
    )
