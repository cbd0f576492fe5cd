"""What the score reads: one SQL aggregate per source table for a range of account ids.

Every query keeps to data dated on or before `as_of`, so a past day can be scored again and
backtested: orders by order date, usage by day, NPS by answer date, activities by date,
subscriptions by their start, trial-end and cancellation dates, plan changes by when they
were recorded. Each function returns a DataFrame indexed by account id (no query per account).
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd
from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Lag

from accounts.frames import query_frame
from accounts.models import Activity, NPSResponse, Order, Product, Subscription, UsageRecord

NPS_DAYS = 365  # the latest NPS answer counts for a year
USAGE_DAYS = 30  # utilisation over the last 30 days, trend against the 30 before
PURCHASE_DAYS = 365  # frequency and monetary value over the last 12 months
ENGAGEMENT_DAYS = 90  # contacts, meetings, hearings and QBRs of the last quarter
COMPLAINT_DAYS = 90  # complaints and escalations of the last quarter
LOSS_DAYS = 180  # cancellations and downgrades weigh for half a year

CONVERSATION_KINDS = (
    Activity.Kind.MEETING,
    Activity.Kind.VISIT,
    Activity.Kind.HEARING,
    Activity.Kind.QBR,
)


def day_end(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the project's time zone."""
    after = day + datetime.timedelta(days=1)
    return datetime.datetime.combine(after, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass(frozen=True)
class ChunkWindow:
    """The account-id range and the day a chunk is scored as of."""

    lo: int
    hi: int
    as_of: datetime.date

    def days_before(self, days: int) -> datetime.date:
        return self.as_of - datetime.timedelta(days=days)

    def end_of_day(self, day: datetime.date | None = None) -> datetime.datetime:
        return day_end(day or self.as_of)

    @property
    def accounts(self) -> Q:
        return Q(account_id__gte=self.lo, account_id__lte=self.hi)


def frame(queryset, *columns: str, indexed: bool = True) -> pd.DataFrame:
    """The `columns` of `queryset` as a DataFrame, indexed by the first (the account id)."""
    rows = query_frame(queryset, *columns)
    return rows.set_index(columns[0]) if indexed else rows


def subscription_bought_on():
    """When a subscription became a purchase: the end of its trial, else its start."""
    return Coalesce("trial_ends_on", "started_on")


def subscriptions(window: ChunkWindow) -> pd.DataFrame:
    """Per account: first start, last purchase, purchases in 12 months, monthly spend, included
    usage and cancellations, each as the subscriptions stood on `as_of`."""
    day = window.as_of
    active = Q(started_on__lte=day) & (Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=day))
    # A trial cancelled before it ended was never bought.
    bought = Q(bought_on__lte=day) & (
        Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=F("bought_on"))
    )
    rows = (
        Subscription.objects.filter(window.accounts, started_on__lte=day)
        .annotate(bought_on=subscription_bought_on())
        .values("account_id")
        .annotate(
            first_started_on=Min("started_on"),
            last_bought_on=Max("bought_on", filter=bought),
            bought_recently=Count(
                "pk", filter=bought & Q(bought_on__gt=window.days_before(PURCHASE_DAYS))
            ),
            # what is paid each month: active and out of any trial
            monthly_amount=Sum("monthly_amount", filter=active & ~Q(trial_ends_on__gt=day)),
            included_usage=Sum("product__included_usage", filter=active),
            cancellations=Count(
                "pk",
                filter=Q(cancelled_on__gt=window.days_before(LOSS_DAYS), cancelled_on__lte=day),
            ),
        )
    )
    return frame(
        rows,
        "account_id",
        "first_started_on",
        "last_bought_on",
        "bought_recently",
        "monthly_amount",
        "included_usage",
        "cancellations",
    )


def orders(window: ChunkWindow) -> pd.DataFrame:
    """Per account: last order date, orders and spend over the last 12 months."""
    recent = Q(ordered_on__gt=window.days_before(PURCHASE_DAYS))
    rows = (
        Order.objects.filter(window.accounts, ordered_on__lte=window.as_of)
        .values("account_id")
        .annotate(
            last_ordered_on=Max("ordered_on"),
            orders_recently=Count("pk", filter=recent),
            spend_recently=Sum("total", filter=recent),
        )
    )
    return frame(rows, "account_id", "last_ordered_on", "orders_recently", "spend_recently")


