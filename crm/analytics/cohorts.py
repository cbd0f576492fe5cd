"""Cohorts: the accounts that became customers in the same month, quarter or year, and
what they were worth over the following 12 months: NRR, GRR, LTV and AOV (002, 004: LTV
rises with loyalty, upsell and cross-sell).

Definitions (shown on the page):
- an account becomes a customer on the first day one of its subscriptions paid (mrr.py);
  its cohort is that day's month, quarter or year;
- the 12 months run from the end of the cohort's period to the same month end a year on;
  starting MRR is the MRR on the first day, of the accounts paying then (the base);
- expansion, contraction and churn compare each base account's MRR at the two ends:
  more is expansion, less but above zero is contraction, zero is churn;
  NRR = (starting MRR + expansion − contraction − churn) / starting MRR,
  GRR = (starting MRR − contraction − churn) / starting MRR;
- ARPA = starting MRR / base accounts; monthly churn rate = 1 − (base accounts still
  paying a year on / base accounts)^(1/12);
  LTV = ARPA × gross margin / monthly churn rate (lifetime capped, see settings);
- AOV = the cohort's order totals / its number of orders.

A subscription's monthly amount on a past day is the one recorded then: the amount before
the first change recorded after that day in the subscription's audit history (an upsell or
down-sell applied from a won opportunity, an edit, an import), else its current amount.

All of it is one SQL statement (per account its MRR on four days, per cohort the sums), with
two small ones beside it: the first purchase (which periods to list) and the orders of the
last year. The ORM writes its parts (subscriptions with their account's first paid day,
amount changes, orders) and the statement joins them: a cohort's days differ
per account, which the ORM cannot join on. It reads the subscriptions once: a window over
each account's subscriptions gives every row its account's first paid day and cohort, where
a first aggregate of the customers joined back to their subscriptions read them twice and
probed the index once per account, and the orders are summed per cohort straight from their
rows, where they were summed per account first and then joined to each subscription (the
statement took 1.2 s at 100,000 accounts on a quiet machine; see docs/benchmarks.md).
Reading the subscriptions into pandas instead took 2.5-4 s (272,000 rows crossing over to
Python).
"""

import datetime
import math
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Min,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Lag, Trunc
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Order, Subscription

from .mrr import bought_on, paying_sql
from .periods import MONTHS_IN, add_months, month_end, period_label
from .scope import ReportScope
from .tables import COUNT, NUMBER, PERCENT, TEXT, YEN, Chart, Column, Series, Table

ORDER_DAYS = 365
SUMS = ["base", "start_mrr", "end_mrr", "expansion", "contraction", "churned_mrr", "retained"]


def subscriptions_query(scope: ReportScope, *, today: datetime.date, period: str):
    """Each subscription's account, purchase day, end (its cancellation; a cancellation
    without a date ends it on its purchase day: it never pays) and monthly amount, with
    the day its account became a customer (none if it has not) and that day's cohort."""
    ends = Case(
        When(cancelled_on__isnull=False, then=F("cancelled_on")),
        When(status=Subscription.Status.CANCELLED, then=bought_on()),
        default=Value(None),
        output_field=DateField(),
    )
    # bought by today and paid at least a day: a trial cancelled before it ended never was
    paid = Case(
        When(
            Q(bought__lte=today) & (Q(ends__isnull=True) | Q(ends__gt=F("bought"))), then="bought"
        ),
        output_field=DateField(),
    )
    first_paid = Window(Min(paid), partition_by=[F("account_id")])
    return (
        scope.rows(Subscription.objects.order_by())
        .annotate(bought=bought_on(), ends=ends)
        # a date, not the timestamp PostgreSQL's date_trunc gives: it is joined on in SQL
        .annotate(cohort=Cast(Trunc(first_paid, period), DateField()))
        .values("id", "account_id", "bought", "ends", "monthly_amount", "cohort")
    )


