"""The one place that decides what a user may see: the scope engine.

``scope_for(user)`` turns a user into a ``Scope`` (a ``Reach`` plus its anchor: a region path, an
organisation or the user). Each scoped model *declares* how its rows are anchored, as a class
attribute ``scope = ScopeRule(...)``, and uses ``ScopedQuerySet`` (``visible_to(user)``); the engine
(``restrict``) turns rule + scope into one database filter. Nothing else switches over ``Reach``.

A ``ScopeRule`` names, per reach, an ``Anchor`` (or, where the business rule differs by role, a
``{role: anchor}`` mapping). Anchors are small and composable with ``&`` and ``|``:

- ``EVERYTHING``: every row;
- ``InRegion("county")``: the row's region (a ``regions.Region`` FK path) lies in the user's region;
- ``ServesRegion("regions_served")``: a region the row serves lies in the user's region or above it;
- ``OfUser("commissioner")`` / ``OfOrganisation("organisation")``: the row belongs to the user /
  the user's organisation;
- ``Through("enterprise")``: the row is visible when the row it points at is (that model's rule);
- ``Related("engagements", anchor)``: some row of a reverse relation matches ``anchor`` (a subquery,
  so each row once);
- ``Distinct(anchor)``: ``anchor`` crosses a to-many relation; each row once (a subquery);
- ``Where(**lookups)``: a fixed condition (e.g. "published").

Deny by default: ``Reach.NONE`` (anonymous, inactive, unassigned users) always gets ``.none()``; a
reach the rule does not mention gets ``.none()``; in a ``{role: anchor}`` mapping, a role not
listed gets ``.none()``. Administrators use the ``all`` entry unless the rule gives ``admin``.
Every anchor is a ``Q`` (joins or subqueries), never a Python loop, so ``visible_to`` adds no query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Q

from .permissions import (
    is_admin,
    is_clinic_staff,
    is_commissioner,
    is_enterprise_user,
    is_officer,
    is_provider_staff,
    is_province,
)


class Reach(Enum):
    NONE = "none"  # sees nothing
    ALL = "all"  # whole province
    REGION = "region"  # a region and everything below it
    ASSIGNED = "assigned"  # enterprises assigned to the user, within the user's region
    ORGANISATION = "organisation"  # enterprises the user's organisation is engaged with
    ENTERPRISE = "enterprise"  # the user's own enterprise


@dataclass(frozen=True)
class Scope:
    reach: Reach
    region_path: str = ""
    organisation_id: int | None = None
    user_id: int | None = None


NO_SCOPE = Scope(Reach.NONE)


def scope_for(user) -> Scope:
    """The scope of ``user``; anonymous, inactive and unassigned users get ``NO_SCOPE``."""
    if is_admin(user):
        return Scope(Reach.ALL, user_id=user.pk)
    if is_officer(user):
        if is_province(user):
            return Scope(Reach.ALL, user_id=user.pk)
        return Scope(Reach.REGION, region_path=user.region.path, user_id=user.pk)
    if is_commissioner(user):
        return Scope(Reach.ASSIGNED, region_path=user.region.path, user_id=user.pk)
    if is_clinic_staff(user) or is_provider_staff(user):
        return Scope(Reach.ORGANISATION, organisation_id=user.organisation_id, user_id=user.pk)
    if is_enterprise_user(user):
        return Scope(Reach.ENTERPRISE, user_id=user.pk)
    return NO_SCOPE


def region_in_scope(user, region) -> bool:
    """Whether ``region`` lies inside the user's regional reach (officers only; False otherwise)."""
    scope = scope_for(user)
    if scope.reach == Reach.ALL:
        return True
    if scope.reach == Reach.REGION and region is not None:
        return region.path.startswith(scope.region_path)
    return False


# --- Anchors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What an anchor filters with: the user's scope, the user, and the model being filtered."""

    scope: Scope
    user: object
    model: type[models.Model]


class Anchor:
    """How rows are tied to a user's scope: ``q(ctx)`` is the filter; ``check(model)`` lists problems."""

    def q(self, ctx: Context) -> Q:
        raise NotImplementedError

    def check(self, model) -> list[str]:
        return []

    def __and__(self, other: Anchor) -> Anchor:
        return _Both(self, other)

    def __or__(self, other: Anchor) -> Anchor:
        return _Either(self, other)


@dataclass(frozen=True)
class _Both(Anchor):
    left: Anchor
    right: Anchor

    def q(self, ctx):
        return self.left.q(ctx) & self.right.q(ctx)

    def check(self, model):
        return self.left.check(model) + self.right.check(model)


@dataclass(frozen=True)
class _Either(Anchor):
    left: Anchor
    right: Anchor

    def q(self, ctx):
        return self.left.q(ctx) | self.right.q(ctx)

    def check(self, model):
        return self.left.check(model) + self.right.check(model)


