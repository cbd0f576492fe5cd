"""The QBR API beyond the permission matrix (tests/api/test_permission_matrix.py): what
holding a meeting records, whose action items are accepted, and bad input saving nothing."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Activity
from opportunities.models import FollowUp, QBRMeeting
from tests.opportunities.qbr_factories import QBRFactory, QBRGoalFactory
from tests.permission_matrix import (
    client_for,
    today,
)


@pytest.fixture
def qbr_world(world):
    QBRGoalFactory(meeting=world.rows["qbr"])
    return world


def test_holding_records_the_meeting_once_on_the_timeline(qbr_world):
    client = client_for(qbr_world, "cs_owner", api=True)
    url = reverse("api:qbr-hold", args=[qbr_world.rows["qbr"].pk])
    payload = {"notes": "順調", "decisions": "営業部へ展開", "expansion_departments": ["営業部"]}
    body = client.post(url, payload, format="json").json()
    assert body["status"] == "held"
    assert body["expansion_departments"] == ["営業部"]
    client.post(url, {"notes": "追記"}, format="json")
    assert Activity.objects.filter(kind=Activity.Kind.QBR).count() == 1


def test_an_action_item_for_someone_who_cannot_see_the_account_is_refused(qbr_world):
    client = client_for(qbr_world, "admin", api=True)
    url = reverse("api:qbr-action-items", args=[qbr_world.rows["qbr"].pk])
    outsider = qbr_world.people["other_team_rep"]
    payload = {"title": "連絡", "due_on": today().isoformat(), "owner": outsider.pk}
    response = client.post(url, payload, format="json")
    assert response.status_code == 400
    assert "owner" in response.json()
    assert not FollowUp.objects.filter(title="連絡").exists()


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("hold", {}, "notes"),
        ("hold", {"notes": "   "}, "notes"),
        ("hold", {"notes": "x", "motives": [999999]}, "motives"),
        ("action-items", {"title": "連絡"}, "due_on"),
        ("action-items", {"due_on": "2026-13-01", "title": "連絡"}, "due_on"),
    ],
)
def test_bad_input_is_a_400_that_saves_nothing(qbr_world, action, data, field):
    meeting = qbr_world.rows["qbr"]
    url = reverse(f"api:qbr-{action}", args=[meeting.pk])
    response = client_for(qbr_world, "owning_rep", api=True).post(url, data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert QBRMeeting.objects.get(pk=meeting.pk).status != "held"
    assert not FollowUp.objects.filter(qbr_action__isnull=False).exists()


def test_a_future_meeting_cannot_be_held_yet(qbr_world):
    meeting = QBRFactory(account=qbr_world.rows["account"], year=2099, quarter=1)
    QBRMeeting.objects.filter(pk=meeting.pk).update(scheduled_on=datetime.date(2099, 1, 15))
    url = reverse("api:qbr-hold", args=[meeting.pk])
    response = client_for(qbr_world, "owning_rep", api=True).post(
        url, {"notes": "早すぎる"}, format="json"
    )
    assert response.status_code == 400
    assert "scheduled_on" in response.json()
