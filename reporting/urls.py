"""Pages of reporting (mounted at /reporting/)."""

from django.urls import path

from reporting.views import bulletins, dashboard, evaluation, layouts, stats, targets

app_name = "reporting"

urlpatterns = [
    path("providers/league/", evaluation.provider_league, name="provider_league"),
    path("providers/league.csv", evaluation.provider_league_csv, name="provider_league_csv"),
    path("providers/league/recompute/", evaluation.evaluation_recompute, name="evaluation_recompute"),
    path(
        "providers/<int:provider_id>/evaluation/", evaluation.provider_evaluation, name="provider_evaluation"
    ),
    path("my-evaluation/", evaluation.my_evaluation, name="my_evaluation"),
    path("targets/", targets.targets, name="targets"),
    path("dashboard/", dashboard.dashboard_view, name="dashboard"),
    path("dashboard/<slug:region>/", dashboard.dashboard_view, name="dashboard_region"),
    path("stats/", stats.stats_tables, name="stats_tables"),
    path("stats/load/", stats.stats_load, name="stats_load"),
    # before stats/tables/<code>/, so "new" is never taken for a table's code (it is reserved)
    path("stats/tables/new/", layouts.layout_create, name="stats_layout_create"),
    path("stats/tables/<slug:code>/", stats.stats_table, name="stats_table"),
    path("stats/tables/<slug:code>/edit/", layouts.layout_edit, name="stats_layout_edit"),
    path("stats/reviews/", stats.stats_reviews, name="stats_reviews"),
    path("stats/entry/", stats.stats_entry, name="stats_entry"),
    path("bulletins/", bulletins.bulletin_list, name="bulletin_list"),
    path("bulletins/<int:pk>/", bulletins.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/publish/", bulletins.bulletin_publish_view, name="bulletin_publish"),
    path("bulletins/<int:pk>/edit/", bulletins.bulletin_edit, name="bulletin_edit"),
    path("stats/entry/cell/", stats.stats_entry_cell, name="stats_entry_cell"),
    path("stats/reviews/step/", stats.stats_review_step, name="stats_review_step"),
]