def _resolve(model, path: str):
    """The model field at the end of a ``__`` lookup path (raises FieldDoesNotExist)."""
    current, found = model, None
    for name in path.split("__"):
        found = current._meta.pk if name == "pk" else current._meta.get_field(name)
        current = found.related_model or current
    return found


def _check_path(model, path: str, *, to=None) -> list[str]:
    try:
        found = _resolve(model, path)
    except FieldDoesNotExist:
        return [f"{model._meta.label}: no field path {path!r}"]
    if to is not None and found.related_model is not to and not (found.primary_key and found.model is to):
        return [f"{model._meta.label}: {path!r} does not lead to {to._meta.label}"]
    return []


class _Everything(Anchor):
    def q(self, ctx):
        return Q()

    def __repr__(self) -> str:
        return "EVERYTHING"


EVERYTHING = _Everything()


@dataclass(frozen=True)
class InRegion(Anchor):
    """The row's region (``field``, a path to a ``regions.Region`` FK; None: the row is a region)
    lies in the user's region or below it."""

    field: str | None = None

    def _lookup(self) -> str:
        return f"{self.field}__path" if self.field else "path"

    def q(self, ctx):
        return Q(**{f"{self._lookup()}__startswith": ctx.scope.region_path})

    def check(self, model):
        from regions.models import Region

        if self.field is None:
            return [] if model is Region else [f"{model._meta.label} is not a region"]
        return _check_path(model, self.field, to=Region)


def ancestor_paths(path: str) -> list[str]:
    """``"360000/360100/360102/"`` → the paths strictly above it (``["360000/", "360000/360100/"]``)."""
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts) - 1)]


@dataclass(frozen=True)
class ServesRegion(Anchor):
    """A region the row serves (``field``: a path to ``Region`` rows) lies in the user's region or
    above it (serving 南昌市 or the whole province serves 东湖区)."""

    field: str

    def q(self, ctx):
        path = ctx.scope.region_path
        return Q(**{f"{self.field}__path__startswith": path}) | Q(
            **{f"{self.field}__path__in": ancestor_paths(path)}
        )

    def check(self, model):
        from regions.models import Region

        return _check_path(model, self.field, to=Region)


@dataclass(frozen=True)
class OfUser(Anchor):
    """The row's ``field`` (a user FK, or ``pk`` on the user model) is the user."""

    field: str

    def q(self, ctx):
        return Q(**{self.field: ctx.scope.user_id})

    def check(self, model):
        return _check_path(model, self.field)


@dataclass(frozen=True)
class OfOrganisation(Anchor):
    """The row's ``field`` (a path to an ``accounts.Organisation`` FK) is the user's organisation."""

    field: str

    def q(self, ctx):
        return Q(**{self.field: ctx.scope.organisation_id})

    def check(self, model):
        from .models import Organisation

        return _check_path(model, self.field, to=Organisation)


@dataclass(frozen=True)
class Through(Anchor):
    """The row is visible when the row its FK ``field`` points at is (by that model's own rule)."""

    field: str

    def q(self, ctx):
        target = ctx.model._meta.get_field(self.field).related_model
        return Q(**{f"{self.field}__in": target._default_manager.visible_to(ctx.user)})

    def check(self, model):
        try:
            target = model._meta.get_field(self.field).related_model
        except FieldDoesNotExist:
            return [f"{model._meta.label}: no field {self.field!r}"]
        if target is None or not is_scoped(target):
            return [f"{model._meta.label}: {self.field!r} does not lead to a scoped model"]
        return []


@dataclass(frozen=True)
class Related(Anchor):
    """Some row of the reverse relation ``relation`` matches ``anchor`` (evaluated on that model)."""

    relation: str
    anchor: Anchor

    def q(self, ctx):
        rel = ctx.model._meta.get_field(self.relation)
        related = rel.related_model
        inner = self.anchor.q(Context(ctx.scope, ctx.user, related))
        return Q(pk__in=related._default_manager.filter(inner).values(rel.field.attname))

    def check(self, model):
        try:
            rel = model._meta.get_field(self.relation)
        except FieldDoesNotExist:
            return [f"{model._meta.label}: no relation {self.relation!r}"]
        if not rel.auto_created or rel.concrete:
            return [f"{model._meta.label}: {self.relation!r} is not a reverse relation"]
        return self.anchor.check(rel.related_model)


@dataclass(frozen=True)
class Distinct(Anchor):
    """``anchor`` joins a to-many relation: keep each row once (as a ``pk__in`` subquery)."""

    anchor: Anchor

    def q(self, ctx):
        return Q(pk__in=ctx.model._default_manager.filter(self.anchor.q(ctx)).values("pk"))

    def check(self, model):
        return self.anchor.check(model)


