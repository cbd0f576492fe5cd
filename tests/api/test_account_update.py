"""Updating an account through the API as someone who sees it without being able to assign
its people: what they read, they can send back; what they may not assign stays refused."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Account
from crm.users.models import Role
from tests.accounts.factories import AccountFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_account(team_a, team_b, cs_user):
    """Owned by a Team B rep, looked after by Team A's customer success."""
    owner = UserFactory(role=Role.REP, team=team_b)
    return AccountFactory(owner=owner, cs_owner=cs_user, name="共有商事")


@pytest.fixture
def cs_api(cs_user):
    client = APIClient()
    client.force_authenticate(cs_user)
    return client


def test_cs_member_puts_back_what_they_read_with_the_other_teams_owner(cs_api, shared_account):
    url = f"/api/v1/accounts/{shared_account.pk}/"
    body = cs_api.get(url).json()
    body["name"] = "共有商事ホールディングス"
    response = cs_api.put(url, body, format="json")
    assert response.status_code == 200, response.content
    shared_account.refresh_from_db()
    assert shared_account.name == "共有商事ホールディングス"
    assert response.json()["owner"] == shared_account.owner_id


def test_cs_member_still_cannot_hand_the_account_to_someone_outside_their_team(
    cs_api, shared_account, team_b
):
    stranger = UserFactory(role=Role.REP, team=team_b)
    url = f"/api/v1/accounts/{shared_account.pk}/"
    body = cs_api.get(url).json() | {"owner": stranger.pk, "name": "変更されない"}
    response = cs_api.put(url, body, format="json")
    assert response.status_code == 400
    assert "owner" in response.json()
    stored = Account.objects.get(pk=shared_account.pk)
    assert (stored.owner_id, stored.name) == (shared_account.owner_id, "共有商事")
