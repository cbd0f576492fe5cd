import datetime

import pytest

from crm.users.models import Role
from tests.accounts.factories import AccountFactory, SubscriptionFactory, UsageRecordFactory
from tests.users.factories import UserFactory

from .offer_world import family_of_two, scored


@pytest.fixture
def world(team_a, team_b, rep, cs_user):
    """Team A's rep owns `account` with Team A's CS; Team B's rep owns `other`."""
    rep_b = UserFactory(role=Role.REP, team=team_b)
    return {
        "account": AccountFactory(owner=rep, cs_owner=cs_user),
        "other": AccountFactory(owner=rep_b),
        "rep_b": rep_b,
    }


@pytest.fixture
def overage_account(rep):
    """Lite at ¥100,000 with 1,000 included; October: 2,000 used → 1,000 × ¥75 overage."""
    lite, standard = family_of_two()
    account = AccountFactory(owner=rep)
    subscription = SubscriptionFactory(account=account, product=lite, monthly_amount=100_000)
    UsageRecordFactory(subscription=subscription, date=datetime.date(2026, 10, 15), quantity=2000)
    scored(account, "high")
    return account, lite, standard
