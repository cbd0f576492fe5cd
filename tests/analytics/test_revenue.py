"""Revenue per customer by segment against figures worked out by hand."""

import datetime

import pytest

from accounts.models import Subscription
from crm.analytics.revenue import revenue_compute, revenue_tables
from tests.accounts.factories import AccountFactory, OrderFactory, SubscriptionFactory
from tests.analytics.conftest import TODAY, everything, rows_by_label

pytestmark = pytest.mark.django_db

ACTIVE, TRIAL, CANCELLED = (
    Subscription.Status.ACTIVE,
    Subscription.Status.TRIAL,
    Subscription.Status.CANCELLED,
)


def sub(account, amount, **fields):
    return SubscriptionFactory(account=account, monthly_amount=amount, **fields)


@pytest.fixture
def book(rep):
    """Five accounts; MRR today and orders of the last 365 days noted beside each."""
    a = AccountFactory(
        owner=rep, industry="manufacturing", employee_count=50, growth_stage="growth", region="13"
    )
    sub(a, 100_000)
    sub(a, 20_000)  # MRR 120,000
    OrderFactory(account=a, ordered_on=datetime.date(2026, 6, 1), total=300_000)
    OrderFactory(account=a, ordered_on=datetime.date(2025, 6, 1), total=999)  # over a year ago

    b = AccountFactory(
        owner=rep, industry="manufacturing", employee_count=500, growth_stage="mature", region="27"
    )
    sub(b, 60_000)
    sub(b, 40_000, status=CANCELLED, cancelled_on=datetime.date(2026, 10, 1))
    sub(
        b,
        30_000,
        status=TRIAL,
        started_on=datetime.date(2026, 11, 10),
        trial_ends_on=datetime.date(2026, 12, 10),
        renewal_on=None,
    )  # MRR 60,000: the cancelled one and the running trial do not pay
    OrderFactory(account=b, ordered_on=datetime.date(2026, 3, 1), total=100_000)
    OrderFactory(account=b, ordered_on=datetime.date(2026, 9, 1), total=50_000)

    c = AccountFactory(
        owner=rep, industry="retail", employee_count=50, growth_stage="growth", region="13"
    )
    sub(c, 70_000, status=CANCELLED, cancelled_on=datetime.date(2026, 5, 1))  # not paying

    d = AccountFactory(
        owner=rep, industry="retail", employee_count=1500, growth_stage="mature", region=""
    )
    sub(d, 200_000)

    e = AccountFactory(
        owner=rep, industry="retail", employee_count=None, growth_stage="startup", region="27"
    )
    # a trial that ended (still marked trial) pays; a cancellation dated next month pays today
    sub(
        e,
        10_000,
        status=TRIAL,
        started_on=datetime.date(2026, 10, 2),
        trial_ends_on=datetime.date(2026, 11, 1),
        renewal_on=None,
    )
    sub(e, 5_000, cancelled_on=datetime.date(2026, 12, 31), renewal_on=None)  # MRR 15,000
    return [a, b, c, d, e]


def tables_of(admin_user, settings, small=2):
    settings.ANALYTICS_SMALL_GROUP = small
    result = revenue_compute(scope=everything(admin_user), today=TODAY)
    return result, {table.slug: table for table in revenue_tables(result, small_below=small)}


def test_arpa_and_revenue_per_buying_account_by_industry(book, admin_user, settings):
    result, tables = tables_of(admin_user, settings)

    # Manufacturing: a 120,000 + b 60,000 = 180,000 over 2 paying → 90,000;
    #   orders 300,000 + 100,000 + 50,000 = 450,000 over 2 buying accounts → 225,000.
    # Retail: d 200,000 + e 15,000 = 215,000 over 2 paying (c pays nothing) → 107,500; no orders.
    industry = rows_by_label(tables["industry"])
    assert {
        label: (r["accounts"], r["paying"], r["mrr"], r["arpa"], r["revenue_per_buyer"])
        for label, r in industry.items()
    } == {
        "製造業": (2, 2, 180_000, 90_000, 225_000),
        "小売業": (3, 2, 215_000, 107_500, None),
    }
    # the higher ARPA first: where revenue per customer is high
    assert [row["label"] for row in tables["industry"].rows] == ["小売業", "製造業"]
    # 395,000 over 4 paying accounts
    assert (result["overall"]["mrr"], result["overall"]["arpa"]) == (395_000, 98_750)


def test_size_stage_and_prefecture_with_unknowns_and_small_groups(book, admin_user, settings):
    _result, tables = tables_of(admin_user, settings)

    size = rows_by_label(tables["size"])
    # 20–99: a (120,000) and c (not paying); 300–999: b; 1,000+: d; no employee count: e
    assert {label: (r["paying"], r["arpa"]) for label, r in size.items()} == {
        "20〜99名": (1, 120_000),
        "300〜999名": (1, 60_000),
        "1,000名以上": (1, 200_000),
        "未設定": (1, 15_000),
    }
    # sizes read in their own order, smallest first, unknown last
    assert [row["label"] for row in tables["size"].rows] == [
        "20〜99名",
        "300〜999名",
        "1,000名以上",
        "未設定",
    ]
    stage = rows_by_label(tables["stage"])
    # growth: a only pays (120,000); mature: b and d → 260,000 / 2; startup: e
    assert {label: r["arpa"] for label, r in stage.items()} == {
        "創業期": 15_000,
        "成長期": 120_000,
        "成熟期": 130_000,
    }
    region = rows_by_label(tables["region"])
    # Tokyo: a; Osaka: b 60,000 + e 15,000 over 2; no prefecture: d
    assert {label: r["arpa"] for label, r in region.items()} == {
        "東京都": 120_000,
        "大阪府": 37_500,
        "未設定": 200_000,
    }
    # With groups of fewer than 2 paying accounts flagged, only Osaka is solid
    assert {label for label, r in region.items() if not r["small"]} == {"大阪府"}
    assert [row["label"] for row in tables["region"].chart_rows] == ["大阪府"]


def test_industry_by_size_grid(book, admin_user, settings):
    _result, tables = tables_of(admin_user, settings)

    grid = rows_by_label(tables["industry-size"])
    assert grid["製造業"]["arpa_small"] == 120_000
    assert grid["製造業"]["paying_small"] == 1
    assert grid["製造業"]["arpa_large"] == 60_000
    assert grid["製造業"]["arpa_micro"] is None
    # retail 20–99 has an account (c) but nobody paying: no ARPA, not a zero
    assert (grid["小売業"]["arpa_small"], grid["小売業"]["paying_small"]) == (None, 0)
    assert grid["小売業"]["arpa_enterprise"] == 200_000


def test_nothing_visible_gives_empty_tables_not_errors(rep, settings):
    from crm.analytics.scope import ReportScope

    settings.ANALYTICS_SMALL_GROUP = 5
    result = revenue_compute(scope=ReportScope(user=rep), today=TODAY)

    assert result["overall"]["arpa"] is None
    assert all(not table.rows for table in revenue_tables(result, small_below=5))
