import os

import pytest

from crm.users.models import Role
from tests.users.factories import TeamFactory, UserFactory

IN_CI = bool(os.environ.get("CI"))


def require(condition: bool, reason: str) -> None:
    """Skip when a real service or tool is missing locally; in CI its absence is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def team_a(db):
    return TeamFactory(name="Team A", manager=UserFactory(role=Role.MANAGER))


@pytest.fixture
def team_b(db):
    return TeamFactory(name="Team B", manager=UserFactory(role=Role.MANAGER))


@pytest.fixture
def rep(team_a):
    return UserFactory(role=Role.REP, team=team_a)


@pytest.fixture
def manager(team_a):
    return team_a.manager


@pytest.fixture
def cs_user(team_a):
    return UserFactory(role=Role.CUSTOMER_SUCCESS, team=team_a)


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
