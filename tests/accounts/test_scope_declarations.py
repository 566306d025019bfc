"""Guard: every model tied to a region, an organisation, an enterprise or a scoped row declares its
scope (``scope = ScopeRule(...)`` with a ``ScopedQuerySet`` manager), unless it is on the allow-list
below with the reason. A new model with such a foreign key and no declaration fails this test.
"""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test.utils import isolate_apps

from accounts.scope import EVERYTHING, InRegion, OfUser, ScopedQuerySet, ScopeRule, Through, is_scoped

PROJECT_APPS = ("regions", "accounts", "providers", "diagnosis", "reporting", "core")

#: What ties a row to a user's scope: a foreign key to one of these, or to any scoped model.
ANCHOR_MODELS = {"regions.Region", "accounts.Organisation", "diagnosis.Enterprise"}

#: Models tied to an anchor that are deliberately not scoped by a declaration, and why.
ALLOW_LIST = {
    # The division tree is public lookup data (the directory and every form pick from it); "the
    # regions inside my reach" is the rule ``accounts.scope.REGIONS_IN_REACH`` applied to it.
    "regions.Region": "public lookup table (parent FK to itself)",
    # Users are the subject of scope, not rows in it: ``scope_for`` reads their role and anchor.
    # Lists of users go through selectors (``COMMISSIONERS_OVERSEEN``, staff of a visible clinic
    # or provider); the auth manager (``use_in_migrations``) stays Django's.
    "accounts.User": "scoped differently (scope_for; user lists via selectors)",
}


def _anchor_links(model, is_anchor) -> list[str]:
    """The FK/one-to-one fields of ``model`` that point at an anchor model (``is_anchor(target)``)."""
    return [
        f.name
        for f in model._meta.get_fields()
        if (f.many_to_one or f.one_to_one)
        and f.concrete
        and f.related_model is not None
        and is_anchor(f.related_model)
    ]


def _is_anchor(target) -> bool:
    return target._meta.label in ANCHOR_MODELS or is_scoped(target)


def missing_declarations(candidates, allow_list) -> list[str]:
    """Labels of ``candidates`` tied to an anchor, without a scope declaration, not allow-listed."""
    return sorted(
        model._meta.label
        for model in candidates
        if not model._meta.auto_created  # many-to-many through tables follow their owner
        and _anchor_links(model, _is_anchor)
        and not is_scoped(model)
        and model._meta.label not in allow_list
    )


def project_models():
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


def test_every_model_tied_to_an_anchor_declares_its_scope():
    assert missing_declarations(project_models(), ALLOW_LIST) == []


def test_allow_list_names_real_unscoped_models():
    """A stale entry (model gone, or now scoped) must be removed, so the list stays honest."""
    for label in ALLOW_LIST:
        model = apps.get_model(label)
        assert not is_scoped(model), f"{label} is scoped now: remove it from ALLOW_LIST"
        assert _anchor_links(model, _is_anchor), f"{label} has no anchor link: remove it from ALLOW_LIST"


def test_declarations_point_at_real_fields():
    declared = [model for model in project_models() if is_scoped(model)]
    assert len(declared) >= 20  # every model listed in the scope work, not a vacuous pass
    problems = [problem for model in declared for problem in model.scope.check(model)]
    assert problems == []


def test_models_that_must_be_scoped_are():
    for label in [
        "diagnosis.Enterprise", "diagnosis.Engagement", "diagnosis.ProviderRating", "diagnosis.EnterpriseChange",
        "diagnosis.Assignment", "diagnosis.Visit", "diagnosis.EnterpriseAccount", "accounts.Organisation",
        "providers.Provider", "providers.TrainingRecord", "providers.ProviderStatusChange",
        "providers.ClinicStatusChange", "providers.SolutionReview", "providers.Qualification",
        "reporting.ProgrammeTarget", "reporting.ProviderEvaluation", "reporting.EvaluationRun",
    ]:  # fmt: skip
        assert is_scoped(apps.get_model(label)), label


@isolate_apps("accounts")
def test_guard_flags_a_new_model_without_a_declaration():
    from providers.models import Provider
    from regions.models import Region

    class Unscoped(models.Model):  # noqa: DJ008 (throwaway model)
        region = models.ForeignKey(Region, on_delete=models.CASCADE)

        class Meta:
            app_label = "accounts"

    class HangsOffAScopedModel(models.Model):  # noqa: DJ008 (throwaway model)
        provider = models.ForeignKey(Provider, on_delete=models.CASCADE)

        class Meta:
            app_label = "accounts"

    class Declared(models.Model):  # noqa: DJ008 (throwaway model)
        region = models.ForeignKey(Region, on_delete=models.CASCADE)
        objects = ScopedQuerySet.as_manager()
        scope = ScopeRule(all=EVERYTHING, region=InRegion("region"))

        class Meta:
            app_label = "accounts"

    class RuleWithoutScopedManager(models.Model):  # noqa: DJ008 (throwaway model)
        region = models.ForeignKey(Region, on_delete=models.CASCADE)
        scope = ScopeRule(all=EVERYTHING)

        class Meta:
            app_label = "accounts"

    class Unrelated(models.Model):  # noqa: DJ008 (throwaway model)
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "accounts"

    candidates = [Unscoped, HangsOffAScopedModel, Declared, RuleWithoutScopedManager, Unrelated]
    assert missing_declarations(candidates, {}) == [
        "accounts.HangsOffAScopedModel",
        "accounts.RuleWithoutScopedManager",
        "accounts.Unscoped",
    ]
    allowed = {
        "accounts.Unscoped": "why",
        "accounts.HangsOffAScopedModel": "why",
        "accounts.RuleWithoutScopedManager": "x",
    }
    assert missing_declarations(candidates, allowed) == []
    assert Declared.scope.check(Declared) == []


@isolate_apps("accounts")
def test_check_reports_bad_declarations():
    from regions.models import Region

    class Bad(models.Model):  # noqa: DJ008 (throwaway model)
        region = models.ForeignKey(Region, on_delete=models.CASCADE)
        name = models.CharField(max_length=10)
        objects = ScopedQuerySet.as_manager()
        scope = ScopeRule(
            all=EVERYTHING,
            region=InRegion("county"),  # no such field
            assigned=InRegion("name"),  # not a region
            enterprise=Through("region"),  # regions are not scoped
            organisation={"clinic_staff": OfUser("owner")},  # no such field
        )

        class Meta:
            app_label = "accounts"

    problems = Bad.scope.check(Bad)
    assert len(problems) == 4, problems


@isolate_apps("accounts")
def test_scoped_queryset_without_a_rule_refuses():
    class NoRule(models.Model):  # noqa: DJ008 (throwaway model)
        objects = ScopedQuerySet.as_manager()

        class Meta:
            app_label = "accounts"

    with pytest.raises(ImproperlyConfigured):
        NoRule.objects.visible_to(None)
