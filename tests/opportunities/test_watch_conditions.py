"""Intermediate goals: the nightly check turns met ones into deals and expires the rest."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from crm.tasks import nightly_run
from opportunities import services
from opportunities.models import (
    Metric,
    Opportunity,
    OpportunityType,
    Source,
    Stage,
    WatchCondition,
)
from tests.accounts.factories import (
    OrderFactory,
    PlanFactory,
    SubscriptionFactory,
    UsageRecordFactory,
)

from .factories import HearingFactory, WatchConditionFactory

pytestmark = pytest.mark.django_db

NIGHT = datetime.date(2026, 11, 20)


@pytest.fixture
def hearing(world):
    return HearingFactory(account=world["account"], held_on=datetime.date(2026, 10, 1))


def goal(hearing, **values):
    return WatchConditionFactory(hearing=hearing, **values)


def test_three_orders_in_the_window_meet_the_goal_and_open_an_upsell(hearing, rep):
    condition = goal(hearing, metric=Metric.ORDERS, threshold=3)
    for day in (2, 10, 20):
        OrderFactory(account=hearing.account, ordered_on=datetime.date(2026, 10, day))

    result = services.watch_conditions_evaluate(run_date=NIGHT)

    assert result == {"checked": 1, "met": 1, "expired": 0}
    condition.refresh_from_db()
    assert (condition.status, condition.measured_value) == (WatchCondition.Status.MET, 3)
    opportunity = condition.opportunity
    assert opportunity.owner == rep  # the account's owner
    assert (opportunity.type, opportunity.source, opportunity.hearing) == (
        OpportunityType.UPSELL,
        Source.HEARING_TRIGGER,
        hearing,
    )
    assert (opportunity.stage, opportunity.probability) == (Stage.PROSPECTING, 10)
    assert (opportunity.monthly_amount_change, opportunity.contract_value) == (200_000, 2_400_000)
    assert opportunity.stage_changes.count() == 1


def test_orders_outside_the_window_do_not_count(hearing):
    condition = goal(hearing, metric=Metric.ORDERS, threshold=2)
    OrderFactory(account=hearing.account, ordered_on=datetime.date(2026, 9, 30))  # before start
    OrderFactory(account=hearing.account, ordered_on=datetime.date(2026, 10, 5))
    OrderFactory(account=hearing.account, ordered_on=datetime.date(2026, 11, 21))  # after night

    services.watch_conditions_evaluate(run_date=NIGHT)

    condition.refresh_from_db()
    assert (condition.status, condition.measured_value) == (WatchCondition.Status.OPEN, 1)
    assert condition.evaluated_on == NIGHT
    assert not Opportunity.objects.exists()


def test_usage_of_one_product_over_the_period(hearing):
    plan = PlanFactory()
    subscription = SubscriptionFactory(account=hearing.account, product=plan)
    other = SubscriptionFactory(account=hearing.account)
    condition = goal(
        hearing,
        metric=Metric.USAGE,
        product=plan,
        threshold=Decimal("500"),
        opportunity_type=OpportunityType.CROSS_SELL,
    )
    for day, quantity in ((1, 200), (15, 250), (31, 60)):
        UsageRecordFactory(
            subscription=subscription, date=datetime.date(2026, 10, day), quantity=quantity
        )
    UsageRecordFactory(subscription=other, date=datetime.date(2026, 10, 2), quantity=10_000)

    services.watch_conditions_evaluate(run_date=NIGHT)

    condition.refresh_from_db()
    assert condition.measured_value == 510
    assert condition.status == WatchCondition.Status.MET
    assert condition.opportunity.type == OpportunityType.CROSS_SELL
    assert condition.opportunity.to_product == plan


def test_seats_count_active_and_trial_subscriptions(hearing):
    SubscriptionFactory(account=hearing.account, quantity=12)
    SubscriptionFactory(account=hearing.account, quantity=8, status="trial")
    SubscriptionFactory(account=hearing.account, quantity=50, status="cancelled")
    met = goal(hearing, metric=Metric.SEATS, threshold=20)
    not_met = goal(hearing, metric=Metric.SEATS, threshold=21)

    services.watch_conditions_evaluate(run_date=NIGHT)

    met.refresh_from_db()
    not_met.refresh_from_db()
    assert (met.measured_value, met.status) == (20, WatchCondition.Status.MET)
    assert (not_met.measured_value, not_met.status) == (20, WatchCondition.Status.OPEN)


def test_a_goal_not_met_by_its_date_expires_and_a_late_check_still_counts_its_window(hearing):
    expired = goal(hearing, metric=Metric.ORDERS, threshold=2, deadline=datetime.date(2026, 11, 1))
    late_but_met = goal(
        hearing, metric=Metric.ORDERS, threshold=1, deadline=datetime.date(2026, 11, 1)
    )
    OrderFactory(account=hearing.account, ordered_on=datetime.date(2026, 10, 31))
    OrderFactory(account=hearing.account, ordered_on=datetime.date(2026, 11, 5))  # too late

    result = services.watch_conditions_evaluate(run_date=NIGHT)

    assert result == {"checked": 2, "met": 1, "expired": 1}
    expired.refresh_from_db()
    late_but_met.refresh_from_db()
    assert (expired.status, expired.measured_value) == (WatchCondition.Status.EXPIRED, 1)
    assert late_but_met.status == WatchCondition.Status.MET


def test_a_goal_whose_watch_has_not_started_is_left_alone(hearing):
    condition = goal(hearing, starts_on=datetime.date(2026, 12, 1), threshold=1)
    OrderFactory(account=hearing.account, ordered_on=datetime.date(2026, 11, 1))

    assert services.watch_conditions_evaluate(run_date=NIGHT)["checked"] == 0
    condition.refresh_from_db()
    assert condition.evaluated_on is None


def test_the_nightly_run_is_idempotent_for_its_date(hearing):
    goal(hearing, metric=Metric.ORDERS, threshold=1)
    OrderFactory(account=hearing.account, ordered_on=datetime.date(2026, 10, 2))

    nightly_run.apply(args=[NIGHT.isoformat()], task_id="first").get()
    services.watch_conditions_evaluate(run_date=NIGHT)  # a step re-run after a crash

    assert Opportunity.objects.count() == 1
    assert WatchCondition.objects.get().status == WatchCondition.Status.MET


def test_the_check_reads_in_one_query_and_writes_in_bulk(world, django_assert_num_queries):
    def build(n):
        for _ in range(n):
            hearing = HearingFactory(account=world["account"], held_on=datetime.date(2026, 10, 1))
            goal(hearing, metric=Metric.ORDERS, threshold=1)
            goal(hearing, metric=Metric.SEATS, threshold=1_000)
        OrderFactory(account=world["account"], ordered_on=datetime.date(2026, 10, 3))

    build(2)
    # savepoint + release, read the measured conditions, insert opportunities, insert their
    # stage rows, one bulk update of the conditions
    with django_assert_num_queries(6):
        services.watch_conditions_evaluate(run_date=NIGHT)
    build(8)
    with django_assert_num_queries(6):
        services.watch_conditions_evaluate(run_date=NIGHT)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"threshold": Decimal(0)}, "threshold"),
        ({"deadline": datetime.date(2026, 9, 1)}, "deadline"),
        ({"promised_value": -1}, "promised_value"),
        ({"opportunity_type": OpportunityType.RENEWAL}, "opportunity_type"),
    ],
)
def test_bad_goals_are_refused(hearing, rep, values, field):
    payload = {
        "hearing": hearing,
        "created_by": rep,
        "metric": Metric.ORDERS,
        "threshold": Decimal(3),
        "deadline": timezone.localdate() + datetime.timedelta(days=60),
        "promised_action": "広告費を2倍に",
        "promised_value": 100_000,
        **values,
    }

    with pytest.raises(ValidationError) as error:
        services.watch_condition_create(**payload)

    assert field in error.value.message_dict
    assert not WatchCondition.objects.exists()
