"""Routes of the pool pages (filled by its module)."""

urlpatterns: list = []
