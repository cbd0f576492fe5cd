"""Loyalty tiers: how many accounts were high, medium and low at each month end, and how
they moved between tiers from one month end to the next (a transition matrix).

A month end is the last day of the month that the nightly scoring completed (the scoring
runs' ledger); the current month's is the latest scored day. Three queries whatever the
number of accounts: the month ends, the tiers counted per month end, and the tiers of the
chosen month end beside the same accounts' tiers at the month end before (one join).
The movement is read for one month at a time: joining every month end to the one before
reads every score twice (measured 3-4 s at 100,000 accounts over 12 months, against
0.3-0.5 s for one month).
"""

import datetime

from django.db.models import Count, F, FilteredRelation, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import LoyaltyScore, LoyaltyTier, ScoringRun

from .periods import add_months
from .scope import ReportScope
from .tables import COUNT, PERCENT, TEXT, Chart, Column, Series, Table

RANK = {LoyaltyTier.HIGH: 3, LoyaltyTier.MEDIUM: 2, LoyaltyTier.LOW: 1}
TIERS = [LoyaltyTier.HIGH, LoyaltyTier.MEDIUM, LoyaltyTier.LOW]
NEW = "new"  # not scored at the month end before


def month_end_days(*, today: datetime.date, months: int) -> list[datetime.date]:
    """The last scored day of each of the `months` months up to today's, and of the month
    before them (the start of the first month's movement), oldest first."""
    first = add_months(today.replace(day=1), -months)
    days = ScoringRun.objects.filter(
        status=ScoringRun.Status.DONE, as_of__gte=first, as_of__lte=today
    ).values_list("as_of", flat=True)
    last_of_month: dict[tuple[int, int], datetime.date] = {}
    for day in days:
        key = (day.year, day.month)
        last_of_month[key] = max(day, last_of_month.get(key, day))
    return sorted(last_of_month.values())


def _month(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def tiers_compute(
    *, scope: ReportScope, today: datetime.date, months: int, month: str | None = None
) -> dict:
    """The tiers at each month end of the period, and the movement into `month`'s month end
    ("YYYY-MM"; the latest when it has none) from the month end before."""
    days = month_end_days(today=today, months=months)
    if not days:
        return {"days": [], "distribution": [], "movement": None}
    scores = scope.rows(LoyaltyScore.objects.order_by())
    distribution = list(
        scores.filter(as_of__in=days)
        .values("as_of", "tier")
        # counted on indexed columns, so that the day-and-tier index answers alone
        .annotate(accounts=Count("account"), churn_risk=Count("account", filter=Q(churn_risk=True)))
    )
    movement = None
    movable = days[1:]
    if movable:
        day = next((d for d in movable if _month(d) == month), movable[-1])
        before = days[days.index(day) - 1]
        cells = (
            scores.filter(as_of=day)
            .alias(
                earlier=FilteredRelation(
                    "account__loyalty_scores", condition=Q(account__loyalty_scores__as_of=before)
                )
            )
            .values("tier", before_tier=F("earlier__tier"))
            .annotate(accounts=Count("account"))
        )
        movement = {
            "day": day,
            "before_day": before,
            "cells": [{**cell, "before_tier": cell["before_tier"] or NEW} for cell in cells],
        }
    return {"days": days, "distribution": distribution, "movement": movement}


# --- shown -------------------------------------------------------------------------------

TIER_LABELS = dict(LoyaltyTier.choices)


def tier_months(result: dict) -> list[str]:
    """The months whose movement can be shown (each has a month end before it)."""
    return [_month(day) for day in result["days"][1:]]


def tiers_tables(result: dict, *, months: int) -> list[Table]:
    days, cells = result["days"], result["distribution"]
    distribution = []
    # The month before the period is read only as the start of its first month's movement.
    for day in days[-months:]:
        mine = [cell for cell in cells if cell["as_of"] == day]
        row = {"label": _month(day), "day": day}
        for tier in TIERS:
            row[tier] = sum(cell["accounts"] for cell in mine if cell["tier"] == tier)
        row["total"] = sum(row[tier] for tier in TIERS)
        row["high_share"] = 100 * row[LoyaltyTier.HIGH] / row["total"] if row["total"] else None
        row["churn_risk"] = sum(cell["churn_risk"] for cell in mine)
        distribution.append(row)
    return [
        Table(
            slug="distribution",
            caption=_("Accounts by loyalty tier at each month end"),
            columns=[
                Column("label", _("Month"), TEXT),
                *(Column(tier, TIER_LABELS[tier]) for tier in TIERS),
                Column("total", _("Scored accounts")),
                Column("high_share", _("High tier share"), PERCENT),
                Column("churn_risk", _("Churn risk")),
            ],
            rows=distribution,
            chart=Chart(
                type="bar",
                series=[Series(tier, TIER_LABELS[tier]) for tier in TIERS],
                label=_("Loyalty tier distribution chart"),
                stacked=True,
            ),
        ),
        _matrix(result["movement"]),
    ]


def _matrix(movement: dict | None) -> Table:
    """Tier at the previous month end (rows) × tier at this month end (columns), and how
    many moved up, down or stayed."""
    cells = movement["cells"] if movement else []
    rows = []
    for before in [*TIERS, NEW]:
        row = {"label": TIER_LABELS.get(before) or _("Not scored")}
        for tier in TIERS:
            row[tier] = sum(
                cell["accounts"]
                for cell in cells
                if cell["before_tier"] == before and cell["tier"] == tier
            )
        row["total"] = sum(row[tier] for tier in TIERS)
        rows.append(row)
    moves = {"up": 0, "down": 0, "same": 0, NEW: 0}
    for cell in cells:
        if cell["before_tier"] == NEW:
            moves[NEW] += cell["accounts"]
        else:
            step = RANK[cell["tier"]] - RANK[cell["before_tier"]]
            moves["up" if step > 0 else "down" if step < 0 else "same"] += cell["accounts"]
    return Table(
        slug="matrix",
        caption=_("From the tier at the previous month end (rows) to the tier now (columns)"),
        columns=[
            Column("label", _("Tier before"), TEXT),
            *(Column(tier, TIER_LABELS[tier], COUNT) for tier in TIERS),
            Column("total", _("Total")),
        ],
        rows=rows if movement else [],
        chart=Chart(
            type="bar",
            series=[Series(tier, TIER_LABELS[tier]) for tier in TIERS],
            label=_("Tier transition chart"),
            horizontal=True,
            stacked=True,
        ),
        extra={
            "day": movement["day"] if movement else None,
            "before_day": movement["before_day"] if movement else None,
            "month": _month(movement["day"]) if movement else "",
            "moves": moves,
        },
    )
