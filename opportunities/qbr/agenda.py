"""The QBR agenda, prepared from the account's data for the quarter under review.

One `qbr_agenda` call reads everything the agenda page, the deck and the printable page show,
in a fixed number of queries whatever the account's size: last quarter's goals and their
outcome, KPIs with their trends, next quarter's goals, the offers and opportunities that serve
those goals, and the action items of the previous QBR.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Activity, BuyingMotive, LoyaltyScore, NPSResponse, Subscription
from accounts.nps import nps_count_aggregates, nps_from_counts, nps_score
from accounts.scoring.explain import loyalty_scores_explain
from accounts.scoring.selectors import Mover, score_movers
from accounts.selectors import subscription_usage, usage_series

from ..models import OfferCard, Opportunity, QBRActionItem, QBRGoal, QBRMeeting, Stage

PERIOD_DAYS = 91  # the quarter under review ends on the QBR's date (or today, before it)
USAGE_MONTHS = 6  # the usage chart shows two quarters so the trend has something to compare
LOW_UTILISATION = 30.0  # percent of the allowance below which unused seats are an obstacle
ISSUE_KINDS = (Activity.Kind.SUPPORT_TICKET, Activity.Kind.COMPLAINT, Activity.Kind.ESCALATION)


@dataclass(frozen=True)
class UsageLine:
    """One subscription's monthly use against its monthly allowance."""

    label: str
    unit: str
    values: list[Decimal]
    allowance: Decimal | None
    utilisation: float | None  # last 30 days, percent of the allowance


@dataclass(frozen=True)
class KPIs:
    months: list[datetime.date]
    usage: list[UsageLine]
    seats_start: int
    seats_now: int
    nps_answers: list[NPSResponse]
    nps: float | None
    nps_previous: float | None
    scores: list[LoyaltyScore]  # oldest first
    movers: list[Mover]
    issues: list[Activity]  # tickets, complaints and escalations opened in the period

    @property
    def score_first(self) -> LoyaltyScore | None:
        return self.scores[0] if self.scores else None

    @property
    def score_latest(self) -> LoyaltyScore | None:
        return self.scores[-1] if self.scores else None

    @property
    def score_change(self) -> float | None:
        if len(self.scores) < 2:
            return None
        return float(self.scores[-1].score - self.scores[0].score)

    @property
    def seats_change(self) -> int:
        return self.seats_now - self.seats_start

    @property
    def nps_change(self) -> float | None:
        if self.nps is None or self.nps_previous is None:
            return None
        return round(self.nps - self.nps_previous, 1)

    def issue_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ISSUE_KINDS, 0)
        for issue in self.issues:
            counts[issue.kind] += 1
        return counts

    @property
    def issues_open(self) -> list[Activity]:
        return [issue for issue in self.issues if issue.resolved_on is None]

    def usage_chart(self) -> dict[str, Any]:
        return {
            "labels": [month.strftime("%Y-%m") for month in self.months],
            "datasets": [
                {"label": line.label, "data": [float(v) for v in line.values]}
                for line in self.usage
            ],
        }

    def score_chart(self) -> dict[str, Any]:
        return {
            "labels": [score.as_of.isoformat() for score in self.scores],
            "datasets": [
                {"label": _("Loyalty score"), "data": [float(s.score) for s in self.scores]}
            ],
        }


@dataclass(frozen=True)
class Relevant:
    """An offer card or an open opportunity, with the goals whose motives it serves."""

    item: OfferCard | Opportunity
    goals: list[QBRGoal]


@dataclass(frozen=True)
class Agenda:
    meeting: QBRMeeting
    period_start: datetime.date
    period_end: datetime.date
    previous: QBRMeeting | None
    last_goals: list[QBRGoal]
    kpis: KPIs
    next_goals: list[QBRGoal]
    offers: list[Relevant]
    opportunities: list[Relevant]
    last_actions: list[QBRActionItem]
    actions: list[QBRActionItem]
    today: datetime.date = field(default_factory=timezone.localdate)

    def action_status(self, item: QBRActionItem) -> str:
        if item.follow_up.done_at is not None:
            return "done"
        return "overdue" if item.follow_up.due_on < self.today else "open"

    @property
    def action_rows(self) -> list[tuple[QBRActionItem, str, str]]:
        """(item, status, the quarter of the QBR that agreed it): last QBR's, then this one's."""
        rows = [
            (item, self.action_status(item), self.previous.quarter_label)
            for item in self.last_actions
        ]
        rows += [
            (item, self.action_status(item), self.meeting.quarter_label) for item in self.actions
        ]
        return rows


