"""The nightly warm-up: every report's default view computed into the day's cache for each
scope people open, so that the first visit of the day reads the cache like the others.

The scopes are the ones the pages' default views read: every account (one entry shared by
all administrators), each manager's teams together and, for a manager of several teams,
each team alone (the team filter's choices), and each rep's and CS user's book. A view with
other filters (another period, an administrator's team) is still computed on its first
visit of the day. Entries are replaced, not added: a page opened between midnight and the
night's scores would otherwise keep the day before's figures all day.

The scopes go to the Celery workers as a group of one task per scope, as the score step
sends its chunks, and the night's own process warms scopes too until all are done. Each
scope is claimed in the shared cache before it is computed (an atomic add that expires), so
a scope is computed once whoever gets to it first, a task whose worker died is taken over
once its claim expires, and the step ends when every scope is done. With tasks run
in-process (the embedded mode) the group runs before the loop, which then finds all done.

The warm-up fills the shared cache (Redis, see crm/settings.py); with the in-process memory
cache of the embedded mode it only fills the cache of the process running the night (and
the workers' claims are then invisible to it: it warms every scope itself).
"""

import datetime
import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from crm.users.models import Role, User

from .cache import seconds_until_midnight
from .reports import REPORTS, report_computed

logger = logging.getLogger(__name__)

# A scope takes 2–5 s at 100,000 accounts (14 scopes in 55–63 s in one process at load 5–6:
# docs/benchmarks.md, "Nightly warm-up"); a claim lasts far longer so that a slow scope is not
# computed twice, and short enough that a scope whose worker died is taken over in minutes.
CLAIM_SECONDS = 120
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class WarmupResult:
    scopes: int
    entries: int
    seconds: float
    here: int  # the scopes this process warmed itself, the rest by the workers


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


def report_scope_warm(
    *, today: datetime.date, user_id: int, team_id: int | None, claim: str
) -> bool:
    """Compute every report's view of one scope into the day's cache, replacing its entries,
    unless another process holds `claim` (then False); `claim` is marked done after it.
    Nothing is computed once `today` is over (a message delivered after midnight)."""
    if not cache.add(f"{claim}:claimed", True, CLAIM_SECONDS):
        return False
    try:
        # nothing once the day is over, nor for a user deactivated since the scopes were listed
        user = (
            User.objects.filter(pk=user_id, is_active=True).first()
            if today == timezone.localdate()
            else None
        )
        if user is not None:
            data = None if team_id is None else {"team": str(team_id)}
            for report in REPORTS:
                report_computed(report=report, user=user, data=data, today=today, refresh=True)
    except BaseException:
        cache.delete(f"{claim}:claimed")  # someone else takes it now, not when it expires
        raise
    cache.set(f"{claim}:done", True, seconds_until_midnight())
    return True


def reports_warm(*, today: datetime.date, dispatch: bool = False) -> WarmupResult | None:
    """Compute and cache the default view of every report for every scope warmed, as of
    `today`; None when `today` is not the current day (a night run again later would fill
    entries nobody reads). Running it twice replaces the entries with the same figures.

    With `dispatch`, the scopes go to the workers as a Celery group first; this process
    warms whichever scope nobody has claimed, then waits until every scope is done.
    """
    if today != timezone.localdate():
        return None
    started = time.monotonic()
    run = f"analytics:warmup:{today.isoformat()}:{uuid.uuid4().hex}"
    scopes = [
        {
            "user_id": user.pk,
            "team_id": int(data["team"]) if data else None,
            "claim": f"{run}:{n}",
        }
        for n, (user, data) in enumerate(report_warmup_scopes())
    ]
    if dispatch and scopes:
        from celery import group

        from crm.tasks import report_scope_warm as warm_task

        try:
            group(
                warm_task.si(today.isoformat(), scope["user_id"], scope["team_id"], scope["claim"])
                for scope in scopes
            ).apply_async()
        except BrokerUnavailable:
            logger.warning("reports %s: the broker is unavailable, warming here alone", today)
    here = 0
    while pending := _pending(scopes):
        for scope in pending:
            here += report_scope_warm(today=today, **scope)
        if _pending(scopes):
            time.sleep(POLL_SECONDS)  # the rest are being warmed by workers right now
    result = WarmupResult(
        scopes=len(scopes),
        entries=len(scopes) * len(REPORTS),
        seconds=time.monotonic() - started,
        here=here,
    )
    logger.info("reports warmed for %s: %s", today, result)
    return result


def _pending(scopes: list[dict]) -> list[dict]:
    """The scopes not marked done yet (one cache read)."""
    done = cache.get_many([f"{scope['claim']}:done" for scope in scopes])
    return [scope for scope in scopes if f"{scope['claim']}:done" not in done]
