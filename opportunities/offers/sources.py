"""What the offer engine reads, one query per source, as DataFrames over a chunk's accounts.

Each source reads the account-id range of its OfferWindow; what needs every account (the day
of the scores, who owns what among loyal customers) is read once per night, before the chunks.
"""

import datetime
from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, Max, Q

from accounts.frames import query_frame
from accounts.models import (
    Account,
    Activity,
    LoyaltyScore,
    NPSResponse,
    Product,
    Subscription,
    SuccessStory,
    UsageRecord,
)
from accounts.scoring.sources import monthly_usage, usage_sums

from ..models import Hearing, OfferCard, Opportunity, WatchCondition

USAGE_DAYS = 30  # utilisation and growth over the last 30 days against the 30 before


def frame(queryset, *columns: str) -> pd.DataFrame:
    """The `columns` of `queryset` (accounts.frames.query_frame: no per-value converters), in
    its own order_by only: a model's default ordering (an account's name, for subscriptions
    and scores) joined and sorted every account of the base for each chunk of 10,000 (0.3 s a
    chunk at 100k accounts), for rows whose order the rules do not read, or read within an
    account only (subscriptions, met goals: ordered here)."""
    if not queryset.query.order_by:
        queryset = queryset.order_by()
    return query_frame(queryset, *columns)


