"""The demo pipeline covers every stage and type, and a second run changes nothing."""

import datetime
import random

import pytest
from django.utils import timezone

from crm.demo.opportunities import seed_opportunities
from crm.demo.qbr import seed_qbrs
from crm.nightly import watch_conditions_check
from opportunities.models import (
    FollowUp,
    Hearing,
    Opportunity,
    QBRActionItem,
    QBRGoal,
    QBRMeeting,
    Source,
    WatchCondition,
)
from tests.accounts.factories import AccountFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def demo_rng():
    return random.Random(1)  # noqa: S311  the demo wants a reproducible generator


def test_no_accounts_no_demo_pipeline():
    seed_opportunities(rng=demo_rng(), accounts=[], users={})

    assert not Opportunity.objects.exists()


def test_the_demo_pipeline_covers_every_stage_and_type_and_is_idempotent(rep):
    accounts = [AccountFactory(owner=rep) for _ in range(30)]
    for account in accounts:
        SubscriptionFactory(account=account, quantity=10)

    seed_opportunities(rng=demo_rng(), accounts=accounts, users={})
    counts = (
        Opportunity.objects.count(),
        Hearing.objects.count(),
        WatchCondition.objects.count(),
        FollowUp.objects.count(),
    )
    seed_opportunities(rng=demo_rng(), accounts=accounts, users={})

    assert (
        Opportunity.objects.count(),
        Hearing.objects.count(),
        WatchCondition.objects.count(),
        FollowUp.objects.count(),
    ) == counts
    assert set(Opportunity.objects.values_list("stage", flat=True)) == {
        "prospecting",
        "hearing",
        "proposal",
        "negotiation",
        "won",
        "lost",
    }
    assert set(Opportunity.objects.values_list("type", flat=True)) == {
        "new",
        "upsell",
        "cross_sell",
        "down_sell",
        "renewal",
    }
    assert Hearing.objects.filter(answers__isnull=False).exists()

    watch_conditions_check(run_date=timezone.localdate())
    assert Opportunity.objects.filter(source=Source.HEARING_TRIGGER).count() == 6
    assert WatchCondition.objects.filter(status="expired").count() == 3


def test_demo_qbrs_carry_goals_and_action_items_and_a_second_run_changes_nothing(cs_user):
    accounts = [AccountFactory(cs_owner=cs_user) for _ in range(4)]
    assert seed_qbrs(accounts=accounts) == 4
    counts = (QBRMeeting.objects.count(), QBRGoal.objects.count(), QBRActionItem.objects.count())
    assert seed_qbrs(accounts=accounts) == 0
    assert counts == (
        QBRMeeting.objects.count(),
        QBRGoal.objects.count(),
        QBRActionItem.objects.count(),
    )
    assert QBRMeeting.objects.filter(status="held").count() == 4
    today = timezone.localdate()
    assert all(
        today < m.scheduled_on <= today + datetime.timedelta(days=30)
        for m in QBRMeeting.objects.exclude(status="held")
    )
