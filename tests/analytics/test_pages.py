"""The report pages as users meet them: each role reaches every report from the menu, bad
filters are explained and replaced by defaults (never a server error), query counts stay
flat as data grows, and a report is computed once a day."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoyaltyScore, ScoringRun
from crm.analytics import cache as report_cache
from crm.analytics.reports import REPORTS
from crm.analytics.revenue import revenue_compute
from crm.analytics.scope import ReportScope
from opportunities.models import OfferCard
from tests.accounts.factories import (
    AccountFactory,
    AddOnFactory,
    NPSResponseFactory,
    OrderFactory,
    SubscriptionFactory,
)
from tests.analytics.conftest import TODAY
from tests.opportunities.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def accounts_with_rows(owner, n: int) -> None:
    """n accounts, each with what every report reads: subscriptions (one upsold, so its
    history has a change), an order, an NPS answer, a won deal, an answered card and scores
    at two month ends."""
    add_on = AddOnFactory()
    last_month_end = days_ago(0).replace(day=1) - datetime.timedelta(days=1)
    for day in (last_month_end, days_ago(1)):
        ScoringRun.objects.get_or_create(as_of=day, defaults={"status": "done", "chunk_size": 1})
    for i in range(n):
        account = AccountFactory(owner=owner, industry=["retail", "finance"][i % 2])
        upsold = SubscriptionFactory(account=account, started_on=days_ago(400 + i))
        upsold.monthly_amount += 1_000
        upsold.save()
        SubscriptionFactory(account=account, started_on=days_ago(30))
        OrderFactory(account=account, ordered_on=days_ago(i + 1))
        NPSResponseFactory(account=account, score=i % 11, answered_on=days_ago(i + 1))
        OpportunityFactory(account=account, stage="won", closed_on=days_ago(i + 1))
        OfferCard.objects.create(
            account=account, rep=owner, kind="cross_sell", product=add_on, source="engine",
            rule="cross_sell_affinity", monthly_uplift=1, probability=0.5, expected_value=1,
            generated_on=days_ago(i + 1), status=["accepted", "dismissed"][i % 2],
        )  # fmt: skip
        for day, tier in ((last_month_end, "low"), (days_ago(1), "high")):
            LoyaltyScore.objects.create(account=account, as_of=day, score=50, tier=tier)


# Every page: session and user, the team filter's choices (an administrator's), then the
# report's own aggregate queries, whatever the number of accounts:
#   revenue 1 (the accounts grouped by the four segments, beside each its subscriptions
#   paying today and orders of 12 months), NPS 2 (by segment and period, by month), loyalty 3
#   (the month ends from the scoring ledger, the tiers per month end, the tiers of the last
#   month end beside those of the month end before), cohorts 3 (the first purchase, the
#   orders of the last year, and one statement over the subscriptions, amount changes from
#   the audit history and orders), expansion 1, offers 2.
REPORT_QUERIES = {"revenue": 1, "nps": 2, "loyalty": 3, "cohorts": 3, "expansion": 1, "offers": 2}
PAGE_QUERIES = 2 + 1


@pytest.mark.parametrize("accounts", [2, 20])
@pytest.mark.parametrize("slug", list(REPORT_QUERIES))
def test_every_report_page_is_flat(
    client, rep, admin_user, accounts, slug, django_assert_num_queries
):
    accounts_with_rows(rep, accounts)
    client.force_login(admin_user)

    with django_assert_num_queries(PAGE_QUERIES + REPORT_QUERIES[slug]):
        response = client.get(reverse(f"analytics:{slug}"))
    assert response.status_code == 200

    # the same day again: from the cache, no report query at all
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(reverse(f"analytics:{slug}"))


@pytest.mark.parametrize("accounts", [2, 20])
def test_downloads_are_flat(client, rep, accounts, django_assert_num_queries):
    accounts_with_rows(rep, accounts)
    client.force_login(rep)

    # session, user, then the revenue query (a rep has no team filter)
    with django_assert_num_queries(2 + REPORT_QUERIES["revenue"]):
        response = client.get(reverse("analytics:export", args=["revenue", "industry", "csv"]))
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + min(accounts, 2)  # a header, retail and finance


def test_the_xlsx_download_holds_the_table(client, rep):
    from io import BytesIO

    from openpyxl import load_workbook

    accounts_with_rows(rep, 2)
    client.force_login(rep)
    response = client.get(reverse("analytics:export", args=["revenue", "industry", "xlsx"]))

    assert response["Content-Disposition"].startswith('attachment; filename="revenue-industry-')
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("業種", "取引先数", "課金中の取引先数")
    assert {row[0] for row in rows[1:]} == {"小売業", "金融・保険業"}
    assert all(isinstance(row[3], int) for row in rows[1:])  # MRR as numbers, not text


def test_every_role_reaches_every_report_from_the_menu(client, rep, manager, cs_user, admin_user):
    for user in (rep, manager, cs_user, admin_user):
        client.force_login(user)
        response = client.get(reverse("analytics:index"))
        menu = next(item for item in response.context["nav_items"] if item["label"] == "レポート")
        assert [child["url"] for child in menu["children"]] == [
            reverse(report.url_name) for report in REPORTS
        ], user.role
        for report in REPORTS:
            assert client.get(reverse(report.url_name)).status_code == 200, (user.role, report.slug)


@pytest.mark.parametrize(
    ("slug", "query", "message"),
    [
        ("revenue", {"team": "abc"}, "正しく選択してください"),
        ("revenue", {"team": "999999"}, "正しく選択してください"),
        ("nps", {"date_from": "2026-13-40"}, "日付を正しく入力してください"),
        ("nps", {"date_from": "1990-01-01", "date_to": "2026-01-01"}, "60か月以内"),
        ("nps", {"date_from": "2099-01-01"}, "期間の終了日を開始日より前にすることはできません"),
        ("cohorts", {"period": "week"}, "正しく選択してください"),
        ("expansion", {"months": "7"}, "正しく選択してください"),
        ("offers", {"months": "-1"}, "正しく選択してください"),
        ("loyalty", {"month": "2026-13"}, "YYYY-MM"),
    ],
)
def test_bad_filters_are_explained_and_the_defaults_used(client, admin_user, slug, query, message):
    client.force_login(admin_user)

    response = client.get(reverse(f"analytics:{slug}"), query)
    default = client.get(reverse(f"analytics:{slug}"))

    assert response.status_code == 200
    assert message in response.text
    assert response.context["params"] == default.context["params"] | {
        key: value for key, value in response.context["params"].items() if key == "month"
    }


def test_unknown_tables_and_formats_are_not_found(client, rep):
    client.force_login(rep)

    assert (
        client.get(reverse("analytics:export", args=["revenue", "nope", "csv"])).status_code == 404
    )
    assert (
        client.get(reverse("analytics:export", args=["nope", "industry", "csv"])).status_code == 404
    )
    assert client.get("/reports/revenue/industry.pdf").status_code == 404


# --- the daily cache ------------------------------------------------------------------------


def test_a_report_is_computed_once_a_day_and_again_the_next(rep, django_assert_num_queries):
    accounts_with_rows(rep, 2)
    scope = ReportScope(user=rep)
    calls = []

    def compute(day):
        calls.append(day)
        return revenue_compute(scope=scope, today=day)

    def cached(day):
        return report_cache.report_cached(
            report="revenue", scope=scope, params={}, today=day, compute=lambda: compute(day)
        )

    first = cached(TODAY)
    with django_assert_num_queries(0):
        assert cached(TODAY) == first
    tomorrow = TODAY + datetime.timedelta(days=1)
    cached(tomorrow)

    assert calls == [TODAY, tomorrow]


def test_each_scope_and_filter_has_its_own_entry(rep, team_a, admin_user):
    keys = {
        report_cache.report_cache_key(report="nps", scope=scope, params=params, today=TODAY)
        for scope, params in [
            (ReportScope(user=rep), {}),
            (ReportScope(user=admin_user), {}),
            (ReportScope(user=admin_user, team=team_a), {}),
            (ReportScope(user=admin_user), {"date_from": datetime.date(2026, 1, 1)}),
        ]
    }
    assert len(keys) == 4


def test_entries_expire_at_midnight_in_tokyo():
    tokyo = timezone.get_fixed_timezone(9 * 60)
    late = datetime.datetime(2026, 11, 24, 23, 59, 30, tzinfo=tokyo)
    early = datetime.datetime(2026, 11, 24, 0, 0, 0, tzinfo=tokyo)

    assert report_cache.seconds_until_midnight(late) == 30
    assert report_cache.seconds_until_midnight(early) == 24 * 60 * 60


@pytest.mark.services
def test_the_daily_cache_works_on_redis_shared_by_web_workers(settings, rep):
    import os
    import uuid

    import redis

    from tests.conftest import require

    broker = os.environ.get("CELERY_BROKER_URL", "")
    require(broker.startswith("redis"), "needs CELERY_BROKER_URL on Redis")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": broker,
            # never cache.clear() here: it would flush the broker's database
            "KEY_PREFIX": f"crm-test-{uuid.uuid4().hex[:8]}",
        }
    }
    accounts_with_rows(rep, 2)
    scope = ReportScope(user=rep)
    key = report_cache.report_cache_key(report="revenue", scope=scope, params={}, today=TODAY)

    def cached(compute):
        return report_cache.report_cached(
            report="revenue", scope=scope, params={}, today=TODAY, compute=compute
        )

    try:
        computed = cached(lambda: revenue_compute(scope=scope, today=TODAY))
        assert cached(lambda: pytest.fail("computed twice")) == computed
        ttl = redis.Redis.from_url(broker).ttl(cache.make_key(key))
        assert 0 < ttl <= 24 * 60 * 60  # gone by midnight
    finally:
        cache.delete(key)
