"""Reports are computed once per day and scope, then read from the cache until midnight.

The key is (report, the day in Asia/Tokyo, whose accounts, the filters): the next day
starts afresh, and two users share an entry only when they see the same accounts
(administrators; see ReportScope.cache_key). Results are plain data (numbers, codes,
dates), labelled in the reader's language when rendered, so one entry serves Japanese and
English readers alike. The cache is the project's default one: in-process memory unless a
Redis broker or CACHE_URL is configured (crm/settings.py), in which case every web worker
shares the entry. A change to the data shows in the reports the next day; that is the
price of pages that stay fast over 100,000 accounts (see docs/benchmarks.md).
"""

import datetime
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone

from .scope import ReportScope

# Bump when a report's computed result changes shape, so that a deploy during the day
# does not read entries written by the previous code.
CACHE_VERSION = 1

T = TypeVar("T")
_MISSING = object()


def seconds_until_midnight(now: datetime.datetime | None = None) -> int:
    """Seconds from `now` to the next midnight in the project's time zone (Asia/Tokyo)."""
    local = timezone.localtime(now)
    midnight = datetime.datetime.combine(
        local.date() + datetime.timedelta(days=1), datetime.time.min, tzinfo=local.tzinfo
    )
    return max(1, int((midnight - local).total_seconds()))


def report_cache_key(*, report: str, scope: ReportScope, params: dict, today: datetime.date) -> str:
    filters = "&".join(f"{name}={params[name]}" for name in sorted(params))
    digest = hashlib.sha256(filters.encode()).hexdigest()[:16]
    return f"analytics:v{CACHE_VERSION}:{report}:{today.isoformat()}:{scope.cache_key}:{digest}"


def report_cached(
    *,
    report: str,
    scope: ReportScope,
    params: dict,
    today: datetime.date,
    compute: Callable[[], T],
    refresh: bool = False,
) -> T:
    """The result of `compute()` for this report, scope, filters and day: computed on the
    first request of the day, read from the cache (no query) on the next ones. `refresh`
    computes it again and replaces the entry (the nightly warm-up, see warmup.py)."""
    key = report_cache_key(report=report, scope=scope, params=params, today=today)
    result = _MISSING if refresh else cache.get(key, _MISSING)
    if result is _MISSING:
        result = compute()
        cache.set(key, result, timeout=seconds_until_midnight())
    return result
