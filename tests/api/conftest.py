import pytest
from django.core.cache import cache

from tests.permission_matrix import build_world


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return build_world()
