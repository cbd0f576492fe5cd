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
        # accounts: count 0.84 s → 0.20 s). PostgreSQL overestimates the OR (~57,000 of a
        # rep's ~16,000 accounts), but its plans are the fast ones: lists walk their order
        # index filtering each row, and sums scan in parallel. The three id sets as a UNION
        # are estimated right (~18,000) and measured slower: as a join they cannot filter
        # rows while an index is walked (a rep's API activities 24 → 234 ms) nor run in
        # parallel (a rep's loyalty report 0.65 → 0.93 s); docs/benchmarks.md, 2026-12-06.
        assigned = AccountAssignment.objects.filter(user=user).values("account_id")
        return self.filter(Q(owner=user) | Q(cs_owner=user) | Q(pk__in=assigned))

    def visible_ids(self, user) -> models.QuerySet | None:
        """The ids of the accounts `user` sees, as a subquery for `account__in=`; None when
        they see every account (an administrator), which needs no filter at all: the
        subquery of all of them only cost a hash join (at 100,000 accounts, counting the
        latest scores 44 → 9 ms, all usage 446 → 290 ms)."""
        if user.is_authenticated and user.is_active and user.is_admin:
            return None
        return self.visible_to(user).order_by().values("pk")

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

        ids = Account.objects.visible_ids(user)
        return self.all() if ids is None else self.filter(account__in=ids)
