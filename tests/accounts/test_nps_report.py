"""The NPS page's numbers against hand-computed answers."""

import datetime

import pytest
from django.urls import reverse

from crm.users.models import Role
from tests.accounts.factories import AccountFactory, NPSResponseFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

JAN = datetime.date(2026, 1, 15)
FEB = datetime.date(2026, 2, 10)


@pytest.fixture
def answers(team_a, team_b):
    rep_a = UserFactory(role=Role.REP, team=team_a)
    rep_b = UserFactory(role=Role.REP, team=team_b)
    retail_a = AccountFactory(owner=rep_a, industry="retail")
    it_a = AccountFactory(owner=rep_a, industry="it_software")
    retail_b = AccountFactory(owner=rep_b, industry="retail")
    # Team A, retail: 10, 9 (promoters), 7 (passive), 3 (detractor) in January
    for score in (10, 9, 7, 3):
        NPSResponseFactory(account=retail_a, score=score, answered_on=JAN)
    # Team A, IT: 6, 0 (detractors) in February
    for score in (6, 0):
        NPSResponseFactory(account=it_a, score=score, answered_on=FEB)
    # Team B, retail: 9 (promoter), 8 (passive) in February
    for score in (9, 8):
        NPSResponseFactory(account=retail_b, score=score, answered_on=FEB)
    # outside the period: must not count
    NPSResponseFactory(account=retail_a, score=0, answered_on=datetime.date(2025, 6, 1))
    return rep_a


def report_for(client, user):
    client.force_login(user)
    response = client.get(
        reverse("accounts:nps"), {"date_from": "2026-01-01", "date_to": "2026-02-28"}
    )
    assert response.status_code == 200
    return response.context["report"]


def test_overall_by_industry_by_team_and_by_month(client, answers, admin_user):
    report = report_for(client, admin_user)

    # All 8: promoters 3 (10, 9, 9), passives 2 (7, 8), detractors 3 (3, 6, 0)
    # NPS = 3/8 − 3/8 = 0
    assert (report.overall.promoters, report.overall.passives, report.overall.detractors) == (
        3,
        2,
        3,
    )
    assert report.overall.nps == 0.0
    # Retail: 10, 9, 7, 3, 9, 8 → 3 promoters, 2 passives, 1 detractor of 6 → 50 − 16.7 = 33.3
    # IT: 6, 0 → 0 − 100 = −100
    by_industry = {r.label: r.nps for r in report.by_industry}
    assert by_industry == {"小売業": 33.3, "IT・ソフトウェア": -100.0}
    # Team A: 10, 9, 7, 3, 6, 0 → 2/6 − 3/6 = −16.7; Team B: 9, 8 → 1/2 − 0 = 50
    assert {r.label: r.nps for r in report.by_team} == {"Team A": -16.7, "Team B": 50.0}
    # January: 10, 9, 7, 3 → 50 − 25 = 25; February: 6, 0, 9, 8 → 25 − 50 = −25
    assert [(r.label, r.nps, r.answers) for r in report.by_month] == [
        ("2026-01", 25.0, 4),
        ("2026-02", -25.0, 4),
    ]


def test_a_rep_sees_the_nps_of_their_own_accounts_only(client, answers):
    report = report_for(client, answers)

    # Team A's six answers: −16.7, and no trace of team B
    assert report.overall.nps == -16.7
    assert [r.label for r in report.by_team] == ["Team A"]


def test_months_without_answers_are_shown_as_unknown_not_zero(client, rep):
    client.force_login(rep)

    report = client.get(
        reverse("accounts:nps"), {"date_from": "2026-01-01", "date_to": "2026-03-31"}
    ).context["report"]

    assert [(r.label, r.nps) for r in report.by_month] == [
        ("2026-01", None),
        ("2026-02", None),
        ("2026-03", None),
    ]
    assert report.overall.nps is None


def test_the_page_shows_charts_and_the_same_numbers_in_tables(client, answers, admin_user):
    client.force_login(admin_user)

    response = client.get(
        reverse("accounts:nps"), {"date_from": "2026-01-01", "date_to": "2026-02-28"}
    )

    for chart in ("nps-month", "nps-industry", "nps-team"):
        assert f'id="{chart}"' in response.text
        assert f'data-chart-source="{chart}"' in response.text
    assert "33.3" in response.text and "-16.7" in response.text


def test_a_period_ending_before_it_starts_is_refused_with_a_message(client, rep):
    client.force_login(rep)

    response = client.get(
        reverse("accounts:nps"), {"date_from": "2026-03-01", "date_to": "2026-01-01"}
    )

    assert "期間の終了日を開始日より前にすることはできません。" in response.text
