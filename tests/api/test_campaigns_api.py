"""Campaign targets moved through the API follow the workflow's rules and reasons. Who sees
and moves which campaign and target is in tests/api/test_permission_matrix.py."""

import pytest
from django.urls import reverse

from campaigns.models import CampaignTarget, TargetStatus
from opportunities.models import Opportunity, Source
from tests.permission_matrix import client_for


def test_the_hearing_opens_the_campaigns_opportunity(world):
    target = world.rows["campaign-target"]
    CampaignTarget.objects.filter(pk=target.pk).update(status=TargetStatus.CONTACTED)
    client = client_for(world, "owning_rep", api=True)
    url = reverse("api:campaign-target-move", args=[target.pk])
    body = client.post(url, {"status": "hearing_done"}, format="json").json()
    assert body["status"] == "hearing_done"
    assert body["next_statuses"] == ["proposal", "declined", "do_not_contact"]
    assert Opportunity.objects.get(pk=body["opportunity"]).source == Source.CAMPAIGN


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "won"}, "status"),  # not a step from "assigned"
        ({"status": "sleeping"}, "status"),
        ({"status": "declined"}, "reason"),  # a closing outcome needs a reason
        ({"status": "declined", "reason": "bored"}, "reason"),
    ],
)
def test_a_bad_move_is_a_400_that_changes_nothing(world, data, field):
    target = world.rows["campaign-target"]
    url = reverse("api:campaign-target-move", args=[target.pk])
    response = client_for(world, "owning_rep", api=True).post(url, data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    target.refresh_from_db()
    assert target.status == TargetStatus.ASSIGNED
    assert target.reason == ""


def test_a_declined_target_keeps_its_reason(world):
    target = world.rows["campaign-target"]
    url = reverse("api:campaign-target-move", args=[target.pk])
    response = client_for(world, "team_manager", api=True).post(
        url, {"status": "declined", "reason": "no_budget", "note": "来期予算"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["reason"] == "no_budget"
    assert response.json()["next_statuses"] == []
