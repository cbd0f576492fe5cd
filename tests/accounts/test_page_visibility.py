"""The visibility rule on every account page: list, detail, edit, rows, and export, over
three accounts (a teammate's account without CS is not the CS user's).

A user who may not see an account finds it absent from lists and exports and gets 404 on
its pages and forms, exactly as for an account that does not exist. Writes refused to other
teams are in the shared matrix, tests/crm/test_page_matrix.py.
"""

import pytest
from django.urls import reverse

from crm.users.models import Role
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    ContactFactory,
    NPSResponseFactory,
    SubscriptionFactory,
)
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(team_a, team_b):
    rep_a = UserFactory(role=Role.REP, team=team_a)
    rep_b = UserFactory(role=Role.REP, team=team_b)
    cs_a = UserFactory(role=Role.CUSTOMER_SUCCESS, team=team_a)
    return {
        "rep_a": rep_a,
        "rep_b": rep_b,
        "cs_a": cs_a,
        "manager_a": team_a.manager,
        "manager_b": team_b.manager,
        "admin": UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True),
        "a_owned": AccountFactory(owner=rep_a, name="A社(営業A)"),
        "a_cs": AccountFactory(owner=rep_a, cs_owner=cs_a, name="A社(CS付き)"),
        "b_owned": AccountFactory(owner=rep_b, name="B社(営業B)"),
    }


# who → which accounts they may see
MATRIX = {
    "rep_a": {"a_owned", "a_cs"},
    "rep_b": {"b_owned"},
    "cs_a": {"a_cs"},
    "manager_a": {"a_owned", "a_cs"},
    "manager_b": {"b_owned"},
    "admin": {"a_owned", "a_cs", "b_owned"},
}
ACCOUNTS = ("a_owned", "a_cs", "b_owned")


def account_pages(account):
    contact = ContactFactory(account=account)
    subscription = SubscriptionFactory(account=account)
    activity = ActivityFactory(account=account)
    answer = NPSResponseFactory(account=account)
    pk = account.pk
    return [
        reverse("accounts:detail", args=[pk]),
        reverse("accounts:update", args=[pk]),
        reverse("accounts:contact_create", args=[pk]),
        reverse("accounts:contact_update", args=[pk, contact.pk]),
        reverse("accounts:subscription_create", args=[pk]),
        reverse("accounts:subscription_update", args=[pk, subscription.pk]),
        reverse("accounts:activity_create", args=[pk]),
        reverse("accounts:activity_update", args=[pk, activity.pk]),
        reverse("accounts:nps_create", args=[pk]),
        reverse("accounts:nps_update", args=[pk, answer.pk]),
    ]


@pytest.mark.parametrize("who", MATRIX)
def test_the_list_shows_exactly_the_accounts_the_user_may_see(client, world, who):
    client.force_login(world[who])

    response = client.get(reverse("accounts:list"))

    assert {a.pk for a in response.context["page"]} == {world[k].pk for k in MATRIX[who]}


@pytest.mark.parametrize("who", MATRIX)
def test_the_export_holds_exactly_the_accounts_the_user_may_see(client, world, who):
    client.force_login(world[who])

    csv = b"".join(client.get(reverse("accounts:export", args=["csv"])).streaming_content)

    for key in ACCOUNTS:
        assert (world[key].name.encode() in csv) == (key in MATRIX[who]), key


@pytest.mark.parametrize("who", MATRIX)
@pytest.mark.parametrize("key", ACCOUNTS)
def test_account_pages_open_for_visible_accounts_and_404_for_the_others(client, world, who, key):
    urls = account_pages(world[key])
    client.force_login(world[who])

    expected = 200 if key in MATRIX[who] else 404
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, expected)


def test_a_missing_account_is_404_like_a_forbidden_one(client, world):
    client.force_login(world["admin"])

    assert client.get(reverse("accounts:detail", args=[999_999])).status_code == 404


def test_filter_choices_offer_only_the_users_own_people_and_teams(client, world, team_a):
    client.force_login(world["rep_a"])

    form = client.get(reverse("accounts:list")).context["form"]

    assert set(form.fields["team"].queryset) == {team_a}
    assert world["rep_b"] not in form.fields["owner"].queryset
