"""The account 360's reads (utilisation, usage series, audit history) and the services' guards."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from accounts import selectors, services
from accounts.models import Account, Activity
from crm.users.models import Role
from tests.accounts.factories import (
    AccountFactory,
    PlanFactory,
    SubscriptionFactory,
    UsageRecordFactory,
)
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def test_utilisation_is_30_day_use_against_included_usage_times_quantity(rep):
    account = AccountFactory(owner=rep)
    metered = SubscriptionFactory(
        account=account, quantity=3, product=PlanFactory(included_usage=100)
    )
    unmetered = SubscriptionFactory(account=account, product=PlanFactory(included_usage=None))
    for days_ago, quantity in ((0, 120), (29, 90), (30, 1000)):  # the 30th day back is outside
        UsageRecordFactory(
            subscription=metered, date=TODAY - datetime.timedelta(days=days_ago), quantity=quantity
        )
    UsageRecordFactory(subscription=unmetered, date=TODAY, quantity=5)

    rows = {
        r.subscription.pk: r for r in selectors.subscription_usage(account=account, today=TODAY)
    }

    assert rows[metered.pk].used == Decimal(210)
    assert rows[metered.pk].allowance == Decimal(300)
    assert rows[metered.pk].utilisation == 70.0
    assert rows[unmetered.pk].utilisation is None


def test_the_usage_series_has_12_months_with_zero_where_nothing_was_used(rep):
    account = AccountFactory(owner=rep)
    subscription = SubscriptionFactory(account=account)
    UsageRecordFactory(subscription=subscription, date=datetime.date(2026, 11, 1), quantity=10)
    UsageRecordFactory(subscription=subscription, date=datetime.date(2026, 11, 2), quantity=5)
    UsageRecordFactory(subscription=subscription, date=datetime.date(2025, 12, 31), quantity=7)
    UsageRecordFactory(subscription=subscription, date=datetime.date(2025, 11, 30), quantity=99)

    series = selectors.usage_series(account=account, subscriptions=[subscription], today=TODAY)

    assert series.months[0] == datetime.date(2025, 12, 1)
    assert series.months[-1] == datetime.date(2026, 11, 1)
    values = series.rows[0]["values"]
    assert (values[0], values[-1], sum(values)) == (7, 15, 22)
    assert series.table()[-1] == (datetime.date(2026, 11, 1), [Decimal(15)])


def test_history_merges_account_contacts_and_subscriptions_newest_first(rep):
    account = services.account_create(
        user=rep, name="株式会社あおば", industry="retail", growth_stage="growth"
    )
    contact = services.contact_create(user=rep, account=account, name="青葉 一郎")
    subscription = services.subscription_create(
        user=rep,
        account=account,
        product=PlanFactory(name="Standard"),
        status="active",
        started_on=TODAY,
    )
    services.subscription_update(user=rep, subscription=subscription, quantity=5)

    history = selectors.account_history(account=account)

    assert [(e.model_label, e.object_label, e.action) for e in history] == [
        ("契約", "Standard", "~"),
        ("契約", "Standard", "+"),
        ("担当者", "青葉 一郎", "+"),
        ("取引先", "株式会社あおば", "+"),
    ]
    assert [(c.old, c.new) for c in history[0].changes] == [("1", "5")]
    assert {e.user for e in history} == {rep}
    assert contact.pk


def test_services_refuse_to_write_to_an_account_the_user_cannot_see(rep, team_b):
    stranger = AccountFactory(owner=UserFactory(role=Role.REP, team=team_b))

    with pytest.raises(Http404):
        services.activity_create(
            user=rep, account=stranger, kind="call", occurred_on=TODAY, summary="x"
        )
    with pytest.raises(Http404):
        services.account_update(user=rep, account=stranger, name="乗っ取り")

    assert not Activity.objects.exists()
    assert Account.objects.get(pk=stranger.pk).name != "乗っ取り"


def test_a_manager_can_reassign_within_their_team(manager, rep, team_a):
    teammate = UserFactory(role=Role.REP, team=team_a)
    account = AccountFactory(owner=rep)

    services.account_update(user=manager, account=account, owner=teammate)

    assert Account.objects.get(pk=account.pk).owner == teammate


def test_a_failed_write_leaves_nothing_behind(rep):
    with pytest.raises(ValidationError):
        services.account_create(
            user=rep, name="不正", industry="retail", growth_stage="growth", name_kana="abc"
        )

    assert not Account.objects.exists()
    assert not Account.history.exists()