class Where(Anchor):
    """A fixed condition on the row, e.g. ``Where(status="published")`` or ``Where(Q(...))``."""

    def __init__(self, *args: Q, **lookups):
        self.condition = Q(*args, **lookups)

    def q(self, ctx):
        return self.condition

    def __repr__(self) -> str:
        return f"Where({self.condition!r})"


# --- Rules and the engine -----------------------------------------------------------------------

Entry = Anchor | Mapping[str, Anchor] | None


@dataclass(frozen=True)
class ScopeRule:
    """How a model's rows are anchored, per reach (see the module docstring). Unmentioned: none.

    ``admin`` refines ``all`` for administrators (default: same as ``all``); a mapping entry is
    ``{role: anchor}`` for reaches shared by roles with different rules (clinic vs provider staff).
    """

    all: Entry = None
    region: Entry = None
    assigned: Entry = None
    organisation: Entry = None
    enterprise: Entry = None
    admin: Entry = None
    _by_reach: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_reach = {
            Reach.ALL: self.all,
            Reach.REGION: self.region,
            Reach.ASSIGNED: self.assigned,
            Reach.ORGANISATION: self.organisation,
            Reach.ENTERPRISE: self.enterprise,
        }
        object.__setattr__(self, "_by_reach", by_reach)

    @classmethod
    def every_reach(cls, anchor: Anchor, **overrides: Entry) -> ScopeRule:
        """The same anchor for every reach (e.g. ``Through("enterprise")``), unless overridden."""
        entries = {name: anchor for name in ("all", "region", "assigned", "organisation", "enterprise")}
        return cls(**{**entries, **overrides})

    def anchor_for(self, scope: Scope, user) -> Anchor | None:
        """The anchor that applies to ``user`` with ``scope``; None means nothing is visible."""
        if scope.reach == Reach.NONE:
            return None
        entry = self._by_reach[scope.reach]
        if scope.reach == Reach.ALL and self.admin is not None and is_admin(user):
            entry = self.admin
        if isinstance(entry, Mapping):
            entry = entry.get(getattr(user, "role", None))
        return entry

    def entries(self) -> list[Anchor]:
        out = []
        for entry in [*self._by_reach.values(), self.admin]:
            if isinstance(entry, Mapping):
                out.extend(entry.values())
            elif entry is not None:
                out.append(entry)
        return out

    def check(self, model) -> list[str]:
        """Problems with this rule on ``model`` (field paths that don't exist, and so on)."""
        problems = []
        for anchor in self.entries():
            if not isinstance(anchor, Anchor):
                problems.append(f"{model._meta.label}: {anchor!r} is not an anchor")
            else:
                problems.extend(anchor.check(model))
        return problems


def restrict(queryset: models.QuerySet, rule: ScopeRule, user) -> models.QuerySet:
    """``queryset`` cut down to what ``user`` may see under ``rule``: the engine itself."""
    scope = scope_for(user)
    anchor = rule.anchor_for(scope, user)
    if anchor is None:
        return queryset.none()
    return queryset.filter(anchor.q(Context(scope, user, queryset.model)))


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every scoped model; the model declares ``scope = ScopeRule(...)``."""

    def visible_to(self, user):
        """The rows ``user`` may see under the model's ``scope`` (deny by default)."""
        rule = getattr(self.model, "scope", None)
        if not isinstance(rule, ScopeRule):
            raise ImproperlyConfigured(f"{self.model._meta.label} uses ScopedQuerySet without a `scope` rule")
        return restrict(self, rule, user)


def is_scoped(model) -> bool:
    """Whether ``model`` declares a scope rule and its default manager's queryset is scoped."""
    queryset_class = getattr(model._default_manager, "_queryset_class", None)
    return (
        isinstance(getattr(model, "scope", None), ScopeRule)
        and queryset_class is not None
        and issubclass(queryset_class, ScopedQuerySet)
    )


# --- Reaches over rows that are not themselves scoped -------------------------------------------

#: Regions inside a user's regional reach: officers' and commissioners' region and below (the
#: province: all). The region tree itself is public; this is "where may I pick", not "what may I see".
REGIONS_IN_REACH = ScopeRule(all=EVERYTHING, region=InRegion(), assigned=InRegion())

#: Regions an officer manages (files archives in, edits clinics of): the province all, a city or
#: county officer their region and below; nobody else. ``region_in_scope`` is its one-row form.
REGIONS_MANAGED = ScopeRule(all=EVERYTHING, region=InRegion())

#: Commissioner accounts a user oversees: all (the province), those filed in an officer's region,
#: or a commissioner's own account.
COMMISSIONERS_OVERSEEN = ScopeRule(all=EVERYTHING, region=InRegion("region"), assigned=OfUser("pk"))
