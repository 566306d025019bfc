"""The registry lists exactly the routes that exist: none forgotten, none stale.

- Every named URL of the URL conf (walked recursively from ``config.urls``) has an entry in
  ``registry.ROUTES``, and every entry names a URL that still exists. The admin site's routes are
  walked as a whole by ``test_routes.test_admin_is_staff_only``.
- Every operation (path × method) of the OpenAPI schema has an API entry with that method, and
  every API entry is an operation of the schema.
- Every route under /api/v1/ is an API entry (401 for anonymous, JSON lists) and no other is.
"""

from urllib.parse import unquote

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from drf_spectacular.generators import SchemaGenerator

from .registry import ADMIN_NAMESPACE, ROUTES, registry_names
from .world import VISIBLE

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def resolved_routes(resolver=None, prefix="", namespace=""):
    """(full name or None, route pattern) of every URL pattern, depth first."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from resolved_routes(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, prefix + str(pattern.pattern), namespace


def _outside_admin():
    return [(name, path) for name, path, ns in resolved_routes() if ns.split(":")[0] != ADMIN_NAMESPACE]


def test_every_route_outside_the_admin_is_named():
    unnamed = [path for name, path in _outside_admin() if not name]
    assert not unnamed, f"name these routes so the registry can list them: {unnamed}"


def test_registry_lists_every_route_and_nothing_else():
    resolved = {name for name, _ in _outside_admin() if name}
    missing = sorted(resolved - registry_names())
    stale = sorted(registry_names() - resolved)
    assert not missing and not stale, (
        f"routes missing from tests/scope_matrix/registry.py (add a line each, e.g. "
        f'page("<name>", kind=..., allowed=...)): {missing}; '
        f"registry entries whose route no longer exists: {stale}"
    )


def test_admin_routes_are_there_to_walk():
    admin_names = {name for name, _, ns in resolved_routes() if ns == ADMIN_NAMESPACE and name}
    assert {"admin:index", "admin:login"} <= admin_names


def test_entries_are_consistent():
    seen = set()
    for route in ROUTES:
        assert route.method in {"GET", "POST", "PUT", "PATCH", "DELETE"}, route
        assert route.kind is None or route.kind in VISIBLE, route
        assert not route.rows or route.method == "GET", route
        key = (route.name, route.method, tuple(sorted(route.query.items())), route.kind, route.kwargs)
        assert key not in seen, f"duplicate registry entry: {route}"
        seen.add(key)


def _api_path(route) -> str:
    """The schema's path of an API entry (``{id}`` for the object)."""
    for kwargs in (
        {},
        {"pk": "{id}"},
        {"diagnosis_pk": "{diagnosis_pk}"},
        {"diagnosis_pk": "{diagnosis_pk}", "pk": "{id}"},
    ):
        try:
            return unquote(reverse(route.name, kwargs=kwargs))
        except NoReverseMatch:
            continue
    raise NoReverseMatch(route.name)


def test_schema_operations_match_the_registry():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    in_schema = {
        (path, method.upper())
        for path, item in schema["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    in_registry = {(_api_path(route), route.method) for route in ROUTES if route.api}
    assert not in_schema - in_registry, (
        f"API operations missing from the registry: {sorted(in_schema - in_registry)}"
    )
    assert not in_registry - in_schema, (
        f"registry API entries not in the schema: {sorted(in_registry - in_schema)}"
    )


def test_api_entries_are_exactly_the_routes_under_api_v1():
    api_names = {name for name, path in _outside_admin() if path.startswith("api/v1/")}
    assert {route.name for route in ROUTES if route.api} == api_names
