"""API routes of reporting."""

urlpatterns: list = []
