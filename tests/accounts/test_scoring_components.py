"""Each component of the loyalty score on hand-built accounts, against hand-computed numbers."""

import datetime
import math

import pytest
from django.utils import timezone, translation

from accounts.models import Activity, LoyaltyScore, LoyaltyTier, Product, ScoringWeights
from accounts.scoring.explain import loyalty_scores_explain
from accounts.scoring.run import scoring_run_execute
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    NPSResponseFactory,
    OrderFactory,
    PlanFactory,
    SubscriptionFactory,
    UsageRecordFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date(2026, 11, 30)


def days_ago(days: int) -> datetime.date:
    return D - datetime.timedelta(days=days)


def score_of(account, as_of=D) -> LoyaltyScore:
    scoring_run_execute(as_of=as_of, rescore=True)
    return LoyaltyScore.objects.get(account=account, as_of=as_of)


def frequency(purchases: int) -> float:
    return 100 * math.log1p(purchases) / math.log1p(12)


def monetary(yen: int, reference: int = 6_000_000) -> float:
    return 100 * math.log1p(yen / 10_000) / math.log1p(reference / 10_000)


@pytest.fixture
def loyal_customer():
    """Two years a customer, buying, using 80 % of the plan, a promoter, one open escalation."""
    account = AccountFactory()
    plan = PlanFactory(included_usage=1000, monthly_price=50_000)
    subscription = SubscriptionFactory(account=account, product=plan, started_on=days_ago(730))
    OrderFactory(account=account, ordered_on=days_ago(10), total=120_000)
    UsageRecordFactory(subscription=subscription, date=days_ago(5), quantity=800)
    UsageRecordFactory(subscription=subscription, date=days_ago(40), quantity=1000)
    NPSResponseFactory(account=account, answered_on=days_ago(200), score=3)
    NPSResponseFactory(account=account, answered_on=days_ago(100), score=9)
    for kind, day in [("call", 3), ("email", 30), ("qbr", 60), ("meeting", 100)]:
        ActivityFactory(account=account, kind=kind, occurred_on=days_ago(day))
    ActivityFactory(
        account=account,
        kind=Activity.Kind.COMPLAINT,
        occurred_on=days_ago(20),
        resolved_on=days_ago(15),
    )
    ActivityFactory(account=account, kind=Activity.Kind.ESCALATION, occurred_on=days_ago(5))
    return account


def test_every_component_of_a_full_account(loyal_customer):
    score = score_of(loyal_customer)
    parts = score.components

    assert parts["nps"]["value"] == 9  # the latest answer in 12 months, not the older 3
    assert parts["nps"]["normalised"] == 90
    # 800 of 1,000 used; 800 vs 1,000 the 30 days before: -20 % → 0.7 × 80 + 0.3 × (50 − 10)
    assert parts["usage"]["value"] == 80
    assert parts["usage"]["detail"]["trend_percent"] == -20
    assert parts["usage"]["normalised"] == 68
    assert parts["recency"]["value"] == 10
    assert parts["recency"]["normalised"] == round(100 * (1 - 10 / 365), 1)  # 97.3
    # the order of 10 days ago; the subscription started two years ago is outside 12 months
    assert parts["frequency"]["value"] == 1
    assert parts["frequency"]["normalised"] == round(frequency(1), 1)  # 27.0
    # ¥120,000 of orders + 12 × ¥50,000 of subscription
    assert parts["monetary"]["value"] == 720_000
    assert parts["monetary"]["normalised"] == round(monetary(720_000), 1)
    # call, email and QBR in 90 days (the meeting was 100 days ago); the QBR counts twice
    assert parts["engagement"]["value"] == 3
    assert parts["engagement"]["normalised"] == round(100 * 4 / 12, 1)
    assert parts["tenure"]["value"] == 730
    assert parts["tenure"]["normalised"] == round(100 * 730 / 1095, 1)
    # a resolved complaint (1 point) and an open escalation (2 points) of 6 → 50 → −15 points
    assert parts["negatives"]["value"] == 3
    assert parts["negatives"]["normalised"] == 50
    assert parts["negatives"]["contribution"] == -15

    expected = (
        0.25 * 90
        + 0.20 * 68
        + 0.10 * 100 * (1 - 10 / 365)
        + 0.10 * frequency(1)
        + 0.10 * monetary(720_000)
        + 0.15 * 100 * 4 / 12
        + 0.10 * 100 * 730 / 1095
        - 15
    )
    assert float(score.score) == round(expected, 1)
    assert sum(part["contribution"] for part in parts.values()) == pytest.approx(expected, 0.01)
    assert score.tier == LoyaltyTier.MEDIUM  # 40 ≤ score < 70
    assert score.churn_risk  # the open escalation


