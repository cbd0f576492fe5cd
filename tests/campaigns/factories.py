import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import LoyaltyScore
from campaigns.models import Campaign, CampaignTarget, CampaignType
from tests.accounts.factories import AccountFactory, PlanFactory
from tests.users.factories import UserFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"キャンペーン{n}")
    type = CampaignType.UPSELL
    product = factory.SubFactory(PlanFactory, tier_rank=3, monthly_price=50_000)
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))
    owner = factory.SubFactory(UserFactory, role="manager")
    planned_targets = 100
    expected_success_rate = Decimal("20")
    revenue_per_win = 600_000

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)


class CampaignTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignTarget

    campaign = factory.SubFactory(CampaignFactory)
    account = factory.SubFactory(AccountFactory)
    snapshot = factory.LazyAttribute(lambda o: {"name": o.account.name, "region": ""})


class LoyaltyScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoyaltyScore

    account = factory.SubFactory(AccountFactory)
    as_of = factory.LazyFunction(timezone.localdate)
    score = Decimal("75.0")
    tier = "high"
    used_recently = 80.0  # of 100 included: 80 % utilisation
    included_usage = 100.0
