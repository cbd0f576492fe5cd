"""The one visibility rule, as queryset methods every page, API, export and task uses.

A rep or CS user sees the accounts they own, are CS owner of, or are assigned through a
campaign; a manager sees the accounts of the teams they lead; an administrator sees all.
"""

from django.db import models
from django.db.models import Q


class AccountQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AccountQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self.all()
        if user.is_manager:
            from crm.users.models import Team

            teams = Team.objects.filter(manager=user).values("pk")
            return self.filter(Q(owner__team__in=teams) | Q(cs_owner__team__in=teams))
        from .models import AccountAssignment

        # The user's assigned accounts as one IN (subquery), which PostgreSQL hashes once: a
        # correlated EXISTS was probed for every account (a rep's activity list at 100,000
        # accounts: count 0.84 s → 0.20 s).
        assigned = AccountAssignment.objects.filter(user=user).values("account_id")
        return self.filter(Q(owner=user) | Q(cs_owner=user) | Q(pk__in=assigned))


class AccountScopedQuerySet(models.QuerySet):
    """For rows that belong to an account: visible when their account is."""

    def visible_to(self, user) -> "AccountScopedQuerySet":
        from .models import Account

        return self.filter(account__in=Account.objects.visible_to(user).values("pk"))
