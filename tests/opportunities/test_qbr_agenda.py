"""The agenda is prepared from hand-built data: goals carried over, KPI figures, relevant offers."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Activity, LoyaltyScore
from opportunities.models import FollowUp, OfferCard, QBRGoal, QBRMeeting, Stage
from opportunities.qbr import services
from opportunities.qbr.agenda import qbr_agenda
from tests.accounts.factories import (
    ActivityFactory,
    AddOnFactory,
    ContactFactory,
    NPSResponseFactory,
    PlanFactory,
    SubscriptionFactory,
    UsageRecordFactory,
)
from tests.opportunities.factories import OpportunityFactory

from .qbr_factories import QBRFactory, QBRGoalFactory, motive

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def offer(account, product, **extra) -> OfferCard:
    return OfferCard.objects.create(
        account=account,
        rep=account.owner,
        kind="cross_sell",
        product=product,
        source="engine",
        rule="complement",
        monthly_uplift=30_000,
        probability=Decimal("0.4"),
        expected_value=12_000,
        generated_on=TODAY,
        **extra,
    )


@pytest.fixture
def held_before(world, cs_user):
    """Last quarter's QBR, held, with two goals and two action items (one done)."""
    account = world["account"]
    previous = QBRFactory(account=account, scheduled_on=days(-90), status=QBRMeeting.Status.HELD)
    QBRGoalFactory(meeting=previous, title="問い合わせを月30件にする", outcome="achieved")
    QBRGoalFactory(meeting=previous, title="営業部へ展開する")
    for title, done in (("議事録を送る", True), ("研修を実施する", False)):
        follow_up = FollowUp.objects.create(
            account=account,
            owner=cs_user,
            title=title,
            due_on=days(-30),
            done_at=timezone.now() if done else None,
        )
        previous.action_items.create(follow_up=follow_up)
    return previous


def test_last_quarters_goals_and_action_items_are_carried_into_the_next_qbr(world, held_before):
    meeting = QBRFactory(account=world["account"], scheduled_on=days(10))
    agenda = qbr_agenda(meeting=meeting, today=TODAY)

    assert agenda.previous == held_before
    assert [g.title for g in agenda.last_goals] == ["問い合わせを月30件にする", "営業部へ展開する"]
    assert [(item.follow_up.title, status) for item, status, _ in agenda.action_rows] == [
        ("議事録を送る", "done"),
        ("研修を実施する", "overdue"),
    ]


def test_a_qbr_not_yet_held_does_not_hand_its_goals_on(world):
    QBRGoalFactory(meeting=QBRFactory(account=world["account"], scheduled_on=days(-90)))
    agenda = qbr_agenda(
        meeting=QBRFactory(account=world["account"], scheduled_on=days(10)), today=TODAY
    )
    assert agenda.previous is None
    assert agenda.last_goals == []


def test_kpi_figures(world):
    account = world["account"]
    plan = PlanFactory(included_usage=100, usage_unit="件")
    subscription = SubscriptionFactory(
        account=account, product=plan, quantity=5, started_on=days(-400)
    )
    SubscriptionFactory(account=account, quantity=3, started_on=days(-20))  # added this quarter
    UsageRecordFactory(subscription=subscription, date=days(-5), quantity=420)
    NPSResponseFactory(account=account, score=10, answered_on=days(-10), comment="便利です")
    NPSResponseFactory(account=account, score=5, answered_on=days(-20), comment="遅い")
    NPSResponseFactory(account=account, score=9, answered_on=days(-30))
    NPSResponseFactory(account=account, score=3, answered_on=days(-120))  # the quarter before
    for offset, score, risk in ((-60, "70.0", False), (-1, "62.5", True)):
        LoyaltyScore.objects.create(
            account=account,
            as_of=days(offset),
            score=Decimal(score),
            tier="medium",
            churn_risk=risk,
            nps_value=8.0 if offset < -10 else 5.0,  # NPS is the one input that moved
        )
    ActivityFactory(account=account, kind=Activity.Kind.COMPLAINT, occurred_on=days(-15))
    ActivityFactory(
        account=account,
        kind=Activity.Kind.SUPPORT_TICKET,
        occurred_on=days(-40),
        resolved_on=days(-39),
    )
    ActivityFactory(account=account, kind=Activity.Kind.COMPLAINT, occurred_on=days(-200))

    meeting = QBRFactory(account=account, scheduled_on=days(7))
    kpis = qbr_agenda(meeting=meeting, today=TODAY).kpis

    assert (kpis.seats_start, kpis.seats_now, kpis.seats_change) == (5, 8, 3)
    usage = next(line for line in kpis.usage if line.label == plan.name)
    assert usage.allowance == Decimal(500)
    assert usage.utilisation == 84.0
    assert sum(usage.values) == Decimal(420)
    assert len(kpis.nps_answers) == 3
    assert kpis.nps == pytest.approx(33.3, abs=0.1)  # 2 promoters, 1 detractor of 3
    assert kpis.nps_previous == -100.0
    assert kpis.score_change == -7.5
    assert [m.component for m in kpis.movers] == ["nps"]
    assert kpis.issue_counts() == {"ticket": 1, "complaint": 1, "escalation": 0}
    assert len(kpis.issues_open) == 1


