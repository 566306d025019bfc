"""Routes of the commissioners pages (filled by its module)."""

urlpatterns: list = []
