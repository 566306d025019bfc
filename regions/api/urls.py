"""Routes of the regions API, mounted under /api/v1/."""

from django.urls import path

from .views import RegionListView

urlpatterns = [
    path("regions/", RegionListView.as_view(), name="api-region-list"),
]
