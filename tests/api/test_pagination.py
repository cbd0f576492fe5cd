"""The history lists page by cursor: every row once, in the list's order, whatever the ties,
the filters or the rows added meanwhile; a cursor the API did not make answers 404."""

import base64
import datetime

import pytest
from rest_framework.test import APIClient

from accounts.models import Activity
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    SubscriptionFactory,
    UsageRecordFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 1)


@pytest.fixture
def api(rep):
    client = APIClient()
    client.force_authenticate(rep)
    return client


def walk(api, url: str, **params) -> list[dict]:
    rows, link = [], url
    while link:
        response = api.get(link, params)
        assert response.status_code == 200, response.content
        body = response.json()
        assert "count" not in body
        rows += body["results"]
        link, params = body["next"], {}
    return rows


def test_every_activity_once_newest_first_across_days_of_ties(api, rep):
    account = AccountFactory(owner=rep)
    # 3 days of 7 activities: every page boundary but the last falls inside a day
    for days in range(3):
        ActivityFactory.create_batch(7, account=account, occurred_on=DAY - datetime.timedelta(days))
    ActivityFactory(account=AccountFactory())  # another rep's

    rows = walk(api, "/api/v1/activities/", page_size=5)

    expected = Activity.objects.filter(account=account).order_by("-occurred_on", "-id")
    assert [row["id"] for row in rows] == [activity.pk for activity in expected]


def test_a_chosen_order_with_ties_is_followed_to_the_end(api, rep):
    subscription = SubscriptionFactory(account=AccountFactory(owner=rep))
    for days in range(12):  # 3 distinct quantities, 4 days each
        UsageRecordFactory(
            subscription=subscription, date=DAY - datetime.timedelta(days), quantity=days % 3
        )

    rows = walk(api, "/api/v1/usage/", ordering="-quantity", page_size=5)

    assert [float(row["quantity"]) for row in rows] == [2] * 4 + [1] * 4 + [0] * 4
    assert len({row["id"] for row in rows}) == 12


def test_the_next_link_keeps_the_filters(api, rep):
    account, other = AccountFactory(owner=rep), AccountFactory(owner=rep)
    ActivityFactory.create_batch(4, account=account)
    ActivityFactory.create_batch(4, account=other)

    rows = walk(api, "/api/v1/activities/", account=account.pk, page_size=3)

    assert {row["account"] for row in rows} == {account.pk}
    assert len(rows) == 4


def test_a_row_added_while_paging_repeats_nothing(api, rep):
    account = AccountFactory(owner=rep)
    ActivityFactory.create_batch(6, account=account)
    first = api.get("/api/v1/activities/", {"page_size": 3}).json()
    # Newer than everything: with page numbers it would push the third row onto page 2.
    ActivityFactory(account=account, occurred_on=DAY + datetime.timedelta(1))

    second = api.get(first["next"]).json()

    ids = [row["id"] for row in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 6


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b'{"order": ["-occurred_on", "-id"], "after": ["x", 1]}').decode(),
        # made for another order than the list's
        base64.urlsafe_b64encode(b'{"order": ["id"], "after": [1]}').decode(),
    ],
)
def test_a_cursor_the_api_did_not_make_answers_404(api, rep, cursor):
    ActivityFactory(account=AccountFactory(owner=rep))

    response = api.get("/api/v1/activities/", {"cursor": cursor})

    assert response.status_code == 404


def test_the_page_size_has_the_same_bounds_as_numbered_pages(api, rep):
    assert api.get("/api/v1/activities/", {"page_size": "501"}).status_code == 400
    assert api.get("/api/v1/activities/", {"page_size": "500"}).status_code == 200


def test_a_page_number_is_refused_on_a_cursor_list(api, rep):
    response = api.get("/api/v1/usage/", {"page": "2"})

    # a client written for numbered pages is told, instead of getting page 1 for ever
    assert response.status_code == 400
    assert "page" in response.json()
