"""The loyalty score panel of the account page: score, reasons, history and what moved."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from accounts.scoring.panels import score_panel
from accounts.scoring.run import scoring_run_execute
from accounts.scoring.selectors import loyalty_score_history
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    NPSResponseFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date(2026, 11, 30)


def render_panel(account, user, language: str) -> str:
    request = RequestFactory().get("/")
    request.user = user
    with translation.override(language):
        (panel,) = score_panel(request=request, account=account)
        return render_to_string(panel.template, panel.context, request=request)


@pytest.fixture
def scored_account():
    """Scored on two days: between them a promoter answered and a QBR was held."""
    account = AccountFactory()
    SubscriptionFactory(account=account, started_on=D - datetime.timedelta(days=400))
    scoring_run_execute(as_of=D - datetime.timedelta(days=1))
    NPSResponseFactory(account=account, answered_on=D, score=10)
    ActivityFactory(account=account, kind="qbr", occurred_on=D)
    scoring_run_execute(as_of=D)
    return account


def test_why_it_changed_names_the_components_that_moved_most(scored_account):
    history = loyalty_score_history(account=scored_account)

    assert [snapshot.as_of for snapshot in history.snapshots] == [
        D - datetime.timedelta(days=1),
        D,
    ]
    assert history.movers[0].component == "nps"  # from missing (0 points) to a promoter
    assert history.movers[0].previous == 0
    assert history.movers[0].change > 0
    assert history.change == float(history.latest.score - history.previous.score)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Loyalty score", "Latest NPS answer: 10 out of 10 (Promoter).", "What changed"]),
        ("ja", ["ロイヤルティスコア", "直近のNPS回答: 10点中10点(推奨者)。", "変化の要因"]),
    ],
)
def test_the_panel_renders_in_the_active_language(scored_account, rep, language, expected):
    html = render_panel(scored_account, rep, language)

    for text in expected:
        assert text in html
    assert 'id="score-history-data"' in html  # the chart's numbers, also in the table
    assert html.count("<tr>") == 3  # header + two snapshots


def test_an_account_not_scored_yet_says_so(rep):
    html = render_panel(AccountFactory(), rep, "en")
    assert "Not scored yet" in html


def test_the_panel_reads_two_queries_however_long_the_history(
    scored_account, rep, django_assert_num_queries
):
    # Two queries: the latest 30 snapshots, and the weights of the runs of the two explained
    # (the latest and the one before it); the explanation is computed from their inputs.
    with django_assert_num_queries(2):
        render_panel(scored_account, rep, "en")
    for days in range(2, 60):
        scoring_run_execute(as_of=D - datetime.timedelta(days=days))
    with django_assert_num_queries(2):
        html = render_panel(scored_account, rep, "en")
    assert html.count("<tr>") == 31  # the chart and table stop at 30 days
