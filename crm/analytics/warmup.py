"""The nightly warm-up: every report's default view computed into the day's cache for each
scope people open, so that the first visit of the day reads the cache like the others.

The scopes are the ones the pages' default views read: every account (one entry shared by
all administrators), each manager's teams together and, for a manager of several teams,
each team alone (the team filter's choices), and each rep's and CS user's book. A view with
other filters (another period, an administrator's team) is still computed on its first
visit of the day. Entries are replaced, not added: a page opened between midnight and the
night's scores would otherwise keep the day before's figures all day.

The warm-up fills the shared cache (Redis, see crm/settings.py); with the in-process memory
cache of the embedded mode it only fills the cache of the process running the night.
"""

import datetime
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from crm.users.models import Role, User

from .reports import REPORTS, report_computed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WarmupResult:
    scopes: int
    entries: int
    seconds: float


def report_warmup_scopes() -> Iterator[tuple[User, dict | None]]:
    """(user, filters) of each scope warmed: one administrator for all of them, each manager
    with their teams together and, when they lead several, each team alone, each rep and CS
    user (two queries)."""
    users = User.objects.filter(is_active=True).order_by("pk").prefetch_related("led_teams")
    admin_done = False
    for user in users:
        if user.is_admin:
            if not admin_done:
                admin_done = True
                yield user, None
        elif user.role == Role.MANAGER:
            yield user, None
            teams = sorted(user.led_teams.all(), key=lambda team: team.pk)
            if len(teams) > 1:
                for team in teams:
                    yield user, {"team": str(team.pk)}
        else:
            yield user, None


def reports_warm(*, today: datetime.date) -> WarmupResult | None:
    """Compute and cache the default view of every report for every scope warmed, as of
    `today`; None when `today` is not the current day (a night run again later would fill
    entries nobody reads). Running it twice replaces the entries with the same figures."""
    if today != timezone.localdate():
        return None
    started = time.monotonic()
    scopes = entries = 0
    for user, data in report_warmup_scopes():
        scopes += 1
        for report in REPORTS:
            report_computed(report=report, user=user, data=data, today=today, refresh=True)
            entries += 1
    result = WarmupResult(scopes=scopes, entries=entries, seconds=time.monotonic() - started)
    logger.info("reports warmed for %s: %s", today, result)
    return result
