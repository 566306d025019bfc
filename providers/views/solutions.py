"""Routes of the solutions pages (filled by its module)."""

urlpatterns: list = []
