"""Stage moves and their history, the rules a deal must keep, and winning into the plan."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Activity, Subscription
from opportunities import services
from opportunities.models import Opportunity, OpportunityType, Source, Stage, StageChange
from tests.accounts.factories import PlanFactory, ProductFamilyFactory, SubscriptionFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def create(world, rep, **overrides):
    values = {
        "account": world["account"],
        "owner": rep,
        "created_by": rep,
        "name": "Pro へのアップグレード",
        "type": OpportunityType.UPSELL,
        "expected_close": TODAY() + datetime.timedelta(days=30),
        "contract_value": 600_000,
        "monthly_amount_change": 50_000,
    }
    return services.opportunity_create(**{**values, **overrides})


def test_a_new_deal_starts_with_its_stage_default_probability_and_one_history_row(world, rep):
    opportunity = create(world, rep, stage=Stage.PROPOSAL)

    assert opportunity.probability == 50
    assert opportunity.source == Source.MANUAL
    assert list(opportunity.stage_changes.values_list("from_stage", "to_stage", "changed_by")) == [
        ("", Stage.PROPOSAL, rep.pk)
    ]


def test_each_move_is_recorded_with_who_and_the_new_probability(world, rep, manager):
    opportunity = create(world, rep)

    services.opportunity_move(opportunity=opportunity, stage=Stage.HEARING, by=rep)
    services.opportunity_move(
        opportunity=opportunity, stage=Stage.NEGOTIATION, by=manager, probability=80
    )

    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.probability) == (Stage.NEGOTIATION, 80)
    history = list(
        opportunity.stage_changes.values_list("from_stage", "to_stage", "probability", "changed_by")
    )
    assert history == [
        ("", Stage.PROSPECTING, 10, rep.pk),
        (Stage.PROSPECTING, Stage.HEARING, 25, rep.pk),
        (Stage.HEARING, Stage.NEGOTIATION, 80, manager.pk),
    ]


def test_moving_to_the_same_stage_records_nothing(world, rep):
    opportunity = create(world, rep)

    services.opportunity_move(opportunity=opportunity, stage=Stage.PROSPECTING, by=rep)

    assert opportunity.stage_changes.count() == 1


def test_winning_closes_the_deal_today_and_logs_it_on_the_account_timeline(world, rep):
    opportunity = create(world, rep, expected_close=TODAY() + datetime.timedelta(days=60))

    won = services.opportunity_move(opportunity=opportunity, stage=Stage.WON, by=rep)

    assert (won.probability, won.closed_on, won.expected_close) == (100, TODAY(), TODAY())
    activity = Activity.objects.get(account=world["account"])
    assert activity.kind == Activity.Kind.OFFER
    assert "Pro へのアップグレード" in activity.summary


def test_losing_needs_a_reason_and_reopening_clears_the_close(world, rep):
    opportunity = create(world, rep)

    with pytest.raises(ValidationError) as error:
        services.opportunity_move(opportunity=opportunity, stage=Stage.LOST, by=rep)
    assert "loss_reason" in error.value.message_dict
    assert opportunity.stage_changes.count() == 1

    services.opportunity_move(
        opportunity=opportunity, stage=Stage.LOST, by=rep, loss_reason="予算が凍結された"
    )
    reopened = services.opportunity_move(opportunity=opportunity, stage=Stage.PROPOSAL, by=rep)

    assert (reopened.closed_on, reopened.loss_reason, reopened.probability) == (None, "", 50)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"probability": 101}, "probability"),
        ({"probability": -1}, "probability"),
        ({"contract_value": -1}, "contract_value"),
        ({"monthly_amount_change": -5}, "monthly_amount_change"),
        ({"expected_close": datetime.date(2000, 1, 1)}, "expected_close"),
        ({"stage": Stage.WON}, "stage"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(world, rep, overrides, field):
    with pytest.raises(ValidationError) as error:
        create(world, rep, **overrides)

    assert field in error.value.message_dict
    assert not Opportunity.objects.exists()
    assert not StageChange.objects.exists()


def test_editing_keeps_the_close_date_on_or_after_creation(world, rep):
    opportunity = create(world, rep)

    with pytest.raises(ValidationError) as error:
        services.opportunity_update(
            opportunity=opportunity, by=rep, expected_close=TODAY() - datetime.timedelta(days=1)
        )

    assert "expected_close" in error.value.message_dict
    opportunity.refresh_from_db()
    assert opportunity.expected_close == TODAY() + datetime.timedelta(days=30)


def test_a_subscription_of_another_account_is_refused(world, rep):
    foreign = SubscriptionFactory(account=world["other"])

    with pytest.raises(ValidationError) as error:
        create(world, rep, subscription=foreign)

    assert "subscription" in error.value.message_dict


@pytest.fixture
def tiers():
    family = ProductFamilyFactory(code="crm-suite")
    return {
        "standard": PlanFactory(family=family, tier_rank=2, monthly_price=50_000),
        "pro": PlanFactory(family=family, tier_rank=3, monthly_price=90_000),
    }


def test_a_won_upsell_changes_plan_seats_and_amount_once_with_history(world, rep, tiers):
    subscription = SubscriptionFactory(
        account=world["account"], product=tiers["standard"], quantity=10, monthly_amount=50_000
    )
    opportunity = create(
        world, rep, subscription=subscription, to_product=tiers["pro"], quantity=15
    )
    services.opportunity_move(opportunity=opportunity, stage=Stage.WON, by=rep)
    opportunity.refresh_from_db()

    services.opportunity_apply_to_subscription(opportunity=opportunity, by=rep)

    subscription.refresh_from_db()
    assert (subscription.product, subscription.quantity, subscription.monthly_amount) == (
        tiers["pro"],
        15,
        100_000,
    )
    assert f"#{opportunity.pk}" in subscription.history.first().history_change_reason
    opportunity.refresh_from_db()
    assert opportunity.subscription_applied_at is not None
    with pytest.raises(ValidationError):
        services.opportunity_apply_to_subscription(opportunity=opportunity, by=rep)


def test_a_won_down_sell_lowers_the_monthly_amount(world, rep, tiers):
    subscription = SubscriptionFactory(
        account=world["account"], product=tiers["pro"], monthly_amount=90_000
    )
    opportunity = create(
        world,
        rep,
        type=OpportunityType.DOWN_SELL,
        subscription=subscription,
        to_product=tiers["standard"],
        monthly_amount_change=40_000,
    )
    services.opportunity_move(opportunity=opportunity, stage=Stage.WON, by=rep)

    services.opportunity_apply_to_subscription(
        opportunity=Opportunity.objects.get(pk=opportunity.pk), by=rep
    )

    subscription.refresh_from_db()
    assert (subscription.product, subscription.monthly_amount) == (tiers["standard"], 50_000)


def test_a_won_cross_sell_without_a_subscription_starts_one(world, rep, tiers):
    opportunity = create(
        world,
        rep,
        type=OpportunityType.CROSS_SELL,
        to_product=tiers["standard"],
        quantity=3,
        monthly_amount_change=30_000,
    )
    services.opportunity_move(opportunity=opportunity, stage=Stage.WON, by=rep)

    services.opportunity_apply_to_subscription(
        opportunity=Opportunity.objects.get(pk=opportunity.pk), by=rep
    )

    created = Subscription.objects.get(account=world["account"])
    assert (created.product, created.quantity, created.monthly_amount, created.started_on) == (
        tiers["standard"],
        3,
        30_000,
        TODAY(),
    )


def test_an_open_deal_cannot_change_the_plan(world, rep, tiers):
    opportunity = OpportunityFactory(account=world["account"], to_product=tiers["pro"])

    with pytest.raises(ValidationError):
        services.opportunity_apply_to_subscription(opportunity=opportunity, by=rep)

    assert not Subscription.objects.exists()
