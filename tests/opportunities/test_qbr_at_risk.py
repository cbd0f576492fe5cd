"""The at-risk accounts shared by the CS and manager homes: a churn risk on the latest day
scored, or a fall of five points or more since the latest day scored thirty days before."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Account, LoyaltyScore
from crm.selectors import at_risk_page
from crm.users.models import Role
from opportunities.qbr.selectors import accounts_at_risk, at_risk_account_ids
from tests.accounts.factories import AccountFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 30)
YESTERDAY = TODAY - datetime.timedelta(days=1)
MONTH_AGO = TODAY - datetime.timedelta(days=31)  # the latest day scored 30 days before


@pytest.fixture
def book(rep):
    """Six of the rep's accounts and one of someone else's, scored yesterday and a month ago."""
    names = {}
    for name, latest, earlier in [
        ("churn", ("55.0", True), ("56.0", False)),
        ("fell 5.0", ("60.0", False), ("65.0", False)),
        ("fell 4.9", ("60.1", False), ("65.0", False)),
        ("rose", ("70.0", False), ("50.0", False)),
        ("new, no earlier score", ("30.0", False), None),
    ]:
        account = AccountFactory(owner=rep, name=name)
        LoyaltyScore.objects.create(
            account=account,
            as_of=YESTERDAY,
            score=Decimal(latest[0]),
            tier="medium",
            churn_risk=latest[1],
        )
        if earlier:
            LoyaltyScore.objects.create(
                account=account,
                as_of=MONTH_AGO,
                score=Decimal(earlier[0]),
                tier="medium",
                churn_risk=earlier[1],
            )
        names[name] = account
    # Risky two days ago, no longer on the latest day scored: not at risk.
    recovered = AccountFactory(owner=rep, name="recovered")
    LoyaltyScore.objects.create(
        account=recovered, as_of=YESTERDAY, score=Decimal("80"), tier="high"
    )
    LoyaltyScore.objects.create(
        account=recovered,
        as_of=YESTERDAY - datetime.timedelta(days=1),
        score=Decimal("10"),
        tier="low",
        churn_risk=True,
    )
    other = AccountFactory(owner=UserFactory(role=Role.REP), name="someone else's")
    LoyaltyScore.objects.create(
        account=other, as_of=YESTERDAY, score=Decimal("1"), tier="low", churn_risk=True
    )
    return names


def test_churn_risk_or_a_fall_of_five_points_lowest_score_first(rep, book):
    rows = accounts_at_risk(accounts=Account.objects.visible_to(rep), today=TODAY)

    assert [(row.account.name, row.score.score, row.change) for row in rows] == [
        ("churn", Decimal("55.0"), -1.0),
        ("fell 5.0", Decimal("60.0"), -5.0),
    ]
    assert rows[0].account.owner == rep
    ids = at_risk_account_ids(accounts=Account.objects.visible_to(rep), today=TODAY)
    assert ids == [book["churn"].pk, book["fell 5.0"].pk]


def test_the_count_covers_the_rows_a_page_leaves_out(rep, book, django_assert_num_queries):
    # the day scored, the ranking (the day's first read), the page's scores with their
    # renewals, their accounts and owners
    with django_assert_num_queries(4):
        at_risk = at_risk_page(user=rep, cs_owned=False, today=TODAY, per_page=1)
    (row,) = at_risk.rows
    assert (row.account.name, row.account.owner.email, at_risk.count) == ("churn", rep.email, 2)
    with django_assert_num_queries(3):  # the ranking is kept for the day
        second = at_risk_page(user=rep, cs_owned=False, today=TODAY, number=2, per_page=1)
    assert [row.account.name for row in second.rows] == ["fell 5.0"]


def test_a_later_day_scored_is_not_read_before_it(rep, book):
    LoyaltyScore.objects.create(
        account=book["rose"],
        as_of=TODAY + datetime.timedelta(days=1),
        score=Decimal("5"),
        tier="low",
        churn_risk=True,
    )

    rows = accounts_at_risk(accounts=Account.objects.visible_to(rep), today=TODAY)

    assert [row.account.name for row in rows] == ["churn", "fell 5.0"]
