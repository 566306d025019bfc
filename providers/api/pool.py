"""API routes of pool (filled by its module)."""

urlpatterns: list = []
