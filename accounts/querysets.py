"""The one visibility rule, as queryset methods every page, API, export and task uses.

A rep or CS user sees the accounts they own, are CS owner of, or are assigned through a
campaign; a manager sees the accounts of the teams they lead; an administrator sees all.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q


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

        assigned = AccountAssignment.objects.filter(account=OuterRef("pk"), user=user)
        return self.filter(Q(owner=user) | Q(cs_owner=user) | Exists(assigned))


class AccountScopedQuerySet(models.QuerySet):
    """For rows that belong to an account: visible when their account is."""

    def visible_to(self, user) -> "AccountScopedQuerySet":
        from .models import Account

        return self.filter(account__in=Account.objects.visible_to(user).values("pk"))
