"""Pages of reporting (mounted at /reporting/)."""

from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("providers/league/", views.provider_league, name="provider_league"),
    path("providers/league.csv", views.provider_league_csv, name="provider_league_csv"),
    path("providers/league/recompute/", views.evaluation_recompute, name="evaluation_recompute"),
    path("providers/<int:provider_id>/evaluation/", views.provider_evaluation, name="provider_evaluation"),
    path("my-evaluation/", views.my_evaluation, name="my_evaluation"),
    path("targets/", views.targets, name="targets"),
]
