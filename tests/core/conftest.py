import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in English leaves English active in this thread: put the default back."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
