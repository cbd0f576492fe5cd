"""Writes through the API leave the caller's name in the audit history, as page edits do: a
token-authenticated call (no session) is recorded against the token's user."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Account, Activity, Contact, NPSResponse, Subscription
from opportunities.models import FollowUp, Hearing, Opportunity
from tests.api.test_permission_matrix import WRITES
from tests.permission_matrix import url_of

# Each write to a model with audit history, and that model; a write to an existing row names
# it in the URL, a new row comes back with its id.
AUDITED_WRITES = {
    "edit account": (Account, "account"),
    "add contact": (Contact, None),
    "edit contact": (Contact, "contact"),
    "add subscription": (Subscription, None),
    "add NPS answer": (NPSResponse, None),
    "log activity": (Activity, None),
    "add opportunity": (Opportunity, None),
    "edit opportunity": (Opportunity, "opportunity"),
    "move opportunity": (Opportunity, "opportunity"),
    "record hearing": (Hearing, None),
    "add follow-up": (FollowUp, None),
    "complete follow-up": (FollowUp, "follow-up"),
}


@pytest.mark.parametrize("write", AUDITED_WRITES)
def test_an_api_write_records_the_token_user_in_the_history(world, write):
    model, existing = AUDITED_WRITES[write]
    entry = WRITES[write]
    rep = world.people["owning_rep"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=rep).key}")
    send = getattr(client, entry.method)

    response = send(url_of(world, entry), entry.data(world, rep), format="json")

    assert response.status_code == entry.expect.owning_rep, response.content
    pk = world.rows[existing].pk if existing else response.json()["id"]
    latest = model.history.filter(id=pk).order_by("-history_date", "-history_id").first()
    assert latest.history_type == ("~" if existing else "+")
    assert latest.history_user == rep


def test_completing_a_follow_up_twice_keeps_the_first_time_and_one_history_row(world):
    follow_up = world.rows["follow-up"]
    client = APIClient()
    client.force_authenticate(world.people["owning_rep"])
    url = reverse("api:follow-up-complete", args=[follow_up.pk])

    first = client.post(url, {}, format="json").json()["done_at"]
    second = client.post(url, {}, format="json").json()["done_at"]

    assert first is not None
    assert second == first
    assert follow_up.history.filter(history_type="~").count() == 1
