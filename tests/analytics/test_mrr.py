"""One rule for what pays on a day, written for the ORM and as SQL: both give the same
subscriptions, and the ones worked out by hand."""

import datetime

import pytest

from accounts.models import Subscription
from crm.analytics.mrr import paying_on, paying_sql
from tests.accounts.factories import AccountFactory, SubscriptionFactory
from tests.analytics.conftest import everything

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 30)
D = datetime.date


@pytest.fixture
def subscriptions():
    account = AccountFactory()
    make = {
        "active": {},
        "starts_tomorrow": {"started_on": D(2026, 7, 1), "renewal_on": None},
        "in_trial": {
            "status": "trial", "started_on": D(2026, 6, 15), "trial_ends_on": D(2026, 7, 15),
            "renewal_on": None,
        },
        "trial_ended_today": {
            "status": "trial", "started_on": D(2026, 6, 1), "trial_ends_on": DAY, "renewal_on": None
        },
        "cancelled_today": {"status": "cancelled", "cancelled_on": DAY},
        "cancelled_tomorrow": {"status": "cancelled", "cancelled_on": D(2026, 7, 1)},
        "cancelled_undated": {"status": "cancelled"},
        "trial_cancelled_before_its_end": {
            "status": "cancelled", "started_on": D(2026, 5, 1), "trial_ends_on": D(2026, 5, 31),
            "cancelled_on": D(2026, 5, 20), "renewal_on": None,
        },
    }  # fmt: skip
    return {
        name: SubscriptionFactory(account=account, **fields).pk for name, fields in make.items()
    }


def test_the_orm_filter_and_the_sql_agree_with_the_rule(subscriptions, admin_user):
    from django.db import connection

    from crm.analytics.cohorts import subscriptions_query

    by_orm = set(Subscription.objects.filter(paying_on(DAY)).values_list("pk", flat=True))
    subs, params = subscriptions_query(
        everything(admin_user), today=DAY, period="quarter"
    ).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id FROM ({subs}) s WHERE {paying_sql('%s')}",  # noqa: S608 (test SQL)
            [*params, *[connection.ops.adapt_datefield_value(DAY)] * 2],
        )
        by_sql = {row[0] for row in cursor.fetchall()}

    expected = {
        subscriptions[name] for name in ("active", "trial_ended_today", "cancelled_tomorrow")
    }
    assert by_orm == expected
    assert by_sql == expected
