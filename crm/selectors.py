"""Reads for the role home pages."""

from django.db.models import Count, Prefetch, QuerySet

from crm.users.models import Role, Team, User

from .models import NightlyRun


def teams_led_by(*, user: User) -> QuerySet[Team]:
    """The teams `user` leads (all teams for an administrator), with their members."""
    teams = Team.objects.all() if user.is_admin else user.led_teams.all()
    members = User.objects.filter(is_active=True).order_by("role", "last_name", "first_name")
    return teams.prefetch_related(Prefetch("members", queryset=members))


def user_counts_by_role() -> dict[str, int]:
    counts = dict(User.objects.filter(is_active=True).values_list("role").annotate(n=Count("id")))
    return {role.label: counts.get(role.value, 0) for role in Role}


def nightly_runs_recent(*, limit: int = 14) -> QuerySet[NightlyRun]:
    return NightlyRun.objects.all()[:limit]
