"""The matrix world, built once per test module (per xdist worker) instead of once per case.

``scope_world`` opens a transaction around the whole module, builds the world inside it and rolls
it back at the end; each test still runs in its own savepoint (the ``db`` fixture), so what one
case writes (a POST that succeeds) is undone before the next.
"""

import pytest
from django.db import transaction

from .world import build_scope_world


@pytest.fixture(scope="module")
def scope_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_scope_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
