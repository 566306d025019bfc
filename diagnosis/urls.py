from django.urls import path

from . import views

app_name = "diagnosis"

urlpatterns = [
    path("", views.enterprise_list_view, name="enterprise_list"),
    path("<int:pk>/", views.enterprise_detail_view, name="enterprise_detail"),
]
