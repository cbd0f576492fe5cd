"""Migration 0009: scores written before it keep an explanation (their inputs copied out of
the components JSON), on SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0008_loyalty_score_day_tier_index")]
AFTER = [("accounts", "0009_loyalty_score_inputs")]
D = datetime.date(2026, 11, 30)
COMPONENTS = {
    "nps": {"value": 9.0, "normalised": 90.0, "detail": {"answered_on": "2026-08-22"}},
    "usage": {"value": 80.0, "detail": {"trend_percent": -20.0, "used": 800.0, "included": 1000.0}},
    "recency": {"value": 10},
    "frequency": {"value": 1},
    "monetary": {"value": 720000},
    "engagement": {"value": 3, "detail": {"conversations": 1}},
    "tenure": {"value": 730},
    "negatives": {
        "value": 3,
        "detail": {
            "complaints_open": 1,
            "complaints_resolved": 1,
            "cancellations": 0,
            "downgrades": 0,
        },
    },
}


@pytest.mark.django_db(transaction=True)
def test_old_scores_get_their_inputs_from_the_components_json():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    account = apps.get_model("accounts", "Account").objects.create(name="旧スコア株式会社")
    apps.get_model("accounts", "LoyaltyScore").objects.create(
        account=account, as_of=D, score=55, tier="medium", components=COMPONENTS
    )
    apps.get_model("accounts", "LoyaltyScore").objects.create(
        account=account, as_of=D - datetime.timedelta(days=1), score=20, tier="low", components={}
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    score = executor.loader.project_state(AFTER).apps.get_model("accounts", "LoyaltyScore")

    row = score.objects.get(as_of=D)
    assert (row.nps_value, row.nps_answered_on) == (9.0, datetime.date(2026, 8, 22))
    assert (row.used_recently, row.included_usage) == (800.0, 1000.0)
    assert row.used_before == pytest.approx(1000.0)  # 800 is 20 % below it
    assert row.last_purchase_on == D - datetime.timedelta(days=10)
    assert row.first_started_on == D - datetime.timedelta(days=730)
    assert (row.purchases, row.spend, row.contacts, row.conversations) == (1, 720_000, 3, 1)
    assert (row.complaints_open, row.complaints_resolved, row.cancellations) == (1, 1, 0)
    empty = score.objects.get(as_of=D - datetime.timedelta(days=1))
    assert (empty.nps_value, empty.last_purchase_on, empty.purchases) == (None, None, 0)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
