"""Freezing, assignment strategies, offer cards, the target workflow and the results maths."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.models import Account, AccountAssignment, Activity
from campaigns import selectors, services
from campaigns.models import Campaign, CampaignTarget, TargetReason, TargetStatus
from campaigns.segments import SegmentCriteria
from crm.users.models import Role
from opportunities.models import DismissReason, OfferCard, Opportunity, Stage
from opportunities.offers.selectors import offer_cards_worded
from tests.accounts.factories import AccountFactory, PlanFactory
from tests.opportunities.factories import OpportunityFactory
from tests.users.factories import UserFactory

from .factories import CampaignFactory, CampaignTargetFactory, LoyaltyScoreFactory

pytestmark = pytest.mark.django_db


def freeze(campaign, manager, **criteria):
    return services.campaign_freeze(
        campaign=campaign,
        by=manager,
        criteria=SegmentCriteria(**criteria),
        today=timezone.localdate(),
    )


# --- the plan -----------------------------------------------------------------------------


def test_plan_is_targets_times_success_rate(manager, team_a):
    campaign = CampaignFactory(
        owner=manager, teams=[team_a], planned_targets=250, expected_success_rate=Decimal("12.5")
    )
    assert campaign.planned_wins == Decimal("31.3")  # 250 × 12.5 % = 31.25
    assert campaign.planned_revenue == 18_750_000  # 31.25 wins × ¥600,000
    assert campaign.probability == Decimal("0.125")


def test_create_defaults_revenue_per_win_to_a_year_of_the_offer(manager, team_a, team_b):
    product = PlanFactory(monthly_price=40_000)
    kwargs = {
        "by": manager,
        "name": "春のアップセル",
        "type": "upsell",
        "product": product,
        "starts_on": datetime.date(2026, 4, 1),
        "ends_on": datetime.date(2026, 6, 30),
        "planned_targets": 10,
        "expected_success_rate": Decimal(30),
    }
    campaign = services.campaign_create(teams=[team_a], **kwargs)
    assert campaign.revenue_per_win == 12 * product.monthly_price
    with pytest.raises(ValidationError) as error:
        services.campaign_create(teams=[team_b], **kwargs)  # not a team this manager leads
    assert "teams" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.campaign_create(teams=[team_a], **{**kwargs, "ends_on": datetime.date(2026, 3, 1)})
    assert "ends_on" in error.value.error_dict
    assert Campaign.objects.count() == 1


# --- freeze -------------------------------------------------------------------------------


def test_freeze_snapshots_the_qualifying_values_and_later_changes_do_not_alter_them(
    manager, team_a, rep
):
    campaign = CampaignFactory(owner=manager, teams=[team_a])
    loyal = AccountFactory(owner=rep, name="株式会社ロイヤル", region="13")
    LoyaltyScoreFactory(account=loyal, score=Decimal("88.0"), tier="high")
    cold = AccountFactory(owner=rep)
    LoyaltyScoreFactory(account=cold, score=Decimal("30.0"), tier="low")

    assert freeze(campaign, manager, tiers=["high"]) == 1
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ACTIVE
    assert campaign.segment == {"tiers": ["high"]}
    target = CampaignTarget.objects.get()
    assert target.account == loyal
    assert target.snapshot["score"] == 88.0
    assert target.snapshot["tier"] == "high"
    assert target.snapshot["owner_id"] == rep.pk

    # The data moves on: the loyal account turns cold, the cold one turns loyal, names change.
    LoyaltyScoreFactory(
        account=loyal, as_of=timezone.localdate() + datetime.timedelta(1), tier="low"
    )
    LoyaltyScoreFactory(
        account=cold, as_of=timezone.localdate() + datetime.timedelta(1), tier="high"
    )
    Account.objects.filter(pk=loyal.pk).update(name="改名後", region="27")
    target.refresh_from_db()
    assert list(campaign.targets.values_list("account", flat=True)) == [loyal.pk]
    assert target.snapshot["name"] == "株式会社ロイヤル"
    assert target.snapshot["region"] == "13"
    with pytest.raises(ValidationError):
        freeze(campaign, manager)  # frozen once
    assert campaign.targets.count() == 1


def test_freezing_an_empty_segment_saves_nothing(manager, team_a):
    campaign = CampaignFactory(owner=manager, teams=[team_a])
    with pytest.raises(ValidationError):
        freeze(campaign, manager, tiers=["high"])
    campaign.refresh_from_db()
    assert not campaign.is_frozen
    assert campaign.status == Campaign.Status.DRAFT


# --- assignment ---------------------------------------------------------------------------


def targets_for(campaign, count, owner, **account_fields):
    return [
        CampaignTargetFactory(
            campaign=campaign,
            account=AccountFactory(owner=owner, **account_fields),
            snapshot={"region": account_fields.get("region", "")},
        )
        for _ in range(count)
    ]


def test_round_robin_counts_differ_by_at_most_one(active_campaign, manager, reps_a):
    targets_for(active_campaign, 11, reps_a[0])
    assigned = services.campaign_assign(
        campaign=active_campaign, by=manager, strategy=services.Strategy.ROUND_ROBIN
    )
    assert assigned == 11
    counts = [active_campaign.targets.filter(rep=rep).count() for rep in reps_a]
    assert sorted(counts) == [3, 4, 4]
    # More targets later: the counts stay within one of each other.
    targets_for(active_campaign, 5, reps_a[0])
    services.campaign_assign(
        campaign=active_campaign, by=manager, strategy=services.Strategy.ROUND_ROBIN
    )
    counts = [active_campaign.targets.filter(rep=rep).count() for rep in reps_a]
    assert sum(counts) == 16 and max(counts) - min(counts) <= 1


def test_by_owner_gives_each_target_to_its_account_owner(active_campaign, manager, reps_a):
    first = targets_for(active_campaign, 3, reps_a[1])
    second = targets_for(active_campaign, 2, reps_a[2])
    outsider = targets_for(active_campaign, 1, UserFactory(role=Role.REP))  # not in the team
    services.campaign_assign(
        campaign=active_campaign, by=manager, strategy=services.Strategy.BY_OWNER
    )
    for target in first + second + outsider:
        target.refresh_from_db()
    assert {t.rep for t in first} == {reps_a[1]}
    assert {t.rep for t in second} == {reps_a[2]}
    assert outsider[0].rep is None and outsider[0].status == TargetStatus.UNASSIGNED


def test_balanced_never_exceeds_capacity_and_prefers_the_territory(
    active_campaign, manager, reps_a
):
    osaka_rep, busy_rep, tokyo_rep = reps_a
    AccountFactory(owner=osaka_rep, region="27")  # territories: where their accounts are
    AccountFactory(owner=tokyo_rep, region="13")
    AccountFactory(owner=busy_rep, region="13")
    for _ in range(3):  # busy_rep carries 3 open opportunities already
        OpportunityFactory(account=AccountFactory(owner=busy_rep), owner=busy_rep)
    OpportunityFactory(
        account=AccountFactory(owner=busy_rep), owner=busy_rep, stage=Stage.WON
    )  # closed: not workload
    osaka = targets_for(active_campaign, 3, osaka_rep, region="27")
    targets_for(active_campaign, 8, tokyo_rep, region="13")

    assigned = services.campaign_assign(
        campaign=active_campaign,
        by=manager,
        strategy=services.Strategy.BALANCED,
        max_per_rep=4,
    )
    workload = services.rep_workload(reps=reps_a)  # open deals + live cards, new ones included
    opportunities = {r.pk: Opportunity.objects.filter(owner=r).open().count() for r in reps_a}
    for rep in reps_a:
        assert workload[rep.pk] <= 4
        assert active_campaign.targets.filter(rep=rep).count() + opportunities[rep.pk] <= 4
    assert assigned == 4 + 1 + 4  # room: osaka 4, busy 4 − 3 = 1, tokyo 4
    for target in osaka:
        target.refresh_from_db()
        assert target.rep == osaka_rep  # their region first
    assert active_campaign.targets.filter(status=TargetStatus.UNASSIGNED).count() == 2


def test_balanced_needs_a_maximum(active_campaign, manager, reps_a):
    targets_for(active_campaign, 2, reps_a[0])
    with pytest.raises(ValidationError):
        services.campaign_assign(
            campaign=active_campaign, by=manager, strategy=services.Strategy.BALANCED
        )
    assert not active_campaign.targets.filter(rep__isnull=False).exists()


def test_assignment_publishes_cards_and_access_once(active_campaign, manager, reps_a):
    targets = targets_for(active_campaign, 4, UserFactory(role=Role.REP))
    for _ in range(2):
        services.campaign_assign(
            campaign=active_campaign, by=manager, strategy=services.Strategy.ROUND_ROBIN
        )
        services.campaign_publish(campaign=active_campaign)
    cards = OfferCard.objects.filter(source="campaign")
    assert cards.count() == 4
    assert AccountAssignment.objects.filter(source="campaign").count() == 4
    card = cards.get(source_id=targets[0].pk)
    targets[0].refresh_from_db()
    assert card.rep == targets[0].rep
    assert card.probability == Decimal("0.200")  # the campaign's expected success rate
    # monthly, like the engine's cards, so both rank fairly on one dashboard
    assert card.expected_value == round(card.monthly_uplift * Decimal("0.2"))
    assert card.product == active_campaign.product
    assert card.kind == "upsell"
    # The rep now sees the account they were given.
    assert Account.objects.visible_to(targets[0].rep).filter(pk=targets[0].account_id).exists()


@pytest.mark.parametrize(
    ("language", "expected"), [("ja", "キャンペーン「{}」"), ("en", "the campaign “{}”")]
)
def test_a_campaign_card_says_why_in_the_readers_language(
    active_campaign, manager, reps_a, language, expected
):
    targets_for(active_campaign, 1, reps_a[0])
    services.campaign_assign(
        campaign=active_campaign, by=manager, strategy=services.Strategy.BY_OWNER
    )
    services.campaign_publish(campaign=active_campaign)

    with translation.override(language):
        (card,) = offer_cards_worded(list(OfferCard.objects.filter(source="campaign")))

    assert expected.format(active_campaign.name) in card.reason_texts[0]


def test_a_live_card_for_the_same_product_is_not_duplicated(active_campaign, manager, reps_a):
    (target,) = targets_for(active_campaign, 1, reps_a[0])
    OfferCard.objects.create(
        account=target.account,
        rep=reps_a[0],
        kind="upsell",
        product=active_campaign.product,
        source="engine",
        rule="usage_near_limit",
        monthly_uplift=10_000,
        probability=Decimal("0.3"),
        expected_value=3_000,
        generated_on=timezone.localdate(),
    )
    services.campaign_assign(
        campaign=active_campaign, by=manager, strategy=services.Strategy.ROUND_ROBIN
    )
    assert OfferCard.objects.filter(account=target.account).count() == 1


def test_manual_reassignment_moves_the_card_and_the_access(active_campaign, manager, reps_a):
    (target,) = targets_for(active_campaign, 1, UserFactory(role=Role.REP))
    services.campaign_assign(
        campaign=active_campaign, by=manager, strategy=services.Strategy.ROUND_ROBIN
    )
    target.refresh_from_db()
    new_rep = next(r for r in reps_a if r != target.rep)
    old_rep = target.rep
    services.campaign_target_reassign(target=target, rep=new_rep, by=manager)
    assert OfferCard.objects.get(source_id=target.pk).rep == new_rep
    assert not Account.objects.visible_to(old_rep).filter(pk=target.account_id).exists()
    assert Account.objects.visible_to(new_rep).filter(pk=target.account_id).exists()
    with pytest.raises(ValidationError):
        services.campaign_target_reassign(target=target, rep=UserFactory(role=Role.REP), by=manager)


# --- the workflow -------------------------------------------------------------------------


@pytest.fixture
def assigned_target(active_campaign, manager, reps_a):
    (target,) = targets_for(active_campaign, 1, reps_a[0])
    services.campaign_assign(
        campaign=active_campaign, by=manager, strategy=services.Strategy.BY_OWNER
    )
    target.refresh_from_db()
    return target


def test_a_target_walks_to_won_with_its_opportunity(assigned_target, rep):
    move = services.campaign_target_move
    move(target=assigned_target, status="contacted", by=rep, note="電話で案内")
    assert Activity.objects.filter(account=assigned_target.account, kind="call").exists()
    target = move(target=assigned_target, status="hearing_done", by=rep)
    assert target.opportunity.stage == Stage.HEARING
    assert target.opportunity.source == "campaign"
    assert target.opportunity.to_product == assigned_target.campaign.product
    card = OfferCard.objects.get(source_id=target.pk)
    assert card.status == "accepted" and card.opportunity == target.opportunity
    move(target=target, status="proposal", by=rep)
    target = move(target=target, status="won", by=rep)
    target.opportunity.refresh_from_db()
    assert target.status == TargetStatus.WON
    assert target.opportunity.stage == Stage.WON
    assert Opportunity.objects.count() == 1


def test_illegal_moves_and_missing_reasons_change_nothing(assigned_target, rep):
    with pytest.raises(ValidationError):
        services.campaign_target_move(target=assigned_target, status="won", by=rep)
    with pytest.raises(ValidationError):
        services.campaign_target_move(target=assigned_target, status="declined", by=rep)
    assigned_target.refresh_from_db()
    assert assigned_target.status == TargetStatus.ASSIGNED
    assert OfferCard.objects.get(source_id=assigned_target.pk).status == "open"


def test_declining_dismisses_the_card_with_the_reason(assigned_target, rep):
    services.campaign_target_move(
        target=assigned_target, status="declined", by=rep, reason="no_budget", note="来期予算で"
    )
    card = OfferCard.objects.get(source_id=assigned_target.pk)
    assert (card.status, card.dismiss_reason, card.dismiss_note) == (
        "dismissed",
        "no_budget",
        "来期予算で",
    )
    with pytest.raises(ValidationError):  # closed: no way back
        services.campaign_target_move(target=assigned_target, status="contacted", by=rep)


def test_do_not_contact_marks_the_account(assigned_target, rep):
    services.campaign_target_move(
        target=assigned_target, status="do_not_contact", by=rep, reason="relationship"
    )
    assigned_target.account.refresh_from_db()
    assert assigned_target.account.do_not_contact


def test_lost_needs_a_reason_and_closes_the_opportunity(assigned_target, rep):
    for status in ("contacted", "hearing_done", "proposal"):
        target = services.campaign_target_move(target=assigned_target, status=status, by=rep)
    target = services.campaign_target_move(
        target=target, status="lost", by=rep, reason="competitor", note="他社に決定"
    )
    target.opportunity.refresh_from_db()
    assert target.opportunity.stage == Stage.LOST
    assert "他社に決定" in target.opportunity.loss_reason


# --- results ------------------------------------------------------------------------------


def test_results_maths(active_campaign, manager, reps_a):
    active_campaign.planned_targets = 10
    active_campaign.expected_success_rate = Decimal(20)  # 2 planned wins
    active_campaign.revenue_per_win = 500_000  # ¥1,000,000 planned
    active_campaign.save()
    targets = targets_for(active_campaign, 6, reps_a[0]) + targets_for(
        active_campaign, 2, reps_a[1]
    )
    targets_for(active_campaign, 1, UserFactory(role=Role.REP))  # stays unassigned
    services.campaign_assign(
        campaign=active_campaign, by=manager, strategy=services.Strategy.BY_OWNER
    )
    move = services.campaign_target_move
    for target in targets[:3]:  # rep 0: three wins
        for status in ("contacted", "hearing_done", "proposal", "won"):
            target = move(target=target, status=status, by=reps_a[0])
    move(target=targets[3], status="contacted", by=reps_a[0])
    move(target=targets[4], status="declined", by=reps_a[0], reason="no_budget")
    move(target=targets[6], status="declined", by=reps_a[1], reason="no_budget")
    move(target=targets[7], status="do_not_contact", by=reps_a[1], reason="relationship")

    results = selectors.campaign_results(campaign=active_campaign)
    assert results.targets == 9
    assert results.assigned == 8
    assert results.won == 3
    assert results.conversion == 37.5  # 3 of 8
    assert results.revenue_won == 3 * 500_000
    assert results.revenue_against_plan == 150.0
    assert results.wins_against_plan == 150.0
    assert [count for _label, count in results.funnel] == [8, 4, 3, 3, 3]
    assert dict(results.decline_reasons) == {
        str(TargetReason.NO_BUDGET.label): 2,
        str(TargetReason.RELATIONSHIP.label): 1,
    }
    assert dict(results.dismiss_reasons) == {
        str(DismissReason.NO_BUDGET.label): 2,
        str(DismissReason.RELATIONSHIP.label): 1,
    }
    rep0 = next(r for r in results.by_rep if r.targets == 6)
    assert (rep0.won, rep0.worked, rep0.revenue_won, rep0.conversion) == (3, 5, 1_500_000, 50.0)
