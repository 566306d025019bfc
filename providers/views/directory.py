"""Routes of the directory pages (filled by its module)."""

urlpatterns: list = []
