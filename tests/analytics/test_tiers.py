"""Loyalty tiers at month ends and the movement between them, worked out by hand."""

import datetime

import pytest

from accounts.models import LoyaltyScore, ScoringRun
from crm.analytics.scope import ReportScope
from crm.analytics.tiers import tiers_compute, tiers_tables
from tests.accounts.factories import AccountFactory
from tests.analytics.conftest import TODAY, everything, rows_by_label

pytestmark = pytest.mark.django_db

AUG, MID_SEP, SEP, OCT, NOV = (
    datetime.date(2026, 8, 31),
    datetime.date(2026, 9, 15),
    datetime.date(2026, 9, 30),
    datetime.date(2026, 10, 31),
    datetime.date(2026, 11, 23),
)
SCORE = {"high": 80, "medium": 55, "low": 20}


def scored(account, day, tier, churn_risk=False):
    LoyaltyScore.objects.create(
        account=account, as_of=day, score=SCORE[tier], tier=tier, churn_risk=churn_risk
    )


@pytest.fixture
def history(rep, team_b):
    for day in (AUG, MID_SEP, SEP, OCT, NOV):
        ScoringRun.objects.create(as_of=day, status="done", chunk_size=5000)
    ScoringRun.objects.create(
        as_of=datetime.date(2026, 10, 31) - datetime.timedelta(days=400),
        status="done",
        chunk_size=5000,
    )
    x, y, z = (AccountFactory(owner=rep) for _ in range(3))
    for day, tier in (
        (AUG, "low"),
        (MID_SEP, "high"),
        (SEP, "medium"),
        (OCT, "high"),
        (NOV, "high"),
    ):
        scored(x, day, tier)
    for day, tier in ((AUG, "high"), (SEP, "high"), (OCT, "medium")):
        scored(y, day, tier)
    scored(y, NOV, "low", churn_risk=True)
    for day, tier in ((SEP, "low"), (OCT, "low"), (NOV, "medium")):  # not scored in August
        scored(z, day, tier)
    return x


def tables(user, *, month=None, months=3):
    result = tiers_compute(scope=ReportScope(user=user), today=TODAY, months=months, month=month)
    return {t.slug: t for t in tiers_tables(result, months=months)}


def test_distribution_at_each_month_end(history, admin_user):
    distribution = tables(admin_user)["distribution"]

    # the month ends of September, October and November (the 15 September run is not one,
    # and August only starts September's movement)
    assert [
        (r["label"], r["high"], r["medium"], r["low"], r["total"], r["churn_risk"])
        for r in distribution.rows
    ] == [
        ("2026-09", 1, 1, 1, 3, 0),  # y high, x medium, z low
        ("2026-10", 1, 1, 1, 3, 0),  # x high, y medium, z low
        ("2026-11", 1, 1, 1, 3, 1),  # x high, z medium, y low (at risk)
    ]
    assert round(distribution.rows[0]["high_share"], 1) == 33.3


def test_movement_into_each_month_and_the_latest_by_default(history, admin_user):
    # September: x low → medium (up), y high → high, z new; October: x up, y down, z the same;
    # November: x the same, y medium → low (down), z low → medium (up)
    moves = {
        month: tables(admin_user, month=month)["matrix"].extra["moves"]
        for month in ("2026-09", "2026-10", "2026-11")
    }
    assert {month: tuple(m.values()) for month, m in moves.items()} == {
        "2026-09": (1, 0, 1, 1),  # up, down, same, new
        "2026-10": (1, 1, 1, 0),
        "2026-11": (1, 1, 1, 0),
    }
    latest = tables(admin_user)["matrix"]
    assert (latest.extra["month"], latest.extra["before_day"]) == ("2026-11", OCT)
    assert {
        label: (r["high"], r["medium"], r["low"]) for label, r in rows_by_label(latest).items()
    } == {
        "高": (1, 0, 0),
        "中": (0, 0, 1),
        "低": (0, 1, 0),
        "スコアなし": (0, 0, 0),
    }


def test_a_rep_counts_only_their_accounts(history, team_b):
    from crm.users.models import Role
    from tests.users.factories import UserFactory

    other = UserFactory(role=Role.REP, team=team_b)
    scored(AccountFactory(owner=other), NOV, "high")

    mine = tables(history.owner)["distribution"].rows[-1]
    theirs = tables(other)["distribution"].rows
    assert mine["total"] == 3
    # the scoring ran at every month end; their account was only scored at the last
    assert [(r["label"], r["high"], r["total"]) for r in theirs] == [
        ("2026-09", 0, 0),
        ("2026-10", 0, 0),
        ("2026-11", 1, 1),
    ]


def test_no_scoring_yet_shows_empty_tables(admin_user):
    result = tiers_compute(scope=everything(admin_user), today=TODAY, months=12)

    assert all(not t.rows for t in tiers_tables(result, months=12))
    assert tiers_tables(result, months=12)[1].extra["moves"] == {
        "up": 0,
        "down": 0,
        "same": 0,
        "new": 0,
    }
