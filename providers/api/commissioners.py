"""API routes of commissioners (filled by its module)."""

urlpatterns: list = []
