"""The reports, in the order the menu lists them: what each computes (cached per day) and
how it is shown. Views and URLs are generic over this list."""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from crm.users.models import User

from . import cohorts, nps, offers, revenue, tiers, wins
from .cache import report_cached
from .forms import CohortsForm, MonthsForm, NPSForm, ReportFilterForm, TiersForm
from .scope import ReportScope


@dataclass(frozen=True)
class Report:
    slug: str
    title: Any
    summary: Any
    form_class: type[ReportFilterForm]
    # (scope=, today=, **computed params) → plain data, cached per day
    compute: Callable[..., dict]
    # (result, params) → {"tables": [Table, ...], anything else the template shows}
    present: Callable[[dict, dict], dict]
    # the filters the computation depends on (the cache key); others only change the view
    computed: tuple[str, ...] = ()

    @property
    def template(self) -> str:
        return f"analytics/{self.slug}.html"

    @property
    def url_name(self) -> str:
        return f"analytics:{self.slug}"


def small_below() -> int:
    return settings.ANALYTICS_SMALL_GROUP


REPORTS = [
    Report(
        slug="revenue",
        title=_("Revenue per customer"),
        summary=_(
            "ARPA and order revenue per customer by industry, size, growth stage and "
            "prefecture: where revenue per customer is high."
        ),
        form_class=ReportFilterForm,
        compute=lambda *, scope, today: revenue.revenue_compute(scope=scope, today=today),
        present=lambda result, params: {
            "overall": result["overall"],
            "tables": revenue.revenue_tables(result, small_below=small_below()),
        },
    ),
    Report(
        slug="nps",
        title=_("NPS"),
        summary=_("NPS by segment and team, its change on the previous period, and by month."),
        form_class=NPSForm,
        compute=lambda *, scope, today, date_from, date_to: nps.nps_compute(
            scope=scope, date_from=date_from, date_to=date_to
        ),
        present=lambda result, params: {
            "overall": result["overall"],
            "previous": nps.previous_period(params["date_from"], params["date_to"]),
            "tables": nps.nps_tables(result, small_below=small_below()),
        },
        computed=("date_from", "date_to"),
    ),
    Report(
        slug="loyalty",
        title=_("Loyalty tiers"),
        summary=_("Accounts by loyalty tier at each month end and how they moved between tiers."),
        form_class=TiersForm,
        compute=lambda *, scope, today, months, month: tiers.tiers_compute(
            scope=scope, today=today, months=months, month=month
        ),
        present=lambda result, params: {
            "tables": tiers.tiers_tables(result, months=params["months"]),
            "movement_months": tiers.tier_months(result),
        },
        computed=("months", "month"),
    ),
    Report(
        slug="cohorts",
        title=_("LTV and retention"),
        summary=_("LTV, AOV, NRR and GRR of the customers who started in each period."),
        form_class=CohortsForm,
        compute=lambda *, scope, today, period: cohorts.cohorts_compute(
            scope=scope, today=today, period=period
        ),
        present=lambda result, params: {
            "overall": cohorts.overall_figures(result),
            "tables": cohorts.cohorts_tables(result, small_below=small_below()),
        },
        computed=("period",),
    ),
    Report(
        slug="expansion",
        title=_("Won expansion"),
        summary=_("Upsell, cross-sell and down-sell deals won each month and what they brought."),
        form_class=MonthsForm,
        compute=lambda *, scope, today, months: wins.wins_compute(
            scope=scope, today=today, months=months
        ),
        present=lambda result, params: {"tables": wins.wins_tables(result)},
        computed=("months",),
    ),
    Report(
        slug="offers",
        title=_("Offer acceptance"),
        summary=_("How reps answered the offer cards of each rule, and how many were won."),
        form_class=MonthsForm,
        compute=lambda *, scope, today, months: offers.offers_compute(
            scope=scope, today=today, months=months
        ),
        present=lambda result, params: {
            "tables": offers.offers_tables(result, small_below=small_below())
        },
        computed=("months",),
    ),
]
REPORTS_BY_SLUG = {report.slug: report for report in REPORTS}


@dataclass(frozen=True)
class ReportView:
    """One report as a user asked for it: the filter form, the chosen filters (the team
    apart: it is the scope), and the page's tables and figures."""

    form: ReportFilterForm
    scope: ReportScope
    params: dict
    page: dict


def report_computed(
    *,
    report: Report,
    user: User,
    data: Mapping | None,
    today: datetime.date | None = None,
    refresh: bool = False,
) -> ReportView:
    """`report` for `user` with the filters in `data` (a query string; None for the
    defaults), from the day's cache or computed into it (again if `refresh`)."""
    form = report.form_class(data, user=user, today=today)
    params = form.params()
    scope = ReportScope(user=user, team=params.pop("team", None))
    computed = {name: params[name] for name in report.computed}
    result = report_cached(
        report=report.slug,
        scope=scope,
        params=computed,
        today=form.today,
        compute=lambda: report.compute(scope=scope, today=form.today, **computed),
        refresh=refresh,
    )
    return ReportView(form=form, scope=scope, params=params, page=report.present(result, params))
