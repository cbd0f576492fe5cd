"""Won expansion by month: upsell, cross-sell and down-sell opportunities won in each month,
with the change to monthly revenue they brought (a down-sell gives some up to keep the
customer, 000, 002) and their contract value. One aggregate query per page.
"""

import datetime

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from opportunities.models import Opportunity, OpportunityType, Stage

from .periods import add_months, as_date, months_between
from .scope import ReportScope
from .tables import TEXT, YEN, Chart, Column, Series, Table

TYPES = OpportunityType.plan_changing()  # upsell, cross-sell, down-sell


def wins_compute(*, scope: ReportScope, today: datetime.date, months: int) -> dict:
    since = add_months(today.replace(day=1), -(months - 1))
    won = (
        scope.rows(Opportunity.objects.all())
        .filter(
            stage=Stage.WON,
            type__in=TYPES,
            closed_on__gte=since,
            closed_on__lte=today,
        )
        .order_by()
        .annotate(month=TruncMonth("closed_on"))
        .values("month", "type")
        .annotate(
            deals=Count("pk"), monthly=Sum("monthly_amount_change"), value=Sum("contract_value")
        )
    )
    cells = {
        (
            as_date(row["month"]),
            row["type"],
        ): row
        for row in won
    }
    rows = []
    for month in months_between(since, today):
        row = {"month": month}
        for kind in TYPES:
            cell = cells.get((month, kind), {})
            row[f"{kind}_deals"] = cell.get("deals", 0)
            # a down-sell lowers the monthly bill by its amount: negative here
            sign = -1 if kind == OpportunityType.DOWN_SELL else 1
            row[f"{kind}_monthly"] = sign * (cell.get("monthly") or 0)
            row[f"{kind}_value"] = cell.get("value") or 0
        row["net_monthly"] = sum(row[f"{kind}_monthly"] for kind in TYPES)
        row["value"] = sum(row[f"{kind}_value"] for kind in TYPES)
        rows.append(row)
    return {"months": rows}


# --- shown -------------------------------------------------------------------------------

TYPE_LABELS = dict(OpportunityType.choices)


def wins_tables(result: dict) -> list[Table]:
    months = [{**row, "label": f"{row['month']:%Y-%m}"} for row in result["months"]]
    columns = [Column("label", _("Month"), TEXT)]
    for kind in TYPES:
        label = TYPE_LABELS[kind]
        columns += [
            Column(f"{kind}_deals", format_lazy("{}: {}", label, _("deals"))),
            Column(f"{kind}_monthly", format_lazy("{}: {}", label, _("monthly change")), YEN),
        ]
    columns += [
        Column("net_monthly", _("Net monthly change"), YEN),
        Column("value", _("Contract value"), YEN),
    ]
    totals = []
    for kind in TYPES:
        deals = sum(row[f"{kind}_deals"] for row in months)
        monthly = sum(row[f"{kind}_monthly"] for row in months)
        totals.append(
            {
                "label": TYPE_LABELS[kind],
                "deals": deals,
                "monthly": monthly,
                "value": sum(row[f"{kind}_value"] for row in months),
                "monthly_per_deal": monthly / deals if deals else None,
            }
        )
    return [
        Table(
            slug="month",
            caption=_("Won upsell, cross-sell and down-sell by month"),
            columns=columns,
            rows=months,
            chart=Chart(
                type="bar",
                series=[Series(f"{kind}_monthly", TYPE_LABELS[kind]) for kind in TYPES],
                label=_("Monthly revenue won by type chart"),
                stacked=True,
                yen=True,
            ),
        ),
        Table(
            slug="type",
            caption=_("Won in the period by type"),
            columns=[
                Column("label", _("Type"), TEXT),
                Column("deals", _("Deals")),
                Column("monthly", _("Monthly change"), YEN),
                Column("monthly_per_deal", _("Monthly change per deal"), YEN),
                Column("value", _("Contract value"), YEN),
            ],
            rows=totals,
            chart=Chart(
                type="bar",
                series=[Series("value", _("Contract value"))],
                label=_("Contract value won by type chart"),
                yen=True,
            ),
        ),
    ]
