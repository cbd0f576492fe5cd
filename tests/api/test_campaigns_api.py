"""The campaigns API over the permission matrix: managers see their teams' campaigns and
admins all, reps and customer success none; a target is seen (and moved) by those who see its
campaign and by the rep it is assigned to. Moves follow the workflow's rules and reasons."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import CampaignTarget, TargetStatus
from opportunities.models import Opportunity, Source
from tests.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tests.permission_matrix import IDENTITIES, assert_status, client_for

SEES_THE_CAMPAIGN = frozenset({"team_manager", "admin"})
SEES_THE_TARGET = SEES_THE_CAMPAIGN | {"owning_rep"}


@pytest.fixture
def campaign_world(world):
    team_a = world.people["owning_rep"].team
    campaign = CampaignFactory(
        owner=world.people["team_manager"],
        teams=[team_a],
        status="active",
        frozen_at=timezone.now(),
    )
    world.rows["campaign"] = campaign
    world.rows["campaign-target"] = CampaignTargetFactory(
        campaign=campaign,
        account=world.rows["account"],
        rep=world.people["owning_rep"],
        status=TargetStatus.ASSIGNED,
        assigned_at=timezone.now(),
    )
    return world


def expected(who, seers, allowed=200):
    if who == "anonymous":
        return 401
    return allowed if who in seers else 404


@pytest.mark.parametrize("who", IDENTITIES)
@pytest.mark.parametrize(
    ("resource", "seers"),
    [("campaign", SEES_THE_CAMPAIGN), ("campaign-target", SEES_THE_TARGET)],
)
def test_lists_and_details(campaign_world, who, resource, seers):
    row = campaign_world.rows[resource]
    client = client_for(campaign_world, who, api=True)
    response = client.get(reverse(f"api:{resource}-list"), {"page_size": 500})
    if who == "anonymous":
        assert_status(response, 401, who)
    else:
        assert_status(response, 200, who)
        ids = {item["id"] for item in response.json()["results"]}
        assert (row.pk in ids) == (who in seers), (who, resource)
    response = client.get(reverse(f"api:{resource}-detail", args=[row.pk]))
    assert_status(response, expected(who, seers), f"{who} {resource}")


@pytest.mark.parametrize("who", IDENTITIES)
def test_a_target_is_moved_by_its_rep_and_its_campaigns_managers(campaign_world, who):
    target = campaign_world.rows["campaign-target"]
    url = reverse("api:campaign-target-move", args=[target.pk])
    response = client_for(campaign_world, who, api=True).post(
        url, {"status": "contacted", "note": "担当者と電話"}, format="json"
    )
    assert_status(response, expected(who, SEES_THE_TARGET), f"{who} move")
    target.refresh_from_db()
    moved = who in SEES_THE_TARGET
    assert target.status == (TargetStatus.CONTACTED if moved else TargetStatus.ASSIGNED)


def test_the_hearing_opens_the_campaigns_opportunity(campaign_world):
    target = campaign_world.rows["campaign-target"]
    CampaignTarget.objects.filter(pk=target.pk).update(status=TargetStatus.CONTACTED)
    client = client_for(campaign_world, "owning_rep", api=True)
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
def test_a_bad_move_is_a_400_that_changes_nothing(campaign_world, data, field):
    target = campaign_world.rows["campaign-target"]
    url = reverse("api:campaign-target-move", args=[target.pk])
    response = client_for(campaign_world, "owning_rep", api=True).post(url, data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    target.refresh_from_db()
    assert target.status == TargetStatus.ASSIGNED
    assert target.reason == ""


def test_a_declined_target_keeps_its_reason(campaign_world):
    target = campaign_world.rows["campaign-target"]
    url = reverse("api:campaign-target-move", args=[target.pk])
    response = client_for(campaign_world, "team_manager", api=True).post(
        url, {"status": "declined", "reason": "no_budget", "note": "来期予算"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["reason"] == "no_budget"
    assert response.json()["next_statuses"] == []
