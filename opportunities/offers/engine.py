"""The offers step of a chunk of accounts: every rule, through the gates, into cards.

About twenty queries for a chunk's account-id range (run.py sends the chunks to the workers),
then bulk inserts. Idempotent for its date: a product with a live card, an open opportunity
or a recent dismissal is a gate, and the contact cap counts the cards already made on the run
date, so a rerun adds nothing.

A chunk also keeps every rule hit of its accounts that night, held back or not
(OfferRuleHit), replacing the date's rows of its range: the whitespace grid reads them as
"eligible". Storing them costs one bulk write here, where every rule already ran over every
account; evaluating the rules again for a page would need the whole base anyway (cross-sell
affinity is learnt from every loyal account) and could not give the grid's totals over
100,000 accounts in a request.

What needs every account is learnt once a night before the chunks (night_learn) and handed
to each: the day of the scores read and the cross-sell affinity. Every other rule and gate
reads one account's rows only (the contact cap is per account, not per rep), so a chunk
gives exactly the cards and hits the whole base would give for its accounts.
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.bulk_json import json_rows_sql

from ..models import OfferCard, OfferGate, OfferRuleHit, OpportunityType
from . import rules, sources
from .affinity import product_affinity
from .gates import gate_masks, within_contact_cap
from .timing import moments, upcoming_qbrs

logger = logging.getLogger(__name__)

# Loyalty scales a rule's base probability: medium customers take fewer offers than high
# ones, and a churn risk makes any offer less likely to land.
TIER_FACTOR = {"high": 1.0, "medium": 0.8, "low": 0.6}
CHURN_FACTOR = 0.6

# Rule hits of the last week are kept (about one a night per account: 97,767 for 100,000 demo
# accounts): the grid reads the latest night; the nights before help when tuning the rules.
RULE_HITS_KEEP_DAYS = 7
HIT_COLUMNS = ["account_id", "product_id", "rule", "kind", "held_by"]


def first_gate(masks: dict[str, pd.Series]) -> pd.Series:
    """Per candidate, the first gate (in gate order) that holds it back, "" when none does.

    "taken" is not a reason here: the product already has a live card, an open opportunity or
    a recent dismissal, which the grid shows as offered or declined."""
    gates = pd.DataFrame({name: mask.astype(bool) for name, mask in masks.items()})
    gates = gates.drop(columns="taken")
    return gates.idxmax(axis=1).where(gates.any(axis=1), "")


def rule_settings() -> rules.RuleSettings:
    return rules.RuleSettings(
        utilisation_threshold=settings.OFFER_UTILISATION_THRESHOLD,
        growth_threshold=settings.OFFER_GROWTH_THRESHOLD,
        trial_days=settings.OFFER_TRIAL_DAYS,
        renewal_days=settings.OFFER_RENEWAL_DAYS,
        anchor_share=settings.OFFER_ANCHOR_SHARE,
    )


@dataclass(frozen=True)
class Night:
    """What every chunk of a night shares, learnt once from every account before them."""

    scores_on: datetime.date | None  # the latest day scored on or before the run date
    affinity: pd.DataFrame  # what loyal customers own together (affinity.product_affinity)


def night_learn(*, run_date: datetime.date) -> Night:
    """The day of the scores every chunk reads and the cross-sell affinity of the whole base."""
    day = sources.scores_day(run_date)
    ownership = sources.loyal_ownership(
        run_date=run_date, day=day, tiers=settings.OFFER_AFFINITY_TIERS
    )
    return Night(scores_on=day, affinity=product_affinity(ownership))


def offer_candidates(*, window: sources.OfferWindow, night: Night) -> pd.DataFrame:
    """Every candidate card of the window's accounts that passes the gates, with probability,
    expected value, timing, rep and success story; the `held_back` attribute says why others
    did not, `hits` holds every rule hit and the gate that held it back."""
    config = rule_settings()
    accounts = sources.accounts(window)
    scores = sources.scores(window, day=night.scores_on)
    products = sources.products()
    # No early return without subscriptions: a chunk may have none, and a goal met at one of
    # its accounts still makes its card, as it did when the whole base was one pass.
    subs = sources.subscriptions(window)
    found = pd.concat(
        [
            rules.upsell(subs, products, config, window.run_date),
            rules.cross_sell(
                subs,
                products,
                night.affinity,
                sources.complements(),
                sources.product_motives(),
                sources.hearing_motives(window),
                config,
            ),
            rules.down_sell(subs, products, scores, config, window.run_date),
            rules.watch_conditions_met(sources.met_watch_conditions(window), subs, products),
        ],
        ignore_index=True,
    )
    offers = found.merge(accounts, on="account_id")
    offers = offers.merge(scores, on="account_id", how="left")
    if offers.empty:
        offers.attrs.update(held_back={}, hits=pd.DataFrame(columns=HIT_COLUMNS))
        return offers

    masks = gate_masks(
        offers,
        accounts=accounts,
        scores=scores,
        quiet=sources.quiet_signals(
            window,
            detractor_days=settings.OFFER_DETRACTOR_QUIET_DAYS,
            hesitation_days=settings.HEARING_HESITATION_FOLLOW_UP_DAYS,
        ),
        blocked=sources.blocked_products(window, cooldown_days=settings.OFFER_COOLDOWN_DAYS),
        run_date=window.run_date,
    )
    # A met goal already has its opportunity: that one is not a reason to hold the card back.
    masks["taken"] &= offers["rule"].ne("watch_condition_met") | offers["opportunity_id"].isna()
    held = pd.concat(masks, axis=1).any(axis=1)
    held_back = {name: int(mask.sum()) for name, mask in masks.items()}
    hits = offers[["account_id", "product_id", "rule", "kind"]].assign(held_by=first_gate(masks))
    offers = offers[~held].copy()
    # Two rules may offer the same product to the same account: keep the first (upsell rules
    # come first, then cross-sell, down-sell and goals).
    offers = offers.drop_duplicates(["account_id", "product_id"])

    base = offers["rule"].map(settings.OFFER_PROBABILITY).fillna(0.2)
    factor = offers["tier"].map(TIER_FACTOR).fillna(TIER_FACTOR["low"])
    factor = factor * offers["churn_risk"].fillna(False).astype(bool).map(
        {True: CHURN_FACTOR, False: 1}
    )
    offers["probability"] = (base * factor).clip(0, 1).round(3)
    # A down-sell's value is the revenue it keeps; any other card's is the uplift it adds.
    value = offers["monthly_uplift"].where(offers["kind"] != OpportunityType.DOWN_SELL)
    value = value.fillna(offers["kept_revenue"])
    offers["expected_value"] = (offers["probability"] * value).round().astype(int)

    capped = within_contact_cap(
        offers,
        contacts=sources.contacts(window, days=settings.OFFER_CONTACT_WINDOW_DAYS),
        cap=settings.OFFER_CONTACT_CAP,
    )
    held_back["contact_cap"] = int((~capped).sum())
    hits.loc[capped.index[~capped], "held_by"] = OfferGate.CONTACT_CAP.value
    offers = offers[capped].copy()

    offers["timing"] = moments(
        offers,
        qbrs=upcoming_qbrs(window, days=settings.OFFER_QBR_WINDOW_DAYS),
        run_date=window.run_date,
        months_ahead=settings.OFFER_FISCAL_MONTHS_AHEAD,
    )
    stories = sources.success_stories()
    offers = offers.merge(stories, on=["industry", "product_id"], how="left")
    # One hit per rule and product: two goals met for one product are one hit, the freer one.
    hits = hits.sort_values("held_by", kind="stable").drop_duplicates(
        ["account_id", "product_id", "rule"]
    )
    offers.attrs.update(held_back=held_back, hits=hits)
    return offers


# The card columns the engine fills, with their SQL types (accounts.bulk_json); the others
# take their model defaults (CARD_DEFAULTS) or the run date.
CARD_COLUMNS = {
    "account_id": "bigint",
    "rep_id": "bigint",
    "kind": "text",
    "product_id": "bigint",
    "current_product_id": "bigint",
    "source": "text",
    "source_id": "bigint",
    "rule": "text",
    "monthly_uplift": "integer",
    "probability": "numeric",
    "expected_value": "integer",
    "reasons": "jsonb",
    "talking_points": "jsonb",
    "timing": "jsonb",
    "success_story_id": "bigint",
    "opportunity_id": "bigint",
}
OPTIONAL_IDS = ("current_product_id", "source_id", "success_story_id", "opportunity_id")
CARD_DEFAULTS = ("status", "dismiss_reason", "dismiss_note", "created_at")
# Cards per INSERT: their JSON text for 105,000 cards at once took the step's peak from
# 640 MB to 1,040 MB (100k accounts); 10,000 at a time keep that to ~40 MB.
CARD_BATCH = 10_000


def card_frame(offers: pd.DataFrame) -> pd.DataFrame:
    """The CARD_COLUMNS of the offers, whole columns at a time (ids that may be missing as
    nullable integers, so that they travel as 12, never 12.0)."""
    cards = pd.DataFrame(
        {
            "account_id": offers["account_id"].astype("int64"),
            "rep_id": offers["owner_id"].astype("int64"),
            "kind": offers["kind"].astype(str),
            "product_id": offers["product_id"].astype("int64"),
            "source": offers["source"].astype(str),
            "rule": offers["rule"].astype(str),
            "monthly_uplift": offers["monthly_uplift"].astype("int64"),
            "probability": offers["probability"].astype(float),
            "expected_value": offers["expected_value"].astype("int64"),
            "reasons": offers["reasons"],
            "talking_points": offers["talking_points"],
            "timing": offers["timing"],
            "success_story_id": offers["story_id"],
            "current_product_id": offers["current_product_id"],
            "source_id": offers["source_id"],
            "opportunity_id": offers["opportunity_id"],
        }
    )
    for name in OPTIONAL_IDS:
        cards[name] = pd.to_numeric(cards[name], errors="coerce").astype("Int64")
    return cards[list(CARD_COLUMNS)]


def cards_insert(cards: pd.DataFrame, *, run_date: datetime.date) -> None:
    """Insert the cards of `run_date`; one that conflicts with a live card (a campaign card
    written meanwhile for the same product) is skipped: the card already there wins.

    On PostgreSQL the cards go as one JSON array (accounts.bulk_json) written by
    DataFrame.to_json in C: building a dict per card and json.dumps took 3.1 s of the
    75,984 cards of 100,000 demo accounts, the frame's to_json 0.2 s. Elsewhere (SQLite)
    bulk_create.
    """
    if connection.vendor != "postgresql":
        records = cards.astype(object).where(cards.notna(), None).to_dict("records")
        for row in records:
            row.update(probability=Decimal(str(row["probability"])), generated_on=run_date)
        OfferCard.objects.bulk_create(
            [OfferCard(**row) for row in records], batch_size=1_000, ignore_conflicts=True
        )
        return
    fields = {field.name: field for field in OfferCard._meta.concrete_fields}
    defaults = [
        timezone.now() if name == "created_at" else fields[name].get_default()
        for name in CARD_DEFAULTS
    ]
    columns = ", ".join([*CARD_COLUMNS, "generated_on", *CARD_DEFAULTS])
    given = ", ".join(CARD_COLUMNS)
    constants = ", ".join(["%s"] * (1 + len(CARD_DEFAULTS)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {OfferCard._meta.db_table} ({columns}) "  # noqa: S608 (names are ours)
            f"SELECT {given}, {constants} FROM ({json_rows_sql(CARD_COLUMNS)}) AS loaded "
            "ON CONFLICT DO NOTHING",
            [run_date, *defaults, cards.to_json(orient="records", force_ascii=False)],
        )


@transaction.atomic
def offers_write(*, window: sources.OfferWindow, night: Night) -> dict[str, int]:
    """Write the cards and rule hits of the window's accounts (see offer_candidates); returns
    counts for the log: cards, rule hits, and candidates held back per gate."""
    offers = offer_candidates(window=window, night=night)
    cards = card_frame(offers) if len(offers) else offers
    for start in range(0, len(cards), CARD_BATCH):
        cards_insert(cards.iloc[start : start + CARD_BATCH], run_date=window.run_date)
    hits = offer_rule_hits_replace(window=window, hits=offers.attrs["hits"])
    return {"cards": len(offers), "rule_hits": hits, **offers.attrs["held_back"]}


def offer_rule_hits_purge(*, run_date: datetime.date) -> None:
    """Drop the rule hits older than RULE_HITS_KEEP_DAYS before `run_date`."""
    OfferRuleHit.objects.filter(
        run_date__lt=run_date - datetime.timedelta(days=RULE_HITS_KEEP_DAYS)
    ).delete()


def offer_rule_hits_replace(*, window: sources.OfferWindow, hits: pd.DataFrame) -> int:
    """Replace the rule hits of the window's run date and accounts."""
    run_date = window.run_date
    OfferRuleHit.objects.filter(window.accounts(), run_date=run_date).delete()
    rows = list(
        zip(
            [run_date] * len(hits),
            hits["account_id"].astype("int64").tolist(),
            hits["product_id"].astype("int64").tolist(),
            hits["rule"].tolist(),
            hits["kind"].astype(str).tolist(),
            hits["held_by"].tolist(),
            strict=True,
        )
    )
    fields = ("run_date", "account_id", "product_id", "rule", "kind", "held_by")
    if connection.vendor == "postgresql":
        # COPY: the 98,000 hits of 100,000 demo accounts in 6 s where bulk_create took 12 s
        # (both on a busy 2-core machine; the foreign-key checks are most of it)
        table = connection.ops.quote_name(OfferRuleHit._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(fields)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        hits_made = (OfferRuleHit(**dict(zip(fields, row, strict=True))) for row in rows)
        OfferRuleHit.objects.bulk_create(hits_made, batch_size=5_000)
    return len(rows)
