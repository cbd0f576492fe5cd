"""Reads shared by the pipeline pages, the account panels, the role homes and the nightly step.

Every function takes the user and starts from the one visibility rule.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncMonth

from accounts.models import Account
from crm.users.models import Role, Team, User

from .models import (
    Answer,
    ChecklistTemplate,
    ChecklistVersion,
    FollowUp,
    Hearing,
    Opportunity,
    OpportunityType,
    Stage,
    WatchCondition,
)

# Won and lost cards stay on the board this long, so a rep sees what just closed.
BOARD_CLOSED_DAYS = 30
# Upcoming follow-ups listed beside the due and overdue ones.
FOLLOW_UP_UPCOMING_DAYS = 14


def accounts_visible(*, user: User) -> QuerySet[Account]:
    return Account.objects.visible_to(user)


def opportunities_visible(*, user: User) -> QuerySet[Opportunity]:
    return Opportunity.objects.visible_to(user).for_listing()


def hearings_visible(*, user: User) -> QuerySet[Hearing]:
    return Hearing.objects.visible_to(user).for_listing()


def follow_ups_visible(*, user: User) -> QuerySet[FollowUp]:
    return FollowUp.objects.visible_to(user).for_listing()


def owners_assignable(*, user: User, keeping: QuerySet[User] | None = None) -> QuerySet[User]:
    """Whom `user` may make the owner of a deal or task: themselves, or their teams' people.

    An edit form also offers `keeping`, the people the row has now: CS editing a rep's deal
    leaves its owner as it is (without that, the unchanged form would not save).
    """
    active = User.objects.filter(is_active=True)
    if user.is_admin:
        people = active.exclude(role=Role.ADMIN)
    elif user.is_manager:
        people = active.filter(pk=user.pk) | active.filter(team__manager=user)
    else:
        people = active.filter(pk=user.pk)
    if keeping is not None:
        people = people | User.objects.filter(pk__in=keeping.values("pk"))
    return people


def teams_filterable(*, user: User) -> QuerySet[Team]:
    if user.is_admin:
        return Team.objects.all()
    if user.is_manager:
        return Team.objects.filter(manager=user)
    return Team.objects.filter(pk=user.team_id)


# --- board --------------------------------------------------------------------------------


@dataclass
class BoardColumn:
    stage: Stage
    cards: list[Opportunity] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(card.contract_value for card in self.cards)

    @property
    def weighted(self) -> int:
        return sum(card.weighted_value for card in self.cards)


def opportunity_board(
    *, opportunities: QuerySet[Opportunity], today: datetime.date
) -> list[BoardColumn]:
    """One column per stage: every open deal, and those closed in the last few weeks."""
    since = today - datetime.timedelta(days=BOARD_CLOSED_DAYS)
    columns = {stage: BoardColumn(stage=stage) for stage in Stage}
    on_board = Q(stage__in=Stage.open_values()) | Q(
        stage__in=Stage.closed_values(), closed_on__gte=since
    )
    for card in opportunities.filter(on_board):
        columns[Stage(card.stage)].cards.append(card)
    return list(columns.values())


# --- forecast -----------------------------------------------------------------------------


@dataclass
class ForecastMonth:
    month: datetime.date
    weighted_by_type: dict[str, int]
    weighted: int
    pipeline: int
    count: int


@dataclass
class Forecast:
    months: list[ForecastMonth]
    types: list[OpportunityType]
    weighted_by_type: dict[str, int]
    weighted: int
    pipeline: int

    def chart_data(self) -> dict:
        return {
            "labels": [m.month.strftime("%Y-%m") for m in self.months],
            "datasets": [
                {"label": str(t.label), "data": [m.weighted_by_type[t] for m in self.months]}
                for t in self.types
            ],
        }


def month_start(day: datetime.date, *, plus: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 + plus
    return datetime.date(index // 12, index % 12 + 1, 1)


def pipeline_forecast(
    *, opportunities: QuerySet[Opportunity], start: datetime.date, months: int = 6
) -> Forecast:
    """Contract value weighted by probability, by month of expected close and by type.

    Lost deals count for nothing; won deals count in full in the month they closed. Sums are
    taken in SQL in hundredths of a yen and rounded once per cell, so the totals add up.
    """
    first = month_start(start)
    end = month_start(start, plus=months)
    rows = (
        opportunities.exclude(stage=Stage.LOST)
        .filter(expected_close__gte=first, expected_close__lt=end)
        .annotate(month=TruncMonth("expected_close"))
        .values("month", "type")
        .annotate(**pipeline_totals())
        .order_by()
    )
    types = list(OpportunityType)
    cells: dict[tuple[datetime.date, str], dict] = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        cells[(month, row["type"])] = row
    forecast_months = []
    for offset in range(months):
        month = month_start(first, plus=offset)
        by_type = {t: cells.get((month, t), {}) for t in types}
        cents = {t: by_type[t].get("weighted_cents") or 0 for t in types}
        forecast_months.append(
            ForecastMonth(
                month=month,
                weighted_by_type={t: round(cents[t] / 100) for t in types},
                weighted=round(sum(cents.values()) / 100),
                pipeline=sum(by_type[t].get("total") or 0 for t in types),
                count=sum(by_type[t].get("count") or 0 for t in types),
            )
        )
    type_cents = {
        t: sum((cells.get((m.month, t), {}).get("weighted_cents") or 0) for m in forecast_months)
        for t in types
    }
    return Forecast(
        months=forecast_months,
        types=types,
        weighted_by_type={t: round(c / 100) for t, c in type_cents.items()},
        weighted=round(sum(type_cents.values()) / 100),
        pipeline=sum(m.pipeline for m in forecast_months),
    )


# --- role home ----------------------------------------------------------------------------


def pipeline_totals() -> dict:
    """Count, contract value and weighted value (hundredths of a yen: round once) of deals."""
    return {
        "count": Count("pk"),
        "total": Sum("contract_value"),
        # bigint: a ¥30M contract × 100 would overflow a PostgreSQL integer
        "weighted_cents": Sum(Cast("contract_value", BigIntegerField()) * F("probability")),
    }


def pipeline_summary(*, user: User, mine: bool = True) -> dict:
    """Open deals by stage: count, contract value and weighted value (one query). The user's
    own deals, or (`mine=False`) every open deal the user sees: a manager's teams'."""
    deals = Opportunity.objects.visible_to(user).open()
    if mine:
        deals = deals.filter(owner=user)
    rows = deals.values("stage").annotate(**pipeline_totals()).order_by()
    by_stage = {row["stage"]: row for row in rows}
    stages = [
        {
            "stage": stage,
            "label": Stage(stage).label,
            "count": by_stage.get(stage, {}).get("count", 0),
            "total": by_stage.get(stage, {}).get("total") or 0,
            "weighted": round((by_stage.get(stage, {}).get("weighted_cents") or 0) / 100),
        }
        for stage in Stage.open_values()
    ]
    return {
        "stages": stages,
        "count": sum(s["count"] for s in stages),
        "total": sum(s["total"] for s in stages),
        "weighted": sum(s["weighted"] for s in stages),
    }


def pipeline_by_owner(*, user: User) -> list[dict]:
    """Every open deal the user sees, by owner, largest weighted value first (one query)."""
    rows = (
        Opportunity.objects.visible_to(user)
        .open()
        .values("owner", "owner__last_name", "owner__first_name", "owner__email")
        .annotate(**pipeline_totals())
        .order_by("-weighted_cents", "owner__last_name", "owner")
    )
    return [
        {
            "owner_id": row["owner"],
            "owner": f"{row['owner__last_name']} {row['owner__first_name']}".strip()
            or row["owner__email"],
            "count": row["count"],
            "total": row["total"] or 0,
            "weighted": round((row["weighted_cents"] or 0) / 100),
        }
        for row in rows
    ]


@dataclass
class FollowUpLists:
    overdue: list[FollowUp]
    today: list[FollowUp]
    upcoming: list[FollowUp]


def follow_up_lists(*, user: User, today: datetime.date, mine: bool = True) -> FollowUpLists:
    """Pending follow-ups: overdue, due today and coming up (one query)."""
    pending = follow_ups_visible(user=user).pending()
    if mine:
        pending = pending.owned_by(user)
    horizon = today + datetime.timedelta(days=FOLLOW_UP_UPCOMING_DAYS)
    lists = FollowUpLists(overdue=[], today=[], upcoming=[])
    for follow_up in pending.filter(due_on__lte=horizon):
        if follow_up.due_on < today:
            lists.overdue.append(follow_up)
        elif follow_up.due_on == today:
            lists.today.append(follow_up)
        else:
            lists.upcoming.append(follow_up)
    return lists


# --- hearings -----------------------------------------------------------------------------


def checklist_current_version(*, template: ChecklistTemplate | None = None) -> ChecklistVersion:
    """The latest published version of `template` (the default checklist if none given)."""
    versions = ChecklistVersion.objects.filter(published_at__isnull=False)
    if template is None:
        versions = versions.filter(template__is_default=True)
    else:
        versions = versions.filter(template=template)
    return (
        versions.select_related("template")
        .prefetch_related("questions")
        .order_by("-number")
        .first()
    )


def hearing_with_answers(*, hearing: Hearing) -> list[tuple]:
    """(question, answer value or None) for every question of the hearing's version."""
    answers = {a.question_id: a.value for a in Answer.objects.filter(hearing=hearing)}
    return [(q, answers.get(q.pk)) for q in hearing.version.questions.all()]


def hearing_detail_queryset(*, user: User) -> QuerySet[Hearing]:
    return (
        hearings_visible(user=user)
        .select_related("opportunity")
        .prefetch_related(
            "motives",
            Prefetch("version__questions"),
            Prefetch(
                "watch_conditions",
                queryset=WatchCondition.objects.select_related("product", "opportunity"),
            ),
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("owner", "account")),
        )
    )


# --- account page -------------------------------------------------------------------------

# How many rows each account panel shows; the rest are a click away.
PANEL_ROWS = 10


def account_pipeline(*, user: User, account: Account) -> dict:
    """What the account page shows from this app, in three queries."""
    opportunities = list(
        opportunities_visible(user=user)
        .filter(account=account)
        .order_by("-updated_at")[:PANEL_ROWS]
    )
    hearings = list(hearings_visible(user=user).filter(account=account)[:PANEL_ROWS])
    follow_ups = list(follow_ups_visible(user=user).filter(account=account).pending()[:PANEL_ROWS])
    return {"opportunities": opportunities, "hearings": hearings, "follow_ups": follow_ups}
