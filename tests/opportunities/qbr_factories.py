import datetime

import factory
from django.utils import timezone

from accounts.models import BuyingMotive
from opportunities import models
from tests.accounts.factories import AccountFactory


def motive(code: str) -> BuyingMotive:
    return BuyingMotive.objects.get_or_create(
        code=code, defaults={"name": f"動機{code}", "name_en": f"Motive {code}"}
    )[0]


class QBRFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.QBRMeeting

    account = factory.SubFactory(AccountFactory)
    scheduled_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(14))
    year = factory.LazyAttribute(lambda o: models.quarter_of(o.scheduled_on)[0])
    quarter = factory.LazyAttribute(lambda o: models.quarter_of(o.scheduled_on)[1])
    created_by = factory.SelfAttribute("account.owner")


class QBRGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.QBRGoal
        skip_postgeneration_save = True

    meeting = factory.SubFactory(QBRFactory)
    title = factory.Sequence(lambda n: f"目標{n}")

    @factory.post_generation
    def motives(self, create, extracted, **kwargs):
        if create and extracted:
            self.motives.set(extracted)
