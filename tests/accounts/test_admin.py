"""Every accounts model has an admin list page that opens and runs a fixed number of queries."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts import models
from tests.accounts.factories import (
    ActivityFactory,
    NPSResponseFactory,
    SubscriptionFactory,
    SuccessStoryFactory,
    UsageRecordFactory,
)

pytestmark = pytest.mark.django_db

ACCOUNTS_MODELS = [
    m
    for m in (getattr(models, name) for name in dir(models))
    if isinstance(m, type)
    and issubclass(m, models.models.Model)
    and not m._meta.abstract
    and m._meta.app_label == "accounts"
    and not m.__name__.startswith("Historical")
    and m is not models.OrderLine  # edited inline on its order
    and m is not models.ScoringChunk  # shown inline on its scoring run
]


def test_every_accounts_model_is_in_the_admin():
    assert [m for m in ACCOUNTS_MODELS if not admin.site.is_registered(m)] == []


@pytest.mark.parametrize("model", ACCOUNTS_MODELS, ids=lambda m: m.__name__)
def test_each_changelist_stays_flat(client, admin_user, model, django_assert_max_num_queries):
    def make_rows(n):
        for _ in range(n):
            UsageRecordFactory()
            NPSResponseFactory()
            ActivityFactory()
            SuccessStoryFactory()
            SubscriptionFactory()

    client.force_login(admin_user)
    url = reverse(f"admin:accounts_{model._meta.model_name}_changelist")
    make_rows(2)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    make_rows(10)
    with django_assert_max_num_queries(30) as many:
        assert client.get(url).status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)
