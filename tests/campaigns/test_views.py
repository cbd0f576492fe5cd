"""The campaign pages over HTTP: bad input, the builder, the export and flat query counts.
Who may open and change which campaign and target is in tests/crm/test_page_matrix.py."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from crm.users.models import Role
from tests.accounts.factories import AccountFactory, PlanFactory
from tests.users.factories import UserFactory

from .factories import CampaignFactory, CampaignTargetFactory, LoyaltyScoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(team_a, team_b, manager, rep, cs_user, admin_user):
    """Team A's frozen campaign with one target assigned to `rep`; Team B's rep and manager."""
    campaign = CampaignFactory(
        owner=manager, teams=[team_a], status="active", frozen_at=timezone.now()
    )
    target = CampaignTargetFactory(
        campaign=campaign, account=AccountFactory(owner=rep), status="assigned", rep=rep
    )
    return {
        "campaign": campaign,
        "target": target,
        "rep_b": UserFactory(role=Role.REP, team=team_b),
        "manager_b": team_b.manager,
    }


def test_a_move_without_a_reason_shows_a_message_and_saves_nothing(client, world, rep):
    client.force_login(rep)
    response = client.post(
        reverse("campaigns:target_move", args=[world["target"].pk]),
        {"status": "declined"},
        follow=True,
    )
    assert "理由" in response.content.decode() or "Say why" in response.content.decode()
    world["target"].refresh_from_db()
    assert world["target"].status == "assigned"


def test_a_manager_creates_a_campaign_and_bad_input_saves_nothing(client, manager, team_a):
    client.force_login(manager)
    product = PlanFactory()
    data = {
        "name": "秋のクロスセル",
        "type": "cross_sell",
        "product": product.pk,
        "starts_on": "2026-09-01",
        "ends_on": "2026-08-01",
        "teams": [team_a.pk],
        "planned_targets": "100",
        "expected_success_rate": "15",
    }
    response = client.post(reverse("campaigns:create"), data)
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    assert not Campaign.objects.exists()
    response = client.post(reverse("campaigns:create"), {**data, "ends_on": "2026-11-30"})
    campaign = Campaign.objects.get()
    assert response["Location"] == campaign.get_absolute_url()
    assert campaign.revenue_per_win == product.monthly_price * 12


def test_preview_freeze_and_assign_over_http(client, manager, team_a, rep):
    campaign = CampaignFactory(owner=manager, teams=[team_a])
    for score in (90, 80, 20):
        LoyaltyScoreFactory(account=AccountFactory(owner=rep), score=score)
    client.force_login(manager)
    url = reverse("campaigns:segment_preview", args=[campaign.pk])
    response = client.get(url, {"score_min": "50"}, headers={"HX-Request": "true"})
    assert 'data-testid="segment-count"' in response.content.decode()
    assert response.context["preview"].count == 2
    response = client.get(url, {"score_min": "60", "score_max": "40"})
    assert response.context["preview"] is None  # the bounds are the wrong way round

    client.post(reverse("campaigns:freeze", args=[campaign.pk]), {"score_min": "50"})
    assert campaign.targets.count() == 2
    client.post(
        reverse("campaigns:assign", args=[campaign.pk]),
        {"strategy": "round_robin", "reps": [rep.pk]},
    )
    assert set(campaign.targets.values_list("rep", flat=True)) == {rep.pk}


def test_export_holds_the_frozen_values(client, world, manager):
    client.force_login(manager)
    target = world["target"]
    target.snapshot = {"name": "凍結時の社名", "score": 77.5}
    target.save()
    response = client.get(reverse("campaigns:export", args=[world["campaign"].pk, "csv"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "凍結時の社名" in body and "77.5" in body


def add_targets(campaign, rep, count):
    for _ in range(count):
        CampaignTargetFactory(
            campaign=campaign, account=AccountFactory(owner=rep), status="assigned", rep=rep
        )


def test_query_counts_stay_flat(client, world, manager, rep, django_assert_num_queries):
    campaign = world["campaign"]
    client.force_login(manager)
    detail = reverse("campaigns:detail", args=[campaign.pk])
    results = reverse("campaigns:results", args=[campaign.pk])
    for extra in (0, 15):
        add_targets(campaign, rep, extra)
        # session + user, campaign, target count, the teams' reps, unassigned count, the reps
        # for the reassignment menus, the plan's teams, the page of targets (rep, opportunity)
        with django_assert_num_queries(9):
            assert client.get(detail).status_code == 200
        # session + user, campaign, status counts, per rep, declines, dismisses, notes
        with django_assert_num_queries(8):
            assert client.get(results).status_code == 200
        # session + user, campaigns with counts
        with django_assert_num_queries(3):
            assert client.get(reverse("campaigns:list")).status_code == 200
    client.force_login(rep)
    for extra in (0, 15):
        add_targets(campaign, rep, extra)
        # session + user, targets with campaign, product, account and opportunity
        with django_assert_num_queries(3):
            assert client.get(reverse("campaigns:my_targets")).status_code == 200


def test_segment_preview_query_count_is_flat(
    client, manager, team_a, rep, django_assert_num_queries
):
    campaign = CampaignFactory(owner=manager, teams=[team_a])
    client.force_login(manager)
    url = reverse("campaigns:segment_preview", args=[campaign.pk])
    for extra in (25, 30):
        for _ in range(extra):
            LoyaltyScoreFactory(account=AccountFactory(owner=rep))
        # session + user, campaign, the sample, the count (run once the sample is full)
        with django_assert_num_queries(5):
            client.get(url, {"tiers": ["high"]})
