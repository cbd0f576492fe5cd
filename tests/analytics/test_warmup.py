"""The nightly warm-up of the reports' cache: after it, the first visit of the day to every
report's default view reads the cache (no report query), for each scope people open, with
the figures of that scope alone, replacing what was cached before the night's data."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.analytics.reports import REPORTS
from crm.analytics.warmup import report_warmup_scopes, reports_warm
from crm.nightly import NIGHTLY_STEPS
from crm.users.models import Role
from tests.accounts.factories import AccountFactory, SubscriptionFactory
from tests.analytics.test_pages import PAGE_QUERIES, REPORT_QUERIES, accounts_with_rows
from tests.users.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def paying(owner, amount: int) -> None:
    account = AccountFactory(owner=owner)
    SubscriptionFactory(
        account=account,
        monthly_amount=amount,
        started_on=timezone.localdate() - datetime.timedelta(days=60),
    )


def revenue_mrr(client, user) -> int:
    client.force_login(user)
    return client.get(reverse("analytics:revenue")).context["overall"]["mrr"]


def test_the_first_visit_of_the_day_reads_the_warmed_cache(
    client, rep, manager, cs_user, admin_user, django_assert_num_queries
):
    accounts_with_rows(rep, 3)

    reports_warm(today=timezone.localdate())

    for user, page_queries in ((admin_user, PAGE_QUERIES), (manager, PAGE_QUERIES)):
        client.force_login(user)
        for report in REPORTS:
            # session, user and the team filter's choices: no report query
            with django_assert_num_queries(page_queries):
                assert client.get(reverse(report.url_name)).status_code == 200
    for user in (rep, cs_user):
        client.force_login(user)
        for report in REPORTS:
            with django_assert_num_queries(PAGE_QUERIES - 1):  # a rep has no team filter
                assert client.get(reverse(report.url_name)).status_code == 200


def test_each_scope_is_warmed_with_its_own_figures(client, rep, team_b, admin_user):
    other_rep = UserFactory(role=Role.REP, team=team_b)
    paying(rep, 10_000)
    paying(other_rep, 25_000)

    reports_warm(today=timezone.localdate())

    assert revenue_mrr(client, rep) == 10_000
    assert revenue_mrr(client, other_rep) == 25_000
    assert revenue_mrr(client, team_b.manager) == 25_000
    assert revenue_mrr(client, admin_user) == 35_000


def test_the_warm_up_replaces_figures_cached_before_the_night(client, rep):
    paying(rep, 10_000)
    assert revenue_mrr(client, rep) == 10_000  # cached for the day
    paying(rep, 5_000)
    assert revenue_mrr(client, rep) == 10_000

    reports_warm(today=timezone.localdate())

    assert revenue_mrr(client, rep) == 15_000


def test_a_manager_of_two_teams_has_each_team_warmed(client, manager, team_a, rep):
    second = TeamFactory(manager=manager)
    second_rep = UserFactory(role=Role.REP, team=second)
    paying(rep, 10_000)
    paying(second_rep, 7_000)

    assert [(user, data) for user, data in report_warmup_scopes() if user == manager] == [
        (manager, None),
        (manager, {"team": str(team_a.pk)}),
        (manager, {"team": str(second.pk)}),
    ]
    reports_warm(today=timezone.localdate())

    client.force_login(manager)
    url = reverse("analytics:revenue")
    assert client.get(url).context["overall"]["mrr"] == 17_000
    assert client.get(url, {"team": second.pk}).context["overall"]["mrr"] == 7_000


def test_one_entry_serves_every_administrator(admin_user):
    UserFactory(role=Role.ADMIN)
    UserFactory(role=Role.REP, is_active=False)

    scopes = list(report_warmup_scopes())

    assert [user for user, _data in scopes if user.is_admin] == [admin_user]
    assert all(user.is_active for user, _data in scopes)


@pytest.mark.parametrize("accounts", [2, 20])
def test_the_warm_up_is_flat_in_accounts(rep, admin_user, accounts, django_assert_num_queries):
    accounts_with_rows(rep, accounts)
    # users 1 + their led teams 1, then for each scope (the administrator, team A's manager,
    # the rep) the reports' own queries; the team choices are not read, nothing is rendered
    expected = 2 + 3 * sum(REPORT_QUERIES.values())

    with django_assert_num_queries(expected):
        result = reports_warm(today=timezone.localdate())

    assert (result.scopes, result.entries) == (3, 3 * len(REPORTS))


def test_a_night_run_on_a_later_day_warms_nothing(client, rep, django_assert_num_queries):
    paying(rep, 10_000)

    with django_assert_num_queries(0):
        assert reports_warm(today=timezone.localdate() - datetime.timedelta(days=1)) is None


def test_the_warm_up_is_the_nights_last_step():
    assert NIGHTLY_STEPS[-1][0] == "reports"
