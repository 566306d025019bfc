"""API routes of solutions (filled by its module)."""

urlpatterns: list = []
