"""The shared date widget: ISO value in every language, and every date field of every form uses it."""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from core.widgets import DateInput

FORM_PACKAGES = ["accounts.forms", "providers.forms", "diagnosis.forms", "diagnosis.filters"]


def _form_classes():
    seen = set()
    for name in FORM_PACKAGES:
        module = importlib.import_module(name)
        modules = [module]
        if hasattr(module, "__path__"):
            modules += [
                importlib.import_module(f"{name}.{info.name}")
                for info in pkgutil.iter_modules(module.__path__)
            ]
        for mod in modules:
            for _, obj in inspect.getmembers(mod, inspect.isclass):
                if issubclass(obj, forms.BaseForm) and hasattr(obj, "base_fields") and obj not in seen:
                    seen.add(obj)
                    yield obj


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_input_renders_iso_in_every_language(language):
    with translation.override(language):
        html = DateInput().render("d", datetime.date(2026, 11, 29))
    assert 'type="date"' in html and 'value="2026-11-29"' in html


def test_every_date_field_uses_the_shared_widget():
    date_fields = []
    for form in _form_classes():
        for field_name, field in form.base_fields.items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                date_fields.append((form.__name__, field_name, type(field.widget)))
    assert date_fields, "no date fields found: the walk over the forms is broken"
    wrong = [(f, n, w.__name__) for f, n, w in date_fields if not issubclass(w, DateInput)]
    assert not wrong, f"date fields without core.widgets.DateInput: {wrong}"
    names = {(f, n) for f, n, _ in date_fields}
    assert {
        ("VisitForm", "visited_on"),
        ("QualificationForm", "valid_until"),
        ("TrainingRecordForm", "held_on"),
    } <= names


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_visit_form_prefills_today_in_both_languages(client, world, language):
    client.force_login(world.users["commissioner"])
    client.cookies["django_language"] = language
    response = client.get(reverse("diagnosis:visit_log", args=[world.ent_donghu.pk]))
    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()
    today = datetime.date.today().isoformat()
    assert f'type="date" name="visited_on" value="{today}"' in response.content.decode()
