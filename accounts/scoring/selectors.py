"""Reads of the loyalty score shared by the account page and anything else that shows it."""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet, Subquery

from accounts.models import Account, LoyaltyScore

from .explain import loyalty_scores_explain
from .reasons import COMPONENT_LABELS

HISTORY_DAYS = 30  # snapshots on the chart: a month of nightly runs
TOP_MOVERS = 3
MOVER_MIN_POINTS = 0.1


@dataclass(frozen=True)
class Mover:
    component: str
    label: str
    previous: float  # contribution in points; 0 when the component was missing
    current: float

    @property
    def change(self) -> float:
        return round(self.current - self.previous, 2)


@dataclass(frozen=True)
class ScoreHistory:
    latest: LoyaltyScore | None
    previous: LoyaltyScore | None
    snapshots: list[LoyaltyScore] = field(default_factory=list)  # oldest first
    movers: list[Mover] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        if self.latest is None or self.previous is None:
            return None
        return float(self.latest.score - self.previous.score)


def loyalty_scores_latest(*, today: datetime.date | None = None) -> QuerySet[LoyaltyScore]:
    """Every account's latest score: the scores of the latest day scored (up to `today`).

    The nightly run scores every customer each day, and an account that is a customer on one
    day is one on every later day (it had a subscription or an order by then), so the latest
    day's rows are each account's latest score. The day is an uncorrelated subquery that
    PostgreSQL computes once from the (as_of, tier) index; the rows then come from the
    (as_of, account) index, where a latest-per-account subquery probed every account.
    """
    days = LoyaltyScore.objects.order_by("-as_of")
    if today is not None:
        days = days.filter(as_of__lte=today)
    return LoyaltyScore.objects.filter(as_of=Subquery(days.values("as_of")[:1]))


def score_movers(*, latest: LoyaltyScore, previous: LoyaltyScore) -> list[Mover]:
    """Why it changed: the components whose contribution moved most since `previous`."""
    loyalty_scores_explain([latest, previous])
    names = [name for name in COMPONENT_LABELS if name in latest.components]
    names += [
        name for name in COMPONENT_LABELS if name in previous.components and name not in names
    ]
    movers = [
        Mover(
            component=name,
            label=str(COMPONENT_LABELS[name]),
            previous=previous.components.get(name, {}).get("contribution", 0.0),
            current=latest.components.get(name, {}).get("contribution", 0.0),
        )
        for name in names
    ]
    movers = [mover for mover in movers if abs(mover.change) >= MOVER_MIN_POINTS]
    movers.sort(key=lambda mover: -abs(mover.change))
    return movers[:TOP_MOVERS]


def loyalty_score_history(*, account: Account, days: int = HISTORY_DAYS) -> ScoreHistory:
    """The account's latest snapshots with why the latest is what it is and what moved since
    the one before (two queries: the snapshots, their runs' weights).

    The caller has already checked that the user may see `account`.
    """
    snapshots = list(LoyaltyScore.objects.filter(account=account).order_by("-as_of")[:days])
    snapshots.reverse()
    latest = snapshots[-1] if snapshots else None
    previous = snapshots[-2] if len(snapshots) > 1 else None
    loyalty_scores_explain([score for score in (latest, previous) if score])
    movers = score_movers(latest=latest, previous=previous) if previous else []
    return ScoreHistory(latest=latest, previous=previous, snapshots=snapshots, movers=movers)
