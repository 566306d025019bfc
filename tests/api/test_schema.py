"""The OpenAPI 3 schema (``/api/schema/``) and the docs page (``/api/docs/``)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

ENTERPRISE_PATHS = ["/api/v1/enterprises/", "/api/v1/enterprises/{id}/", "/api/v1/enterprises/{id}/history/"]
OUR_PATHS = [*ENTERPRISE_PATHS, "/api/v1/regions/", "/api/v1/me/", "/api/v1/auth/token/"]


@pytest.fixture
def schema(db) -> dict:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3_with_the_api_paths(schema):
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")
    for path in OUR_PATHS:
        assert path in schema["paths"], path
    assert set(schema["paths"]["/api/v1/enterprises/"]) == {"get", "post"}
    assert set(schema["paths"]["/api/v1/enterprises/{id}/"]) == {"get", "put", "patch"}


def test_every_operation_has_a_chinese_tag_and_summary(schema):
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for path in OUR_PATHS:
        for method, operation in schema["paths"][path].items():
            assert operation.get("tags") and all(cjk.search(t) for t in operation["tags"]), (path, method)
            assert cjk.search(operation.get("summary", "")), (path, method)
            assert cjk.search(operation.get("description", "")), (path, method)


def test_schema_documents_filters_and_money_as_strings(schema):
    params = {p["name"] for p in schema["paths"]["/api/v1/enterprises/"]["get"]["parameters"]}
    assert {
        "q", "region", "county", "industry", "size_class", "above_designated_size", "commissioner",
        "unassigned", "ordering", "cursor", "page_size", "count",
    } <= params  # fmt: skip
    enterprise = schema["components"]["schemas"]["Enterprise"]["properties"]
    assert enterprise["revenue"]["type"] == "string"
    assert enterprise["county"]["allOf"][0]["$ref"].endswith("/County")
    write = schema["components"]["schemas"]["EnterpriseInput"]
    assert set(write["required"]) == {"credit_code", "name", "county"}
    assert write["properties"]["revenue"]["type"] == "string"


def test_schema_generates_without_warnings(db, tmp_path):
    # The same command CI runs; --fail-on-warn turns any warning into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/enterprises/" in (tmp_path / "schema.yml").read_text(encoding="utf-8")


def test_docs_page_loads_only_vendored_assets(db, settings):
    # WhiteNoise serves from the finders (as in development) so the assets can be fetched here
    # without running collectstatic; in production they come from STATIC_ROOT under the same URLs.
    settings.WHITENOISE_USE_FINDERS = True
    client = APIClient()
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html, re.IGNORECASE)
    # assets (scripts, stylesheets, icons); the page's own links (<a href>) lead back into the site
    urls = re.findall(r"""(?:src|<link[^>]*href)\s*=\s*["']([^"']+)["']""", html)
    # The page's own script comes from the same view (``?script``: no inline script, see the CSP).
    script_urls = [url for url in urls if url.startswith("/api/docs/?script")]
    assert len(script_urls) == 1
    script = client.get(script_urls[0])
    assert script.status_code == 200
    script_text = script.content.decode()
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", script_text, re.IGNORECASE)
    assert '"/api/schema/"' in script_text
    assets = [url for url in urls if url not in script_urls]
    assert len(assets) >= 3  # stylesheet, bundle, preset
    for url in assets:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), url
        assert client.get(url).status_code == 200, url
    links = re.findall(r"""<a\s[^>]*href\s*=\s*["']([^"']+)["']""", html)
    assert links and all(link.startswith("/") and not link.startswith("//") for link in links), links


@pytest.mark.parametrize(("language", "back"), [("zh-hans", "返回平台"), ("en", "Back to the platform")])
def test_docs_page_leads_back_to_the_product(client, world, language, back):
    from django.conf import settings
    from django.utils import translation

    client.cookies["django_language"] = language
    client.force_login(world.users["province_officer"])
    try:
        response = client.get("/api/docs/")
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="api-docs-back" href="/"' in html or 'href="/" data-testid="api-docs-back"' in html
    assert back in html
    assert 'id="swagger-ui"' in html  # the documentation itself is still there
