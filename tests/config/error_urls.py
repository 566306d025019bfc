"""The site's URLs plus two that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

SECRET_IN_EXCEPTION = "do-not-show-this-detail"


def boom(request):
    raise RuntimeError(f"internal failure {SECRET_IN_EXCEPTION}")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("test-boom/", boom), path("test-forbidden/", forbidden), *site_urlpatterns]
