"""The register import flow in the browser (upload → preview → confirm → progress)."""

urlpatterns: list = []
