"""Revenue per customer by segment: ARPA (monthly) and 12-month order revenue per buying
account, by industry, size band, growth stage and prefecture, and industry × size (001:
target the industries and sizes where revenue per customer is high).

One aggregate query whatever the number of accounts: the accounts per segment combination,
with the subscriptions paying today and the orders of the last 365 days each summed per
account beside them; pandas adds the combinations up into each segment.
"""

import datetime

from django.db.models import Count, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.choices import SizeBand
from accounts.models import Order, Subscription

from .mrr import paying_on
from .scope import ReportScope
from .segments import (
    DIMENSIONS,
    INDUSTRY,
    REGION,
    SIZE,
    STAGE,
    accounts_per_segment,
    by_figure,
    in_reading_order,
    totals_by,
)
from .tables import TEXT, YEN, Chart, Column, Series, Table

ORDER_DAYS = 365
MEASURES = ["accounts", "paying", "mrr", "buying", "orders", "revenue"]


def _ratio(numerator, denominator):
    return None if not denominator else float(numerator) / float(denominator)


def _figures(totals: dict) -> dict:
    """Counts and sums of a group, with its averages: ARPA and revenue per buying account."""
    figures = {name: int(totals.get(name, 0)) for name in MEASURES}
    figures["arpa"] = _ratio(figures["mrr"], figures["paying"])
    figures["revenue_per_buyer"] = _ratio(figures["revenue"], figures["buying"])
    return figures


def revenue_compute(*, scope: ReportScope, today: datetime.date) -> dict:
    """Plain data (segment codes, counts, yen), cached per day; labelled when shown."""
    paying = (
        scope.rows(Subscription.objects.filter(paying_on(today)))
        .order_by()
        .values("account_id")
        .annotate(mrr=Sum("monthly_amount"))
        .filter(mrr__gt=0)
    )
    ordered = (
        scope.rows(
            Order.objects.filter(
                ordered_on__gt=today - datetime.timedelta(days=ORDER_DAYS),
                ordered_on__lte=today,
            )
        )
        .order_by()
        .values("account_id")
        .annotate(orders=Count("pk"), revenue=Sum("total"))
    )
    frame = accounts_per_segment(
        scope.accounts(),
        parts={"paying": (paying, ["mrr"]), "buying": (ordered, ["orders", "revenue"])},
    )

    return {
        "overall": _figures(frame[MEASURES].sum().to_dict()),
        "by": {
            dimension.key: [
                {"code": code, **_figures(totals)}
                for code, totals in totals_by(frame, dimension.key, MEASURES)
                .to_dict("index")
                .items()
            ]
            for dimension in DIMENSIONS
        },
        "grid": [
            {"industry": industry, "size": size, **_figures(totals)}
            for (industry, size), totals in frame.groupby([INDUSTRY.key, SIZE.key])[MEASURES]
            .sum()
            .to_dict("index")
            .items()
        ],
    }


# --- shown -------------------------------------------------------------------------------

CAPTIONS = {
    INDUSTRY.key: _("Revenue per customer by industry"),
    SIZE.key: _("Revenue per customer by size"),
    STAGE.key: _("Revenue per customer by growth stage"),
    REGION.key: _("Revenue per customer by prefecture"),
}
CHART_LABELS = {
    INDUSTRY.key: _("ARPA by industry chart"),
    SIZE.key: _("ARPA by size chart"),
    STAGE.key: _("ARPA by growth stage chart"),
    REGION.key: _("ARPA by prefecture chart"),
}
ARPA = _("ARPA (monthly)")


def _columns(first) -> list[Column]:
    return [
        Column("label", first, TEXT),
        Column("accounts", pgettext_lazy("a number of", "Accounts")),
        Column("paying", _("Paying accounts")),
        Column("mrr", _("MRR"), YEN),
        Column("arpa", ARPA, YEN),
        Column("buying", _("Buying accounts (12 months)")),
        Column("revenue", _("Order revenue (12 months)"), YEN),
        Column("revenue_per_buyer", _("Revenue per buying account (12 months)"), YEN),
    ]


def revenue_tables(result: dict, *, small_below: int) -> list[Table]:
    """One table (with its ARPA chart) per segment, then industry × size."""
    tables = []
    for dimension in DIMENSIONS:
        rows = [
            {**row, "label": dimension.label_of(row["code"]), "small": row["paying"] < small_below}
            for row in result["by"][dimension.key]
        ]
        rows = in_reading_order(rows, dimension, "arpa")
        tables.append(
            Table(
                slug=dimension.key,
                caption=CAPTIONS[dimension.key],
                columns=_columns(dimension.label),
                rows=rows,
                chart=Chart(
                    type="bar",
                    series=[Series("arpa", ARPA)],
                    label=CHART_LABELS[dimension.key],
                    horizontal=not dimension.ordinal,
                    yen=True,
                ),
                chart_rows=[row for row in rows if not row["small"] and row["arpa"] is not None],
                flags_small=True,
            )
        )
    tables.append(_grid_table(result, small_below=small_below))
    return tables


def _grid_table(result: dict, *, small_below: int) -> Table:
    """ARPA of each industry (rows, highest overall first) in each size band (columns)."""
    sizes = [code for code, _label in SizeBand.choices]
    cells = {(row["industry"], row["size"]): row for row in result["grid"]}
    industry_order = [
        row["code"]
        for row in by_figure(
            [
                {**row, "label": INDUSTRY.label_of(row["code"])}
                for row in result["by"][INDUSTRY.key]
            ],
            "arpa",
        )
    ]
    trusted = sorted(
        row["arpa"]
        for row in result["grid"]
        if row["arpa"] is not None and row["paying"] >= small_below
    )
    rows = []
    for industry in industry_order:
        row = {"label": INDUSTRY.label_of(industry), "cells": []}
        for size in sizes:
            found = cells.get((industry, size), {})
            arpa, paying = found.get("arpa"), found.get("paying", 0)
            row[f"arpa_{size}"], row[f"paying_{size}"] = arpa, paying
            row["cells"].append(
                {
                    "arpa": arpa,
                    "paying": paying,
                    "small": paying < small_below,
                    "heat": _heat(arpa, trusted) if paying >= small_below else 0,
                }
            )
        rows.append(row)
    columns = [Column("label", INDUSTRY.label, TEXT)]
    for size, label in SizeBand.choices:
        columns += [
            Column(f"arpa_{size}", format_lazy("{} {}", ARPA, label), YEN),
            Column(f"paying_{size}", format_lazy("{} {}", _("Paying accounts"), label)),
        ]
    return Table(
        slug="industry-size",
        caption=_("ARPA by industry and size"),
        columns=columns,
        rows=rows,
        extra={"sizes": [label for _code, label in SizeBand.choices]},
    )


def _heat(value, trusted: list[float]) -> int:
    """1-5: the fifth of the trusted cells' ARPA this value falls in (0: no figure)."""
    if value is None or not trusted:
        return 0
    below = sum(1 for other in trusted if other <= value)
    return max(1, min(5, -(-5 * below // len(trusted))))
