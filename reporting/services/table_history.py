"""The history of table layouts: every creation, edit and package load of a ``StatsTable``.

Contract of ``table_change_record(*, table, before, actor, action, origin="")``: called by the
writers (``reporting.services.layouts``, ``reporting.services.stats``) in their transaction after
saving ``table``; ``before`` is ``{"title", "layout"}`` as they were (``None`` for a new table).
Records a ``StatsTableChange`` with ``{field: [before, after]}`` of the fields that changed, and
nothing when nothing did (a package loaded again with the same layout). Returns the row or None.
"""

from __future__ import annotations

from reporting.models import StatsTable, StatsTableChange

FIELDS = ("title", "layout")


def table_state(table: StatsTable) -> dict:
    """What the history compares: the title and the layout as stored."""
    return {field: getattr(table, field) for field in FIELDS}


def table_change_record(
    *, table: StatsTable, before: dict | None, actor, action: str, origin: str = ""
) -> StatsTableChange | None:
    after = table_state(table)
    if before is None:
        changes = {field: [None, after[field]] for field in FIELDS}
    else:
        changes = {field: [before[field], after[field]] for field in FIELDS if before[field] != after[field]}
    if not changes:
        return None
    return StatsTableChange.objects.create(
        table=table,
        action=action,
        changes=changes,
        actor=actor if getattr(actor, "pk", None) else None,
        origin=origin[:200],
    )
