"""How well the score at a day ranks the accounts that bought more in the days after it.

The outcome is "bought again, expanded or renewed" within (as_of, as_of + horizon]: a new
order, a new subscription (or a trial converted), a plan moved up a tier or to more seats, or
a renewal (its renewal date moved on), read from orders, subscriptions and their history.
"""

import datetime
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Q

from accounts.models import LoyaltyScore, Order, Subscription

from .sources import day_end, plan_changes, subscription_bought_on


@dataclass(frozen=True)
class BacktestResult:
    as_of: datetime.date
    horizon_days: int
    accounts: int
    positives: int
    auc: float | None  # None when all accounts had the same outcome
    top_decile_lift: float | None
    top_decile_rate: float | None
    base_rate: float | None


def roc_auc(scores: pd.Series, outcomes: pd.Series) -> float | None:
    """ROC AUC by the rank-sum (Mann-Whitney) formula, ties counted half."""
    positives = int(outcomes.sum())
    negatives = len(outcomes) - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = scores.rank(method="average")
    rank_sum = float(ranks[outcomes].sum())
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def top_decile_lift(scores: pd.Series, outcomes: pd.Series) -> tuple[float | None, float | None]:
    """(lift, rate): the outcome rate among the top 10 % by score (at least one account)
    over the rate among all; ties at the boundary broken by account id."""
    base_rate = outcomes.mean()
    if not base_rate:
        return None, None
    size = max(1, int(np.ceil(len(scores) / 10)))
    ordered = pd.DataFrame({"score": scores, "id": scores.index}).sort_values(
        ["score", "id"], ascending=[False, True]
    )
    rate = float(outcomes.loc[ordered.index[:size]].mean())
    return rate / base_rate, rate


def expanded_accounts(*, as_of: datetime.date, horizon_days: int) -> set[int]:
    """Accounts that bought again, expanded or renewed within (as_of, as_of + horizon]."""
    end = as_of + datetime.timedelta(days=horizon_days)
    ordered = Order.objects.filter(ordered_on__gt=as_of, ordered_on__lte=end).values_list(
        "account_id", flat=True
    )
    subscribed = (
        Subscription.objects.annotate(bought_on=subscription_bought_on())
        .filter(bought_on__gt=as_of, bought_on__lte=end)
        .filter(Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=end))
        .values_list("account_id", flat=True)
    )
    changes = plan_changes(until=day_end(end))
    after = day_end(as_of)
    grown = changes[(changes["upgrade"] | changes["renewal"]) & (changes["history_date"] >= after)]
    return set(ordered.distinct()) | set(subscribed.distinct()) | set(grown["account_id"])


def score_backtest(*, as_of: datetime.date, horizon_days: int) -> BacktestResult:
    """Score at `as_of` against the outcome within the horizon, over every scored account."""
    scores = pd.Series(
        dict(LoyaltyScore.objects.filter(as_of=as_of).values_list("account_id", "score")),
        dtype=float,
    )
    expanded = expanded_accounts(as_of=as_of, horizon_days=horizon_days)
    outcomes = pd.Series(scores.index.isin(list(expanded)), index=scores.index)
    lift, rate = top_decile_lift(scores, outcomes) if len(scores) else (None, None)
    return BacktestResult(
        as_of=as_of,
        horizon_days=horizon_days,
        accounts=len(scores),
        positives=int(outcomes.sum()),
        auc=roc_auc(scores, outcomes),
        top_decile_lift=lift,
        top_decile_rate=rate,
        base_rate=float(outcomes.mean()) if len(scores) else None,
    )
