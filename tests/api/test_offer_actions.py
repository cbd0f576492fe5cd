"""Offer card answers through the API: what accepting and dismissing record, a card answered
once is gone, and bad dates and reasons are 400s that change nothing. That only the card's
own rep answers it is in tests/api/test_permission_matrix.py."""

import pytest
from django.urls import reverse

from accounts.models import Activity
from opportunities.models import OfferCard, Opportunity, Source
from tests.permission_matrix import client_for, today


def answer(world, who, action, data):
    card = world.rows["offer-card"]
    url = reverse(f"api:offer-card-{action}", args=[card.pk])
    return client_for(world, who, api=True).post(url, data, format="json")


def test_accepting_opens_the_prefilled_opportunity(world):
    response = answer(world, "owning_rep", "accept", {})
    body = response.json()
    opportunity = Opportunity.objects.get(pk=body["id"])
    assert opportunity.source == Source.OFFER_CARD
    assert opportunity.owner == world.people["owning_rep"]
    assert body["monthly_amount_change"] == 10_000
    assert OfferCard.objects.get(pk=world.rows["offer-card"].pk).opportunity == opportunity
    # answered once: a second answer finds no live card
    assert answer(world, "owning_rep", "dismiss", {"reason": "no_budget"}).status_code == 404


def test_a_dismissal_the_customer_gave_goes_on_the_timeline(world):
    response = answer(world, "owning_rep", "dismiss", {"reason": "no_budget", "note": "来期"})
    assert response.status_code == 200
    assert response.json()["dismiss_reason"] == "no_budget"
    assert Activity.objects.filter(account=world.rows["account"], kind=Activity.Kind.OFFER).exists()


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("snooze", {}, "until"),
        ("snooze", {"until": "tomorrow"}, "until"),
        ("snooze", {"until": "today"}, "until"),
        ("dismiss", {}, "reason"),
        ("dismiss", {"reason": "bored"}, "reason"),
        ("dismiss", {"reason": "other", "note": "  "}, "note"),
    ],
)
def test_bad_answers_are_400s_that_change_nothing(world, action, data, field):
    if data.get("until") == "today":
        data = {"until": today().isoformat()}
    response = answer(world, "owning_rep", action, data)
    assert response.status_code == 400
    assert field in response.json()
    card = OfferCard.objects.get(pk=world.rows["offer-card"].pk)
    assert card.status == OfferCard.Status.OPEN
    assert card.snoozed_until is None


def test_a_non_numeric_id_is_a_404(world):
    url = reverse("api:offer-card-list") + "abc/accept/"
    assert client_for(world, "owning_rep", api=True).post(url).status_code == 404
