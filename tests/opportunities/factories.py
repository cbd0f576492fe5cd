import datetime
import importlib

import factory
from django.apps import apps
from django.utils import timezone

from opportunities import models
from tests.accounts.factories import AccountFactory


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Opportunity

    account = factory.SubFactory(AccountFactory)
    owner = factory.SelfAttribute("account.owner")
    name = factory.Sequence(lambda n: f"商談{n}")
    type = models.OpportunityType.UPSELL
    stage = models.Stage.PROSPECTING
    probability = factory.LazyAttribute(lambda o: models.DEFAULT_PROBABILITY[o.stage])
    expected_close = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(30))
    source = models.Source.MANUAL
    contract_value = 1_200_000
    monthly_amount_change = 100_000


def ensure_default_checklist():
    """Re-create the default checklist of the data migration, which a flush removes: browser
    tests run in transactions that are flushed afterwards, not rolled back."""
    migration = importlib.import_module("opportunities.migrations.0002_default_hearing_checklist")
    migration.create_default_checklist(apps, None)


def default_version():
    return models.ChecklistVersion.objects.get(template__code="default", number=1)


class HearingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Hearing

    account = factory.SubFactory(AccountFactory)
    version = factory.LazyFunction(default_version)
    held_on = factory.LazyFunction(timezone.localdate)
    conducted_by = factory.SelfAttribute("account.owner")


class WatchConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.WatchCondition

    hearing = factory.SubFactory(HearingFactory)
    account = factory.SelfAttribute("hearing.account")
    created_by = factory.SelfAttribute("hearing.conducted_by")
    metric = models.Metric.ORDERS
    threshold = 3
    starts_on = datetime.date(2026, 10, 1)
    deadline = datetime.date(2026, 12, 31)
    promised_action = "広告費を2倍にする"
    promised_value = 200_000


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FollowUp

    account = factory.SubFactory(AccountFactory)
    owner = factory.SelfAttribute("account.owner")
    title = factory.Sequence(lambda n: f"フォローアップ{n}")
    due_on = factory.LazyFunction(timezone.localdate)