def review_period(meeting: QBRMeeting, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The quarter the meeting reviews: the 91 days up to its date (or today, before it)."""
    end = min(meeting.scheduled_on, today)
    return end - datetime.timedelta(days=PERIOD_DAYS - 1), end


def _goals(**filters) -> list[QBRGoal]:
    return list(
        QBRGoal.objects.filter(**filters)
        .prefetch_related(Prefetch("motives", queryset=BuyingMotive.objects.order_by("code")))
        .order_by("pk")
    )


def _action_items(**filters) -> list[QBRActionItem]:
    return list(
        QBRActionItem.objects.filter(**filters)
        .select_related("follow_up__owner")
        .order_by("follow_up__due_on", "pk")
    )


def _seats_on(*, account_id: int, day: datetime.date, now: list[Subscription]) -> int:
    """Seats subscribed at the start of `day`: from the audit history where it reaches back
    that far, otherwise the subscription's current seats if it had started by then."""
    moment = datetime.datetime.combine(
        day, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    past = {row.id: row for row in Subscription.history.as_of(moment).filter(account_id=account_id)}
    seats = 0
    for sub in now:
        row = past.get(sub.pk)
        if row is not None:
            if row.status != Subscription.Status.CANCELLED:
                seats += row.quantity
        elif sub.started_on <= day and sub.status != Subscription.Status.CANCELLED:
            seats += sub.quantity
    return seats


def _kpis(*, meeting: QBRMeeting, start: datetime.date, end: datetime.date) -> KPIs:
    account = meeting.account
    subscriptions = subscription_usage(account=account, today=end)
    series = usage_series(
        account=account, subscriptions=[s.subscription for s in subscriptions], today=end
    )
    by_label = {row["label"]: row for row in series.rows}
    usage = [
        UsageLine(
            label=str(s.subscription.product),
            unit=s.subscription.product.usage_unit,
            values=by_label[str(s.subscription.product)]["values"][-USAGE_MONTHS:],
            allowance=s.allowance,
            utilisation=s.utilisation,
        )
        for s in subscriptions
        if str(s.subscription.product) in by_label
    ]
    live = [s.subscription for s in subscriptions]
    seats_now = sum(sub.quantity for sub in live if sub.status != Subscription.Status.CANCELLED)
    answers = list(
        NPSResponse.objects.filter(account=account, answered_on__range=(start, end))
        .select_related("contact")
        .order_by("-answered_on", "-pk")
    )
    before = start - datetime.timedelta(days=PERIOD_DAYS)
    previous_counts = NPSResponse.objects.filter(
        account=account, answered_on__gte=before, answered_on__lt=start
    ).aggregate(**nps_count_aggregates())
    scores = list(
        LoyaltyScore.objects.filter(account=account, as_of__range=(start, end)).order_by("as_of")
    )
    loyalty_scores_explain(scores[:1] + scores[-1:])  # the agenda explains the first and latest
    return KPIs(
        months=series.months[-USAGE_MONTHS:],
        usage=usage,
        seats_start=_seats_on(account_id=account.pk, day=start, now=live),
        seats_now=seats_now,
        nps_answers=answers,
        nps=nps_score(answer.score for answer in answers),
        nps_previous=nps_from_counts(**previous_counts),
        scores=scores,
        movers=score_movers(latest=scores[-1], previous=scores[0]) if len(scores) > 1 else [],
        issues=list(
            Activity.objects.filter(
                account=account, kind__in=ISSUE_KINDS, occurred_on__range=(start, end)
            ).order_by("-occurred_on", "-pk")
        ),
    )


def _relevant(items, goals: list[QBRGoal], product_of) -> list[Relevant]:
    """Keep the items whose product serves a buying motive of one of the goals."""
    goals_by_motive: dict[int, list[QBRGoal]] = defaultdict(list)
    for goal in goals:
        for motive in goal.motives.all():
            goals_by_motive[motive.pk].append(goal)
    relevant = []
    for item in items:
        matched = {
            goal.pk: goal
            for motive in product_of(item).motives.all()
            for goal in goals_by_motive.get(motive.pk, [])
        }
        if matched:
            relevant.append(Relevant(item=item, goals=sorted(matched.values(), key=lambda g: g.pk)))
    return relevant


def qbr_agenda(*, meeting: QBRMeeting, today: datetime.date | None = None) -> Agenda:
    """Everything the agenda shows for `meeting` (fetched from the visible queryset)."""
    today = today or timezone.localdate()
    start, end = review_period(meeting, today)
    previous = (
        QBRMeeting.objects.filter(
            account_id=meeting.account_id,
            status=QBRMeeting.Status.HELD,
            scheduled_on__lt=meeting.scheduled_on,
        )
        .order_by("-scheduled_on", "-pk")
        .first()
    )
    next_goals = _goals(meeting=meeting)
    motive_ids = {motive.pk for goal in next_goals for motive in goal.motives.all()}
    offers: list[Relevant] = []
    opportunities: list[Relevant] = []
    if motive_ids:
        offers = _relevant(
            OfferCard.objects.filter(
                account_id=meeting.account_id,
                status__in=OfferCard.LIVE,
                product__motives__in=motive_ids,
            )
            .distinct()
            .select_related("product")
            .prefetch_related("product__motives")
            .order_by("-expected_value", "pk"),
            next_goals,
            lambda card: card.product,
        )
        opportunities = _relevant(
            Opportunity.objects.filter(
                account_id=meeting.account_id,
                stage__in=Stage.open_values(),
                to_product__motives__in=motive_ids,
            )
            .distinct()
            .select_related("to_product", "owner")
            .prefetch_related("to_product__motives")
            .order_by("expected_close", "pk"),
            next_goals,
            lambda opportunity: opportunity.to_product,
        )
    return Agenda(
        meeting=meeting,
        period_start=start,
        period_end=end,
        previous=previous,
        last_goals=_goals(meeting=previous) if previous else [],
        kpis=_kpis(meeting=meeting, start=start, end=end),
        next_goals=next_goals,
        offers=offers,
        opportunities=opportunities,
        last_actions=_action_items(meeting=previous) if previous else [],
        actions=_action_items(meeting=meeting),
        today=today,
    )


def draft_texts(*, meeting: QBRMeeting, today: datetime.date) -> dict[str, str]:
    """First drafts of the agenda's written parts, from the data; CS edits them after."""
    agenda = qbr_agenda(meeting=meeting, today=today)
    kpis = agenda.kpis
    start, end = agenda.period_start, agenda.period_end
    value = []
    won = (
        Opportunity.objects.filter(
            account_id=meeting.account_id, stage=Stage.WON, closed_on__range=(start, end)
        )
        .order_by("closed_on", "pk")
        .values_list("name", "monthly_amount_change")
    )
    for name, change in won:
        value.append(
            _("Started: %(name)s (¥%(amount)s/month)") % {"name": name, "amount": f"{change:,}"}
        )
    for goal in agenda.last_goals:
        if goal.outcome == QBRGoal.Outcome.ACHIEVED:
            value.append(_("Goal achieved: %(goal)s") % {"goal": goal.title})
    for line in kpis.usage:
        first, last = (line.values[-4], line.values[-1]) if len(line.values) >= 4 else (0, 0)
        if first and last > first:
            growth = round(float((last - first) / first * 100))
            value.append(
                _("Usage of %(product)s up %(growth)s%% over the quarter")
                % {"product": line.label, "growth": growth}
            )
    resolved = [issue for issue in kpis.issues if issue.resolved_on is not None]
    if resolved:
        value.append(_("%(count)s support issues resolved") % {"count": len(resolved)})

    obstacles = [
        _("Open: %(summary)s (since %(date)s)")
        % {"summary": issue.summary, "date": date_format(issue.occurred_on, "SHORT_DATE_FORMAT")}
        for issue in kpis.issues_open
    ]
    for line in kpis.usage:
        if line.utilisation is not None and line.utilisation < LOW_UTILISATION:
            obstacles.append(
                _("Low use of %(product)s: %(percent)s%% of the allowance")
                % {"product": line.label, "percent": line.utilisation}
            )
    for answer in kpis.nps_answers:
        if answer.score <= 6 and answer.comment:
            obstacles.append(
                _("NPS %(score)s: “%(comment)s”")
                % {"score": answer.score, "comment": answer.comment}
            )

    plans = [
        _("Carry over: %(goal)s") % {"goal": goal.title}
        for goal in agenda.last_goals
        if goal.outcome in (QBRGoal.Outcome.PARTLY, QBRGoal.Outcome.MISSED, QBRGoal.Outcome.PENDING)
    ]
    return {
        "value_delivered": "\n".join(value),
        "obstacles": "\n".join(obstacles),
        "growth_plans": "\n".join(plans),
    }
