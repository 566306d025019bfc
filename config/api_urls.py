"""/api/v1/: every app's API routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("regions.api.urls")),
    path("", include("diagnosis.api.urls")),
    path("", include("providers.api.urls")),
    path("", include("reporting.api.urls")),
]
