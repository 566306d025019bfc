"""Fixtures for the API tests: a DRF client signed in as any role of the shared ``world``."""

import itertools

import pytest
from rest_framework.test import APIClient

from regions.codes import make_credit_code

_serial = itertools.count(1)


def new_credit_code(county_code: str) -> str:
    """A valid credit code not used by the factories (their serials start at 7,000,000)."""
    return make_credit_code(county_code, 9_000_000 + next(_serial))


@pytest.fixture
def client_for(world):
    """``client_for("city_officer")`` → an ``APIClient`` authenticated as that role's user."""

    def make(role: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(world.users[role])
        return client

    return make
