"""QBR pages over HTTP: bad input, recording the meeting, the CS home and flat query counts.
Who may open and change which QBR is in tests/crm/test_page_matrix.py."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Activity, LoyaltyScore
from crm.users.models import Role
from opportunities.models import FollowUp, QBRMeeting
from tests.accounts.factories import AccountFactory
from tests.users.factories import UserFactory

from .qbr_factories import QBRFactory, QBRGoalFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def meeting(world):
    return QBRFactory(account=world["account"])


def url(name: str, meeting: QBRMeeting) -> str:
    return reverse(f"opportunities:qbr:{name}", args=[meeting.pk])


def test_bad_action_item_shows_a_message_and_saves_nothing(client, cs_user, meeting):
    client.force_login(cs_user)
    response = client.post(
        url("action_add", meeting),
        {
            "action-title": "見積を送る",
            "action-owner": cs_user.pk,
            "action-due_on": TODAY - datetime.timedelta(days=1),
        },
    )
    assert response.status_code == 200
    assert "過去の日付" in response.content.decode() or "past" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_recording_the_meeting_marks_it_held(client, cs_user, world):
    meeting = QBRFactory(account=world["account"], scheduled_on=TODAY)
    client.force_login(cs_user)
    response = client.post(
        url("hold", meeting),
        {
            "notes": "順調に活用",
            "expansion_departments": "人事部、経理部",
            "budget_if_works": "150000",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_held and meeting.expansion_departments == ["人事部", "経理部"]
    assert Activity.objects.filter(kind=Activity.Kind.QBR, account=world["account"]).exists()


def test_the_rep_reschedules_a_qbr_customer_success_attends(client, world, rep, cs_user):
    """The attendees a QBR has stay valid choices on its edit form, though the rep could not
    have invited CS."""
    meeting = QBRFactory(account=world["account"], scheduled_on=TODAY)
    meeting.our_attendees.set([cs_user])
    client.force_login(rep)

    response = client.post(
        url("edit", meeting),
        {"scheduled_on": TODAY + datetime.timedelta(days=1), "our_attendees": [cs_user.pk]},
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.scheduled_on == TODAY + datetime.timedelta(days=1)
    assert list(meeting.our_attendees.all()) == [cs_user]


def test_cs_home_shows_upcoming_qbrs_risky_accounts_and_overdue_actions(client, cs_user, world):
    account = world["account"]
    QBRFactory(account=account, scheduled_on=TODAY + datetime.timedelta(days=10))
    LoyaltyScore.objects.create(account=account, as_of=TODAY, score=30, tier="low", churn_risk=True)
    held = QBRFactory(
        account=account, scheduled_on=TODAY - datetime.timedelta(days=80), status="held"
    )
    follow_up = FollowUp.objects.create(
        account=account,
        owner=cs_user,
        title="研修の日程調整",
        due_on=TODAY - datetime.timedelta(days=2),
    )
    held.action_items.create(follow_up=follow_up)
    client.force_login(cs_user)
    page = client.get(reverse("home_cs")).content.decode()
    assert account.name in page
    assert "解約リスク" in page or "Churn risk" in page
    assert "研修の日程調整" in page


def build(world, cs_user, n: int) -> QBRMeeting:
    account = world["account"]
    previous = QBRFactory(
        account=account, scheduled_on=TODAY - datetime.timedelta(days=90), status="held"
    )
    for i in range(n):
        QBRGoalFactory(meeting=previous)
        follow_up = FollowUp.objects.create(
            account=account, owner=cs_user, title=f"対応{i}", due_on=TODAY
        )
        previous.action_items.create(follow_up=follow_up)
    meeting = QBRFactory(account=account)
    for _i in range(n):
        QBRGoalFactory(meeting=meeting)
    return meeting


# The agenda: session + user (2), the meeting with its account and attendees/motives (4),
# previous QBR (1), its goals + motives (2), this QBR's goals + motives (2), subscriptions (1),
# usage series (1), seats history (1), NPS answers + previous quarter (2), scores (1), issues (1),
# action items of both QBRs (2); the page's forms add the motives to choose from and the
# owners to assign (2).
DETAIL_QUERIES = 22


@pytest.mark.parametrize("rows", [1, 12])
def test_detail_query_count_is_flat(client, django_assert_num_queries, world, cs_user, rows):
    meeting = build(world, cs_user, rows)
    client.force_login(cs_user)
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(url("detail", meeting)).status_code == 200


# session + user (2), the QBRs with their accounts (1)
@pytest.mark.parametrize("rows", [1, 12])
def test_list_query_count_is_flat(client, django_assert_num_queries, world, cs_user, rows):
    for i in range(rows):
        QBRFactory(
            account=AccountFactory(cs_owner=cs_user),
            scheduled_on=TODAY + datetime.timedelta(days=i * 100),
        )
    client.force_login(cs_user)
    with django_assert_num_queries(3):
        assert client.get(reverse("opportunities:qbr:list")).status_code == 200


# session + user (2), the user's team and its manager (2), upcoming QBRs (1), overdue action
# items (1), the day scored (1), the shown at-risk scores with their renewals (1) and their
# accounts (1); on the day's first visit, the at-risk list itself (1 more, kept for the day).
CS_HOME_QUERIES = 9


@pytest.mark.parametrize("rows", [1, 12])
def test_cs_home_query_count_is_flat(client, django_assert_num_queries, cs_user, rows):
    for i in range(rows):
        account = AccountFactory(cs_owner=cs_user, owner=UserFactory(role=Role.REP))
        QBRFactory(account=account, scheduled_on=TODAY + datetime.timedelta(days=i % 20))
        LoyaltyScore.objects.create(
            account=account, as_of=TODAY, score=20 + i, tier="low", churn_risk=True
        )
    client.force_login(cs_user)
    with django_assert_num_queries(CS_HOME_QUERIES + 1):
        assert client.get(reverse("home_cs")).status_code == 200
    with django_assert_num_queries(CS_HOME_QUERIES):
        response = client.get(reverse("home_cs"))
    # the most urgent ten, and how many there are in all
    assert len(response.context["at_risk"].rows) == min(rows, 10)
    assert response.context["at_risk"].count == rows