def test_only_offers_and_opportunities_matching_the_goals_motives_are_listed(world):
    account = world["account"]
    leads, retention = motive("leads"), motive("retention")
    matching = AddOnFactory(name="MA連携")
    matching.motives.add(leads)
    other = AddOnFactory(name="請求管理")
    other.motives.add(retention)
    offer(account, matching)
    offer(account, other)
    offer(account, AddOnFactory(), status=OfferCard.Status.DISMISSED, dismiss_reason="other")
    elsewhere = offer(world["other"], AddOnFactory())
    elsewhere.product.motives.add(leads)
    deal = OpportunityFactory(account=account, to_product=matching, name="MA連携の追加")
    OpportunityFactory(account=account, to_product=matching, stage=Stage.WON)
    OpportunityFactory(account=account, to_product=other)

    meeting = QBRFactory(account=account)
    goal = QBRGoalFactory(meeting=meeting, title="リードを倍にする", motives=[leads])
    agenda = qbr_agenda(meeting=meeting, today=TODAY)

    assert [(row.item.product, row.goals) for row in agenda.offers] == [(matching, [goal])]
    assert [row.item for row in agenda.opportunities] == [deal]


def test_preparing_drafts_the_written_parts_and_keeps_what_cs_wrote(world, held_before):
    account = world["account"]
    ActivityFactory(
        account=account, kind=Activity.Kind.COMPLAINT, occurred_on=days(-3), summary="請求書の誤り"
    )
    meeting = QBRFactory(account=account, scheduled_on=days(5), value_delivered="手で書いた成果")
    services.qbr_prepare_agenda(meeting=meeting, today=TODAY)
    meeting.refresh_from_db()
    assert meeting.status == QBRMeeting.Status.AGENDA_READY
    assert meeting.value_delivered == "手で書いた成果"
    assert "請求書の誤り" in meeting.obstacles
    assert "営業部へ展開する" in meeting.growth_plans  # a goal not achieved is carried over


def test_holding_records_a_qbr_activity_once_and_action_items_become_follow_ups(world, cs_user):
    account = world["account"]
    meeting = QBRFactory(account=account, scheduled_on=TODAY)
    item = services.qbr_action_item_add(
        meeting=meeting, by=cs_user, title="見積を送る", owner=cs_user, due_on=days(7)
    )
    assert FollowUp.objects.get(pk=item.follow_up_id).owner == cs_user
    for _round in range(2):
        services.qbr_hold(
            meeting=meeting,
            by=cs_user,
            notes="順調",
            budget_if_works=200_000,
            expansion_departments=["人事部"],
            motives=[motive("leads")],
            today=TODAY,
        )
    assert Activity.objects.filter(account=account, kind=Activity.Kind.QBR).count() == 1
    meeting.refresh_from_db()
    assert meeting.is_held and meeting.expansion_departments == ["人事部"]


def test_bad_input_saves_nothing(world, cs_user):
    account = world["account"]
    meeting = QBRFactory(account=account, scheduled_on=days(3))
    with pytest.raises(ValidationError):
        services.qbr_hold(meeting=meeting, by=cs_user, notes="早すぎる", today=TODAY)
    with pytest.raises(ValidationError):
        services.qbr_action_item_add(
            meeting=meeting, by=cs_user, title="x", owner=world["rep_b"], due_on=days(3)
        )
    with pytest.raises(ValidationError):
        services.qbr_schedule(
            account=account,
            scheduled_on=days(3),
            created_by=cs_user,
            customer_attendees=[ContactFactory(account=world["other"])],
        )
    meeting.refresh_from_db()
    assert meeting.status == QBRMeeting.Status.PLANNED
    assert not FollowUp.objects.exists()
    assert QBRMeeting.objects.count() == 1
    assert QBRGoal.objects.count() == 0
