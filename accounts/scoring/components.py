"""The components of the loyalty score, each normalised 0-100 over whole columns, and the score.

The positive components are averaged with their weights over the components an account has:
a missing one (no NPS answer in a year, no metered usage, no subscription for tenure) is
left out and the others re-weighted, so absence never counts as zero. Negatives then take up
to `negatives_max_penalty` points off. Every component's contribution is in points, and the
contributions add up to the score (before it is kept within 0-100).
"""

import datetime

import numpy as np
import pandas as pd

from accounts.models import LoyaltyTier, ScoringWeights

from .sources import PURCHASE_DAYS

POSITIVE = ("nps", "usage", "recency", "frequency", "monetary", "engagement", "tenure")
PENALTY = "negatives"
COMPONENTS = (*POSITIVE, PENALTY)

USAGE_TREND_SHARE = 0.3  # usage = 70 % utilisation of the included amount + 30 % its trend
FREQUENCY_FULL = 12  # purchases in 12 months that score 100: buying every month
ENGAGEMENT_FULL = 12  # touches in 90 days that score 100: about one a week
CONVERSATION_EXTRA = 1  # a meeting, visit, hearing or QBR counts twice: it is a conversation
TENURE_FULL_DAYS = 3 * 365  # tenure saturates after three years
MONEY_UNIT = 10_000  # the monetary log scale counts in units of ¥10,000
PENALTY_POINTS = {  # penalty points per event; NEGATIVE_FULL points take the full penalty
    "complaints_open": 2,
    "complaints_resolved": 1,
    "cancellations": 3,
    "downgrades": 2,
}
NEGATIVE_FULL = 6
DETRACTOR_MAX = 6  # NPS answers 0-6 are detractors (DESIGN.md, article 002)


def numeric(column: pd.Series) -> pd.Series:
    """A column of database numbers (ints, Decimals, None) as floats with NaN for None."""
    return pd.to_numeric(column, errors="coerce").astype(float)


# What a score row stores besides the score: the figures measured as of its day, from which
# the components, weights, contributions and reasons are computed again whenever they are
# shown (accounts.scoring.explain). Storing these fifteen numbers instead of the explanation
# in JSON (components, reasons, sentences in two languages: ~1.7 kB a row) is what lets the
# nightly write stay close to a bare COPY of the scores (docs/benchmarks.md).
INPUTS = (
    "nps_value",  # mean of the answers of the latest answer day in NPS_DAYS
    "nps_answered_on",
    "used_recently",  # metered usage of the last USAGE_DAYS, in the plans' own terms
    "used_before",  # ... of the USAGE_DAYS before
    "included_usage",  # what the live plans include
    "last_purchase_on",  # a subscription bought or an order placed
    "purchases",  # in the last 12 months
    "spend",  # orders of the last 12 months + 12 × the monthly amount paid now
    "contacts",  # in ENGAGEMENT_DAYS
    "conversations",  # meetings, visits, hearings, QBRs among them
    "first_started_on",
    "complaints_open",
    "complaints_resolved",
    "cancellations",
    "downgrades",
)
DATES = ("nps_answered_on", "last_purchase_on", "first_started_on")


