"""Reads for the role home pages: the project layer, composing the apps' own selectors."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Subscription
from campaigns import selectors as campaign_selectors
from campaigns.models import Campaign
from crm.users.models import Role, Team, User
from opportunities import selectors as pipeline
from opportunities.offers import selectors as offer_selectors
from opportunities.qbr import selectors as qbr
from opportunities.qbr.selectors import AtRisk
from opportunities.selectors import Forecast

from .models import NightlyRun


def teams_led_by(*, user: User) -> QuerySet[Team]:
    """The teams `user` leads (all teams for an administrator), with their members."""
    teams = Team.objects.all() if user.is_admin else user.led_teams.all()
    members = User.objects.filter(is_active=True).order_by("role", "last_name", "first_name")
    return teams.prefetch_related(Prefetch("members", queryset=members))


def user_counts_by_role() -> dict[str, int]:
    counts = dict(User.objects.filter(is_active=True).values_list("role").annotate(n=Count("id")))
    return {role.label: counts.get(role.value, 0) for role in Role}


def nightly_runs_recent(*, limit: int = 14) -> QuerySet[NightlyRun]:
    return NightlyRun.objects.all()[:limit]


# --- the manager's home -------------------------------------------------------------------

AT_RISK_SHOWN = 10
OFFER_DAYS = 90  # offer acceptance over the cards of the last 90 days, as the report
FORECAST_MONTHS = 6


@dataclass(frozen=True)
class ManagerHome:
    """A manager's teams at a glance: pipeline and forecast, campaign progress, offer
    acceptance and at-risk accounts, each a summary of a page one click away."""

    teams: QuerySet[Team]
    pipeline: dict
    pipeline_by_rep: list[dict]
    forecast: Forecast
    campaigns: list[Campaign]
    offers: dict
    offers_since: datetime.date
    at_risk: list[AtRisk]  # each account with its `next_renewal` (a date or None)
    at_risk_count: int

    @property
    def offer_days(self) -> int:
        return OFFER_DAYS

    @property
    def offer_totals(self) -> dict:
        rows = self.offers["by_rep"]
        accepted = sum(row["accepted"] for row in rows)
        dismissed = sum(row["dismissed"] for row in rows)
        acted = accepted + dismissed
        return {
            "total": sum(row["total"] for row in rows),
            "accepted": accepted,
            "dismissed": dismissed,
            "acceptance": round(100 * accepted / acted) if acted else None,
        }

    def chart_data(self) -> dict:
        """The three charts' data, each drawn beside the table that holds the same figures."""
        offers = self.offers["by_rep"]
        return {
            "forecast": self.forecast.chart_data(),
            "reps": {
                "labels": [row["owner"] for row in self.pipeline_by_rep],
                "datasets": [
                    {
                        "label": str(_("Weighted")),
                        "data": [row["weighted"] for row in self.pipeline_by_rep],
                    }
                ],
            },
            "offers": {
                "labels": [offer_rep_name(row) for row in offers],
                "datasets": [
                    {"label": str(_("Accepted")), "data": [row["accepted"] for row in offers]},
                    {"label": str(_("Dismissed")), "data": [row["dismissed"] for row in offers]},
                ],
            },
        }


def offer_rep_name(row: dict) -> str:
    return f"{row['rep__last_name']} {row['rep__first_name']}".strip() or row["rep__email"]


def manager_home(*, user: User, today: datetime.date) -> ManagerHome:
    """Everything the manager's home shows, each read scoped by the apps' own selectors to
    what the manager sees (their teams' accounts and campaigns), in a fixed number of
    queries however large the teams: teams 2, pipeline 2, forecast 1, campaigns 1, offer
    feedback 5, at-risk scores and their count 1 + their accounts 1, renewals 1."""
    accounts = Account.objects.visible_to(user)
    at_risk = qbr.accounts_at_risk(accounts=accounts, today=today, limit=AT_RISK_SHOWN)
    renewals = dict(
        Subscription.objects.filter(
            account__in=[row.account.pk for row in at_risk.rows],
            status=Subscription.Status.ACTIVE,
            renewal_on__gte=today,
        )
        .values("account")
        .annotate(next_renewal=Min("renewal_on"))
        .values_list("account", "next_renewal")
        .order_by()
    )
    for row in at_risk.rows:
        row.account.next_renewal = renewals.get(row.account.pk)
    since = today - datetime.timedelta(days=OFFER_DAYS)
    return ManagerHome(
        teams=teams_led_by(user=user),
        pipeline=pipeline.pipeline_summary(user=user, mine=False),
        pipeline_by_rep=pipeline.pipeline_by_owner(user=user),
        forecast=pipeline.pipeline_forecast(
            opportunities=pipeline.opportunities_visible(user=user),
            start=today,
            months=FORECAST_MONTHS,
        ),
        campaigns=list(campaign_selectors.campaign_list(user=user).active()),
        offers=offer_selectors.offer_feedback(user=user, since=since),
        offers_since=since,
        at_risk=at_risk.rows,
        at_risk_count=at_risk.count,
    )