def test_missing_nps_is_left_out_and_the_others_reweighted():
    account = AccountFactory()
    subscription = SubscriptionFactory(
        account=account, product=PlanFactory(included_usage=1000), started_on=days_ago(73)
    )
    UsageRecordFactory(subscription=subscription, date=days_ago(1), quantity=500)
    UsageRecordFactory(subscription=subscription, date=days_ago(31), quantity=500)

    score = score_of(account)

    assert "nps" not in score.components
    weights = {name: part["weight"] for name, part in score.components.items()}
    # the remaining positive weights 20+10+10+10+15+10 = 75 share the whole
    assert weights["usage"] == round(20 / 75, 4)
    assert sum(w for name, w in weights.items() if name != "negatives") == pytest.approx(1, 1e-3)
    # usage 50 (half used, flat), recency 80 (73 days), frequency 27.02 (one purchase),
    # monetary 40.09 (12 × ¥10,000), engagement 0, tenure 6.67 (73 days of 1,095)
    expected = (
        20 * 50
        + 10 * 80
        + 10 * frequency(1)
        + 10 * monetary(120_000)
        + 15 * 0
        + 10 * 100 * 73 / 1095
    ) / 75
    assert float(score.score) == round(expected, 1) == 33.8
    assert score.tier == LoyaltyTier.LOW
    assert score.churn_risk  # under 40


def test_no_usage_data_is_missing_not_zero():
    account = AccountFactory()
    SubscriptionFactory(account=account, started_on=days_ago(73))
    NPSResponseFactory(account=account, answered_on=days_ago(400), score=10)  # over a year old

    score = score_of(account)

    assert "usage" not in score.components
    assert "nps" not in score.components
    positive = [part["weight"] for name, part in score.components.items() if name != "negatives"]
    assert sum(positive) == pytest.approx(1, 1e-3)


def test_a_trial_cancelled_before_it_ended_is_not_a_purchase():
    account = AccountFactory()
    SubscriptionFactory(
        account=account,
        started_on=days_ago(40),
        trial_ends_on=days_ago(10),
        cancelled_on=days_ago(12),
        status="cancelled",
    )

    parts = score_of(account).components

    assert parts["recency"]["value"] is None
    assert parts["recency"]["normalised"] == 0
    assert parts["frequency"]["value"] == 0
    assert parts["monetary"]["value"] == 0
    assert parts["negatives"]["detail"]["cancellations"] == 1


def test_downgrades_are_read_from_the_subscription_history():
    today = timezone.localdate()
    account = AccountFactory()
    pro = PlanFactory(tier_rank=3)
    lite = PlanFactory(family=pro.family, tier_rank=1)
    subscription = SubscriptionFactory(
        account=account, product=pro, started_on=today - datetime.timedelta(days=400)
    )
    subscription.product = lite
    subscription.save()

    parts = score_of(account, as_of=today).components

    assert parts["negatives"]["detail"]["downgrades"] == 1
    assert parts["negatives"]["value"] == 2
    assert parts["negatives"]["contribution"] == round(-30 * 2 / 6, 2)


def test_a_detractor_answer_flags_churn_risk_whatever_the_score():
    account = AccountFactory()
    SubscriptionFactory(account=account, started_on=days_ago(1000), monthly_amount=500_000)
    OrderFactory(account=account, ordered_on=days_ago(1), total=5_000_000)
    NPSResponseFactory(account=account, answered_on=days_ago(3), score=6)

    score = score_of(account)

    assert score.components["nps"]["value"] == 6
    assert score.churn_risk


def test_weights_thresholds_and_churn_rule_come_from_the_admin_row():
    account = AccountFactory()
    SubscriptionFactory(account=account, started_on=days_ago(73))
    ScoringWeights(
        nps=0,
        usage=0,
        recency=0,
        frequency=0,
        monetary=0,
        engagement=0,
        tenure=1,
        high_tier_min=5,
        medium_tier_min=1,
        churn_score_below=0,
        churn_on_open_complaint=False,
    ).save()

    score = score_of(account)

    assert float(score.score) == round(100 * 73 / 1095, 1)  # tenure alone: 6.7
    assert score.tier == LoyaltyTier.HIGH
    assert not score.churn_risk