def score_inputs(sources: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per customer (an account with a subscription or an order by the day): the
    INPUTS columns, from the per-source frames of accounts.scoring.sources."""
    customers = sources["subscriptions"].index.union(sources["orders"].index)
    df = pd.DataFrame(index=customers.rename("account_id"))
    for name in ("subscriptions", "orders", "usage", "activities", "downgrades", "nps"):
        df = df.join(sources[name])
    for column in (
        "monthly_amount",
        "included_usage",
        "spend_recently",
        "used_recently",
        "used_before",
        "nps_value",
    ):
        df[column] = numeric(df[column])
    raw_counts = [
        "bought_recently",
        "orders_recently",
        "contacts",
        "conversations",
        "complaints_open",
        "complaints_resolved",
        "cancellations",
        "downgrades",
    ]
    df[raw_counts] = df[raw_counts].fillna(0).astype(int)
    df["last_purchase_on"] = pd.concat(
        [pd.to_datetime(df["last_bought_on"]), pd.to_datetime(df["last_ordered_on"])], axis=1
    ).max(axis=1)
    df["purchases"] = df["bought_recently"] + df["orders_recently"]
    df["spend"] = (df["spend_recently"].fillna(0) + 12 * df["monthly_amount"].fillna(0)).astype(
        "int64"
    )
    for column in DATES:
        df[column] = pd.to_datetime(df[column])
    return df[list(INPUTS)]


def component_frame(
    inputs: pd.DataFrame, *, as_of: datetime.date | pd.Series, weights: ScoringWeights
) -> pd.DataFrame:
    """The inputs with each component 0-100 (NaN when missing), its weight and contribution,
    the score, tier and churn-risk flag. `as_of` is the day scored, or one per row (a score
    explained again later: see accounts.scoring.explain)."""
    df = inputs.copy()
    day = pd.to_datetime(as_of)
    df["nps"] = df["nps_value"] * 10

    metered = df["included_usage"].gt(0) & df["used_recently"].notna()
    df["utilisation"] = (df["used_recently"] / df["included_usage"]).where(metered)
    df["usage_trend"] = np.where(
        df["used_before"] > 0,
        (df["used_recently"] - df["used_before"]) / df["used_before"],
        np.where(df["used_recently"] > 0, 1.0, 0.0),
    )
    df["usage_trend"] = df["usage_trend"].where(metered)
    df["usage"] = (1 - USAGE_TREND_SHARE) * df["utilisation"].clip(upper=1) * 100 + (
        USAGE_TREND_SHARE * (50 + 50 * df["usage_trend"].clip(-1, 1))
    )

    df["recency_days"] = (day - pd.to_datetime(df["last_purchase_on"])).dt.days
    # Never bought (a trial only) is a fact, not missing data: no recency at all.
    df["recency"] = (100 * (1 - df["recency_days"] / PURCHASE_DAYS)).clip(0, 100).fillna(0)

    df["frequency"] = 100 * (np.log1p(df["purchases"]) / np.log1p(FREQUENCY_FULL)).clip(upper=1)

    reference = np.log1p(weights.monetary_reference / MONEY_UNIT)
    df["monetary"] = 100 * (np.log1p(df["spend"] / MONEY_UNIT) / reference).clip(0, 1)

    df["touches"] = df["contacts"] + CONVERSATION_EXTRA * df["conversations"]
    df["engagement"] = 100 * (df["touches"] / ENGAGEMENT_FULL).clip(upper=1)

    df["tenure_days"] = (day - pd.to_datetime(df["first_started_on"])).dt.days
    df["tenure"] = 100 * (df["tenure_days"] / TENURE_FULL_DAYS).clip(0, 1)

    df["penalty_points"] = sum(df[event] * points for event, points in PENALTY_POINTS.items())
    df["negatives"] = 100 * (df["penalty_points"] / NEGATIVE_FULL).clip(upper=1)

    configured = pd.Series({name: float(getattr(weights, name)) for name in POSITIVE})
    present = df[list(POSITIVE)].notna()
    weight = present.mul(configured, axis=1)
    weight = weight.div(weight.sum(axis=1).replace(0, np.nan), axis=0).fillna(0)
    for name in POSITIVE:
        df[f"{name}_weight"] = weight[name]
        df[f"{name}_contribution"] = weight[name] * df[name].fillna(0)
    df["negatives_weight"] = weights.negatives_max_penalty / 100
    df["negatives_contribution"] = -df["negatives_weight"] * df["negatives"]

    contributions = df[[f"{name}_contribution" for name in COMPONENTS]].sum(axis=1)
    df["score"] = contributions.clip(0, 100).round(1)
    df["tier"] = np.select(
        [df["score"] >= weights.high_tier_min, df["score"] >= weights.medium_tier_min],
        [LoyaltyTier.HIGH.value, LoyaltyTier.MEDIUM.value],
        default=LoyaltyTier.LOW.value,
    )
    churn = df["score"] < weights.churn_score_below
    # A drop of exactly the threshold counts: 28 user-days against 40 is −30 %, which floats
    # make −29.999999999999993 % (found by the floor's comparison at a million accounts).
    churn |= df["usage_trend"].round(9) <= -weights.churn_usage_drop_percent / 100
    if weights.churn_on_detractor:
        churn |= df["nps_value"] <= DETRACTOR_MAX
    if weights.churn_on_open_complaint:
        churn |= df["complaints_open"] > 0
    df["churn_risk"] = churn
    return df
