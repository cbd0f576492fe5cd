"""Account pages run a fixed number of queries, whatever the number of rows behind them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    ContactFactory,
    NPSResponseFactory,
    SubscriptionFactory,
    UsageRecordFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def accounts_with_rows(owner, n):
    accounts = AccountFactory.create_batch(n, owner=owner)
    for account in accounts:
        SubscriptionFactory(account=account)
        NPSResponseFactory(account=account, score=account.pk % 11)
    return accounts


def a_full_account(owner, rows):
    """An account with `rows` contacts, subscriptions (with usage), NPS answers, activities."""
    account = AccountFactory(owner=owner)
    for i in range(rows):
        ContactFactory(account=account, is_primary=i == 0)
        subscription = SubscriptionFactory(account=account)
        for days in (1, 40, 200):
            UsageRecordFactory(
                subscription=subscription, date=TODAY - datetime.timedelta(days=days)
            )
        NPSResponseFactory(account=account, score=i % 11)
        ActivityFactory(account=account)
    return account


# List page: session, user, then
#   1 count for the paginator, 1 page of accounts with owner/team/CS owner joined and
#   MRR and latest NPS as subqueries, 1 for the owner filter's choices, 1 for the team filter's.
LIST_QUERIES = 2 + 4


@pytest.mark.parametrize("accounts", [10, 200])
def test_the_list_page_is_flat(client, rep, accounts, django_assert_num_queries):
    accounts_with_rows(rep, accounts)
    client.force_login(rep)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("accounts:list"), {"sort": "-mrr", "nps_category": ""})

    assert len(response.context["page"]) == min(accounts, 50)


@pytest.mark.parametrize("accounts", [10, 200])
def test_the_export_is_flat(client, rep, accounts, django_assert_num_queries):
    accounts_with_rows(rep, accounts)
    client.force_login(rep)

    # session, user, the owner and team filter choices validated from the query string (2 —
    # none given here, so 0), and the accounts streamed in one query (chunks of 2,000).
    with django_assert_num_queries(3):
        response = client.get(reverse("accounts:export", args=["csv"]))
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()

    assert len(lines) == accounts + 1


# Detail page: session, user, the account (owner, team, CS owner joined), then
#   contacts 1, subscriptions with 30-day usage summed 1, monthly usage series 1,
#   NPS answers 1, NPS of the account 1, activities 1 + their count 1,
#   audit history: 3 audited models × (newest versions + the versions before them) = 6,
#   products naming the subscription entries 1, users named in changes (CS owner) 1,
#   panels: the loyalty score history 1; from opportunities: deals 1, follow-ups 1, hearings 1,
#   offer cards 1 + product and motive names for their reasons 2, QBRs 1.
DETAIL_QUERIES = 3 + 7 + 6 + 2 + 1 + 3 + 3 + 1


@pytest.mark.parametrize("rows", [2, 30])
def test_the_detail_page_is_flat(client, rep, cs_user, rows, django_assert_num_queries):
    AccountFactory.create_batch(rows * 5, owner=rep)
    account = a_full_account(rep, rows)
    # Edits of every audited model, so the history has diffs to show, a user among them.
    for contact in account.contacts.all():
        services.contact_update(user=rep, contact=contact, title="部長")
    for subscription in account.subscriptions.all():
        services.subscription_update(user=rep, subscription=subscription, quantity=rows)
    services.account_update(user=rep, account=account, cs_owner=cs_user, employee_count=rows)
    client.force_login(rep)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(account.get_absolute_url())

    view = response.context["view"]
    assert len(view.contacts) == rows
    assert {c.new for e in view.history for c in e.changes} >= {str(cs_user), "部長"}
