"""The backtest: ROC AUC and top-decile lift of the score for buying again within a horizon."""

import datetime

import pandas as pd
import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import LoyaltyScore, ScoringRun
from accounts.scoring.backtest import roc_auc, score_backtest, top_decile_lift
from tests.accounts.factories import AccountFactory, OrderFactory, SubscriptionFactory

D = datetime.date(2026, 6, 30)


def day(offset: int) -> datetime.date:
    return D + datetime.timedelta(days=offset)


def test_auc_by_ranks_counts_ties_half():
    scores = pd.Series([90.0, 70.0, 70.0, 30.0])
    outcomes = pd.Series([True, True, False, False])
    # positive pairs won: 90 beats 70 and 30 (2), 70 ties 70 (0.5) and beats 30 (1) → 3.5 of 4
    assert roc_auc(scores, outcomes) == 3.5 / 4
    assert roc_auc(scores, pd.Series([True] * 4)) is None


def test_top_decile_is_at_least_one_account():
    scores = pd.Series([10.0, 90.0, 50.0], index=[1, 2, 3])
    lift, rate = top_decile_lift(scores, pd.Series([False, True, False], index=[1, 2, 3]))
    assert (lift, rate) == (3.0, 1.0)


@pytest.mark.django_db
def test_a_tiny_hand_made_backtest():
    scored = {score: AccountFactory() for score in (90, 70, 50, 30)}
    for score, account in scored.items():
        LoyaltyScore.objects.create(account=account, as_of=D, score=score, tier="low")
    OrderFactory(account=scored[90], ordered_on=day(10))  # bought again
    SubscriptionFactory(account=scored[50], started_on=day(30))  # a new subscription
    OrderFactory(account=scored[70], ordered_on=D)  # on the day: not after it
    OrderFactory(account=scored[30], ordered_on=day(31))  # after the horizon

    result = score_backtest(as_of=D, horizon_days=30)

    assert (result.accounts, result.positives) == (4, 2)
    # ranks 4 (90) and 2 (50) of 4: (6 − 3) / (2 × 2)
    assert result.auc == 0.75
    assert result.top_decile_rate == 1.0  # the one top account (90) bought again
    assert result.top_decile_lift == 2.0  # over a base rate of 0.5


@pytest.mark.django_db
def test_a_renewal_recorded_in_the_history_counts_as_an_outcome():
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    renewing, idle = AccountFactory(), AccountFactory()
    for account, score in [(renewing, 80), (idle, 20)]:
        LoyaltyScore.objects.create(account=account, as_of=yesterday, score=score, tier="low")
    subscription = SubscriptionFactory(
        account=renewing, started_on=datetime.date(2025, 1, 1), renewal_on=today
    )
    subscription.renewal_on = today.replace(year=today.year + 1)
    subscription.save()

    result = score_backtest(as_of=yesterday, horizon_days=7)

    assert result.positives == 1
    assert result.auc == 1.0


@pytest.mark.django_db
def test_the_command_scores_the_day_first_and_prints_the_figures(capsys):
    loyal, lapsed = AccountFactory(), AccountFactory()
    SubscriptionFactory(account=loyal, started_on=day(-700), monthly_amount=300_000)
    OrderFactory(account=loyal, ordered_on=day(-5), total=500_000)
    OrderFactory(account=loyal, ordered_on=day(20))
    SubscriptionFactory(account=lapsed, started_on=day(-300), monthly_amount=1_000)

    call_command("backtest_score", "--as-of", D.isoformat(), "--horizon-days", "30")

    out = capsys.readouterr().out
    assert ScoringRun.objects.get().as_of == D
    assert "2 accounts, 1 bought again, expanded or renewed" in out
    assert "ROC AUC: 1.000" in out
    assert "top-decile lift: 2.00" in out