def amount_changes_query(scope: ReportScope):
    """Each recorded change of a subscription's monthly amount: when, and the amount before.
    Only subscriptions edited since their creation are read (a window function in SQL)."""
    history = Subscription.history.model
    ordered = {
        "partition_by": [F("id")],
        "order_by": [F("history_date").asc(), F("history_id").asc()],
    }
    return (
        scope.rows(
            history.objects.filter(id__in=history.objects.filter(history_type="~").values("id"))
        )
        .order_by()
        .annotate(previous_amount=Window(Lag("monthly_amount"), **ordered))
        # comparisons with the NULL "before" of a first version are never true
        .filter(
            Q(monthly_amount__lt=F("previous_amount")) | Q(monthly_amount__gt=F("previous_amount"))
        )
        .values_list("id", "history_date", "previous_amount")
    )


def _end_of_day(day: datetime.date):
    """The first instant after `day` in Tokyo, as the database compares history dates."""
    after = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )
    return connection.ops.adapt_datetimefield_value(after)


def _day(value) -> datetime.date:
    """A date as the database driver gave it: SQLite's are text."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def cohorts_compute(*, scope: ReportScope, today: datetime.date, period: str) -> dict:
    first = scope.rows(Subscription.objects.order_by()).aggregate(day=Min(bought_on()))["day"]
    recent = scope.rows(
        Order.objects.filter(
            ordered_on__gt=today - datetime.timedelta(days=ORDER_DAYS), ordered_on__lte=today
        )
    ).aggregate(orders=Count("pk"), total=Sum("total"))
    overall_orders = {
        "recent_orders": recent["orders"],
        "aov_recent": recent["total"] / recent["orders"] if recent["orders"] else None,
    }
    if first is None or _day(first) > today:
        return {"period": period, "overall": _overall([], overall_orders), "cohorts": []}

    # Every period from the first purchase to today: its first day, the day its 12 months
    # start (its last day, or today while it runs) and end.
    periods = []
    start = datetime.date(_day(first).year, 1, 1)
    step = MONTHS_IN[period]
    while start <= today:
        last = month_end(add_months(start, step - 1))
        periods.append((start, min(last, today), month_end(add_months(start, step + 11))))
        start = add_months(start, step)
    year_ago = add_months(today.replace(day=1), -12) + datetime.timedelta(days=today.day - 1)
    rows = _cohort_sums(scope, today=today, period=period, periods=periods, year_ago=year_ago)
    cohorts = []
    for row in rows:
        start, first_day, last_day = next(p for p in periods if p[0] == _day(row["cohort"]))
        complete = last_day <= today
        figures = _retention({name: row[name] for name in SUMS})
        if not complete:
            for name in ("end_mrr", "expansion", "contraction", "churned_mrr", "retained"):
                figures[name] = None
            figures["nrr"] = figures["grr"] = figures["monthly_churn"] = None
        cohorts.append(
            {
                "start": start,
                "first_day": first_day,
                "last_day": last_day,
                "complete": complete,
                "accounts": row["accounts"],
                **figures,
                "orders": row["orders"],
                "aov": row["order_total"] / row["orders"] if row["orders"] else None,
            }
        )
    cohorts.sort(key=lambda row: row["start"], reverse=True)
    return {"period": period, "overall": _overall(rows, overall_orders), "cohorts": cohorts}


def _amount_on(cut: str) -> str:
    """A subscription's monthly amount as recorded before the instant `cut` (SQL)."""
    return (
        "CASE WHEN s.id IN (SELECT id FROM changes) THEN COALESCE("  # noqa: S608 (column names)
        "(SELECT c.previous_amount FROM changes c WHERE c.id = s.id"
        f" AND c.history_date >= {cut}"
        " ORDER BY c.history_date LIMIT 1), s.monthly_amount) ELSE s.monthly_amount END"
    )


def _mrr_on(day: str, cut: str) -> str:
    return f"SUM(CASE WHEN {paying_sql(day)} THEN {_amount_on(cut)} ELSE 0 END)"


