"""Chainable filters for the pipeline, hearings and follow-ups.

Visibility is the accounts app's one rule: a row is visible when its account is.
"""

import datetime

from django.db.models import Q

from accounts.querysets import AccountScopedQuerySet


class OpportunityQuerySet(AccountScopedQuerySet):
    def open(self) -> "OpportunityQuerySet":
        from .models import Stage

        return self.filter(stage__in=Stage.open_values())

    def for_listing(self) -> "OpportunityQuerySet":
        return self.select_related("account", "owner", "owner__team")


class HearingQuerySet(AccountScopedQuerySet):
    def for_listing(self) -> "HearingQuerySet":
        return self.select_related("account", "conducted_by", "version__template")


class FollowUpQuerySet(AccountScopedQuerySet):
    def pending(self) -> "FollowUpQuerySet":
        return self.filter(done_at__isnull=True)

    def overdue(self, *, on: datetime.date) -> "FollowUpQuerySet":
        return self.pending().filter(due_on__lt=on)

    def due_on(self, *, on: datetime.date) -> "FollowUpQuerySet":
        return self.pending().filter(due_on=on)

    def owned_by(self, user) -> "FollowUpQuerySet":
        return self.filter(owner=user)

    def for_listing(self) -> "FollowUpQuerySet":
        return self.select_related("account", "owner", "opportunity", "hearing")


class WatchConditionQuerySet(AccountScopedQuerySet):
    def open_on(self, day: datetime.date) -> "WatchConditionQuerySet":
        """Conditions still waiting to be met whose watch has begun by `day`."""
        from .models import WatchCondition

        return self.filter(Q(status=WatchCondition.Status.OPEN) & Q(starts_on__lte=day))
