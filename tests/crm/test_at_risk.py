"""The at-risk accounts of the homes: the CS home's most urgent ten with their count, the full
list a page at a time and as a file, and the day's list kept in the cache without showing
what is no longer so. Who may open which page is in test_page_matrix.py."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, LoyaltyScore
from crm import selectors
from crm.users.models import Role
from tests.accounts.factories import AccountFactory, SubscriptionFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LIST = reverse("at_risk")


def risky(name: str, *, score: int, owner, cs_owner=None, on=TODAY) -> Account:
    account = AccountFactory(name=name, owner=owner, cs_owner=cs_owner)
    LoyaltyScore.objects.create(
        account=account, as_of=on, score=Decimal(score), tier="low", churn_risk=True
    )
    return account


@pytest.fixture
def book(rep, cs_user):
    """Five accounts of the CS user's at risk (scores 10 to 14), one of theirs that is not,
    and one at risk that another CS user looks after."""
    accounts = [risky(f"risky {i}", score=10 + i, owner=rep, cs_owner=cs_user) for i in range(5)]
    healthy = AccountFactory(name="healthy", owner=rep, cs_owner=cs_user)
    LoyaltyScore.objects.create(account=healthy, as_of=TODAY, score=Decimal(90), tier="high")
    other_cs = UserFactory(role=Role.CUSTOMER_SUCCESS)
    risky("someone else's", score=1, owner=rep, cs_owner=other_cs)
    return accounts


def names(response) -> list[str]:
    return [row.account.name for row in response.context["at_risk"].rows]


def test_the_cs_home_shows_the_most_urgent_ten_the_count_and_a_link(client, cs_user, rep, book):
    for i in range(5, 12):
        risky(f"risky {i}", score=10 + i, owner=rep, cs_owner=cs_user)
    client.force_login(cs_user)

    response = client.get(reverse("home_cs"))

    assert names(response) == [f"risky {i}" for i in range(10)]
    assert response.context["at_risk"].count == 12
    html = response.content.decode()
    assert f'href="{LIST}"' in html
    assert "someone else" not in html and "healthy" not in html


def test_the_list_pages_through_every_account_lowest_score_first(
    client, cs_user, book, monkeypatch
):
    monkeypatch.setattr(selectors, "AT_RISK_PER_PAGE", 2)
    client.force_login(cs_user)

    first, second, last = (client.get(LIST, {"page": n}) for n in (1, 2, 3))

    assert names(first) == ["risky 0", "risky 1"]
    assert names(second) == ["risky 2", "risky 3"]
    assert names(last) == ["risky 4"]
    assert first.context["at_risk"].count == 5
    assert 'href="?page=2"' in first.content.decode()
    # a page past the end shows the last; one that is not a number, the first
    assert names(client.get(LIST, {"page": 99})) == ["risky 4"]
    assert names(client.get(LIST, {"page": "x"})) == ["risky 0", "risky 1"]


def test_each_row_has_its_score_change_tier_owner_and_renewal(client, cs_user, rep):
    account = risky("falling", score=40, owner=rep, cs_owner=cs_user)
    LoyaltyScore.objects.filter(account=account).update(churn_risk=False)
    LoyaltyScore.objects.create(
        account=account, as_of=TODAY - datetime.timedelta(days=31), score=Decimal(52), tier="medium"
    )
    SubscriptionFactory(account=account, renewal_on=TODAY + datetime.timedelta(days=20))
    client.force_login(cs_user)

    (row,) = client.get(LIST).context["at_risk"].rows

    assert (row.account.owner, row.score.score, row.change) == (rep, Decimal(40), -12.0)
    assert (row.score.tier, row.next_renewal) == ("low", TODAY + datetime.timedelta(days=20))


def test_a_manager_lists_their_teams_accounts(client, manager, rep, team_b):
    risky("ours", score=10, owner=rep)
    risky("theirs", score=5, owner=UserFactory(role=Role.REP, team=team_b))
    client.force_login(manager)

    assert names(client.get(LIST)) == ["ours"]


def test_the_export_holds_every_row(client, cs_user, book):
    client.force_login(cs_user)

    response = client.get(reverse("at_risk_export", args=["csv"]))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [f"risky {i}" for i in range(5)]
    assert rows[1][4] == "10.0"


# session, user, the day scored, the page's scores with their renewals, their accounts and
# owners; on the day's first visit the list itself, once.
LIST_QUERIES = 5


@pytest.mark.parametrize("size", [3, 60])
def test_the_list_is_flat_in_queries(client, cs_user, rep, size, django_assert_num_queries):
    for i in range(size):
        risky(f"risky {i}", score=i % 90, owner=rep, cs_owner=cs_user)
    client.force_login(cs_user)

    with django_assert_num_queries(LIST_QUERIES + 1):
        client.get(LIST)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST, {"page": 2})

    assert response.context["at_risk"].count == size


def test_the_days_list_is_kept_but_the_rows_are_read_again(client, cs_user, rep, book):
    """The list is computed once a day; what a row shows is not, so an account handed to
    someone else, or scored out of risk, leaves the page at once."""
    client.force_login(cs_user)
    assert names(client.get(LIST))[:2] == ["risky 0", "risky 1"]

    Account.objects.filter(pk=book[0].pk).update(cs_owner=UserFactory(role=Role.CUSTOMER_SUCCESS))
    LoyaltyScore.objects.filter(account=book[1]).update(churn_risk=False)

    assert names(client.get(LIST)) == ["risky 2", "risky 3", "risky 4"]


def test_a_newly_scored_day_makes_a_new_list(client, cs_user, rep):
    yesterday = TODAY - datetime.timedelta(days=1)
    risky("at risk yesterday", score=10, owner=rep, cs_owner=cs_user, on=yesterday)
    client.force_login(cs_user)
    assert names(client.get(LIST)) == ["at risk yesterday"]

    # the night scores today: the first account recovered, another one fell
    account = Account.objects.get(name="at risk yesterday")
    LoyaltyScore.objects.create(account=account, as_of=TODAY, score=Decimal(80), tier="high")
    risky("at risk today", score=20, owner=rep, cs_owner=cs_user)

    assert names(client.get(LIST)) == ["at risk today"]


def test_the_night_computes_every_homes_list(
    client, cs_user, manager, book, django_assert_num_queries
):
    # the users 1, then for each of the manager and the two CS users the day scored and the list
    with django_assert_num_queries(1 + 3 * 2):
        assert selectors.at_risk_warm(today=TODAY) == 3
    client.force_login(cs_user)

    with django_assert_num_queries(LIST_QUERIES):  # no list to compute
        assert client.get(LIST).context["at_risk"].count == 5


def test_a_past_night_run_again_warms_nothing(cs_user, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.at_risk_warm(today=TODAY - datetime.timedelta(days=1)) == 0


def test_administrators_share_the_whole_list_but_not_their_cs_accounts(client, rep):
    """Administrators see every account and share one list; an administrator who is also a
    CS user (a superuser with that role) has their own CS accounts on their list."""
    first, second = (
        UserFactory(role=Role.CUSTOMER_SUCCESS, is_superuser=True, is_staff=True) for _ in range(2)
    )
    risky("first's", score=10, owner=rep, cs_owner=first)
    risky("second's", score=20, owner=rep, cs_owner=second)
    admin = UserFactory(role=Role.ADMIN)

    for user, expected in ((first, ["first's"]), (second, ["second's"])):
        client.force_login(user)
        assert names(client.get(LIST)) == expected
    client.force_login(admin)
    assert names(client.get(LIST)) == ["first's", "second's"]
