"""Admin of reporting: weights and targets are configuration; evaluations and runs are read-only."""

from django.contrib import admin

from reporting.models import (
    EvaluationRun,
    EvaluationWeights,
    Indicator,
    IndicatorValue,
    ProgrammeTarget,
    ProviderEvaluation,
    StatsTable,
)


@admin.register(EvaluationWeights)
class EvaluationWeightsAdmin(admin.ModelAdmin):
    list_display = [
        "effective_from", "weight_ratings", "weight_on_time", "weight_returns", "weight_qualifications",
        "qualification_mode", "grade_a", "grade_b", "grade_c",
    ]  # fmt: skip


@admin.register(ProgrammeTarget)
class ProgrammeTargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "region", "target", "source"]
    list_filter = ["indicator", "year"]
    autocomplete_fields: list = []


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdmin):
    list_display = [
        "period",
        "status",
        "attempts",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "providers_count",
        "scored_count",
        "flagged_count",
    ]


@admin.register(ProviderEvaluation)
class ProviderEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["period", "provider", "score", "grade", "computed_at"]
    list_filter = ["period", "grade"]
    list_select_related = ["provider__organisation"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "aggregation", "updated_at"]
    search_fields = ["code", "name"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    """Read-only: values come from entry, packages (``stats_load``) and the derived figures."""

    list_display = ["indicator", "region", "period", "value", "source", "origin", "entered_at"]
    list_filter = ["source", "period"]
    search_fields = ["indicator__code", "region__code", "region__name"]
    list_select_related = ["indicator", "region"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StatsTable)
class StatsTableAdmin(admin.ModelAdmin):
    """Read-only: layouts are checked when a package is loaded (``stats_load``)."""

    list_display = ["code", "title", "origin", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
