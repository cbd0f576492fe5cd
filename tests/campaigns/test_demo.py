import pytest
from django.core.management import call_command

from campaigns.models import Campaign, CampaignTarget
from opportunities.models import OfferCard

pytestmark = pytest.mark.django_db


def test_demo_has_an_active_campaign_of_each_type_with_targets_in_several_states():
    call_command("seed_demo", accounts=300, verbosity=0)
    campaigns = Campaign.objects.filter(status="active")
    assert sorted(campaigns.values_list("type", flat=True)) == [
        "cross_sell",
        "down_sell",
        "upsell",
    ]
    for campaign in campaigns:
        statuses = set(campaign.targets.values_list("status", flat=True))
        assert {"assigned", "contacted"} <= statuses, campaign
        assert len(statuses) >= 4, (campaign, statuses)
    snapshot = (
        list(CampaignTarget.objects.order_by("pk").values_list("account", "rep", "status")),
        OfferCard.objects.count(),
    )
    call_command("seed_demo", accounts=300, verbosity=0)  # a second run changes nothing
    assert (
        list(CampaignTarget.objects.order_by("pk").values_list("account", "rep", "status")),
        OfferCard.objects.count(),
    ) == snapshot
