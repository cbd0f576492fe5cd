"""Reads for the role home pages: the project layer, composing the apps' own selectors."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.exports import EXPORT_CHUNK_SIZE
from accounts.models import Account, LoyaltyScore
from campaigns import selectors as campaign_selectors
from campaigns.models import Campaign
from crm.users.models import Role, Team, User
from opportunities import selectors as pipeline
from opportunities.offers import selectors as offer_selectors
from opportunities.qbr import selectors as qbr
from opportunities.qbr.selectors import AtRisk
from opportunities.selectors import Forecast

from .analytics.cache import report_cached
from .analytics.scope import ReportScope
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


# --- accounts at risk: on the manager's and the CS home, and their full list ---------------

AT_RISK_SHOWN = 10  # the most urgent, on a home
AT_RISK_PER_PAGE = 50  # on the full list


def at_risk_accounts(*, user: User, cs_owned: bool) -> QuerySet[Account]:
    """The accounts whose risk a page watches: with `cs_owned`, those the user is the CS owner
    of (the CS home); otherwise every account they see (a manager's teams', all for an
    administrator)."""
    return qbr.cs_accounts(user=user) if cs_owned else Account.objects.visible_to(user)


def at_risk_cs_owned(*, user: User) -> bool:
    """Whether the full at-risk list of `user` is their CS accounts, as on their home."""
    return user.role == Role.CUSTOMER_SUCCESS


def at_risk_ranking(
    *, user: User, cs_owned: bool, today: datetime.date, refresh: bool = False
) -> tuple[int, ...]:
    """The ids of the at-risk accounts of at_risk_accounts(), most urgent first.

    Whether an account is at risk changes only when a day is scored, so the list is computed
    once per scope, day and day scored (0.25–0.4 s for a manager of 59,000 of 100,000
    accounts) and kept in the reports' daily cache, the day scored in its key: a night's
    scores start a new list at once. 17,842 ids are 82 KB in Redis, read back in ~1 ms. What
    the pages show of them (score, change, owner, renewal) is read fresh for the shown rows
    only, through the visibility rule (at_risk_page). Two queries on the day's first visit
    (the day scored, the list), one after it; the nightly warm-up fills it (at_risk_warm).
    """
    scored = (
        LoyaltyScore.objects.filter(as_of__lte=today)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    if scored is None:
        return ()
    return report_cached(
        report="home_at_risk",
        scope=ReportScope(user=user),
        # administrators share a scope (every account) but not their CS accounts
        params={"scored": scored.isoformat(), "cs_owner": user.pk if cs_owned else None},
        today=today,
        compute=lambda: tuple(
            qbr.at_risk_account_ids(
                accounts=at_risk_accounts(user=user, cs_owned=cs_owned), today=today
            )
        ),
        refresh=refresh,
    )


@dataclass(frozen=True)
class AtRiskPage:
    """One page of a scope's at-risk accounts, and the pagination of all of them."""

    rows: list[AtRisk]
    page: Page  # of the ranking's ids: number, count, pages

    @property
    def count(self) -> int:
        return self.page.paginator.count


def at_risk_page(
    *,
    user: User,
    cs_owned: bool,
    today: datetime.date,
    number: int | str | None = 1,
    per_page: int = AT_RISK_SHOWN,
) -> AtRiskPage:
    """Page `number` (Paginator.get_page: the last for one past it, the first for nonsense)
    of the at-risk accounts of at_risk_accounts(), from the cached ranking, with their scores,
    accounts and renewals read again through the visibility rule: an account that left the
    scope or recovered since the list was made drops out of the page rather than show stale.
    Queries: at_risk_ranking's, then the page's scores and their accounts (none when empty)."""
    ranking = at_risk_ranking(user=user, cs_owned=cs_owned, today=today)
    page = Paginator(ranking, per_page).get_page(number)
    shown = at_risk_accounts(user=user, cs_owned=cs_owned).filter(pk__in=list(page))
    return AtRiskPage(rows=qbr.accounts_at_risk(accounts=shown, today=today), page=page)


def at_risk_export_rows(*, user: User, cs_owned: bool, today: datetime.date) -> Iterator[AtRisk]:
    """Every at-risk account of at_risk_accounts() for a file, read afresh rather than from
    the cached ranking, streamed: the scores EXPORT_CHUNK_SIZE at a time, each chunk's
    accounts in a query of its own."""
    scores = qbr.at_risk_rows(accounts=at_risk_accounts(user=user, cs_owned=cs_owned), today=today)
    return (AtRisk.of(score) for score in scores.iterator(chunk_size=EXPORT_CHUNK_SIZE))


def at_risk_warm(*, today: datetime.date) -> int:
    """Compute the at-risk list of every manager's and CS user's home for `today` into the
    cache (the nightly warm-up, after the night's scores); how many lists. Nothing when
    `today` is not the current day: a night run again later would fill lists nobody reads."""
    if today != timezone.localdate():
        return 0
    users = User.objects.filter(
        is_active=True, role__in=[Role.MANAGER, Role.CUSTOMER_SUCCESS]
    ).order_by("pk")
    for user in users:
        cs_owned = at_risk_cs_owned(user=user)
        at_risk_ranking(user=user, cs_owned=cs_owned, today=today, refresh=True)
    return len(users)


# --- the manager's home -------------------------------------------------------------------

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
    offers_by_rep: list[dict]  # offer_card_counts() of each rep's answered cards
    offers_since: datetime.date
    at_risk: AtRiskPage  # the most urgent

    @property
    def offer_days(self) -> int:
        return OFFER_DAYS

    @property
    def offer_totals(self) -> dict:
        rows = self.offers_by_rep
        accepted = sum(row["accepted"] for row in rows)
        dismissed = sum(row["dismissed"] for row in rows)
        acted = accepted + dismissed
        return {
            "accepted": accepted,
            "dismissed": dismissed,
            "acceptance": round(100 * accepted / acted) if acted else None,
        }

    def chart_data(self) -> dict:
        """The three charts' data, each drawn beside the table that holds the same figures."""
        offers = self.offers_by_rep
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
    acceptance by rep 1, at-risk accounts 1 (the day scored; +1 for the list on the day's
    first visit) + the shown scores with their renewals 1 + their accounts 1."""
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
        offers_by_rep=offer_selectors.offer_answers_by_rep(user=user, since=since),
        offers_since=since,
        at_risk=at_risk_page(user=user, cs_owned=False, today=today),
    )
