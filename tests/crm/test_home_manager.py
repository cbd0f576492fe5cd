"""The manager's home: their teams' pipeline and forecast, campaign progress, offer acceptance
and at-risk accounts, for managers only, flat in queries however large the teams."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import TargetStatus
from crm.users.models import Role
from opportunities.models import DismissReason, OfferCard, Stage
from tests.accounts.factories import AccountFactory, SubscriptionFactory
from tests.campaigns.factories import CampaignFactory, CampaignTargetFactory, LoyaltyScoreFactory
from tests.opportunities.factories import OpportunityFactory
from tests.opportunities.test_offers_views import make_card
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home_manager")
TODAY = timezone.localdate()


def card(account, status, **fields):
    plan = SubscriptionFactory(account=account).product
    return make_card(account, product=plan, current=plan, status=status, **fields)


def team_world(team, rep, *, deals: int, at_risk: int, label: str):
    """`deals` open deals of ¥1.2M at 10% for `rep`, cards answered 2 yes / 1 no, an active
    campaign with one won target, and `at_risk` accounts with a churn-risk score."""
    for i in range(deals):
        OpportunityFactory(account=AccountFactory(owner=rep, name=f"{label} deal {i}"))
    accounts = [AccountFactory(owner=rep, name=f"{label} card {i}") for i in range(3)]
    card(accounts[0], OfferCard.Status.ACCEPTED)
    card(accounts[1], OfferCard.Status.ACCEPTED)
    card(
        accounts[2],
        OfferCard.Status.DISMISSED,
        dismiss_reason=DismissReason.NO_BUDGET,
        acted_at=timezone.now(),
    )
    campaign = CampaignFactory(
        name=f"{label} campaign", owner=team.manager, teams=[team], status="active"
    )
    CampaignTargetFactory(campaign=campaign, account=accounts[0], rep=rep, status=TargetStatus.WON)
    CampaignTargetFactory(campaign=campaign, account=accounts[1], rep=rep, status="contacted")
    for i in range(at_risk):
        account = AccountFactory(owner=rep, name=f"{label} risky {i}")
        LoyaltyScoreFactory(account=account, score=Decimal(10 + i), tier="low", churn_risk=True)
        SubscriptionFactory(account=account, renewal_on=TODAY + datetime.timedelta(days=40))


@pytest.fixture
def teams(team_a, team_b, rep):
    rep_b = UserFactory(role=Role.REP, team=team_b, last_name="西", first_name="花子")
    team_world(team_a, rep, deals=2, at_risk=2, label="A")
    team_world(team_b, rep_b, deals=3, at_risk=1, label="B")
    return rep, rep_b


def test_the_manager_sees_their_teams_figures_and_none_of_another_team(client, manager, teams):
    rep, _rep_b = teams
    client.force_login(manager)

    response = client.get(HOME)

    assert response.status_code == 200
    home = response.context["home"]
    assert home.pipeline["count"] == 2
    assert home.pipeline["weighted"] == 2 * 120_000
    assert [(row["owner_id"], row["count"]) for row in home.pipeline_by_rep] == [(rep.pk, 2)]
    assert [c.name for c in home.campaigns] == ["A campaign"]
    (campaign,) = home.campaigns
    assert (campaign.target_count, campaign.worked_count, campaign.won_count) == (2, 2, 1)
    assert [
        (row["rep__email"], row["accepted"], row["dismissed"]) for row in home.offers_by_rep
    ] == [(rep.email, 2, 1)]
    assert home.offer_totals["acceptance"] == 67
    assert [row.account.name for row in home.at_risk.rows] == ["A risky 0", "A risky 1"]
    assert home.at_risk.count == 2
    assert home.at_risk.rows[0].next_renewal == TODAY + datetime.timedelta(days=40)
    html = response.content.decode()
    assert "B deal" not in html and "B risky" not in html and "B campaign" not in html
    assert reverse("opportunities:whitespace:grid") in html
    assert reverse("campaigns:results", args=[campaign.pk]) in html
    # every chart has its table beside it, with the same figures
    charts = response.context["charts"]
    assert charts["reps"]["datasets"][0]["data"] == [240_000]
    assert charts["offers"]["datasets"][0]["data"] == [2]
    assert 'data-chart-source="manager-offers"' in html


def test_the_other_manager_sees_only_theirs(client, team_b, teams):
    client.force_login(team_b.manager)

    home = client.get(HOME).context["home"]

    assert home.pipeline["count"] == 3
    assert [row.account.name for row in home.at_risk.rows] == ["B risky 0"]


@pytest.mark.parametrize("role", [Role.REP, Role.CUSTOMER_SUCCESS])
def test_only_managers_have_a_manager_home(client, team_a, role):
    client.force_login(UserFactory(role=role, team=team_a))
    assert client.get(HOME).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("users:login"))


def test_a_manager_without_a_team_sees_empty_panels(client):
    manager = UserFactory(role=Role.MANAGER)
    client.force_login(manager)

    response = client.get(HOME)

    assert response.status_code == 200
    home = response.context["home"]
    assert (home.pipeline["count"], home.at_risk.count, home.campaigns) == (0, 0, [])
    assert not home.teams.exists()


# session, user, then teams 1 + members 1, pipeline by stage 1, by rep 1, forecast 1,
# active campaigns 1, offer acceptance by rep 1, the day scored 1, the shown at-risk scores
# with their next renewals 1 + their accounts and owners 1; on the day's first visit, the
# at-risk list itself 1 more (kept for the day after it).
HOME_QUERIES = 2 + 2 + 3 + 1 + 1 + 3


@pytest.mark.parametrize("size", [2, 30])
def test_the_manager_home_is_flat(client, manager, team_a, rep, size, django_assert_num_queries):
    reps = [rep, *(UserFactory(role=Role.REP, team=team_a) for _ in range(size // 10))]
    for i in range(size):
        team_world(team_a, reps[i % len(reps)], deals=1, at_risk=1, label=f"{i}")
    client.force_login(manager)

    with django_assert_num_queries(HOME_QUERIES + 1):
        client.get(HOME)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(HOME)

    home = response.context["home"]
    assert home.pipeline["count"] == size
    assert home.at_risk.count == size
    assert len(home.at_risk.rows) == min(size, 10)
    assert len(home.campaigns) == size


def test_offer_acceptance_counts_the_answers_not_the_cards_still_live(client, manager, rep):
    """The home's acceptance by rep reads the answered cards only (the report one click away
    counts the live ones too): a rep with nothing answered yet is not in the table."""
    newcomer = UserFactory(role=Role.REP, team=rep.team, last_name="新人")
    card(AccountFactory(owner=newcomer), OfferCard.Status.OPEN)
    card(AccountFactory(owner=rep), OfferCard.Status.ACCEPTED)
    client.force_login(manager)

    home = client.get(HOME).context["home"]

    assert [(row["rep__email"], row["accepted"]) for row in home.offers_by_rep] == [(rep.email, 1)]
    assert home.offer_totals == {"accepted": 1, "dismissed": 0, "acceptance": 100}


def test_a_lost_deal_is_not_in_the_open_pipeline(client, manager, rep):
    OpportunityFactory(
        account=AccountFactory(owner=rep), stage=Stage.LOST, loss_reason="他社", closed_on=TODAY
    )
    client.force_login(manager)

    assert client.get(HOME).context["home"].pipeline["count"] == 0
