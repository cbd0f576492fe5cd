"""The nightly warm-up of the reports' cache: after it, the first visit of the day to every
report's default view reads the cache (no report query), for each scope people open, with
the figures of that scope alone, replacing what was cached before the night's data."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from crm.analytics import warmup
from crm.analytics.reports import REPORTS
from crm.analytics.warmup import report_scope_warm, report_warmup_scopes, reports_warm
from crm.celery import app as celery_app
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
    # the rep) its user by id (a scope is a task's work: it takes ids) and the reports' own
    # queries; the team choices are not read, nothing is rendered
    expected = 2 + 3 * (1 + sum(REPORT_QUERIES.values()))

    with django_assert_num_queries(expected):
        result = reports_warm(today=timezone.localdate())

    assert (result.scopes, result.entries) == (3, 3 * len(REPORTS))


def test_a_night_run_on_a_later_day_warms_nothing(client, rep, django_assert_num_queries):
    paying(rep, 10_000)

    with django_assert_num_queries(0):
        assert reports_warm(today=timezone.localdate() - datetime.timedelta(days=1)) is None


def test_the_warm_up_is_the_nights_last_step():
    assert NIGHTLY_STEPS[-1][0] == "reports"


def test_the_nights_step_sends_one_task_per_scope(client, rep, team_b, admin_user, monkeypatch):
    # eager, as in the embedded mode: the group runs in-process (and leaves no message behind
    # on a real broker), and the step finds every scope done
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    other_rep = UserFactory(role=Role.REP, team=team_b)
    paying(rep, 10_000)
    paying(other_rep, 25_000)
    sent = []
    original = warmup_task().si

    def record(*args):
        sent.append(args)
        return original(*args)

    with mock.patch.object(warmup_task(), "si", side_effect=record):
        result = reports_warm(today=timezone.localdate(), dispatch=True)

    scopes = list(report_warmup_scopes())
    assert [(user_id, team_id) for _day, user_id, team_id, _claim in sent] == [
        (user.pk, None) for user, _data in scopes
    ]
    assert (result.scopes, result.here) == (len(scopes), 0)
    assert revenue_mrr(client, rep) == 10_000
    assert revenue_mrr(client, team_b.manager) == 25_000
    assert revenue_mrr(client, admin_user) == 35_000


def warmup_task():
    from crm.tasks import report_scope_warm as task

    return task


def test_scopes_no_worker_took_are_warmed_by_the_night_itself(client, rep):
    paying(rep, 10_000)

    # the broker took the group but no worker runs it (all busy, or gone)
    with mock.patch("celery.group.apply_async"):
        result = reports_warm(today=timezone.localdate(), dispatch=True)

    assert result.here == result.scopes
    assert revenue_mrr(client, rep) == 10_000


def test_without_a_broker_the_night_warms_every_scope_itself(client, rep):
    paying(rep, 10_000)

    with mock.patch("celery.group.apply_async", side_effect=BrokerUnavailable("down")):
        result = reports_warm(today=timezone.localdate(), dispatch=True)

    assert result.here == result.scopes
    assert revenue_mrr(client, rep) == 10_000


def test_a_claimed_scope_is_left_to_its_claimant_until_the_claim_expires(client, rep):
    paying(rep, 10_000)
    assert revenue_mrr(client, rep) == 10_000
    paying(rep, 5_000)
    today = timezone.localdate()
    cache.add("run:0:claimed", True)  # a worker is on it (or died on it)

    assert report_scope_warm(today=today, user_id=rep.pk, team_id=None, claim="run:0") is False
    assert revenue_mrr(client, rep) == 10_000  # not recomputed

    cache.delete("run:0:claimed")  # the claim expired
    assert report_scope_warm(today=today, user_id=rep.pk, team_id=None, claim="run:0") is True
    assert cache.get("run:0:done") is True
    assert revenue_mrr(client, rep) == 15_000


def test_a_failed_scope_releases_its_claim(rep):
    today = timezone.localdate()

    with (
        mock.patch.object(warmup, "report_computed", side_effect=RuntimeError("lost")),
        pytest.raises(RuntimeError),
    ):
        report_scope_warm(today=today, user_id=rep.pk, team_id=None, claim="run:0")

    # taken at once by whoever comes next, the night's own process or a retry
    assert cache.get("run:0:claimed") is None
    assert cache.get("run:0:done") is None


def test_a_scope_delivered_after_its_day_computes_nothing(rep, django_assert_num_queries):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    with django_assert_num_queries(0):
        assert report_scope_warm(today=yesterday, user_id=rep.pk, team_id=None, claim="run:0")
    assert cache.get("run:0:done") is True  # nobody waits on it any more
