"""Routes of the clinics pages (filled by its module)."""

urlpatterns: list = []
