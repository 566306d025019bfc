"""Account routes under /api/v1/: ``auth/token/`` (username + password → token) and ``me/``."""

from django.urls import path

from .views import MeView, TokenObtainView

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
]