def _parts(start: str, end: str) -> str:
    """The sums of a base: accounts paying at the start and their MRR at both ends."""
    kept = f"{start} > 0 AND {end} > 0"
    return ", ".join(
        [
            f"SUM(CASE WHEN {start} > 0 THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {start} > 0 THEN {start} ELSE 0 END)",
            f"SUM(CASE WHEN {start} > 0 THEN {end} ELSE 0 END)",
            f"SUM(CASE WHEN {start} > 0 AND {end} > {start} THEN {end} - {start} ELSE 0 END)",
            f"SUM(CASE WHEN {kept} AND {end} < {start} THEN {start} - {end} ELSE 0 END)",
            f"SUM(CASE WHEN {start} > 0 AND {end} = 0 THEN {start} ELSE 0 END)",
            f"SUM(CASE WHEN {kept} THEN 1 ELSE 0 END)",
        ]
    )


def _cohort_sums(scope: ReportScope, *, today, period, periods, year_ago) -> list[dict]:
    """Per cohort: its accounts and orders, its 12-month sums (m0 → m1), and the sums of
    the last 12 months of everyone (y0 → y1) and of today, to be added up over cohorts."""
    subs, subs_params = subscriptions_query(
        scope, today=today, period=period
    ).query.sql_with_params()
    changes, changes_params = amount_changes_query(scope).query.sql_with_params()
    # Not narrowed to the scope: joined to the scope's customers below, by hash. Narrowed
    # here too, a manager's orders were probed per account instead (57,000 index probes at
    # 100,000 accounts; the statement read 255,000 buffers, 26,000 this way).
    orders, orders_params = (
        Order.objects.filter(ordered_on__lte=today)
        .order_by()
        .values("account_id", "total")
        .query.sql_with_params()
    )
    date = connection.ops.adapt_datefield_value
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(periods))
    period_params = []
    for start, first_day, last_day in periods:
        period_params += [date(start), date(first_day), _end_of_day(first_day)]
        period_params += [date(last_day), _end_of_day(last_day)]
    sql = f"""
        WITH subs AS ({subs}),
        changes AS ({changes}),
        orders AS ({orders}),
        periods (start, first_day, first_cut, last_day, last_cut) AS (VALUES {values}),
        days (year_ago, year_ago_cut, today, today_cut) AS (VALUES (%s, %s, %s, %s)),
        per_account AS (
            SELECT s.account_id, s.cohort,
                {_mrr_on("p.first_day", "p.first_cut")} AS m0,
                {_mrr_on("p.last_day", "p.last_cut")} AS m1,
                {_mrr_on("d.year_ago", "d.year_ago_cut")} AS y0,
                {_mrr_on("d.today", "d.today_cut")} AS y1
            FROM subs s
            INNER JOIN periods p ON p.start = s.cohort
            CROSS JOIN days d
            GROUP BY s.account_id, s.cohort
        ),
        cohort_orders AS (
            SELECT m.cohort, COUNT(*) AS n, SUM(o.total) AS total
            FROM per_account m INNER JOIN orders o ON o.account_id = m.account_id
            GROUP BY m.cohort
        )
        SELECT m.cohort, COUNT(*), MAX(COALESCE(c.n, 0)), MAX(COALESCE(c.total, 0)),
            {_parts("m0", "m1")}, {_parts("y0", "y1")},
            SUM(CASE WHEN y1 > 0 THEN 1 ELSE 0 END), SUM(y1)
        FROM per_account m LEFT JOIN cohort_orders c ON c.cohort = m.cohort
        GROUP BY m.cohort
    """  # noqa: S608  (names and SQL from the ORM; every value is a parameter)
    params = [
        *subs_params,
        *changes_params,
        *orders_params,
        *period_params,
        *(date(year_ago), _end_of_day(year_ago), date(today), _end_of_day(today)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = [
        "cohort", "accounts", "orders", "order_total",
        *SUMS, *(f"year_{name}" for name in SUMS), "paying_today", "mrr_today",
    ]  # fmt: skip
    sums = [dict(zip(names, row, strict=True)) for row in rows]
    for row in sums:  # SUM of integers is a decimal on PostgreSQL, None over no rows
        row.update({name: int(row[name] or 0) for name in names[1:]})
    return sums


def _retention(sums: dict) -> dict:
    """NRR, GRR, ARPA and monthly churn of a base from its sums."""
    figures = dict(sums)
    start, base = sums["start_mrr"], sums["base"]
    figures["nrr"] = 100 * sums["end_mrr"] / start if start else None
    figures["grr"] = (
        100 * (start - sums["contraction"] - sums["churned_mrr"]) / start if start else None
    )
    figures["arpa"] = start / base if base else None
    figures["monthly_churn"] = (
        100 * (1 - math.pow(sums["retained"] / base, 1 / 12)) if base else None
    )
    return figures


def _overall(rows: list[dict], orders: dict) -> dict:
    """The last 12 months of all customers: who paid a year ago, and what they pay today."""
    overall = _retention({name: sum(row[f"year_{name}"] for row in rows) for name in SUMS})
    paying = sum(row["paying_today"] for row in rows)
    mrr = sum(row["mrr_today"] for row in rows)
    return {
        **overall,
        "paying_today": paying,
        "mrr_today": mrr,
        "arpa_today": mrr / paying if paying else None,
        **orders,
    }


# --- shown -------------------------------------------------------------------------------


def lifetime_months(monthly_churn: float | None) -> float | None:
    """Expected months a customer stays: 1 / monthly churn, capped (no churn: the cap)."""
    if monthly_churn is None:
        return None
    cap = settings.ANALYTICS_LTV_MAX_MONTHS
    return cap if monthly_churn <= 0 else min(cap, 100 / monthly_churn)


def ltv(arpa: float | None, monthly_churn: float | None) -> float | None:
    """ARPA × gross margin / monthly churn rate, with the lifetime capped."""
    months = lifetime_months(monthly_churn)
    if arpa is None or months is None:
        return None
    return arpa * settings.ANALYTICS_GROSS_MARGIN * months


def cohorts_tables(result: dict, *, small_below: int) -> list[Table]:
    period = result["period"]
    rows = []
    for cohort in result["cohorts"]:
        rows.append(
            {
                **cohort,
                "label": period_label(cohort["start"], period),
                "lifetime": lifetime_months(cohort["monthly_churn"]),
                "ltv": ltv(cohort["arpa"], cohort["monthly_churn"]),
                "small": cohort["base"] < small_below,
            }
        )
    chart_rows = [row for row in reversed(rows) if row["complete"] and not row["small"]]
    cohort_column = Column("label", _("Cohort"), TEXT)
    return [
        Table(
            slug="retention",
            caption=_("Revenue retention by cohort (12 months)"),
            columns=[
                cohort_column,
                Column("accounts", pgettext_lazy("a number of", "Accounts")),
                Column("base", _("Paying at the start")),
                Column("start_mrr", _("Starting MRR"), YEN),
                Column("expansion", _("Expansion"), YEN),
                Column("contraction", _("Contraction"), YEN),
                Column("churned_mrr", _("Churned MRR"), YEN),
                Column("end_mrr", _("MRR 12 months on"), YEN),
                Column("nrr", _("NRR"), PERCENT),
                Column("grr", _("GRR"), PERCENT),
            ],
            rows=rows,
            chart=Chart(
                type="line",
                series=[Series("nrr", _("NRR")), Series("grr", _("GRR"))],
                label=_("NRR and GRR by cohort chart"),
                minimum=0,
            ),
            chart_rows=chart_rows,
            flags_small=True,
        ),
        Table(
            slug="value",
            caption=_("Customer value by cohort"),
            columns=[
                cohort_column,
                Column("base", _("Paying at the start")),
                Column("arpa", _("ARPA (monthly)"), YEN),
                Column("monthly_churn", _("Monthly churn rate"), PERCENT),
                Column("lifetime", _("Expected lifetime (months)"), NUMBER),
                Column("ltv", _("LTV"), YEN),
                Column("orders", _("Orders"), COUNT),
                Column("aov", _("AOV"), YEN),
            ],
            rows=rows,
            chart=Chart(
                type="bar",
                series=[Series("ltv", _("LTV"))],
                label=_("LTV by cohort chart"),
                yen=True,
            ),
            chart_rows=chart_rows,
            flags_small=True,
        ),
    ]


def overall_figures(result: dict) -> dict:
    overall = dict(result["overall"])
    overall["lifetime"] = lifetime_months(overall["monthly_churn"])
    overall["ltv"] = ltv(overall["arpa_today"], overall["monthly_churn"])
    return overall