def usage_sums(name: str, *, within: Q, prefix: str = "") -> dict[str, Sum]:
    """The two sums a usage window is made of (`within` selects its rows), to be combined by
    monthly_usage: a counted product's (leads, documents) rows add up over the window, a level
    product's (active seats) rows are levels, whose window figure is their average.

    Each is a sum of the stored decimals, which is exact: summed as floats, the figure's last
    digits depended on the order the rows came in, which a copy of the same database, or
    another plan, changes (the fault drills compare a night's rows to the digit).
    `prefix` reaches usage rows from another model ("usage_records__" from a subscription).
    """
    measure = "product__usage_measure" if prefix else "subscription__product__usage_measure"
    level = Q(**{measure: Product.UsageMeasure.LEVEL})
    quantity = f"{prefix}quantity"
    return {
        f"{name}_levels": Sum(quantity, filter=within & level),
        f"{name}_counts": Sum(quantity, filter=within & ~level),
    }


def monthly_usage(rows: pd.DataFrame, name: str, *, days: int) -> pd.Series:
    """The window `name` of usage_sums in the plans' own terms, comparable with what they
    include: counts summed, levels averaged over the window's `days` days; NaN where the
    window has no row at all."""
    levels = pd.to_numeric(rows[f"{name}_levels"], errors="coerce").astype(float)
    counts = pd.to_numeric(rows[f"{name}_counts"], errors="coerce").astype(float)
    return (levels / days).add(counts, fill_value=0)


def usage(window: ChunkWindow) -> pd.DataFrame:
    """Per account: metered usage over the last 30 days and the 30 days before (counts summed,
    levels averaged over the 30 days: see monthly_usage)."""
    split = window.days_before(USAGE_DAYS)
    rows = (
        UsageRecord.objects.filter(
            window.accounts,
            # the same range on the joined subscriptions: PostgreSQL then hashes the chunk's
            # few thousand, not all 272,000 of them (0.16 s → 0.03 s a chunk at 100k accounts)
            subscription__account_id__gte=window.lo,
            subscription__account_id__lte=window.hi,
            date__gt=window.days_before(2 * USAGE_DAYS),
            date__lte=window.as_of,
            subscription__product__included_usage__isnull=False,
        )
        .values("account_id")
        .annotate(
            **usage_sums("used_recently", within=Q(date__gt=split)),
            **usage_sums("used_before", within=Q(date__lte=split)),
        )
    )
    sums = frame(rows, "account_id", *rows.query.annotations)
    return pd.DataFrame(
        {
            name: monthly_usage(sums, name, days=USAGE_DAYS).fillna(0)
            for name in ("used_recently", "used_before")
        },
        index=sums.index,
    )


def nps_latest(window: ChunkWindow) -> pd.DataFrame:
    """Per account: the day of its latest NPS answer of the last 12 months and the mean of the
    answers given that day. The latest day is a correlated subquery on the account's answers
    (an index range each); grouping the answer rows in pandas instead cost 0.5 s a chunk."""
    answers = NPSResponse.objects.filter(
        answered_on__gt=window.days_before(NPS_DAYS), answered_on__lte=window.as_of
    )
    latest_day = (
        answers.filter(account_id=OuterRef("account_id"))
        .order_by("-answered_on")
        .values("answered_on")[:1]
    )
    rows = (
        answers.filter(window.accounts, answered_on=Subquery(latest_day))
        .values("account_id")
        .annotate(
            nps_value=Avg(Cast("score", FloatField())),
            nps_answered_on=Max("answered_on"),
        )
    )
    return frame(rows, "account_id", "nps_value", "nps_answered_on")


