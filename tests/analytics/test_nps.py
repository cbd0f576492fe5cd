"""The NPS report's numbers against hand-computed answers (moved here from the accounts
pages with the report)."""

import datetime

import pytest
from django.urls import reverse

from crm.users.models import Role
from tests.accounts.factories import AccountFactory, NPSResponseFactory
from tests.analytics.conftest import page_table, rows_by_label
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

JAN = datetime.date(2026, 1, 15)
FEB = datetime.date(2026, 2, 10)
DEC = datetime.date(2025, 12, 5)  # in the 59 days before 1 January: the previous period
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-02-28"}


@pytest.fixture
def answers(team_a, team_b):
    rep_a = UserFactory(role=Role.REP, team=team_a)
    rep_b = UserFactory(role=Role.REP, team=team_b)
    retail_a = AccountFactory(owner=rep_a, industry="retail", employee_count=50, region="13")
    it_a = AccountFactory(owner=rep_a, industry="it_software", employee_count=50, region="13")
    retail_b = AccountFactory(owner=rep_b, industry="retail", employee_count=500, region="27")
    # Team A, retail: 10, 9 (promoters), 7 (passive), 3 (detractor) in January
    for score in (10, 9, 7, 3):
        NPSResponseFactory(account=retail_a, score=score, answered_on=JAN)
    # Team A, IT: 6, 0 (detractors) in February
    for score in (6, 0):
        NPSResponseFactory(account=it_a, score=score, answered_on=FEB)
    # Team B, retail: 9 (promoter), 8 (passive) in February
    for score in (9, 8):
        NPSResponseFactory(account=retail_b, score=score, answered_on=FEB)
    # The previous period, Team A retail: 10 (promoter), 8 (passive), 3, 3 (detractors)
    for score in (10, 8, 3, 3):
        NPSResponseFactory(account=retail_a, score=score, answered_on=DEC)
    # before both periods: must not count
    NPSResponseFactory(account=retail_a, score=0, answered_on=datetime.date(2025, 6, 1))
    return rep_a


def report_for(client, user, period=PERIOD):
    client.force_login(user)
    response = client.get(reverse("analytics:nps"), period)
    assert response.status_code == 200
    return response


def test_overall_by_industry_by_team_and_by_month(client, answers, admin_user):
    response = report_for(client, admin_user)

    # All 8: promoters 3 (10, 9, 9), passives 2 (7, 8), detractors 3 (3, 6, 0)
    # NPS = 3/8 − 3/8 = 0; the previous period: 1/4 − 2/4 = −25, so +25
    overall = response.context["overall"]
    assert (overall["promoters"], overall["passives"], overall["detractors"]) == (3, 2, 3)
    assert (overall["nps"], overall["previous_nps"], overall["change"]) == (0.0, -25.0, 25.0)
    # Retail: 10, 9, 7, 3, 9, 8 → 3 promoters, 2 passives, 1 detractor of 6 → 50 − 16.7 = 33.3,
    #   previous −25 → +58.3; IT: 6, 0 → 0 − 100 = −100, nothing before → no change
    by_industry = rows_by_label(page_table(response, "industry"))
    assert {label: (r["nps"], r["change"]) for label, r in by_industry.items()} == {
        "小売業": (33.3, 58.3),
        "IT・ソフトウェア": (-100.0, None),
    }
    # Team A: 10, 9, 7, 3, 6, 0 → 2/6 − 3/6 = −16.7; Team B: 9, 8 → 1/2 − 0 = 50
    by_team = rows_by_label(page_table(response, "team"))
    assert {label: r["nps"] for label, r in by_team.items()} == {"Team A": -16.7, "Team B": 50.0}
    # January: 10, 9, 7, 3 → 50 − 25 = 25; February: 6, 0, 9, 8 → 25 − 50 = −25
    assert [(r["label"], r["nps"], r["answers"]) for r in page_table(response, "month").rows] == [
        ("2026-01", 25.0, 4),
        ("2026-02", -25.0, 4),
    ]


def test_by_size_and_prefecture_count_the_accounts_that_answered(client, answers, admin_user):
    response = report_for(client, admin_user)

    # 20–99: retail_a and it_a, the six answers of team A → −16.7, from 2 accounts
    size = rows_by_label(page_table(response, "size"))
    assert {label: (r["nps"], r["respondents"]) for label, r in size.items()} == {
        "20〜99名": (-16.7, 2),
        "300〜999名": (50.0, 1),
    }
    region = rows_by_label(page_table(response, "region"))
    assert {label: r["nps"] for label, r in region.items()} == {"東京都": -16.7, "大阪府": 50.0}
    # fewer than 5 accounts answered anywhere: every group is flagged and left out of charts
    assert all(row["small"] for row in page_table(response, "region").rows)
    assert page_table(response, "region").chart_rows == []


def test_a_rep_sees_the_nps_of_their_own_accounts_only(client, answers):
    response = report_for(client, answers)

    # Team A's six answers: −16.7, and no trace of team B
    assert response.context["overall"]["nps"] == -16.7
    assert [r["label"] for r in page_table(response, "team").rows] == ["Team A"]


def test_months_without_answers_are_shown_as_unknown_not_zero(client, rep):
    response = report_for(client, rep, {"date_from": "2026-01-01", "date_to": "2026-03-31"})

    assert [(r["label"], r["nps"]) for r in page_table(response, "month").rows] == [
        ("2026-01", None),
        ("2026-02", None),
        ("2026-03", None),
    ]
    assert response.context["overall"]["nps"] is None


def test_the_page_shows_charts_and_the_same_numbers_in_tables(client, answers, admin_user):
    response = report_for(client, admin_user)

    for table in ("month", "industry", "size", "stage", "region", "team"):
        assert f'id="chart-{table}"' in response.text
        assert f'data-chart-source="chart-{table}"' in response.text
    assert "33.3" in response.text and "−16.7" in response.text


def test_a_period_ending_before_it_starts_is_refused_with_a_message(client, rep):
    response = report_for(client, rep, {"date_from": "2026-03-01", "date_to": "2026-01-01"})

    assert "期間の終了日を開始日より前にすることはできません。" in response.text


def test_the_old_address_of_the_nps_page_leads_to_the_report(client, rep):
    client.force_login(rep)

    response = client.get("/accounts/nps/?date_from=2026-01-01")

    assert response.status_code == 301
    assert response.url == reverse("analytics:nps") + "?date_from=2026-01-01"
