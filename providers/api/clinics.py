"""API routes of clinics (filled by its module)."""

urlpatterns: list = []
