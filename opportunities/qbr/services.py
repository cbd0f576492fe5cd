"""Writes for QBRs: schedule, prepare and edit the agenda, set goals, hold the meeting and
turn its action items into follow-ups.

Each service runs in one transaction and raises ValidationError (with field names a form can
show) before it writes anything. The caller has already fetched `meeting` from the visible
queryset; every other object passed in is checked against the meeting's account here.
"""

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, Activity, BuyingMotive, Contact
from crm.users.models import User

from ..models import QBRActionItem, QBRGoal, QBRMeeting, quarter_of
from ..services import follow_up_create
from . import agenda as agenda_data


def _check_attendees(
    *, account: Account, our_attendees: Iterable[User], customer_attendees: Iterable[Contact]
) -> None:
    visible = Account.objects.visible_to
    if any(contact.account_id != account.pk for contact in customer_attendees):
        raise ValidationError(
            {"customer_attendees": _("Customer attendees must be contacts of this account.")}
        )
    for user in our_attendees:
        if not visible(user).filter(pk=account.pk).exists():
            raise ValidationError(
                {
                    "our_attendees": _("%(name)s cannot see this account.")
                    % {"name": user.get_full_name()}
                }
            )


@transaction.atomic
def qbr_schedule(
    *,
    account: Account,
    scheduled_on: datetime.date,
    created_by: User,
    our_attendees: Iterable[User] = (),
    customer_attendees: Iterable[Contact] = (),
) -> QBRMeeting:
    """Plan the account's QBR for the quarter `scheduled_on` falls in."""
    our_attendees, customer_attendees = list(our_attendees), list(customer_attendees)
    _check_attendees(
        account=account, our_attendees=our_attendees, customer_attendees=customer_attendees
    )
    year, quarter = quarter_of(scheduled_on)
    if QBRMeeting.objects.filter(account=account, year=year, quarter=quarter).exists():
        raise ValidationError(
            {
                "scheduled_on": _("This account already has a QBR in %(quarter)s.")
                % {"quarter": f"{year} Q{quarter}"}
            }
        )
    meeting = QBRMeeting.objects.create(
        account=account,
        year=year,
        quarter=quarter,
        scheduled_on=scheduled_on,
        created_by=created_by,
    )
    meeting.our_attendees.set(our_attendees or [created_by])
    meeting.customer_attendees.set(customer_attendees)
    return meeting


@transaction.atomic
def qbr_update(
    *,
    meeting: QBRMeeting,
    scheduled_on: datetime.date,
    our_attendees: Iterable[User],
    customer_attendees: Iterable[Contact],
) -> QBRMeeting:
    """Move the date (within its quarter's uniqueness) or change who attends."""
    our_attendees, customer_attendees = list(our_attendees), list(customer_attendees)
    _check_attendees(
        account=meeting.account,
        our_attendees=our_attendees,
        customer_attendees=customer_attendees,
    )
    meeting.year, meeting.quarter = quarter_of(scheduled_on)
    meeting.scheduled_on = scheduled_on
    try:
        with transaction.atomic():
            meeting.save(update_fields=["year", "quarter", "scheduled_on", "updated_at"])
    except IntegrityError:
        raise ValidationError(
            {
                "scheduled_on": _("This account already has a QBR in %(quarter)s.")
                % {"quarter": meeting.quarter_label}
            }
        ) from None
    meeting.our_attendees.set(our_attendees)
    meeting.customer_attendees.set(customer_attendees)
    return meeting


@transaction.atomic
def qbr_prepare_agenda(*, meeting: QBRMeeting, today: datetime.date | None = None) -> QBRMeeting:
    """Draft the agenda's written parts from the data (only those still empty) and mark the
    agenda ready. Running it again keeps what CS has written."""
    if meeting.is_held:
        raise ValidationError(_("This QBR has been held; its agenda is closed."))
    drafts = agenda_data.draft_texts(meeting=meeting, today=today or timezone.localdate())
    for field, text in drafts.items():
        if not getattr(meeting, field).strip():
            setattr(meeting, field, text)
    meeting.status = QBRMeeting.Status.AGENDA_READY
    meeting.save()
    return meeting


