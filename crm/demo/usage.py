"""Daily usage curves for demo subscriptions, the patterns the offer engine looks for.

A curve runs over the last 365 days. Its utilisation (usage against the monthly allowance)
moves geometrically from a start value a year ago to an end value today, so a growing
customer grows by a steady rate and a declining one loses a steady share each month. On
top: business days carry the work (weekends a tenth for counted things, a quarter of the
users), a busy season multiplies it, and noise makes no two days alike.
"""

import datetime
import random
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

HISTORY_DAYS = 365
WEEKEND_SHARE_FLOW = 0.1  # leads and documents arrive mostly on business days
WEEKEND_SHARE_LEVEL = 0.25  # some users log in at weekends
# Business-day weight of an average month: 21.74 weekdays + 0.1 × 8.7 weekend days.
FLOW_DAYS_PER_MONTH = 21.74 + WEEKEND_SHARE_FLOW * 8.7
BUSY_SEASON_FACTOR = 1.35


class UsagePattern(StrEnum):
    STEADY = "steady"
    GROWING = "growing"
    DECLINING = "declining"
    NEAR_LIMIT = "near_limit"
    OVER_LIMIT = "over_limit"
    OUTGROWN = "outgrown"  # far past the allowance: overage costs more than the next tier


# Utilisation a year ago and today: ((low, high), (low, high)).
UTILISATION_RANGES = {
    UsagePattern.STEADY: ((0.35, 0.75), (0.35, 0.75)),
    UsagePattern.GROWING: ((0.2, 0.45), (0.75, 1.2)),
    UsagePattern.DECLINING: ((0.7, 1.0), (0.15, 0.4)),
    UsagePattern.NEAR_LIMIT: ((0.6, 0.8), (0.88, 1.0)),
    UsagePattern.OVER_LIMIT: ((0.8, 1.0), (1.1, 1.6)),
    UsagePattern.OUTGROWN: ((1.2, 1.8), (2.8, 3.6)),
}


@dataclass(frozen=True)
class UsagePlan:
    """The shape of one subscription's usage; `end` × limit is its monthly use today."""

    pattern: UsagePattern
    start: float
    end: float

    @classmethod
    def draw(cls, rng: random.Random, pattern: UsagePattern) -> "UsagePlan":
        (start_low, start_high), (end_low, end_high) = UTILISATION_RANGES[pattern]
        return cls(pattern, rng.uniform(start_low, start_high), rng.uniform(end_low, end_high))


def daily_usage(
    *,
    plan: UsagePlan,
    seed: int,
    today: datetime.date,
    first_day: datetime.date,
    last_day: datetime.date,
    limit: float,
    is_level: bool,
    busy_months: frozenset[int] = frozenset(),
) -> np.ndarray:
    """Whole-unit usage for each day from `first_day` to `last_day` (both inside the year).

    `limit` is the monthly allowance of a counted unit, or the seats of a level unit (users
    active that day); the values are drawn from `seed` alone, so they repeat exactly.
    """
    window_start = today - datetime.timedelta(days=HISTORY_DAYS - 1)
    offset = (first_day - window_start).days
    days = (last_day - first_day).days + 1
    if days <= 0:
        return np.zeros(0, dtype=np.int64)
    rng = np.random.default_rng(seed)
    t = (offset + np.arange(days)) / (HISTORY_DAYS - 1)
    utilisation = plan.start * (plan.end / plan.start) ** t
    dates = np.datetime64(first_day) + np.arange(days)
    weekend = ((dates.astype("datetime64[D]").astype(np.int64) + 3) % 7) >= 5  # 1970-01-01: Thu
    if is_level:
        weight = np.where(weekend, WEEKEND_SHARE_LEVEL, 1.0)
        mean = limit * utilisation * weight
    else:
        weight = np.where(weekend, WEEKEND_SHARE_FLOW, 1.0)
        mean = limit * utilisation * weight / FLOW_DAYS_PER_MONTH
    if busy_months:
        months = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
        mean = np.where(np.isin(months, list(busy_months)), mean * BUSY_SEASON_FACTOR, mean)
    mean = mean * rng.lognormal(0.0, 0.15, days)
    if is_level:
        return np.rint(mean).astype(np.int64)
    return rng.poisson(mean).astype(np.int64)
