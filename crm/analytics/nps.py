"""NPS by segment and its trend: the answers of the chosen period by industry, size band,
growth stage, prefecture and team, each beside the period before (how it moved), and the
NPS of each month. The maths is accounts/nps.py's: promoters 9–10, passives 7–8,
detractors 0–6; NPS = % promoters − % detractors (002).

Two aggregate queries whatever the number of answers: counts per account and period added
up per segment combination (see segments.per_segment), and counts per month.
"""

import datetime

from django.db.models import Case, Count, Value, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from accounts.models import NPSResponse
from accounts.nps import nps_count_aggregates, nps_from_counts

from .periods import as_date, months_between
from .scope import ReportScope
from .segments import (
    DIMENSIONS,
    INDUSTRY,
    REGION,
    SIZE,
    STAGE,
    Dimension,
    in_reading_order,
    per_segment,
    totals_by,
)
from .tables import DELTA, NUMBER, TEXT, Chart, Column, Series, Table

COUNTS = ["promoters", "passives", "detractors", "respondents"]
TEAM = Dimension("team", _("Team"), [], ordinal=False)
NO_TEAM = _("No team")


def _figures(counts: dict, previous: dict | None = None) -> dict:
    figures = {name: int(counts.get(name, 0)) for name in COUNTS}
    figures["answers"] = figures["promoters"] + figures["passives"] + figures["detractors"]
    figures["nps"] = nps_from_counts(
        promoters=figures["promoters"],
        passives=figures["passives"],
        detractors=figures["detractors"],
    )
    if previous is not None:
        before = nps_from_counts(
            promoters=int(previous.get("promoters", 0)),
            passives=int(previous.get("passives", 0)),
            detractors=int(previous.get("detractors", 0)),
        )
        figures["previous_nps"] = before
        figures["change"] = (
            None if figures["nps"] is None or before is None else round(figures["nps"] - before, 1)
        )
    return figures


def previous_period(date_from: datetime.date, date_to: datetime.date):
    """The period of the same length just before [date_from, date_to]."""
    length = date_to - date_from + datetime.timedelta(days=1)
    return date_from - length, date_from - datetime.timedelta(days=1)


def nps_compute(*, scope: ReportScope, date_from: datetime.date, date_to: datetime.date) -> dict:
    before_from, _before_to = previous_period(date_from, date_to)
    answers = scope.rows(
        NPSResponse.objects.filter(answered_on__gte=before_from, answered_on__lte=date_to)
    ).order_by()
    # per account and period (this one, the one before): its promoters, passives, detractors
    per_account = (
        answers.values(
            "account_id",
            current=Case(When(answered_on__gte=date_from, then=Value(1)), default=Value(0)),
        )
        .annotate(**nps_count_aggregates())
        .order_by()
    )
    frame = per_segment(per_account, measures=COUNTS[:3], keys=("current",), team=True).rename(
        columns={"accounts": "respondents"}
    )
    now, before = frame[frame["current"] == 1], frame[frame["current"] == 0]

    by = {}
    for dimension in [*DIMENSIONS, TEAM]:
        previous = totals_by(before, dimension.key, COUNTS).to_dict("index")
        by[dimension.key] = [
            {"code": code, **_figures(counts, previous.get(code, {}))}
            for code, counts in totals_by(now, dimension.key, COUNTS).to_dict("index").items()
        ]

    monthly = {
        as_date(row["month"]): row
        for row in answers.filter(answered_on__gte=date_from)
        .annotate(month=TruncMonth("answered_on"))
        .values("month")
        .annotate(**nps_count_aggregates(), respondents=Count("account", distinct=True))
    }
    return {
        "overall": _figures(now[COUNTS].sum().to_dict(), before[COUNTS].sum().to_dict()),
        "by": by,
        "months": [
            {"month": month, **_figures(monthly.get(month, {}))}
            for month in months_between(date_from, date_to)
        ],
    }


# --- shown -------------------------------------------------------------------------------

CAPTIONS = {
    INDUSTRY.key: _("NPS by industry"),
    SIZE.key: _("NPS by size"),
    STAGE.key: _("NPS by growth stage"),
    REGION.key: _("NPS by prefecture"),
    TEAM.key: _("NPS by team"),
}
CHART_LABELS = {
    INDUSTRY.key: _("NPS by industry chart"),
    SIZE.key: _("NPS by size chart"),
    STAGE.key: _("NPS by growth stage chart"),
    REGION.key: _("NPS by prefecture chart"),
    TEAM.key: _("NPS by team chart"),
}


def _columns(first, *, change: bool = True) -> list[Column]:
    columns = [Column("label", first, TEXT), Column("nps", _("NPS"), NUMBER)]
    if change:
        columns.append(Column("change", _("Change on the previous period"), DELTA))
    return [
        *columns,
        Column("answers", _("Answers")),
        Column("promoters", _("Promoters")),
        Column("passives", _("Passives")),
        Column("detractors", _("Detractors")),
        Column("respondents", _("Accounts answering")),
    ]


def _label(dimension: Dimension, code) -> str:
    if dimension is TEAM:
        return code or str(NO_TEAM)
    return dimension.label_of(code)


def nps_tables(result: dict, *, small_below: int) -> list[Table]:
    months = [{**row, "label": f"{row['month']:%Y-%m}"} for row in result["months"]]
    tables = [
        Table(
            slug="month",
            caption=_("NPS by month"),
            columns=_columns(_("Month"), change=False),
            rows=months,
            chart=Chart(
                type="line",
                series=[Series("nps", _("NPS"))],
                label=_("Monthly NPS chart"),
                minimum=-100,
                maximum=100,
            ),
        )
    ]
    for dimension in [*DIMENSIONS, TEAM]:
        rows = [
            {
                **row,
                "label": _label(dimension, row["code"]),
                "small": row["respondents"] < small_below,
            }
            for row in result["by"][dimension.key]
        ]
        rows = in_reading_order(rows, dimension, "nps")
        tables.append(
            Table(
                slug=dimension.key,
                caption=CAPTIONS[dimension.key],
                columns=_columns(dimension.label),
                rows=rows,
                chart=Chart(
                    type="bar",
                    series=[Series("nps", _("NPS"))],
                    label=CHART_LABELS[dimension.key],
                    horizontal=True,
                    minimum=-100,
                    maximum=100,
                ),
                chart_rows=[row for row in rows if not row["small"] and row["nps"] is not None],
                flags_small=True,
            )
        )
    return tables
