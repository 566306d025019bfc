"""One token that changes whenever the project's data changes: the key of everything cached from it.

Contract:
- ``token()`` is the current data version, a short random string kept in the default cache. A
  cache that lost it (restart, eviction, flush) gets a new one, so nothing cached before can be
  served again. Tokens are never reused: a value cached under a token describes the data as it was
  while that token was current.
- Every write statement that reaches the database through Django marks the data changed: the
  ORM's ``save``/``delete``, ``QuerySet.update``/``bulk_create``/``bulk_update``, raw SQL on a
  Django cursor, migrations, in web requests and Celery workers alike (an UPDATE or DELETE that
  reports touching no row, such as a sweep finding no work, does not count). It is seen by a database
  execute wrapper (``install``, run for every new connection), not by model signals, so no write
  path can forget it. Writes to tables in ``IGNORED_TABLES`` (sessions, sign-in attempts) do not
  count: they change nothing a page shows and happen on every sign-in.
- The token is replaced when the writing transaction commits (at once in autocommit). A
  transaction that rolls back replaces nothing, and while a connection holds uncommitted writes
  ``can_cache()`` is false: a request never stores, nor reads, a cached value while its own view of
  the data differs from everyone else's. (Inside Django's ``TestCase``, which never commits, this
  makes every test after its first write run uncached.)
- The cache failing (Redis down) never fails a request: ``token()`` then returns ``None`` and
  callers compute instead of caching (``core.fragments``).
"""

from __future__ import annotations

import logging
import re
import secrets

from django.core.cache import cache
from django.db import connections
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

CACHE_KEY = "dsp:data-version"
IGNORED_TABLES = frozenset(
    {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
)

_WRITE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+\"?(\w+)", re.I
)
# Only these report a trustworthy row count: an INSERT … RETURNING reads 0 before its rows are fetched.
_UPDATE_OR_DELETE = re.compile(r"\s*(?:UPDATE|DELETE)\b", re.I)
_READ_ONLY = re.compile(
    r"\s*(?:SELECT|SAVEPOINT|RELEASE|ROLLBACK|COMMIT|BEGIN|SET|SHOW|EXPLAIN|PRAGMA)\b", re.I
)


def _new_token() -> str:
    return secrets.token_hex(8)


def token() -> str | None:
    """The current data version (``None`` when the cache cannot be reached)."""
    try:
        value = cache.get(CACHE_KEY)
        if value is None:
            cache.add(CACHE_KEY, _new_token(), timeout=None)
            value = cache.get(CACHE_KEY)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the request
        logger.warning("data version unavailable: cache unreachable", exc_info=True)
        return None
    return value


def bump() -> None:
    """Replace the data version now (the execute wrapper calls this after each commit that wrote)."""
    try:
        cache.set(CACHE_KEY, _new_token(), timeout=None)
    except Exception:  # noqa: BLE001
        # Readers then keep the old token; the entries it keys expire (``core.fragments``' TTL).
        logger.error("data version not replaced: cache unreachable", exc_info=True)


def is_write(sql: str) -> bool:
    """Whether ``sql`` may change data a page shows (anything not known to be read-only, except
    writes to ``IGNORED_TABLES``)."""
    match = _WRITE.match(sql)
    if match:
        return match.group(1).lower() not in IGNORED_TABLES
    return not _READ_ONLY.match(sql)


def _rowcount(context) -> int:
    """Rows the statement touched, or -1 when the driver doesn't say (DDL): an UPDATE that matched
    nothing (a sweep finding no work) changes nothing."""
    cursor = context.get("cursor") if isinstance(context, dict) else None
    try:
        count = cursor.rowcount
    except Exception:  # noqa: BLE001 - a closed or odd cursor: assume it wrote
        return -1
    return count if isinstance(count, int) else -1


class _Watcher:
    """The execute wrapper of one connection: marks writes, bumps the token on commit."""

    def __init__(self, connection):
        self.connection = connection

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if (
            isinstance(sql, str)
            and is_write(sql)
            and not (_UPDATE_OR_DELETE.match(sql) and _rowcount(context) == 0)
        ):
            self._changed()
        return result

    def _changed(self) -> None:
        connection = self.connection
        if not connection.in_atomic_block:
            bump()
        elif not self.pending():
            connection.on_commit(bump)

    def pending(self) -> bool:
        """Whether this connection's open transaction has written (a bump waits for its commit)."""
        connection = self.connection
        return connection.in_atomic_block and any(
            callback is bump for _sids, callback, *_rest in connection.run_on_commit
        )


def _watcher(connection) -> _Watcher | None:
    for wrapper in connection.execute_wrappers:
        if isinstance(wrapper, _Watcher):
            return wrapper
    return None


def install(sender=None, connection=None, **kwargs) -> None:
    """Put the write watcher on ``connection`` (once); connected to ``connection_created``."""
    if connection is not None and _watcher(connection) is None:
        connection.execute_wrappers.append(_Watcher(connection))


def can_cache(using: str = "default") -> bool:
    """Whether cached values may be read or stored now: false while this connection holds
    uncommitted writes (see the module's contract)."""
    watcher = _watcher(connections[using])
    return watcher is None or not watcher.pending()


def connect() -> None:
    """Watch every connection, those already open included (``CoreConfig.ready``)."""
    connection_created.connect(install, dispatch_uid="core.freshness.install")
    for connection in connections.all(initialized_only=True):
        install(connection=connection)