def test_accounts_that_were_not_customers_yet_are_not_scored():
    prospect = AccountFactory()
    ActivityFactory(account=prospect, occurred_on=days_ago(3))
    SubscriptionFactory(account=AccountFactory(), started_on=D + datetime.timedelta(days=1))

    scoring_run_execute(as_of=D)

    assert not LoyaltyScore.objects.exists()


def test_reasons_are_explained_as_data_and_in_the_readers_language(loyal_customer):
    score = score_of(loyal_customer)

    components = [reason["component"] for reason in score.reasons]
    # strongest pulls from neutral: NPS +10, negatives −15, engagement −2.5, recency +4.7 …
    assert components[:2] == ["negatives", "nps"]
    assert score.reasons[0]["direction"] == "down"
    with translation.override("en"):
        english = LoyaltyScore.objects.get(pk=score.pk).sentences()
    with translation.override("ja"):
        japanese = LoyaltyScore.objects.get(pk=score.pk).sentences()
    assert len(english) == len(japanese) == 3
    assert english[1] == "Latest NPS answer: 9 out of 10 (Promoter)."
    assert japanese[1] == "直近のNPS回答: 10点中9点(推奨者)。"


def test_a_score_stores_what_it_was_computed_from(loyal_customer):
    """The row keeps the measured figures, not the explanation: it is computed from them."""
    score = score_of(loyal_customer)

    assert score.nps_value == 9
    assert score.nps_answered_on == days_ago(100)
    assert score.last_purchase_on == days_ago(10)
    assert score.first_started_on == days_ago(730)
    assert (score.used_recently, score.used_before, score.included_usage) == (800, 1000, 1000)
    assert score.spend == 120_000 + 12 * 50_000
    assert (score.contacts, score.conversations) == (3, 1)
    assert (score.complaints_open, score.complaints_resolved) == (1, 1)


def test_an_old_score_is_explained_with_the_weights_of_its_own_run(loyal_customer):
    first = score_of(loyal_customer)
    weights = ScoringWeights.load()
    weights.nps = 50
    weights.save()
    later = score_of(loyal_customer, as_of=D + datetime.timedelta(days=1))

    explained = {s.as_of: s for s in LoyaltyScore.objects.filter(account=loyal_customer)}
    loyalty_scores_explain(list(explained.values()))

    assert explained[D].components == first.components
    assert explained[later.as_of].components["nps"]["weight"] > first.components["nps"]["weight"]


def test_a_seat_product_is_used_at_its_average_daily_level():
    """Seats are a level: 30 days at 16 active users of 20 included is 80 %, not 30 × 16."""
    account = AccountFactory()
    seats = PlanFactory(
        included_usage=20, usage_unit="users", usage_measure=Product.UsageMeasure.LEVEL
    )
    subscription = SubscriptionFactory(account=account, product=seats, started_on=days_ago(400))
    for day in range(30):  # the 30 days up to D: 16 users a day
        UsageRecordFactory(subscription=subscription, date=days_ago(day), quantity=16)
    for day in range(30, 60):  # the 30 days before: 20 users a day
        UsageRecordFactory(subscription=subscription, date=days_ago(day), quantity=20)

    usage = score_of(account).components["usage"]

    assert usage["value"] == 80  # 16 of 20 seats on an average day
    assert usage["detail"]["trend_percent"] == -20  # 16 vs 20 a day
    # 0.7 × 80 + 0.3 × (50 − 10)
    assert usage["normalised"] == 68


def test_a_usage_drop_of_exactly_the_threshold_flags_churn_risk():
    """28 user-days in the last 30 against 40 before: −30 %, the default threshold, though
    floats make the ratio −29.999999999999993 %."""
    account = AccountFactory()
    seats = PlanFactory(
        included_usage=5, usage_unit="users", usage_measure=Product.UsageMeasure.LEVEL
    )
    subscription = SubscriptionFactory(account=account, product=seats, started_on=days_ago(400))
    OrderFactory(account=account, ordered_on=days_ago(1), total=5_000_000)  # a score over 40
    NPSResponseFactory(account=account, answered_on=days_ago(3), score=9)
    for day in range(28):
        UsageRecordFactory(subscription=subscription, date=days_ago(day), quantity=1)
    for day in range(30, 60):
        UsageRecordFactory(
            subscription=subscription, date=days_ago(day), quantity=2 if day < 40 else 1
        )

    score = score_of(account)

    assert score.components["usage"]["detail"]["trend_percent"] == -30
    assert float(score.score) >= 40
    assert score.churn_risk
