"""Whose accounts a report reads: the user's visible accounts, optionally one team's.

Every figure in the reports starts from `ReportScope.accounts()`, which is the one
visibility rule (Account.objects.visible_to) narrowed, never widened, by the team filter:
a rep reads their book, a manager their teams' accounts, an administrator all of them.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import Account
from crm.users.models import Team, User


@dataclass(frozen=True)
class ReportScope:
    user: User
    team: Team | None = None

    def accounts(self) -> QuerySet[Account]:
        accounts = Account.objects.visible_to(self.user)
        if self.team is not None:
            # The team's accounts as its manager sees them: owned or CS-owned by a member.
            accounts = accounts.filter(Q(owner__team=self.team) | Q(cs_owner__team=self.team))
        return accounts

    def account_ids(self) -> QuerySet:
        """The scope as a subquery for `account__in=` (one SQL statement, no ids in Python)."""
        return self.accounts().order_by().values("pk")

    @property
    def cache_key(self) -> str:
        """What the figures depend on, without a query: administrators all see everything;
        anyone else sees what their own id decides (owned, CS-owned, assigned, led teams)."""
        who = "all" if self.user.is_admin else f"user-{self.user.pk}"
        return f"{who}.team-{self.team.pk if self.team else 'any'}"


def team_choices(*, user: User) -> QuerySet[Team]:
    """The teams `user` may narrow a report to: all for administrators, their own for
    managers, none for anyone else (a rep's book is already theirs alone)."""
    if user.is_admin:
        return Team.objects.order_by("name")
    if user.is_manager:
        return Team.objects.filter(manager=user).order_by("name")
    return Team.objects.none()
