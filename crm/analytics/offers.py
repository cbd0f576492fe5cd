"""Offer acceptance by rule: of the next-best-offer cards made in the period, how many the
reps accepted, dismissed or let expire, the acceptance rate (accepted among answered) and
how many of the accepted turned into won deals; by rule and by month (004: tune the rules
on the field's answers). The counting is opportunities.offers.selectors.offer_card_counts,
shared with the offer feedback page. Two aggregate queries.
"""

import datetime

from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from opportunities.models import OfferCard
from opportunities.offers.selectors import offer_card_counts
from opportunities.offers.texts import RULE_LABELS

from .periods import add_months, as_date, months_between
from .scope import ReportScope
from .segments import by_figure
from .tables import PERCENT, TEXT, Chart, Column, Series, Table


def offers_compute(*, scope: ReportScope, today: datetime.date, months: int) -> dict:
    since = add_months(today.replace(day=1), -(months - 1))
    cards = scope.rows(OfferCard.objects.filter(generated_on__gte=since, generated_on__lte=today))
    by_month = {
        as_date(row["month"]): row
        for row in offer_card_counts(cards.annotate(month=TruncMonth("generated_on")), "month")
    }
    empty = {"total": 0, "accepted": 0, "dismissed": 0, "expired": 0, "live": 0, "won": 0}
    return {
        "by_rule": offer_card_counts(cards, "rule"),
        "by_month": [
            {**empty, "acceptance": None, **by_month.get(month, {}), "month": month}
            for month in months_between(since, today)
        ],
    }


# --- shown -------------------------------------------------------------------------------


def _columns(first) -> list[Column]:
    return [
        Column("label", first, TEXT),
        Column("total", _("Cards")),
        Column("accepted", _("Accepted")),
        Column("dismissed", _("Dismissed")),
        Column("expired", _("Expired")),
        Column("live", _("Live")),
        Column("acceptance", _("Acceptance"), PERCENT),
        Column("won", _("Won deals")),
    ]


def offers_tables(result: dict, *, small_below: int) -> list[Table]:
    rules = [
        {
            **row,
            "label": str(RULE_LABELS.get(row["rule"], row["rule"])),
            "small": row["accepted"] + row["dismissed"] < small_below,
        }
        for row in result["by_rule"]
    ]
    rules = by_figure(rules, "acceptance")
    months = [{**row, "label": f"{row['month']:%Y-%m}"} for row in result["by_month"]]
    return [
        Table(
            slug="rule",
            caption=_("Offer acceptance by rule"),
            columns=_columns(_("Rule")),
            rows=rules,
            chart=Chart(
                type="bar",
                series=[Series("accepted", _("Accepted")), Series("dismissed", _("Dismissed"))],
                label=_("Accepted and dismissed by rule"),
                horizontal=True,
                stacked=True,
            ),
            chart_rows=[row for row in rules if not row["small"]],
            flags_small=True,
        ),
        Table(
            slug="month",
            caption=_("Offer acceptance by month"),
            columns=_columns(_("Month")),
            rows=months,
            chart=Chart(
                type="line",
                series=[Series("acceptance", _("Acceptance"))],
                label=_("Acceptance by month chart"),
                minimum=0,
                maximum=100,
            ),
        ),
    ]
