"""The one visibility rule (own / team / all), at the queryset every page, API and export uses."""

import pytest

from accounts.models import Account, AccountAssignment, Contact
from crm.users.models import Role
from tests.accounts.factories import AccountFactory, ContactFactory
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
        "a1": AccountFactory(owner=rep_a),
        "a2": AccountFactory(owner=rep_a, cs_owner=cs_a),
        "b1": AccountFactory(owner=rep_b),
        "b_cs": AccountFactory(owner=rep_b, cs_owner=cs_a),
    }


def names(qs):
    return set(qs.values_list("pk", flat=True))


def test_rep_sees_only_own_accounts(world):
    assert names(Account.objects.visible_to(world["rep_a"])) == {world["a1"].pk, world["a2"].pk}


def test_cs_sees_accounts_they_are_cs_owner_of(world):
    assert names(Account.objects.visible_to(world["cs_a"])) == {world["a2"].pk, world["b_cs"].pk}


def test_manager_sees_their_teams_accounts_including_cs_owned(world, team_a, team_b):
    assert names(Account.objects.visible_to(team_a.manager)) == {
        world["a1"].pk,
        world["a2"].pk,
        world["b_cs"].pk,
    }
    assert names(Account.objects.visible_to(team_b.manager)) == {world["b1"].pk, world["b_cs"].pk}


def test_admin_sees_all(world, admin_user):
    assert Account.objects.visible_to(admin_user).count() == 4


def test_campaign_assignment_grants_a_rep_access_without_duplicates(world):
    for source_id in (1, 2):
        AccountAssignment.objects.create(
            account=world["b1"], user=world["rep_a"], source="campaign", source_id=source_id
        )

    visible = Account.objects.visible_to(world["rep_a"])

    assert visible.count() == 3
    assert world["b1"].pk in names(visible)


def test_inactive_users_see_nothing(world):
    world["rep_a"].is_active = False

    assert not Account.objects.visible_to(world["rep_a"]).exists()


def test_rows_of_an_account_follow_its_visibility(world):
    ContactFactory(account=world["a1"])
    ContactFactory(account=world["b1"])

    assert [c.account for c in Contact.objects.visible_to(world["rep_a"])] == [world["a1"]]


def test_the_visible_ids_are_the_same_rule(world, team_a, admin_user):
    AccountAssignment.objects.create(
        account=world["b1"], user=world["rep_a"], source="campaign", source_id=1
    )
    inactive = UserFactory(role=Role.REP, team=team_a, is_active=False)
    AccountFactory(owner=inactive)

    for user in (world["rep_a"], world["rep_b"], world["cs_a"], team_a.manager, inactive):
        ids = Account.objects.visible_ids(user)
        assert names(Account.objects.filter(pk__in=ids)) == names(
            Account.objects.visible_to(user)
        ), user
    # every account: no filter at all
    assert Account.objects.visible_ids(admin_user) is None
