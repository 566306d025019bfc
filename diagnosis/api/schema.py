"""OpenAPI hints for the enterprise API that introspection cannot find on its own.

``EnterpriseFilter`` is shared with the HTML pages, so its filters are described here rather than
annotated there: a ``ModelChoiceFilter`` selecting by ``to_field_name`` (``region``, ``county``)
takes that field's value — a region code, a string — which drf-spectacular cannot infer when the
filter has a custom ``method`` and no model field of its name. Importing this module registers the
extension (``diagnosis.api.views`` does).
"""

import copy

from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.drainage import has_override, set_override


class ActorFilterBackendExtension(DjangoFilterExtension):
    """``DjangoFilterExtension`` for ``ActorFilterBackend`` that types ``to_field_name`` lookups."""

    target_class = "diagnosis.api.enterprises.ActorFilterBackend"
    match_subclasses = True
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        to_field = filter_field.extra.get("to_field_name")
        queryset = filter_field.extra.get("queryset")
        if (
            isinstance(filter_field, filters.ModelChoiceFilter)
            and to_field
            and queryset is not None
            and not has_override(filter_field, "field")
        ):
            target = queryset.model._meta.get_field(to_field)
            schema = {"type": "string", "description": f"{filter_field.label}（{target.verbose_name}）"}
            if target.max_length:
                schema["maxLength"] = target.max_length
            # Annotate a copy: the shared FilterSet class stays untouched.
            filter_field = copy.copy(filter_field)
            set_override(filter_field, "field", schema)
        return super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
