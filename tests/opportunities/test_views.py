"""The pipeline pages over HTTP: moves, bad input, and query counts that stay flat. Who sees
and changes what is in tests/crm/test_page_matrix.py."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.users.models import Role
from opportunities.models import FollowUp, Hearing, Opportunity, Stage, WatchCondition
from tests.accounts.factories import AccountFactory
from tests.users.factories import UserFactory

from .factories import FollowUpFactory, HearingFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def deal(world):
    opportunity = OpportunityFactory(account=world["account"], name="見える商談")
    hearing = HearingFactory(account=world["account"], opportunity=opportunity)
    follow_up = FollowUpFactory(account=world["account"], title="見えるフォロー")
    return {"opportunity": opportunity, "hearing": hearing, "follow_up": follow_up}


def test_the_board_moves_a_card_and_answers_the_refreshed_board(client, deal, rep):
    client.force_login(rep)
    url = reverse("opportunities:board_move", args=[deal["opportunity"].pk])

    response = client.post(url, {"stage": Stage.PROPOSAL}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'id="board"' in response.text and "<html" not in response.text
    deal["opportunity"].refresh_from_db()
    assert deal["opportunity"].stage == Stage.PROPOSAL
    assert deal["opportunity"].stage_changes.last().changed_by == rep


def test_dropping_on_lost_asks_for_the_reason_first(client, deal, rep):
    client.force_login(rep)
    url = reverse("opportunities:board_move", args=[deal["opportunity"].pk])

    response = client.post(url, {"stage": Stage.LOST}, HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"].endswith("?stage=lost#stage")
    deal["opportunity"].refresh_from_db()
    assert deal["opportunity"].stage == Stage.PROSPECTING

    stage_url = reverse("opportunities:stage", args=[deal["opportunity"].pk])
    refused = client.post(stage_url, {"stage": Stage.LOST, "loss_reason": ""})
    assert refused.status_code == 422
    assert "Say why the opportunity was lost." in refused.text or "失注理由" in refused.text
    client.post(stage_url, {"stage": Stage.LOST, "loss_reason": "競合に決まった"})
    deal["opportunity"].refresh_from_db()
    assert deal["opportunity"].stage == Stage.LOST


def opportunity_payload(account, owner, **overrides):
    return {
        "account": account.pk,
        "name": "追加席の提案",
        "type": "upsell",
        "owner": owner.pk,
        "stage": Stage.PROSPECTING,
        "probability": "",
        "expected_close": (TODAY() + datetime.timedelta(days=20)).isoformat(),
        "monthly_amount_change": 10_000,
        "contract_value": 120_000,
        **overrides,
    }


def test_creating_an_opportunity(client, world, rep):
    client.force_login(rep)

    response = client.post(
        reverse("opportunities:create"), opportunity_payload(world["account"], rep)
    )

    opportunity = Opportunity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == opportunity.get_absolute_url()
    assert (opportunity.probability, opportunity.stage_changes.count()) == (10, 1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"probability": 120}, "Probability must be between 0 and 100."),
        ({"contract_value": -1}, "Amounts cannot be negative."),
        ({"monthly_amount_change": -1}, "Amounts cannot be negative."),
        ({"expected_close": "2020-01-01"}, "The expected close cannot be before"),
    ],
)
def test_bad_input_shows_a_clear_message_and_saves_nothing(client, world, rep, overrides, message):
    client.force_login(rep)
    client.cookies["django_language"] = "en"
    rep.preferred_language = "en"
    rep.save()

    response = client.post(
        reverse("opportunities:create"), opportunity_payload(world["account"], rep, **overrides)
    )

    assert response.status_code == 200
    assert message in response.text
    assert not Opportunity.objects.exists()


def test_a_rep_cannot_give_a_deal_to_someone_else(client, world, rep, team_a):
    colleague = UserFactory(role=Role.REP, team=team_a)
    client.force_login(rep)

    client.post(reverse("opportunities:create"), opportunity_payload(world["account"], colleague))

    assert not Opportunity.objects.exists()


def test_customer_success_edits_the_reps_deal_without_taking_it_over(
    client, world, rep, cs_user, team_a
):
    """The deal's owner stays a valid choice on its edit form (CS may give deals only to
    themselves, but keeps the rep as owner); handing it to someone else is still refused."""
    opportunity = OpportunityFactory(account=world["account"], owner=rep)
    payload = opportunity_payload(world["account"], rep, probability=10, next_step="見積を送る")
    url = reverse("opportunities:edit", args=[opportunity.pk])
    client.force_login(cs_user)

    assert client.post(url, payload).status_code == 302
    colleague = UserFactory(role=Role.REP, team=team_a)
    refused = client.post(url, {**payload, "owner": colleague.pk, "next_step": "他の人へ"})

    assert refused.status_code == 200
    opportunity.refresh_from_db()
    assert (opportunity.owner, opportunity.next_step) == (rep, "見積を送る")


def test_logging_a_hearing_and_a_goal_over_http(client, world, rep):
    client.force_login(rep)

    response = client.post(
        reverse("opportunities:hearing_create") + f"?account={world['account'].pk}",
        {
            "held_on": TODAY().isoformat(),
            "q_adoption_intent": "Trial first, then decide",
            "q_budget_if_works": "300000",
            "q_expansion_departments": "営業部、マーケティング部\n人事部",
            "q_timeline": "2027-03-31",
            "hesitant": "on",
        },
    )

    hearing = Hearing.objects.get()
    assert response["Location"] == hearing.get_absolute_url()
    assert hearing.completeness == 40
    assert hearing.expansion_departments == ["営業部", "マーケティング部", "人事部"]
    assert FollowUp.objects.get().owner == world["account"].cs_owner

    goal_url = reverse("opportunities:hearing_goal_create", args=[hearing.pk])
    refused = client.post(goal_url, {"metric": "orders", "threshold": "0"})
    assert refused.status_code == 422 and not WatchCondition.objects.exists()
    client.post(
        goal_url,
        {
            "metric": "orders",
            "threshold": "3",
            "deadline": (TODAY() + datetime.timedelta(days=90)).isoformat(),
            "promised_action": "広告費を2倍にする",
            "promised_value": "200000",
            "opportunity_type": "upsell",
        },
    )
    assert WatchCondition.objects.get().starts_on == TODAY()


def test_follow_up_lists_split_overdue_and_due_today(client, world, rep):
    FollowUpFactory(
        account=world["account"],
        owner=rep,
        title="昨日の宿題",
        due_on=TODAY() - datetime.timedelta(days=1),
    )
    FollowUpFactory(account=world["account"], owner=rep, title="今日の宿題")
    FollowUpFactory(account=world["account"], owner=rep, title="済んだ宿題", done_at=timezone.now())
    client.force_login(rep)

    lists = client.get(reverse("opportunities:follow_ups")).context["lists"]

    assert [f.title for f in lists.overdue] == ["昨日の宿題"]
    assert [f.title for f in lists.today] == ["今日の宿題"]


def test_the_rep_home_shows_follow_ups_due_and_the_open_pipeline(client, world, rep):
    FollowUpFactory(account=world["account"], owner=rep, title="今日の宿題")
    OpportunityFactory(
        account=world["account"], stage=Stage.PROPOSAL, contract_value=1_000_000, probability=50
    )
    client.force_login(rep)

    response = client.get(reverse("home_rep"))

    assert "今日の宿題" in response.text
    assert response.context["pipeline"]["weighted"] == 500_000


def test_the_account_panels_list_this_accounts_rows_in_fixed_queries(
    rf, world, rep, deal, django_assert_num_queries
):
    from opportunities.panels import account_pipeline_panels

    request = rf.get("/")
    request.user = rep
    with django_assert_num_queries(3):  # opportunities, hearings, follow-ups
        provided = account_pipeline_panels(request=request, account=world["account"])

    panels = {
        slot: [p for p in provided if p.slot == slot] for slot in ("opportunities", "hearings")
    }
    assert [p.template for p in panels["opportunities"]] == [
        "opportunities/panels/opportunities.html",
        "opportunities/panels/follow_ups.html",
    ]
    assert panels["hearings"][0].context["hearings"] == [deal["hearing"]]


def grow(world, rep, n):
    for i in range(n):
        account = AccountFactory(owner=rep) if i % 2 else world["account"]
        OpportunityFactory(account=account, stage=list(Stage)[i % 4])


@pytest.mark.parametrize("name", ["board", "list", "forecast"])
def test_pipeline_pages_use_the_same_queries_for_few_and_many_deals(
    client, world, rep, name, django_assert_num_queries
):
    client.force_login(rep)
    url = reverse(f"opportunities:{name}")
    client.get(url)  # warm the session
    # session, user, owner choices, team choices, the deals (+ count on the paginated list)
    expected = {"board": 5, "list": 6, "forecast": 5}[name]

    grow(world, rep, 3)
    with django_assert_num_queries(expected):
        client.get(url)
    grow(world, rep, 30)
    with django_assert_num_queries(expected):
        client.get(url)


def test_follow_up_list_and_detail_pages_stay_flat(client, world, rep, django_assert_num_queries):
    client.force_login(rep)
    opportunity = OpportunityFactory(account=world["account"])
    detail = reverse("opportunities:detail", args=[opportunity.pk])
    follow_ups = reverse("opportunities:follow_ups")

    def add(n):
        for _ in range(n):
            FollowUpFactory(account=world["account"], owner=rep, opportunity=opportunity)
            HearingFactory(account=world["account"], opportunity=opportunity)

    add(1)
    # session, user, the deal, stage history, hearings, follow-ups
    with django_assert_num_queries(6):
        client.get(detail)
    with django_assert_num_queries(3):  # session, user, follow-ups
        client.get(follow_ups)
    add(10)
    with django_assert_num_queries(6):
        client.get(detail)
    with django_assert_num_queries(3):
        client.get(follow_ups)
