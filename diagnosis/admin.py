"""Admin pages of the diagnosis models (评测模型, read-only) and of the visits' need tags (editable).

A model version is loaded from its file (``manage.py load_assessment_model``) and never edited:
scores already given must stay reproducible. The admin shows each version with its dimensions,
questions, options, scenarios and level rule, and can't add, change or delete any of them.
"""

from django.contrib import admin

from diagnosis.models import (
    AssessmentModel,
    Dimension,
    LevelRule,
    NeedTag,
    Option,
    Question,
    RevisitInterval,
    Scenario,
    SubDimension,
)


class ReadOnly:
    """Everything visible, nothing writable."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True


class DimensionInline(ReadOnlyInline):
    model = Dimension
    fields = ("position", "code", "name", "points")


class ScenarioInline(ReadOnlyInline):
    model = Scenario
    fields = ("position", "code", "name", "group", "constrained")


class LevelRuleInline(ReadOnlyInline):
    model = LevelRule
    fields = ("level", "name", "min_score", "min_scenarios", "min_constrained")


@admin.register(AssessmentModel)
class AssessmentModelAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("code", "name", "total_points", "is_default", "loaded_at")
    readonly_fields = (
        "code",
        "name",
        "issued_by",
        "total_points",
        "is_default",
        "source_sha256",
        "notes",
        "loaded_at",
    )
    exclude = ("source",)
    inlines = [DimensionInline, LevelRuleInline, ScenarioInline]


class SubDimensionInline(ReadOnlyInline):
    model = SubDimension
    fields = ("position", "code", "name", "points")


@admin.register(Dimension)
class DimensionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("name", "code", "points", "model")
    list_filter = ("model",)
    inlines = [SubDimensionInline]


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ("position", "code", "title", "kind", "points")


@admin.register(SubDimension)
class SubDimensionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("name", "code", "points", "dimension")
    list_filter = ("dimension__model",)
    inlines = [QuestionInline]


class OptionInline(ReadOnlyInline):
    model = Option
    fields = ("position", "key", "text", "score", "exclusive", "band_low", "band_high")
    show_change_link = False


@admin.register(Question)
class QuestionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("title", "code", "kind", "points", "subdimension", "model")
    list_filter = ("model", "kind")
    search_fields = ("title", "code", "indicator")
    inlines = [OptionInline]


@admin.register(Scenario)
class ScenarioAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("name", "code", "group", "constrained", "model")
    list_filter = ("model", "constrained")


@admin.register(NeedTag)
class NeedTagAdmin(admin.ModelAdmin):
    """The visit form's need tags: data the province keeps (deactivate rather than delete a tag
    that visits already carry)."""

    list_display = ("name", "code", "position", "active")
    list_editable = ("position", "active")
    search_fields = ("name", "code")


@admin.register(RevisitInterval)
class RevisitIntervalAdmin(admin.ModelAdmin):
    """Visit intervals per region (the nearest region with one decides; else settings.REVISIT_DAYS)."""

    list_display = ("region", "days")
    autocomplete_fields = ()
    raw_id_fields = ("region",)
