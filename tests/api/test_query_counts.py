"""The main API lists run a fixed number of queries, whatever the number of rows behind them."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import LoyaltyScore, LoyaltyTier, ScoringRun, ScoringWeights
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    NPSResponseFactory,
    OrderFactory,
    SubscriptionFactory,
    UsageRecordFactory,
)
from tests.opportunities.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FEW, MANY = 3, 60  # MANY spans two pages of 50: the page size, not the table, bounds the work


def customers(owner, n):
    """`n` accounts of `owner`, each with a subscription and a week of its usage, an NPS
    answer, an activity, an order, an open opportunity, and loyalty scores on two days."""
    for account in AccountFactory.create_batch(n, owner=owner):
        subscription = SubscriptionFactory(account=account)
        for days in range(1, 8):
            UsageRecordFactory(subscription=subscription, date=TODAY - datetime.timedelta(days))
        NPSResponseFactory(account=account)
        ActivityFactory(account=account)
        OrderFactory(account=account)
        OpportunityFactory(account=account)
        LoyaltyScore.objects.bulk_create(
            LoyaltyScore(
                account=account,
                as_of=TODAY - datetime.timedelta(days),
                score=Decimal("61.5"),
                tier=LoyaltyTier.MEDIUM,
            )
            for days in (0, 1)
        )
    for days in (0, 1):  # the runs that scored those days, whose weights explain the scores
        ScoringRun.objects.get_or_create(
            as_of=TODAY - datetime.timedelta(days),
            defaults={"status": "done", "chunk_size": 1, "weights": ScoringWeights().as_dict()},
        )


@pytest.fixture
def api(rep):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=rep).key}")
    return client


# Every list: 1 for the token with its user (TokenAuthentication joins them), then
#   1 count for the paginator and 1 page of rows, scoped by visible_to(user) in a subquery;
#   the history lists, paged by cursor, have no count.
# What each row shows beside its own columns comes in that page query:
#   accounts: owner, team and CS owner joined; MRR and the latest NPS answer as subqueries;
#   opportunities, usage and scores: related rows as ids (no per-row lookup);
#   newest scores only: the latest day scored is an uncorrelated subquery of the same query;
#   orders: their lines in 1 more query (prefetched for the whole page);
#   scores: explained from their inputs, with 1 more query for the weights of the runs of the
#   page's days, however many rows and days.
AUTH = 1
PAGE = 2
CURSOR_PAGE = 1
EXPLAIN = 1
ENDPOINTS = {
    # name: (url, params, rows per customer, queries after authentication)
    "accounts": ("/api/v1/accounts/", {}, 1, PAGE),
    "opportunities": ("/api/v1/opportunities/", {}, 1, PAGE),
    "usage": ("/api/v1/usage/", {}, 7, CURSOR_PAGE),
    "activities": ("/api/v1/activities/", {}, 1, CURSOR_PAGE),
    "NPS answers": ("/api/v1/nps-answers/", {}, 1, CURSOR_PAGE),
    "orders": ("/api/v1/orders/", {}, 1, CURSOR_PAGE + 1),
    "loyalty scores": ("/api/v1/loyalty-scores/", {}, 2, CURSOR_PAGE + EXPLAIN),
    "newest loyalty scores": (
        "/api/v1/loyalty-scores/",
        {"latest": "true"},
        1,
        CURSOR_PAGE + EXPLAIN,
    ),
}


@pytest.mark.parametrize("rows", [FEW, MANY])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_main_lists_are_flat(api, rep, rows, endpoint, django_assert_num_queries):
    url, params, per_customer, queries = ENDPOINTS[endpoint]
    customers(rep, rows)
    customers(AccountFactory().owner, 2)  # another rep's customers: scoped out, not counted

    with django_assert_num_queries(AUTH + queries):
        response = api.get(url, params)

    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == min(rows * per_customer, 50)
    if "count" in body:
        assert body["count"] == rows * per_customer
    else:
        assert (body["next"] is None) == (rows * per_customer <= 50)


@pytest.mark.parametrize("endpoint", ["usage", "activities", "newest loyalty scores"])
def test_a_cursor_page_deep_in_a_history_list_is_as_flat_as_the_first(
    api, rep, endpoint, django_assert_num_queries
):
    url, params, per_customer, queries = ENDPOINTS[endpoint]
    customers(rep, MANY)
    seen, link = [], None
    for _page in range(2):
        with django_assert_num_queries(AUTH + queries):
            response = api.get(link or url, {} if link else params)
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        link = body["next"]

    # the second page's rows follow the first's, none of them twice
    assert len(seen) == len(set(seen)) == min(100, MANY * per_customer)