def last_full_month(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the calendar month before `day`'s month."""
    last = day.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


@dataclass(frozen=True)
class OfferWindow:
    """The run date, its data day (the day before, the last complete day of data) and the
    account-id range lo..hi of a chunk."""

    run_date: datetime.date
    lo: int
    hi: int

    @property
    def as_of(self) -> datetime.date:
        return self.run_date - datetime.timedelta(days=1)

    def accounts(self, field: str = "account_id") -> Q:
        return Q(**{f"{field}__gte": self.lo, f"{field}__lte": self.hi})

    def days_before(self, days: int) -> datetime.date:
        return self.run_date - datetime.timedelta(days=days)

    def days_after(self, days: int) -> datetime.date:
        return self.run_date + datetime.timedelta(days=days)


def accounts(window: OfferWindow) -> pd.DataFrame:
    return frame(
        Account.objects.filter(window.accounts("id")),
        "id",
        "owner_id",
        "industry",
        "fiscal_closing_month",
        "do_not_contact",
        "quiet_until",
    ).rename(columns={"id": "account_id"})


def scores_day(run_date: datetime.date) -> datetime.date | None:
    """The latest day scored on or before the run date: the night reads every score of it."""
    return LoyaltyScore.objects.filter(as_of__lte=run_date).aggregate(day=Max("as_of"))["day"]


def scores(window: OfferWindow, *, day: datetime.date | None) -> pd.DataFrame:
    """The loyalty scores of `day` (scores_day)."""
    rows = frame(
        LoyaltyScore.objects.filter(window.accounts(), as_of=day),
        "account_id",
        "score",
        "tier",
        "churn_risk",
    )
    rows["score"] = rows["score"].astype(float)
    return rows


def products() -> pd.DataFrame:
    rows = frame(
        Product.objects.all(),
        "id",
        "kind",
        "family_id",
        "tier_rank",
        "monthly_price",
        "included_usage",
        "overage_unit_price",
        "usage_measure",
        "is_active",
    ).rename(columns={"id": "product_id"})
    for column in ("included_usage", "overage_unit_price"):
        rows[column] = pd.to_numeric(rows[column], errors="coerce").astype(float)
    rows["is_active"] = rows["is_active"].astype(bool)  # an empty column would be "object"
    return rows


def in_force(day: datetime.date):
    """Subscriptions in force on `day`, trials included."""
    return (
        Subscription.objects.filter(started_on__lte=day)
        .exclude(status=Subscription.Status.CANCELLED)
        .exclude(cancelled_on__lte=day)
    )


def subscriptions(window: OfferWindow) -> pd.DataFrame:
    """Subscriptions in force on the run date (trials included), with last month's usage and
    the two 30-day windows (counts summed, levels averaged: scoring's monthly_usage)."""
    subs = frame(
        # newest first within an account, as the model orders them (the id breaks ties)
        in_force(window.run_date)
        .filter(window.accounts())
        .order_by("account_id", "-started_on", "id"),
        "id",
        "account_id",
        "product_id",
        "quantity",
        "monthly_amount",
        "billing_model",
        "status",
        "renewal_on",
        "trial_ends_on",
    ).rename(columns={"id": "subscription_id"})
    return subs.merge(usage_windows(window), on="subscription_id", how="left")


def usage_windows(window: OfferWindow) -> pd.DataFrame:
    """Per subscription: usage of the last 30 days, the 30 before and last full month.

    Its own query over the rows of those days only: summed through a join from the
    subscriptions, every usage row of every subscription was read (10 s for 10,000 accounts
    with a year of daily usage; the windows need two months of it)."""
    month_start, month_end = last_full_month(window.run_date)
    month_days = (month_end - month_start).days + 1
    first = min(window.days_before(2 * USAGE_DAYS + 1) + datetime.timedelta(days=1), month_start)
    last = max(window.as_of, month_end)
    recent = Q(date__gt=window.days_before(USAGE_DAYS + 1), date__lte=window.as_of)
    split = window.days_before(USAGE_DAYS + 1)
    before = Q(date__gt=window.days_before(2 * USAGE_DAYS + 1), date__lte=split)
    month = Q(date__gte=month_start, date__lte=month_end)
    rows = (
        UsageRecord.objects.filter(
            window.accounts(),
            # the same range on the joined subscriptions, as in accounts.scoring.sources.usage:
            # PostgreSQL then hashes the chunk's subscriptions, not all of them
            subscription__account_id__gte=window.lo,
            subscription__account_id__lte=window.hi,
            date__gte=first,
            date__lte=last,
        )
        .values("subscription_id")
        .annotate(
            **usage_sums("used_recently", within=recent),
            **usage_sums("used_before", within=before),
            **usage_sums("used_last_month", within=month),
        )
    )
    sums = frame(rows, "subscription_id", *rows.query.annotations)
    days = {"used_recently": USAGE_DAYS, "used_before": USAGE_DAYS, "used_last_month": month_days}
    usage = pd.DataFrame(
        {
            "subscription_id": sums["subscription_id"],
            **{name: monthly_usage(sums, name, days=count) for name, count in days.items()},
        }
    )
    return usage.astype({"subscription_id": "int64"})  # also when empty, for the merge


def complements() -> pd.DataFrame:
    """(add-on, product it complements) pairs."""
    through = Product.complements.through.objects.all()
    return frame(through, "from_product_id", "to_product_id").rename(
        columns={"from_product_id": "add_on_id", "to_product_id": "anchor_id"}
    )


def product_motives() -> pd.DataFrame:
    return frame(Product.motives.through.objects.all(), "product_id", "buyingmotive_id")


def hearing_motives(window: OfferWindow) -> pd.DataFrame:
    """The buying motives heard at each account in the last year (hearings' motive tags)."""
    through = Hearing.motives.through.objects.filter(
        window.accounts("hearing__account_id"),
        hearing__held_on__gt=window.days_before(365),
        hearing__held_on__lte=window.run_date,
    )
    return (
        frame(through, "hearing__account_id", "buyingmotive_id")
        .rename(columns={"hearing__account_id": "account_id"})
        .drop_duplicates()
    )


def success_stories() -> pd.DataFrame:
    """The first story per (industry, product)."""
    rows = frame(SuccessStory.objects.order_by("pk"), "industry", "product_id", "id")
    return rows.drop_duplicates(["industry", "product_id"]).rename(columns={"id": "story_id"})


def quiet_signals(window: OfferWindow, *, detractor_days: int, hesitation_days: int):
    """Accounts inside a quiet period for each reason: detractor, complaint, hesitation."""
    detractors = NPSResponse.objects.filter(
        window.accounts(),
        score__lte=6,
        answered_on__gt=window.days_before(detractor_days),
        answered_on__lte=window.run_date,
    ).values_list("account_id", flat=True)
    complaints = Activity.objects.filter(
        Q(resolved_on__isnull=True) | Q(resolved_on__gt=window.run_date),
        window.accounts(),
        kind__in=Activity.NEGATIVE_KINDS,
        occurred_on__lte=window.run_date,
    ).values_list("account_id", flat=True)
    hesitations = Hearing.objects.filter(
        window.accounts(),
        hesitant=True,
        held_on__gt=window.days_before(hesitation_days),
        held_on__lte=window.run_date,
    ).values_list("account_id", flat=True)
    return {
        "detractor": set(detractors),
        "complaint": set(complaints),
        "hesitation": set(hesitations),
    }


def contacts(window: OfferWindow, *, days: int) -> pd.Series:
    """Per account: cards made up to the run date plus contacts logged, over `days` days.

    The run date's own cards count: on a rerun they are the ones the first run made, and the
    candidates they took the slots from must stay capped."""
    since = window.days_before(days)
    cards = (
        OfferCard.objects.filter(
            window.accounts(), generated_on__gt=since, generated_on__lte=window.run_date
        )
        .values("account_id")
        .annotate(n=Count("pk"))
    )
    touches = (
        Activity.objects.filter(
            window.accounts(),
            kind__in=Activity.CONTACT_KINDS,
            occurred_on__gt=since,
            occurred_on__lte=window.run_date,
        )
        .values("account_id")
        .annotate(n=Count("pk"))
    )
    both = pd.concat(
        [frame(cards, "account_id", "n"), frame(touches, "account_id", "n")], ignore_index=True
    )
    return both.groupby("account_id")["n"].sum()


def blocked_products(window: OfferWindow, *, cooldown_days: int) -> pd.DataFrame:
    """(account, product) pairs no card may offer: a live card, an open opportunity for it,
    or a card dismissed within the cooldown."""
    live = OfferCard.objects.filter(window.accounts(), status__in=OfferCard.LIVE)
    dismissed = OfferCard.objects.filter(
        window.accounts(),
        status=OfferCard.Status.DISMISSED,
        acted_at__date__gt=window.days_before(cooldown_days),
    )
    opportunities = Opportunity.objects.open().filter(window.accounts(), to_product__isnull=False)
    return pd.concat(
        [
            frame(live, "account_id", "product_id"),
            frame(dismissed, "account_id", "product_id"),
            frame(opportunities, "account_id", "to_product_id").rename(
                columns={"to_product_id": "product_id"}
            ),
        ],
        ignore_index=True,
    ).drop_duplicates()


def met_watch_conditions(window: OfferWindow) -> pd.DataFrame:
    """Intermediate goals met on the run date (their opportunity was made by the goal check)."""
    rows = WatchCondition.objects.filter(
        window.accounts(), status=WatchCondition.Status.MET, evaluated_on=window.run_date
    ).order_by("deadline", "pk")
    return frame(
        rows,
        "id",
        "account_id",
        "product_id",
        "opportunity_type",
        "promised_value",
        "promised_action",
        "opportunity_id",
    ).rename(columns={"id": "condition_id"})


def loyal_ownership(*, run_date: datetime.date, day: datetime.date | None, tiers) -> pd.DataFrame:
    """(account, product) pairs in force on the run date at every account scored in `tiers` on
    `day`: what the cross-sell affinity is learnt from, once a night over the whole base
    (56,459 pairs at 100k demo accounts, 8.6 MB at the peak of reading them)."""
    loyal = LoyaltyScore.objects.filter(as_of=day, tier__in=tiers).values("account_id")
    rows = in_force(run_date).filter(account_id__in=loyal).distinct()
    return frame(rows, "account_id", "product_id")
