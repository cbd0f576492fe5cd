"""Who sees what: a rep reads their own book, a manager their teams', an administrator all,
in the pages and in every download; anonymous users are sent to log in."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoyaltyScore, ScoringRun
from crm.analytics.reports import REPORTS
from crm.users.models import Role
from opportunities.models import OfferCard
from tests.accounts.factories import (
    AccountFactory,
    AddOnFactory,
    NPSResponseFactory,
    OrderFactory,
    SubscriptionFactory,
)
from tests.opportunities.factories import OpportunityFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

# Each team's account carries figures found nowhere else: its monthly amount, the monthly
# change of its won upsell, the rule of its offer card.
MARKS = {
    "a": {"mrr": "123,456", "raw": "123456", "won": "13,579", "rule": "アップセル：利用の急成長"},
    "b": {
        "mrr": "765,432",
        "raw": "765432",
        "won": "97,531",
        "rule": "ダウンセル：更新間近の解約リスク",
    },
}


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def an_account(owner, *, amount, won, rule, tier, score, industry, age):
    """An account with figures of its own: its industry, its start (the cohort) and the close
    of its won deal (the month) differ from the other team's, so no total mixes the two."""
    account = AccountFactory(owner=owner, industry=industry)
    SubscriptionFactory(account=account, monthly_amount=amount, started_on=days_ago(age))
    OrderFactory(account=account, ordered_on=days_ago(30), total=amount * 12)
    NPSResponseFactory(account=account, score=score, answered_on=days_ago(20))
    OpportunityFactory(
        account=account,
        type="upsell",
        stage="won",
        closed_on=days_ago(age // 50),  # 10 and 50 days ago: two months
        monthly_amount_change=won,
    )
    OfferCard.objects.create(
        account=account, rep=owner, kind="upsell", product=AddOnFactory(), source="engine",
        rule=rule, monthly_uplift=1, probability=0.5, expected_value=1, generated_on=days_ago(15),
        status="dismissed",
    )  # fmt: skip
    LoyaltyScore.objects.create(account=account, as_of=days_ago(1), score=50, tier=tier)
    return account


@pytest.fixture
def world(team_a, team_b):
    rep_a = UserFactory(role=Role.REP, team=team_a)
    rep_b = UserFactory(role=Role.REP, team=team_b)
    ScoringRun.objects.create(as_of=days_ago(1), status="done", chunk_size=5000)
    an_account(
        rep_a, amount=123_456, won=13_579, rule="upsell_growth", tier="high", score=10,
        industry="manufacturing", age=500,
    )  # fmt: skip
    an_account(
        rep_b, amount=765_432, won=97_531, rule="down_sell_renewal", tier="low", score=0,
        industry="retail", age=2500,
    )  # fmt: skip
    return {"rep_a": rep_a, "rep_b": rep_b, "manager_a": team_a.manager, "team_b": team_b}


def everything_seen(client, user, query=None) -> str:
    """Every report page and every download of every table, as one text."""
    client.force_login(user)
    texts = []
    for report in REPORTS:
        response = client.get(reverse(report.url_name), query or {})
        assert response.status_code == 200, report.slug
        texts.append(response.text)
        for table in response.context["tables"]:
            download = client.get(
                reverse("analytics:export", args=[report.slug, table.slug, "csv"]), query or {}
            )
            assert download.status_code == 200, (report.slug, table.slug)
            texts.append(b"".join(download.streaming_content).decode("utf-8-sig"))
    return "\n".join(texts)


def sees(text: str, team: str) -> bool:
    marks = MARKS[team]
    found = [mark in text for mark in marks.values()]
    assert all(found) or not any(found), (team, dict(zip(marks, found, strict=True)))
    return all(found)


def test_a_rep_sees_only_their_own_book_in_pages_and_downloads(client, world):
    text = everything_seen(client, world["rep_b"])

    assert sees(text, "b")
    assert not sees(text, "a")


def test_a_manager_sees_their_teams_and_an_administrator_everything(client, world, admin_user):
    manager = everything_seen(client, world["manager_a"])
    assert sees(manager, "a") and not sees(manager, "b")

    admin = everything_seen(client, admin_user)
    assert sees(admin, "a") and sees(admin, "b")


def test_the_team_filter_narrows_and_never_widens(client, world, admin_user):
    # an administrator narrows to team B
    narrowed = everything_seen(client, admin_user, {"team": world["team_b"].pk})
    assert sees(narrowed, "b") and not sees(narrowed, "a")

    # a manager asking for another team's accounts gets an error and their own teams
    client.force_login(world["manager_a"])
    response = client.get(reverse("analytics:revenue"), {"team": world["team_b"].pk})
    assert response.status_code == 200
    assert "正しく選択してください" in response.text
    assert MARKS["a"]["mrr"] in response.text
    assert MARKS["b"]["mrr"] not in response.text
    download = client.get(
        reverse("analytics:export", args=["revenue", "industry", "csv"]),
        {"team": world["team_b"].pk},
    )
    assert MARKS["b"]["raw"] not in b"".join(download.streaming_content).decode("utf-8-sig")

    # a rep has no team to choose: the parameter is ignored
    rep_b = everything_seen(client, world["rep_b"], {"team": world["team_b"].manager.pk})
    assert sees(rep_b, "b") and not sees(rep_b, "a")


def test_loyalty_figures_follow_the_same_rule(client, world, admin_user):
    def scored(user):
        client.force_login(user)
        response = client.get(reverse("analytics:loyalty"))
        latest = next(t for t in response.context["tables"] if t.slug == "distribution").rows[-1]
        return latest["high"], latest["low"]

    assert scored(world["rep_a"]) == (1, 0)
    assert scored(world["rep_b"]) == (0, 1)
    assert scored(admin_user) == (1, 1)


def test_anonymous_users_are_sent_to_log_in(client):
    urls = [reverse("analytics:index")]
    urls += [reverse(report.url_name) for report in REPORTS]
    urls += [reverse("analytics:export", args=["revenue", "industry", "xlsx"])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("users:login")), url
