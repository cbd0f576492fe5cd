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

            return self.in_teams(Team.objects.filter(manager=user).values("pk"))
        from .models import AccountAssignment

        # The user's assigned accounts as one IN (subquery), which PostgreSQL hashes once: a
        # correlated EXISTS was probed for every account (a rep's activity list at 100,000
        # accounts: count 0.84 s → 0.20 s). A filter on each row is what lists need: they
        # walk an index in their order and stop after a page (see visible_ids for sums).
        assigned = AccountAssignment.objects.filter(user=user).values("account_id")
        return self.filter(Q(owner=user) | Q(cs_owner=user) | Q(pk__in=assigned))

    def visible_ids(self, user) -> models.QuerySet | None:
        """The ids of the accounts `user` sees as one subquery, for figures summed over all of
        them (`account__in=`); None when that is every account (an administrator: no filter).

        The same rule as visible_to, in the form the planner estimates: for a rep or CS
        user the union of the three id sets (owned, CS-owned, assigned: three index scans).
        The OR of visible_to is estimated at ~57,000 accounts for a rep's ~16,000 at
        100,000 accounts, and the estimate steers the joins of every sum over the book; the
        union is estimated at ~18,000. Lists keep visible_to: as a join, the union cannot be
        probed row by row while an index is walked in the list's order (a rep's activity
        page 2 ms → 150 ms). tests/accounts/test_visibility.py holds the two forms equal.
        """
        if not (user.is_authenticated and user.is_active):
            return self.none().values("pk")
        if user.is_admin:
            return None
        if user.is_manager:
            return self.visible_to(user).order_by().values("pk")
        from .models import AccountAssignment

        owned = self.model.objects.filter(owner=user).order_by().values("pk")
        cs_owned = self.model.objects.filter(cs_owner=user).order_by().values("pk")
        assigned = AccountAssignment.objects.filter(user=user).order_by().values("account_id")
        return owned.union(cs_owned, assigned)

    def in_teams(self, teams) -> "AccountQuerySet":
        """The accounts owned or CS-owned by a member of `teams` (teams, ids or a subquery)."""
        from crm.users.models import User

        # The members as an IN (subquery) on the account's own columns: joining the owner and
        # the CS owner to read their teams cost two hash joins over every account (a
        # manager's account count at 100,000 accounts: 90 → 29 ms).
        members = User.objects.filter(team__in=teams).values("pk")
        return self.filter(Q(owner__in=members) | Q(cs_owner__in=members))


class AccountScopedQuerySet(models.QuerySet):
    """For rows that belong to an account: visible when their account is."""

    def visible_to(self, user) -> "AccountScopedQuerySet":
        from .models import Account

        if user.is_authenticated and user.is_active and user.is_admin:
            # Every account is visible: the subquery of all of them only cost a hash join
            # (at 100,000 accounts, counting the latest scores 44 → 9 ms, all usage 446 →
            # 290 ms).
            return self.all()
        return self.filter(account__in=Account.objects.visible_to(user).values("pk"))
