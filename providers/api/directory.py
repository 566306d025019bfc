"""API routes of directory (filled by its module)."""

urlpatterns: list = []
