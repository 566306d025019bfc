"""Enterprise archive pages (views.py) and the register import flow (views_import.py)."""

from django.urls import path

from . import views, views_caseload, views_import

app_name = "diagnosis"

urlpatterns = [
    path("", views.enterprise_list_view, name="enterprise_list"),
    path("new/", views.enterprise_create_view, name="enterprise_create"),
    path("<int:pk>/", views.enterprise_detail_view, name="enterprise_detail"),
    path("<int:pk>/edit/", views.enterprise_edit_view, name="enterprise_edit"),
    *views_import.urlpatterns,
    *views_caseload.urlpatterns,
]
