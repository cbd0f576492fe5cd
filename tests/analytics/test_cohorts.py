"""Cohorts, NRR, GRR, LTV and AOV against figures worked out by hand."""

import datetime
import math
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Subscription
from crm.analytics.cohorts import cohorts_compute, cohorts_tables, overall_figures
from crm.analytics.scope import ReportScope
from crm.users.models import Role
from tests.accounts.factories import AccountFactory, OrderFactory, SubscriptionFactory
from tests.analytics.conftest import TODAY
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TOKYO = ZoneInfo("Asia/Tokyo")


def sub(account, amount, started_on, **fields):
    fields.setdefault("renewal_on", None)
    return SubscriptionFactory(
        account=account, monthly_amount=amount, started_on=started_on, **fields
    )


def recorded(subscription, *dates: datetime.date) -> None:
    """Date the subscription's audit history: its versions were saved on these days."""
    versions = Subscription.history.filter(id=subscription.pk).order_by("history_id")
    for version, day in zip(versions, dates, strict=True):
        version.history_date = datetime.datetime.combine(day, datetime.time(10), tzinfo=TOKYO)
        version.save()


@pytest.fixture
def customers(rep):
    """Four accounts become customers in 2025 Q1, one in 2026 Q3, two never pay.

    The 2025 Q1 cohort's 12 months run from 2025-03-31 to 2026-03-31."""
    p = AccountFactory(owner=rep)
    sub(p, 100_000, D(2025, 2, 10))
    sub(p, 30_000, D(2025, 8, 1))  # cross-sold later: expansion
    OrderFactory(account=p, ordered_on=D(2025, 2, 10), total=1_200_000)
    OrderFactory(account=p, ordered_on=D(2026, 2, 10), total=1_560_000)

    q = AccountFactory(owner=rep)
    upgraded = sub(q, 50_000, D(2025, 1, 5))
    upgraded.monthly_amount = 80_000  # upsold on 1 September 2025
    upgraded.save()
    recorded(upgraded, D(2025, 1, 5), D(2025, 9, 1))
    sub(q, 20_000, D(2025, 1, 5), status="cancelled", cancelled_on=D(2025, 12, 1))

    r = AccountFactory(owner=rep)
    sub(r, 40_000, D(2025, 3, 1), status="cancelled", cancelled_on=D(2025, 10, 15))  # churned
    OrderFactory(account=r, ordered_on=D(2025, 3, 1), total=480_000)

    s = AccountFactory(owner=rep)
    sub(s, 60_000, D(2025, 2, 1), trial_ends_on=D(2025, 3, 1))  # bought when the trial ended
    sub(s, 25_000, D(2025, 2, 1), status="cancelled", cancelled_on=D(2026, 1, 10))

    t = AccountFactory(owner=rep)
    sub(t, 10_000, D(2026, 8, 1))

    u = AccountFactory(owner=rep)  # a trial running until December: not a customer yet
    sub(u, 9_000, D(2026, 11, 1), status="trial", trial_ends_on=D(2026, 12, 1))
    v = AccountFactory(owner=rep)  # a trial cancelled before its end: never a customer
    sub(
        v,
        9_000,
        D(2025, 5, 1),
        status="cancelled",
        trial_ends_on=D(2025, 6, 1),
        cancelled_on=D(2025, 5, 20),
    )
    return rep


def computed(user, period="quarter"):
    return cohorts_compute(scope=ReportScope(user=user), today=TODAY, period=period)


