"""Reads for QBR pages, exports and the CS home, already scoped to the user."""

import datetime
from dataclasses import dataclass

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.models import Account, BuyingMotive, LoyaltyScore
from crm.users.models import User

from ..models import FollowUp, QBRMeeting

UPCOMING_DAYS = 30
FALLING_DAYS = 30  # a score lower than this many days ago counts as falling
FALLING_POINTS = 5


def qbrs_visible(*, user: User) -> QuerySet[QBRMeeting]:
    return QBRMeeting.objects.visible_to(user).for_listing()


def qbr_detail_queryset(*, user: User) -> QuerySet[QBRMeeting]:
    """The visible QBRs with their attendees and motives, for the detail page and exports."""
    return qbrs_visible(user=user).prefetch_related(
        "our_attendees",
        "customer_attendees",
        Prefetch("motives", queryset=BuyingMotive.objects.order_by("code")),
    )


def account_qbrs(*, account: Account) -> list[QBRMeeting]:
    """The account's QBRs, newest first (the caller has checked the account is visible)."""
    return list(QBRMeeting.objects.filter(account=account).order_by("-scheduled_on", "-pk"))


@dataclass(frozen=True)
class AtRisk:
    account: Account
    score: LoyaltyScore
    earlier: float | None

    @property
    def change(self) -> float | None:
        return None if self.earlier is None else round(float(self.score.score) - self.earlier, 1)


@dataclass(frozen=True)
class CSHome:
    upcoming: list[QBRMeeting]
    at_risk: list[AtRisk]
    overdue_actions: list[FollowUp]


def at_risk_queryset(*, accounts: QuerySet[Account], today: datetime.date) -> QuerySet[Account]:
    """Those of `accounts` whose latest loyalty score carries a churn risk or fell by
    FALLING_POINTS or more in FALLING_DAYS, lowest score first, with `latest_id` (that
    score) and `earlier_score` (the score FALLING_DAYS before) annotated."""
    latest = LoyaltyScore.objects.filter(account=OuterRef("pk")).order_by("-as_of")
    earlier = latest.filter(as_of__lte=today - datetime.timedelta(days=FALLING_DAYS))
    return (
        accounts.annotate(
            latest_id=Subquery(latest.values("pk")[:1]),
            latest_score=Subquery(latest.values("score")[:1]),
            latest_churn=Subquery(latest.values("churn_risk")[:1]),
            earlier_score=Subquery(earlier.values("score")[:1]),
        )
        .filter(
            Q(latest_churn=True) | Q(earlier_score__gte=F("latest_score") + FALLING_POINTS),
            latest_id__isnull=False,
        )
        .order_by("latest_score", "pk")
    )


def accounts_at_risk(
    *, accounts: QuerySet[Account], today: datetime.date, limit: int | None = None
) -> list[AtRisk]:
    """The at-risk accounts of `accounts` (at_risk_queryset) with their scores, the first
    `limit` or all (two queries)."""
    rows = at_risk_queryset(accounts=accounts, today=today)
    rows = list(rows[:limit] if limit else rows)
    scores = LoyaltyScore.objects.in_bulk([row.latest_id for row in rows])
    return [
        AtRisk(
            account=row,
            score=scores[row.latest_id],
            earlier=None if row.earlier_score is None else float(row.earlier_score),
        )
        for row in rows
    ]


def cs_home(*, user: User, today: datetime.date) -> CSHome:
    """The CS home: QBRs of the next 30 days, accounts at risk, overdue QBR action items."""
    accounts = Account.objects.visible_to(user).filter(cs_owner=user)
    upcoming = list(
        QBRMeeting.objects.filter(account__in=accounts.values("pk"))
        .upcoming(on=today, days=UPCOMING_DAYS)
        .select_related("account")
        .order_by("scheduled_on", "pk")
    )
    overdue = list(
        FollowUp.objects.visible_to(user)
        .overdue(on=today)
        .filter(qbr_action__isnull=False, account__in=accounts.values("pk"))
        .select_related("account", "owner", "qbr_action__meeting")
        .order_by("due_on", "pk")
    )
    return CSHome(
        upcoming=upcoming,
        at_risk=accounts_at_risk(accounts=accounts, today=today),
        overdue_actions=overdue,
    )
