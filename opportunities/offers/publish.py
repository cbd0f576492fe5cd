"""The nightly "publish" step: bring the live cards in line with the run date.

Snoozed cards whose date has come are back on the dashboard; live cards expire when their
moment has passed (older than OFFER_CARD_DAYS) or when their account has since become one
not to contact (do-not-contact, a quiet period). Two updates, idempotent for the date.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from ..models import OfferCard, OfferSource


@transaction.atomic
def offers_publish(*, run_date: datetime.date) -> dict[str, int]:
    woken = OfferCard.objects.filter(
        status=OfferCard.Status.SNOOZED, snoozed_until__lte=run_date
    ).update(status=OfferCard.Status.OPEN, snoozed_until=None)
    stale = Q(
        source=OfferSource.ENGINE,
        generated_on__lt=run_date - datetime.timedelta(days=settings.OFFER_CARD_DAYS),
    )
    unwelcome = Q(account__do_not_contact=True) | Q(account__quiet_until__gte=run_date)
    expired = OfferCard.objects.filter(stale | unwelcome, status=OfferCard.Status.OPEN).update(
        status=OfferCard.Status.EXPIRED
    )
    return {"woken": woken, "expired": expired}
