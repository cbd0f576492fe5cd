"""Monthly recurring revenue (MRR): what a subscription bills each month, and on which days.

One rule, written for the ORM (revenue by segment) and as SQL (cohorts, where the day
differs per account); tests/analytics/test_mrr.py holds the two to the same answers.

A subscription pays its monthly amount from the day it was bought (the end of its trial,
else its start) until the day it is cancelled (that day no longer pays). A trial that was
cancelled before it ended never paid; a subscription marked cancelled without a date does
not pay. An account is paying on a day when its MRR that day is above zero.
"""

import datetime

from django.db.models import Q
from django.db.models.functions import Coalesce

from accounts.models import Subscription

CANCELLED = Subscription.Status.CANCELLED


def bought_on():
    """The day a subscription became a purchase: the end of its trial, else its start."""
    return Coalesce("trial_ends_on", "started_on")


def paying_on(day: datetime.date) -> Q:
    """Subscriptions that pay on `day`, as a filter on Subscription."""
    bought = Q(trial_ends_on__isnull=True, started_on__lte=day) | Q(trial_ends_on__lte=day)
    not_cancelled = Q(cancelled_on__isnull=True) & ~Q(status=CANCELLED)
    return bought & (not_cancelled | Q(cancelled_on__gt=day))


def paying_sql(day: str) -> str:
    """The same rule in SQL, over a subscription `s` with columns bought (the purchase day)
    and ends (its cancellation day; a cancellation without a date ends it on its purchase
    day), on `day` (a column or a parameter placeholder)."""
    return f"(s.bought <= {day} AND (s.ends IS NULL OR s.ends > {day}))"
