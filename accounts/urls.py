"""Sign-in and sign-out pages (Django's auth views with the platform's templates)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", views.notification_list_view, name="notifications"),
    path("notifications/read/", views.notification_read_view, name="notifications_read"),
]
