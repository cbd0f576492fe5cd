"""Where an offer would hurt, hold back: the gates every candidate passes before it is a card.

Each gate is a boolean mask over the candidate frame, so the engine can say (and a test can
check) which gate stopped which candidate.
"""

import pandas as pd

from ..models import OpportunityType

GROWTH_KINDS = (OpportunityType.UPSELL, OpportunityType.CROSS_SELL)
OFFER_TIERS = ("high", "medium")  # upsell and cross-sell go to loyal customers only (002, 004)


def gate_masks(
    offers: pd.DataFrame,
    *,
    accounts: pd.DataFrame,
    scores: pd.DataFrame,
    quiet: dict[str, set[int]],
    blocked: pd.DataFrame,
    run_date,
) -> dict[str, pd.Series]:
    """Per gate, True where the candidate is held back. `offers` carries account columns."""
    tier = offers["account_id"].map(scores.set_index("account_id")["tier"])
    quiet_until = pd.to_datetime(offers["quiet_until"]).dt.date
    key = pd.MultiIndex.from_frame(offers[["account_id", "product_id"]])
    taken = pd.MultiIndex.from_frame(blocked[["account_id", "product_id"]])
    return {
        "no_rep": offers["owner_id"].isna(),
        "tier": offers["kind"].isin(GROWTH_KINDS) & ~tier.isin(OFFER_TIERS),
        "do_not_contact": offers["do_not_contact"].astype(bool),
        "quiet_until": quiet_until.map(lambda d: not pd.isna(d) and run_date <= d),
        "detractor": offers["account_id"].isin(quiet["detractor"]),
        "complaint": offers["account_id"].isin(quiet["complaint"]),
        "hesitation": offers["account_id"].isin(quiet["hesitation"]),
        "taken": pd.Series(key.isin(taken), index=offers.index),
    }


def within_contact_cap(offers: pd.DataFrame, *, contacts: pd.Series, cap: int) -> pd.Series:
    """True for the cards an account can still take: cap minus the cards and contacts of the
    window, best expected value first."""
    used = offers["account_id"].map(contacts).fillna(0)
    rank = offers.groupby("account_id")["expected_value"].rank(method="first", ascending=False)
    return rank <= (cap - used)