@transaction.atomic
def qbr_agenda_update(
    *,
    meeting: QBRMeeting,
    value_delivered: str,
    obstacles: str,
    growth_plans: str,
    goal_outcomes: Mapping[int, tuple[str, str]] | None = None,
) -> QBRMeeting:
    """CS edits the agenda: the written parts and the outcome of last quarter's goals."""
    if meeting.is_held:
        raise ValidationError(_("This QBR has been held; its agenda is closed."))
    goal_outcomes = goal_outcomes or {}
    goals = list(QBRGoal.objects.filter(pk__in=goal_outcomes, meeting__account=meeting.account))
    if len(goals) != len(goal_outcomes):
        raise ValidationError(_("A goal of another account cannot be reviewed here."))
    for goal in goals:
        goal.outcome, goal.outcome_note = goal_outcomes[goal.pk]
        if goal.outcome not in QBRGoal.Outcome.values:
            raise ValidationError({"outcome": _("Choose an outcome from the list.")})
    QBRGoal.objects.bulk_update(goals, ["outcome", "outcome_note"])
    meeting.value_delivered = value_delivered
    meeting.obstacles = obstacles
    meeting.growth_plans = growth_plans
    if meeting.status == QBRMeeting.Status.PLANNED:
        meeting.status = QBRMeeting.Status.AGENDA_READY
    meeting.save()
    return meeting


@transaction.atomic
def qbr_goal_add(
    *, meeting: QBRMeeting, title: str, motives: Iterable[BuyingMotive] = ()
) -> QBRGoal:
    """A goal for the next quarter, tagged with the buying motives it serves."""
    if not title.strip():
        raise ValidationError({"title": _("Write the goal.")})
    goal = QBRGoal.objects.create(meeting=meeting, title=title.strip())
    goal.motives.set(motives)
    return goal


def qbr_goal_remove(*, goal: QBRGoal) -> None:
    goal.delete()


@transaction.atomic
def qbr_action_item_add(
    *,
    meeting: QBRMeeting,
    by: User,
    title: str,
    owner: User,
    due_on: datetime.date,
) -> QBRActionItem:
    """An action agreed in the meeting, tracked as a follow-up on its owner's list."""
    if not Account.objects.visible_to(owner).filter(pk=meeting.account_id).exists():
        raise ValidationError(
            {"owner": _("%(name)s cannot see this account.") % {"name": owner.get_full_name()}}
        )
    follow_up = follow_up_create(
        account=meeting.account,
        owner=owner,
        created_by=by,
        title=title,
        due_on=due_on,
        note=_("Action item from the QBR of %(quarter)s.") % {"quarter": meeting.quarter_label},
    )
    return QBRActionItem.objects.create(meeting=meeting, follow_up=follow_up)


@transaction.atomic
def qbr_hold(
    *,
    meeting: QBRMeeting,
    by: User,
    notes: str,
    decisions: str = "",
    budget_if_works: int | None = None,
    expansion_departments: Iterable[str] = (),
    replaces: str = "",
    motives: Iterable[BuyingMotive] = (),
    today: datetime.date | None = None,
) -> QBRMeeting:
    """Record what was said and mark the QBR held. The first time, the account's timeline
    gets a QBR activity, which the loyalty score's engagement reads."""
    today = today or timezone.localdate()
    if meeting.scheduled_on > today:
        raise ValidationError(
            {"scheduled_on": _("A QBR cannot be recorded as held before its date.")}
        )
    if not notes.strip():
        raise ValidationError({"notes": _("Write the notes of the meeting.")})
    first_time = not meeting.is_held
    meeting.notes = notes
    meeting.decisions = decisions
    meeting.budget_if_works = budget_if_works
    meeting.expansion_departments = [d.strip() for d in expansion_departments if d.strip()]
    meeting.replaces = replaces
    meeting.status = QBRMeeting.Status.HELD
    if first_time:
        meeting.held_at = timezone.now()
    meeting.save()
    meeting.motives.set(motives)
    if first_time:
        Activity.objects.create(
            account=meeting.account,
            kind=Activity.Kind.QBR,
            occurred_on=meeting.scheduled_on,
            owner=by,
            summary=_("QBR %(quarter)s") % {"quarter": meeting.quarter_label},
            outcome=decisions or notes,
        )
    return meeting
