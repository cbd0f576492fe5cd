import pytest

from crm.users.models import Role
from tests.accounts.factories import AccountFactory
from tests.users.factories import UserFactory


@pytest.fixture
def world(team_a, team_b, rep, cs_user):
    """Team A's rep owns `account` with Team A's CS; Team B's rep owns `other`."""
    rep_b = UserFactory(role=Role.REP, team=team_b)
    return {
        "account": AccountFactory(owner=rep, cs_owner=cs_user),
        "other": AccountFactory(owner=rep_b),
        "rep_b": rep_b,
    }
