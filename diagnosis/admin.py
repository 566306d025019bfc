"""Admin pages of the diagnosis models (评测模型, read-only), of the visits' need tags, and of the
findings rules and result interpretations (editable: data the province keeps).

A model version is loaded from its file (``manage.py load_assessment_model``) and never edited:
scores already given must stay reproducible. The admin shows each version with its dimensions,
questions, options, scenarios and level rule, and can't add, change or delete any of them.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from diagnosis.models import (
    AssessmentModel,
    Dimension,
    FindingRule,
    Interpretation,
    LevelRule,
    NeedTag,
    Option,
    ProjectType,
    Question,
    RevisitInterval,
    Scenario,
    SubDimension,
    SubsidyRule,
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

    list_display = ("name", "name_en", "code", "position", "active")
    list_editable = ("position", "active")
    search_fields = ("name", "name_en", "code")


@admin.register(RevisitInterval)
class RevisitIntervalAdmin(admin.ModelAdmin):
    """Visit intervals per region (the nearest region with one decides; else settings.REVISIT_DAYS)."""

    list_display = ("region", "days")
    autocomplete_fields = ()
    raw_id_fields = ("region",)


@admin.register(FindingRule)
class FindingRuleAdmin(admin.ModelAdmin):
    """The rules that turn weak dimensions and low scenarios into findings and recommendations.
    The province edits them here (``manage.py load_findings`` loads a new file: the rules it names
    take the file's content, rules added here are kept). Deactivate rather than delete a rule
    that diagnoses' recommendations came from (they keep their text either way)."""

    list_display = (
        "code",
        "title",
        "subject",
        "target",
        "below_ratio",
        "below_level",
        "priority",
        "active",
        "position",
    )
    list_editable = ("active", "position")
    list_filter = ("model", "subject", "active", "priority")
    search_fields = ("code", "title", "target")
    fieldsets = (
        (None, {"fields": ("model", "code", "active", "position")}),
        (_("触发条件"), {"fields": ("subject", "target", "below_ratio", "below_level")}),
        (_("中文"), {"fields": ("finding", "title", "detail", "benefit")}),
        (_("英文"), {"fields": ("finding_en", "title_en", "detail_en", "benefit_en")}),
        (
            _("优先级与投入"),
            {
                "fields": (
                    "priority",
                    "impact",
                    "effort",
                    "investment_min",
                    "investment_max",
                    "months",
                    "scenario_codes",
                )
            },
        ),
    )


@admin.register(Interpretation)
class InterpretationAdmin(admin.ModelAdmin):
    """The standard paragraph for each level and total-score band of a model. The texts can be
    edited here; which levels and bands exist comes from the file (``manage.py load_findings``
    checks that they are complete, without gaps or overlaps), so nothing is added or deleted here."""

    list_display = ("model", "kind", "level", "band_min", "band_max")
    list_filter = ("model", "kind")
    fields = ("model", "kind", "level", "band_min", "band_max", "text", "text_en")
    readonly_fields = ("model", "kind", "level", "band_min", "band_max")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProjectType)
class ProjectTypeAdmin(admin.ModelAdmin):
    """Project type tags: data the province keeps (deactivate rather than delete a type in use)."""

    list_display = ("name", "name_en", "code", "position", "active")
    list_editable = ("position", "active")
    search_fields = ("name", "name_en", "code")


@admin.register(SubsidyRule)
class SubsidyRuleAdmin(admin.ModelAdmin):
    """The subsidy limits every project write and voucher redemption is checked against."""

    list_display = ("name", "code", "kind", "limit", "active")
    list_editable = ("limit", "active")
