"""Commissioner caseload, visits and assignment pages."""

urlpatterns: list = []