def test_a_cohort_twelve_months_on(customers, settings):
    settings.ANALYTICS_SMALL_GROUP = 5
    settings.ANALYTICS_GROSS_MARGIN = 0.75
    result = computed(customers)
    cohorts = {row["label"]: row for row in cohorts_tables(result, small_below=5)[0].rows}

    assert list(cohorts) == ["2026 Q3", "2025 Q1"]  # newest first, only quarters with customers
    q1 = cohorts["2025 Q1"]
    # starting MRR on 2025-03-31: p 100,000; q 50,000 (its amount before the September upsell)
    #   + 20,000; r 40,000; s 60,000 + 25,000 → 295,000 over 4 paying accounts
    # on 2026-03-31: p 130,000 (+30,000); q 80,000 (+10,000); r 0 (churned 40,000);
    #   s 60,000 (−25,000) → 270,000
    assert (q1["accounts"], q1["base"], q1["start_mrr"], q1["end_mrr"]) == (4, 4, 295_000, 270_000)
    assert (q1["expansion"], q1["contraction"], q1["churned_mrr"]) == (40_000, 25_000, 40_000)
    # NRR = (295,000 + 40,000 − 25,000 − 40,000) / 295,000 = 91.53 %
    # GRR = (295,000 − 25,000 − 40,000) / 295,000 = 77.97 %
    assert round(q1["nrr"], 2) == 91.53
    assert round(q1["grr"], 2) == 77.97
    # 3 of 4 still pay: monthly churn 1 − 0.75^(1/12) = 1 − 0.976312 = 2.3688 %, a lifetime
    # of 1 / 0.023688 = 42.215 months; ARPA 73,750; LTV = 73,750 × 0.75 × 42.215 ≈ 2,335,000
    assert round(q1["monthly_churn"], 4) == 2.3688
    assert round(q1["lifetime"], 2) == 42.21
    assert q1["arpa"] == 73_750
    assert math.isclose(q1["ltv"], 2_335_000, rel_tol=1e-4)
    # AOV: p's 1,200,000 and 1,560,000 and r's 480,000 → 3,240,000 / 3
    assert (q1["orders"], q1["aov"]) == (3, 1_080_000)
    assert q1["small"]  # 4 paying accounts < 5


def test_a_cohort_younger_than_twelve_months_has_no_retention_yet(customers):
    young = next(row for row in computed(customers)["cohorts"] if row["start"] == D(2026, 7, 1))

    assert (young["complete"], young["start_mrr"], young["base"]) == (False, 10_000, 1)
    assert young["nrr"] is young["grr"] is young["end_mrr"] is young["monthly_churn"] is None


def test_all_customers_over_the_last_twelve_months(customers, settings):
    settings.ANALYTICS_GROSS_MARGIN = 0.75
    settings.ANALYTICS_LTV_MAX_MONTHS = 60
    overall = overall_figures(computed(customers))

    # paying on 2025-11-24: p 130,000, q 80,000 + 20,000, s 85,000 → 315,000 (r had gone)
    # today: p 130,000, q 80,000, s 60,000 → 270,000: 45,000 of contraction, no churn
    assert (overall["base"], overall["start_mrr"], overall["end_mrr"]) == (3, 315_000, 270_000)
    assert round(overall["nrr"], 2) == round(overall["grr"], 2) == 85.71
    # nobody left: the lifetime is the 60-month cap; ARPA today (t too) 280,000 / 4
    assert overall["monthly_churn"] == 0
    assert overall["arpa_today"] == 70_000
    assert overall["ltv"] == 70_000 * 0.75 * 60
    # one order in the last 365 days: p's 1,560,000
    assert overall["aov_recent"] == 1_560_000


def test_cohorts_by_year_and_month(customers):
    years = {row["start"]: row for row in computed(customers, "year")["cohorts"]}
    months = {row["start"]: row for row in computed(customers, "month")["cohorts"]}

    # by year, the 2025 cohort's 12 months run from 2025-12-31: p 130,000, q 80,000 (its
    # second subscription ended on 1 December), s 85,000 → on 2026-12-31: not yet
    assert years[D(2025, 1, 1)]["start_mrr"] == 295_000
    assert years[D(2025, 1, 1)]["complete"] is False
    # by month: q in January; p, and s whose second subscription (no trial) started on
    # 1 February, in February; r in March; t in August 2026
    assert sorted(months) == [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1), D(2026, 8, 1)]
    assert [months[month]["accounts"] for month in sorted(months)] == [1, 2, 1, 1]


def test_a_cohort_counts_only_the_scopes_customers_and_their_orders(customers, team_b, admin_user):
    other_rep = UserFactory(role=Role.REP, team=team_b)
    w = AccountFactory(owner=other_rep)  # another rep's customer of 2025 Q1, with an order
    sub(w, 70_000, D(2025, 3, 15))
    OrderFactory(account=w, ordered_on=D(2025, 4, 1), total=2_000_000)

    def q1(user):
        return next(row for row in computed(user)["cohorts"] if row["start"] == D(2025, 1, 1))

    # the rep's cohort as above: p's two orders and r's one; w is the other rep's
    assert (q1(customers)["accounts"], q1(customers)["orders"]) == (4, 3)
    assert (q1(other_rep)["accounts"], q1(other_rep)["orders"], q1(other_rep)["aov"]) == (
        1,
        1,
        2_000_000,
    )
    assert (q1(admin_user)["accounts"], q1(admin_user)["orders"]) == (5, 4)
