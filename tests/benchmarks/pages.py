"""Pages and API lists timed through gunicorn, and the queries each one makes.

Timing: a logged-in `requests` session per user asks gunicorn for each page `runs` times, one
request at a time (after two warm-up requests), and takes p50 / p99 of the wall time seen by
the client. Query counts: the same request as the same user through Django's test client in
this process, on the same database, under CaptureQueriesContext. Counting in the benchmark
process keeps the served app exactly as in production (no counting middleware in gunicorn),
and the number of queries does not depend on which process answers.
"""

import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from .server import logged_in

REP, MANAGER, ADMIN = "rep1@example.com", "manager1@example.com", "admin@example.com"
CS = "cs1@example.com"


@dataclass(frozen=True)
class Page:
    name: str
    user: str
    path: str


def bench_pages(*, account_id: int, campaign_id: int, search: str) -> list[Page]:
    """What a rep, a manager and an administrator open most, the API's main lists, and the
    analytics pages (issue 9): the homes, every report's default view, the whitespace grid."""
    from crm.analytics.reports import REPORTS

    preview = f"/campaigns/{campaign_id}/segment/"
    query = urlencode({"q": search})
    return [
        Page("rep dashboard", REP, "/home/rep/"),
        Page("account list (rep)", REP, "/accounts/"),
        Page("account list (manager)", MANAGER, "/accounts/"),
        Page("account list (admin)", ADMIN, "/accounts/"),
        Page("account list, search (admin)", ADMIN, f"/accounts/?{query}"),
        Page("account page", REP, f"/accounts/{account_id}/"),
        Page("pipeline board (rep)", REP, "/opportunities/board/"),
        Page("manager home", MANAGER, "/home/manager/"),
        Page("campaign preview, no filter (manager)", MANAGER, preview),
        Page(
            "campaign preview, high tier promoters (manager)",
            MANAGER,
            f"{preview}?tiers=high&nps_categories=promoter",
        ),
        Page("campaign preview, no filter (admin)", ADMIN, preview),
        Page("API accounts (rep)", REP, "/api/v1/accounts/"),
        Page("API accounts (admin)", ADMIN, "/api/v1/accounts/"),
        Page("API loyalty scores, latest (admin)", ADMIN, "/api/v1/loyalty-scores/?latest=true"),
        Page("API subscriptions (manager)", MANAGER, "/api/v1/subscriptions/"),
        Page("API usage (admin)", ADMIN, "/api/v1/usage/"),
        Page("API activities (rep)", REP, "/api/v1/activities/"),
        Page("API opportunities (manager)", MANAGER, "/api/v1/opportunities/"),
        Page("API offer cards (rep)", REP, "/api/v1/offer-cards/"),
        Page("API campaign targets (manager)", MANAGER, "/api/v1/campaign-targets/"),
        # issue 9: the homes, the reports' default views and the whitespace grid
        Page("CS home", CS, "/home/cs/"),
        Page("at-risk list (CS)", CS, "/home/at-risk/"),
        *(Page(f"report: {r.slug} (manager)", MANAGER, f"/reports/{r.slug}/") for r in REPORTS),
        Page("report: revenue (rep)", REP, "/reports/revenue/"),
        Page("whitespace grid (manager)", MANAGER, "/opportunities/whitespace/"),
        Page("whitespace totals (manager)", MANAGER, "/opportunities/whitespace/totals/"),
        Page(
            "whitespace grid, any eligible (manager)",
            MANAGER,
            "/opportunities/whitespace/?state=any_eligible",
        ),
        Page(
            "whitespace grid, declined (manager)",
            MANAGER,
            "/opportunities/whitespace/?state=declined",
        ),
    ]


def page_subjects() -> dict[str, int]:
    """An account of the rep's with the most history, the end of its name as a search (a rep
    looking a customer up), and a campaign of the manager's."""
    from django.db.models import Count

    from accounts.models import Account
    from campaigns.models import Campaign
    from crm.users.models import User

    rep = User.objects.get(email=REP)
    manager = User.objects.get(email=MANAGER)
    # among the rep's first 200 accounts, to keep this query cheap at a million accounts
    first = Account.objects.filter(owner=rep).order_by("pk").values_list("pk", flat=True)[:200]
    account = (
        Account.objects.filter(pk__in=list(first))
        .annotate(n=Count("activities"))
        .order_by("-n", "pk")
        .first()
    )
    campaign = Campaign.objects.visible_to(manager).order_by("pk").first()
    return {"account_id": account.pk, "campaign_id": campaign.pk, "search": account.name[-4:]}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def pages_time(
    base: str, pages: list[Page], *, runs: int, sessions: dict | None = None, warm: int = 2
) -> dict[str, dict]:
    """p50 / p99 of `runs` requests to each page as its user (logged in through the login form
    unless `sessions` gives a session per user), after `warm` requests that are not timed.

    A gunicorn worker's first request of a page compiles its templates and, the first of all,
    loads the code and the catalogues (0.2–1 s); with 50 runs p99 is the slowest, so that
    first request must not be timed: `warm` is a few times the number of workers, as any of
    them may answer a request."""
    sessions = sessions or {user: logged_in(base, user) for user in {page.user for page in pages}}
    results = {}
    for page in pages:
        session = sessions[page.user]
        times, sizes = [], []
        for attempt in range(runs + warm):
            started = time.perf_counter()
            answer = session.get(base + page.path, timeout=120, allow_redirects=False)
            elapsed = time.perf_counter() - started
            if answer.status_code != 200:
                raise RuntimeError(f"{page.name}: {page.path} answered {answer.status_code}")
            if attempt >= warm:
                times.append(elapsed * 1000)
                sizes.append(len(answer.content))
        results[page.name] = {
            "user": page.user,
            "path": page.path,
            "runs": runs,
            "warm": warm,
            "p50_ms": round(statistics.median(times), 1),
            "p99_ms": round(percentile(times, 0.99), 1),
            "max_ms": round(max(times), 1),
            "bytes": sizes[-1],
        }
    return results


def pages_count_queries(pages: list[Page]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from crm.users.models import User

    clients = {}
    for email in {page.user for page in pages}:
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(User.objects.get(email=email))
        clients[email] = client
    counts = {}
    for page in pages:
        client = clients[page.user]
        client.get(page.path)  # warm: a first request may fill caches (ContentTypes, sessions)
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(page.path)
        if answer.status_code != 200:
            raise RuntimeError(f"{page.name}: {page.path} answered {answer.status_code}")
        counts[page.name] = len(queries)
    return counts
