"""Admin of the service system's reference data and records.

Categories and scenarios are editable data. Providers, qualifications and solutions are shown for
support; their status is read-only here, because moves must go through the services (rules and
history), not the admin form.
"""

from django.contrib import admin

from .models import (
    BusinessScenario,
    Provider,
    ProviderStatusChange,
    Qualification,
    ServiceCategory,
    Solution,
    SolutionReview,
)


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order", "active"]
    list_editable = ["sort_order", "active"]
    search_fields = ["code", "name"]


@admin.register(BusinessScenario)
class BusinessScenarioAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "sort_order"]
    list_filter = ["group"]
    search_fields = ["code", "name"]


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = ProviderStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "reason", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["__str__", "home_region", "status", "flagged_for_review", "applied_at"]
    list_filter = ["status", "flagged_for_review", "categories"]
    search_fields = ["organisation__name", "organisation__credit_code"]
    list_select_related = ["organisation", "home_region"]
    raw_id_fields = ["organisation"]
    filter_horizontal = ["regions_served", "categories"]
    readonly_fields = ["status", "status_changed_at", "applied_at"]
    inlines = [QualificationInline, StatusChangeInline]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "number", "valid_until"]
    search_fields = ["name", "number", "provider__organisation__name"]
    list_select_related = ["provider__organisation"]
    raw_id_fields = ["provider"]


class ReviewInline(admin.TabularInline):
    model = SolutionReview
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "reason", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Solution)
class SolutionAdmin(admin.ModelAdmin):
    list_display = ["title", "provider", "status", "published_at", "updated_at"]
    list_filter = ["status", "deployment", "scenarios"]
    search_fields = ["title", "provider__organisation__name"]
    list_select_related = ["provider__organisation"]
    raw_id_fields = ["provider"]
    filter_horizontal = ["scenarios"]
    readonly_fields = ["status", "published_at"]
    inlines = [ReviewInline]
