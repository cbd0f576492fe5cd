import datetime

import factory

from accounts import models
from accounts.choices import GrowthStage, Industry
from tests.users.factories import UserFactory


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Account

    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    # a valid reading (kana only) that stays unique: each digit of n as a katakana
    name_kana = factory.Sequence(
        lambda n: "テスト" + "".join("アイウエオカキクケコ"[int(d)] for d in str(n))
    )
    industry = Industry.MANUFACTURING
    growth_stage = GrowthStage.GROWTH
    employee_count = 120
    owner = factory.SubFactory(UserFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contact

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"担当者{n}")


class ProductFamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProductFamily
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"family-{n}")
    name = factory.Sequence(lambda n: f"Family {n}")


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan at `tier_rank` in `family`."""

    class Meta:
        model = models.Product

    code = factory.Sequence(lambda n: f"plan-{n}")
    name = factory.Sequence(lambda n: f"Plan {n}")
    kind = models.Product.Kind.PLAN
    family = factory.SubFactory(ProductFamilyFactory)
    tier_rank = 1
    monthly_price = 10_000
    included_usage = 1000
    usage_unit = "credits"


class AddOnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Product

    code = factory.Sequence(lambda n: f"addon-{n}")
    name = factory.Sequence(lambda n: f"Add-on {n}")
    kind = models.Product.Kind.ADD_ON
    family = None
    tier_rank = None
    monthly_price = 3_000


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Subscription

    account = factory.SubFactory(AccountFactory)
    product = factory.SubFactory(PlanFactory)
    quantity = 10
    monthly_amount = factory.SelfAttribute("product.monthly_price")
    status = models.Subscription.Status.ACTIVE
    started_on = datetime.date(2025, 4, 1)
    renewal_on = datetime.date(2027, 4, 1)


class UsageRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.UsageRecord

    subscription = factory.SubFactory(SubscriptionFactory)
    account = factory.SelfAttribute("subscription.account")
    date = datetime.date(2026, 11, 1)
    quantity = 100


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Order

    account = factory.SubFactory(AccountFactory)
    ordered_on = datetime.date(2026, 10, 1)
    total = 10_000


class NPSResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.NPSResponse

    account = factory.SubFactory(AccountFactory)
    score = 9
    answered_on = datetime.date(2026, 10, 1)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Activity

    account = factory.SubFactory(AccountFactory)
    kind = models.Activity.Kind.CALL
    occurred_on = datetime.date(2026, 11, 1)
    owner = factory.SelfAttribute("account.owner")
    summary = "定例の電話"


class SuccessStoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SuccessStory

    industry = Industry.MANUFACTURING
    product = factory.SubFactory(PlanFactory)
    title = "生産管理の工数を削減"
    summary = "導入3か月で月次締めが2日短縮"
    headline_metric = "工数30%削減"
