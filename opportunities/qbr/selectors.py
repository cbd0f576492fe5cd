"""Reads for QBR pages, exports and the CS home, already scoped to the user."""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

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


def cs_home(*, user: User, today: datetime.date) -> CSHome:
    """The CS home: QBRs of the next 30 days, accounts at risk, overdue QBR action items."""
    accounts = Account.objects.visible_to(user).filter(cs_owner=user)
    upcoming = list(
        QBRMeeting.objects.filter(account__in=accounts.values("pk"))
        .upcoming(on=today, days=UPCOMING_DAYS)
        .select_related("account")
        .order_by("scheduled_on", "pk")
    )
    latest = LoyaltyScore.objects.filter(account=OuterRef("pk")).order_by("-as_of")
    earlier = latest.filter(as_of__lte=today - datetime.timedelta(days=FALLING_DAYS))
    rows = accounts.annotate(
        latest_id=Subquery(latest.values("pk")[:1]),
        earlier_score=Subquery(earlier.values("score")[:1]),
    ).filter(latest_id__isnull=False)
    scored = {row.latest_id: row for row in rows}
    scores = LoyaltyScore.objects.in_bulk(list(scored))
    at_risk = []
    for score_id, account in scored.items():
        score = scores[score_id]
        earlier_score = None if account.earlier_score is None else float(account.earlier_score)
        falling = earlier_score is not None and earlier_score - float(score.score) >= FALLING_POINTS
        if score.churn_risk or falling:
            at_risk.append(AtRisk(account=account, score=score, earlier=earlier_score))
    at_risk.sort(key=lambda row: (float(row.score.score), row.account.pk))
    overdue = list(
        FollowUp.objects.visible_to(user)
        .overdue(on=today)
        .filter(qbr_action__isnull=False, account__in=accounts.values("pk"))
        .select_related("account", "owner", "qbr_action__meeting")
        .order_by("due_on", "pk")
    )
    return CSHome(upcoming=upcoming, at_risk=at_risk, overdue_actions=overdue)
