from django.contrib import admin

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "level", "parent", "sort_order")
    list_filter = ("level",)
    search_fields = ("code", "name", "short_name")
