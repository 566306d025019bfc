"""Root URLconf: pages, the API under /api/v1/, the schema and its docs page, admin."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.views import home_view
from diagnosis.views.reports import report_verify_view

# The docs page under the site's Content-Security-Policy: Swagger UI's own script is served as a
# file (the "split" view, ``?script``), so script-src stays 'self'; its page template carries a
# small inline <style>, so this one view allows inline styles.
api_docs_view = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="core/api_docs.html")
)


urlpatterns = [
    path("", home_view, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("enterprises/", include("diagnosis.urls")),
    path("providers/", include("providers.urls")),
    path("directory/", include("providers.urls_public")),
    path("reporting/", include("reporting.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs_view, name="api-docs"),
    path("verify/", report_verify_view, name="report_verify"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    # Uploaded files are never served publicly: downloads go through scoped views. This only
    # serves static files during development without collectstatic.
    urlpatterns += [path("static/<path:path>", serve, {"document_root": settings.STATICFILES_DIRS[0]})]
