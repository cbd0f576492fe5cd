"""The campaign, target, QBR and offer card lists run a fixed number of queries, however
many rows are behind them."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from campaigns.models import TargetStatus
from opportunities.models import OfferCard, OpportunityType
from tests.accounts.factories import AccountFactory, SubscriptionFactory
from tests.api.test_query_counts import AUTH, FEW, MANY, PAGE
from tests.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tests.opportunities.factories import FollowUpFactory
from tests.opportunities.qbr_factories import QBRFactory, QBRGoalFactory, motive

pytestmark = pytest.mark.django_db


def client_of(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def campaigns(manager, team, n):
    """`n` campaigns of the team, each with two targets, one of them assigned to a rep."""
    rep = AccountFactory().owner
    for campaign in CampaignFactory.create_batch(n, owner=manager, teams=[team]):
        CampaignTargetFactory(campaign=campaign)
        CampaignTargetFactory(
            campaign=campaign, rep=rep, status=TargetStatus.ASSIGNED, assigned_at=timezone.now()
        )
    return rep


def qbrs(owner, n):
    """`n` QBRs of the owner's accounts, each with attendees, a motive, a goal, an action item."""
    for index, account in enumerate(AccountFactory.create_batch(n, owner=owner)):
        meeting = QBRFactory(account=account, year=2020 + index // 4, quarter=1 + index % 4)
        meeting.our_attendees.set([owner])
        meeting.motives.set([motive("A")])
        QBRGoalFactory(meeting=meeting)
        meeting.action_items.create(follow_up=FollowUpFactory(account=account, owner=owner))


def offer_cards(rep, n):
    for account in AccountFactory.create_batch(n, owner=rep):
        OfferCard.objects.create(
            account=account,
            rep=rep,
            kind=OpportunityType.UPSELL,
            product=SubscriptionFactory(account=account).product,
            source="engine",
            rule="utilisation",
            monthly_uplift=10_000,
            probability="0.4",
            expected_value=4_000,
            generated_on=timezone.localdate(),
        )


# Campaigns: the page's rows carry product and owner ids and target counts (aggregated in the
# page query); the teams of the whole page come in 1 prefetch.
@pytest.mark.parametrize("rows", [FEW, MANY])
def test_campaigns(manager, team_a, rows, django_assert_num_queries):
    campaigns(manager, team_a, rows)
    CampaignFactory()  # another manager's campaign: scoped out
    api = client_of(manager)
    with django_assert_num_queries(AUTH + PAGE + 1):
        response = api.get("/api/v1/campaigns/")
    assert response.json()["count"] == rows
    assert len(response.json()["results"]) == min(rows, 50)


# Targets: the assigned rep's own, related rows as ids; nothing beyond count and page.
@pytest.mark.parametrize("rows", [FEW, MANY])
def test_a_reps_targets(manager, team_a, rows, django_assert_num_queries):
    rep = campaigns(manager, team_a, rows)
    api = client_of(rep)
    with django_assert_num_queries(AUTH + PAGE):
        response = api.get("/api/v1/campaign-targets/")
    assert response.json()["count"] == rows


# QBRs: 5 prefetches for the page (our attendees, customer attendees, motives, goals,
# action items), whatever the number of meetings on it.
@pytest.mark.parametrize("rows", [FEW, MANY])
def test_qbrs(cs_user, rows, django_assert_num_queries):
    qbrs(cs_user, rows)
    qbrs(AccountFactory().owner, 2)
    api = client_of(cs_user)
    with django_assert_num_queries(AUTH + PAGE + 5):
        response = api.get("/api/v1/qbrs/")
    body = response.json()
    assert body["count"] == rows
    assert all(len(row["goals"]) == 1 and len(row["action_items"]) == 1 for row in body["results"])


@pytest.mark.parametrize("rows", [FEW, MANY])
def test_offer_cards(rep, rows, django_assert_num_queries):
    offer_cards(rep, rows)
    api = client_of(rep)
    with django_assert_num_queries(AUTH + PAGE):
        response = api.get("/api/v1/offer-cards/")
    assert response.json()["count"] == rows
