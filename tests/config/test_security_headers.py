"""Content-Security-Policy on every page (django-csp): only the site's own scripts, no inline
script anywhere in the templates; the API docs page works under it (its script is a file)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_pages_carry_a_strict_policy(client):
    policy = directives(client.get("/accounts/login/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_error_pages_carry_the_policy_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert directives(response)["script-src"] == ["'self'"]


def test_no_template_has_an_inline_script():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        for match in SCRIPT_TAG.finditer(path.read_text(encoding="utf-8")):
            if "src=" not in match.group(1):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert not offenders, "move these scripts into static/js/:\n" + "\n".join(offenders)


def test_api_docs_page_loads_its_script_as_a_file(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    tags = SCRIPT_TAG.findall(html)
    assert tags and all("src=" in attributes for attributes in tags)
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    # Swagger UI's page template has an inline <style>: this page alone allows inline styles.
    assert "'unsafe-inline'" in policy["style-src"]

    script = client.get("/api/docs/?script")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