def activities(window: ChunkWindow) -> pd.DataFrame:
    """Per account: contacts and conversations in 90 days; complaints and escalations in 90
    days, open (unresolved on as_of) and resolved."""
    day = window.as_of
    negative = Q(
        kind__in=Activity.NEGATIVE_KINDS, occurred_on__gt=window.days_before(COMPLAINT_DAYS)
    )
    engaged = Q(occurred_on__gt=window.days_before(ENGAGEMENT_DAYS))
    is_open = Q(resolved_on__isnull=True) | Q(resolved_on__gt=day)
    rows = (
        Activity.objects.filter(
            window.accounts,
            occurred_on__gt=window.days_before(max(ENGAGEMENT_DAYS, COMPLAINT_DAYS)),
            occurred_on__lte=day,
        )
        .values("account_id")
        .annotate(
            contacts=Count("pk", filter=engaged & Q(kind__in=Activity.CONTACT_KINDS)),
            conversations=Count("pk", filter=engaged & Q(kind__in=CONVERSATION_KINDS)),
            complaints_open=Count("pk", filter=negative & is_open),
            complaints_resolved=Count("pk", filter=negative & ~is_open),
        )
    )
    return frame(
        rows, "account_id", "contacts", "conversations", "complaints_open", "complaints_resolved"
    )


def plan_changes(
    *, until: datetime.datetime, lo: int | None = None, hi: int | None = None
) -> pd.DataFrame:
    """Changes of a subscription's plan, seats or renewal date recorded before `until`, each
    beside the version before it, from the subscription history (one windowed query), for
    accounts lo..hi or all of them."""
    history = Subscription.history.model
    accounts = Q() if lo is None else Q(account_id__gte=lo, account_id__lte=hi)
    ordered = {
        "partition_by": [F("id")],
        "order_by": [F("history_date").asc(), F("history_id").asc()],
    }
    rows = (
        history.objects.filter(accounts, history_date__lt=until)
        .annotate(
            family=F("product__family_id"),
            rank=F("product__tier_rank"),
            previous_family=Window(Lag("product__family_id"), **ordered),
            previous_rank=Window(Lag("product__tier_rank"), **ordered),
            previous_quantity=Window(Lag("quantity"), **ordered),
            previous_renewal_on=Window(Lag("renewal_on"), **ordered),
        )
        # comparisons with the NULL "before" of a first version are never true
        .filter(
            Q(rank__lt=F("previous_rank"))
            | Q(rank__gt=F("previous_rank"))
            | Q(quantity__lt=F("previous_quantity"))
            | Q(quantity__gt=F("previous_quantity"))
            | Q(renewal_on__gt=F("previous_renewal_on"))
        )
    )
    changes = frame(
        rows,
        "account_id",
        "history_date",
        "family",
        "previous_family",
        "rank",
        "previous_rank",
        "quantity",
        "previous_quantity",
        "renewal_on",
        "previous_renewal_on",
        indexed=False,
    )
    same_family = changes["family"].eq(changes["previous_family"])
    changes["downgrade"] = (same_family & (changes["rank"] < changes["previous_rank"])) | (
        changes["quantity"] < changes["previous_quantity"]
    )
    changes["upgrade"] = (same_family & (changes["rank"] > changes["previous_rank"])) | (
        changes["quantity"] > changes["previous_quantity"]
    )
    changes["renewal"] = changes["renewal_on"].notna() & (
        changes["renewal_on"] > changes["previous_renewal_on"]
    )
    return changes


def downgrades(window: ChunkWindow) -> pd.DataFrame:
    """Per account: plans moved to a lower tier (or fewer seats) in the last 180 days."""
    changes = plan_changes(lo=window.lo, hi=window.hi, until=window.end_of_day())
    since = window.end_of_day(window.days_before(LOSS_DAYS))
    recent = changes[changes["downgrade"] & (changes["history_date"] >= since)]
    return recent.groupby("account_id").size().to_frame("downgrades")


def chunk_sources(window: ChunkWindow) -> dict[str, pd.DataFrame]:
    """Every source the score reads, for one chunk: six queries, whatever its size."""
    return {
        "subscriptions": subscriptions(window),
        "orders": orders(window),
        "usage": usage(window),
        "nps": nps_latest(window),
        "activities": activities(window),
        "downgrades": downgrades(window),
    }
