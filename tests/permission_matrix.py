"""A reusable permission matrix: one customer's data seen by seven identities.

`build_world()` makes a Team A account (owned by a rep, CS-owned by a CS user of the same
team) with one row of every kind, the campaigns, import and offer cards around it, and the
seven people the matrix asks about.

A `Page` is one GET of a URL, a `Write` one POST (or PATCH): each says the status every
identity gets (an `Expect`, in the order of IDENTITIES). A list or export also says who finds
the account's row in it, so that a row leaks to nobody else; a write says who gets it done,
and proves that for everyone else nothing changed. `check()` makes the request as one
identity inside a savepoint rolled back afterwards, so that one world serves many checks, and
returns what went wrong (nothing when all is well).

Pages answer an anonymous visitor with a redirect to the login page, the API with 401.
tests/crm/test_url_coverage.py fails when a URL is neither in a matrix nor exempted.
"""

import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlsplit

from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import ImportJob, LoyaltyScore, LoyaltyTier
from campaigns.models import Campaign, TargetStatus
from crm.users.models import Role, User
from opportunities.models import OfferCard, OpportunityType, Stage
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    ContactFactory,
    NPSResponseFactory,
    OrderFactory,
    PlanFactory,
    SubscriptionFactory,
    UsageRecordFactory,
)
from tests.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tests.opportunities.factories import (
    FollowUpFactory,
    HearingFactory,
    OpportunityFactory,
    ensure_default_checklist,
)
from tests.opportunities.qbr_factories import QBRFactory, QBRGoalFactory
from tests.users.factories import TeamFactory, UserFactory

IDENTITIES = (
    "anonymous",
    "other_team_rep",
    "owning_rep",
    "cs_owner",
    "team_manager",
    "other_manager",
    "admin",
)
# Who sees Team A's account: its owner, its CS owner, the manager of their team, an admin.
SEES_THE_ACCOUNT = frozenset({"owning_rep", "cs_owner", "team_manager", "admin"})
# Who sees Team A's campaign: the manager of the team (who owns it), an admin. Reps and CS
# see no campaign as such; a rep sees the targets assigned to them (campaigns/querysets.py).
SEES_THE_CAMPAIGN = frozenset({"team_manager", "admin"})
SEES_THE_TARGET = SEES_THE_CAMPAIGN | {"owning_rep"}
LOGGED_IN = frozenset(IDENTITIES) - {"anonymous"}
MANAGERS = frozenset({"team_manager", "other_manager", "admin"})  # admins pass role checks

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Expect(NamedTuple):
    """The status each identity gets, in the order of IDENTITIES."""

    anonymous: int
    other_team_rep: int
    owning_rep: int
    cs_owner: int
    team_manager: int
    other_manager: int
    admin: int

    def of(self, who: str) -> int:
        return getattr(self, who)

    def getting(self, status: int) -> frozenset[str]:
        return frozenset(who for who in IDENTITIES if self.of(who) == status)

    @classmethod
    def split(cls, *, anonymous: int, allowed: Iterable[str], yes: int, no: int) -> "Expect":
        """`yes` for the identities in `allowed`, `no` for the other logged-in ones."""
        allowed = frozenset(allowed)
        return cls(anonymous, *(yes if who in allowed else no for who in IDENTITIES[1:]))


@dataclass
class World:
    people: dict[str, User | None]
    rows: dict[str, Any] = field(default_factory=dict)  # "account", "contact", ...


def build_world() -> World:
    ensure_default_checklist()
    team_a = TeamFactory(name="Team A", manager=UserFactory(role=Role.MANAGER))
    team_b = TeamFactory(name="Team B", manager=UserFactory(role=Role.MANAGER))
    people = {
        "anonymous": None,
        "other_team_rep": UserFactory(role=Role.REP, team=team_b),
        "owning_rep": UserFactory(role=Role.REP, team=team_a),
        "cs_owner": UserFactory(role=Role.CUSTOMER_SUCCESS, team=team_a),
        "team_manager": team_a.manager,
        "other_manager": team_b.manager,
        "admin": UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True),
    }
    rep, today = people["owning_rep"], timezone.localdate()
    # Names no other row's name contains, so that finding one in a page means that row.
    account = AccountFactory(name="マトリクス商事株式会社", owner=rep, cs_owner=people["cs_owner"])
    subscription = SubscriptionFactory(account=account)
    opportunity = OpportunityFactory(
        account=account, type=OpportunityType.UPSELL, name="マトリクスの上位プラン商談"
    )
    hearing = HearingFactory(account=account, opportunity=opportunity)
    # Held yesterday, so that it can be recorded as held; the CS owner attends.
    qbr = QBRFactory(account=account, scheduled_on=today - datetime.timedelta(days=1))
    qbr.our_attendees.set([people["cs_owner"]])
    campaign = CampaignFactory(
        name="マトリクスの秋キャンペーン",
        owner=people["team_manager"],
        teams=[team_a],
        status=Campaign.Status.ACTIVE,
        frozen_at=timezone.now(),
    )
    # A second account of Team A: the campaign's target not assigned yet.
    second_account = AccountFactory(name="マトリクス第二商事", owner=rep)
    rows = {
        "account": account,
        "contact": ContactFactory(account=account),
        "subscription": subscription,
        "usage-record": UsageRecordFactory(subscription=subscription),
        "order": OrderFactory(account=account),
        "nps-answer": NPSResponseFactory(account=account),
        "activity": ActivityFactory(account=account),
        "loyalty-score": LoyaltyScore.objects.create(
            account=account,
            as_of=today,
            score=Decimal("72.5"),
            tier=LoyaltyTier.HIGH,
        ),
        # Forty days earlier the score was higher: the account is falling, on the CS home.
        "earlier-loyalty-score": LoyaltyScore.objects.create(
            account=account,
            as_of=today - datetime.timedelta(days=40),
            score=Decimal("90"),
            tier=LoyaltyTier.HIGH,
        ),
        "opportunity": opportunity,
        # Won, with a plan to apply to the subscription.
        "won-opportunity": OpportunityFactory(
            account=account,
            name="マトリクスの受注済み商談",
            stage=Stage.WON,
            probability=100,
            subscription=subscription,
            to_product=PlanFactory(),
        ),
        "hearing": hearing,
        "follow-up": FollowUpFactory(account=account, owner=rep, title="マトリクスのフォロー"),
        "offer-card": offer_card(account, rep, subscription.product, today),
        # Dismissed with a note: the manager's feedback report quotes it.
        "dismissed-offer-card": offer_card(
            account,
            rep,
            subscription.product,
            today,
            status=OfferCard.Status.DISMISSED,
            dismiss_reason="bad_timing",
            dismiss_note="マトリクスの見送り理由",
            acted_at=timezone.now(),
        ),
        "qbr": qbr,
        "qbr-goal": QBRGoalFactory(meeting=qbr),
        "campaign": campaign,
        "campaign-target": CampaignTargetFactory(
            campaign=campaign,
            account=account,
            rep=rep,
            status=TargetStatus.ASSIGNED,
            assigned_at=timezone.now(),
        ),
        "unassigned-target": CampaignTargetFactory(campaign=campaign, account=second_account),
        "draft-campaign": CampaignFactory(owner=people["team_manager"], teams=[team_a]),
        "second-account": second_account,
        # Another rep of Team A, to take over the campaign's target.
        "team-a-rep": UserFactory(role=Role.REP, team=team_a),
        # Only the rep who uploaded it sees an import: its errors may quote other people's data.
        "import-job": ImportJob.objects.create(
            kind=ImportJob.Kind.CONTACTS,
            file="imports/matrix.csv",
            file_name="マトリクス取込.csv",
            created_by=rep,
        ),
    }
    return World(people=people, rows=rows)


def offer_card(account, rep, product, today, **fields) -> OfferCard:
    return OfferCard.objects.create(
        account=account,
        rep=rep,
        kind=OpportunityType.UPSELL,
        product=product,
        source="engine",
        rule="utilisation",
        monthly_uplift=10_000,
        probability=Decimal("0.4"),
        expected_value=4_000,
        generated_on=today,
        **fields,
    )


def client_for(world: World, who: str, *, api: bool) -> Client:
    client = APIClient() if api else Client()
    if world.people[who] is not None:
        client.force_login(world.people[who])
    return client


def assert_status(response, expected, context: str) -> None:
    allowed = expected if isinstance(expected, tuple) else (expected,)
    assert response.status_code in allowed, (context, response.status_code, allowed)


def today() -> datetime.date:
    return timezone.localdate()


# --- entries -------------------------------------------------------------------------------

Args = Callable[[World], Sequence[Any]]
Query = Callable[[World], dict[str, Any]]
# What a write sends, from the world and the user sending it (None for the anonymous).
Data = Callable[[World, User | None], dict[str, Any]]
# Whether a list or export holds the account's row.
Shows = Callable[[World, Any], bool]
# What a write changes, read from the database.
State = Callable[[World], Any]


def no_args(world: World) -> Sequence[Any]:
    return ()


def no_query(world: World) -> dict[str, Any]:
    return {}


def no_data(world: World, user: User | None) -> dict[str, Any]:
    return {}


def pk(key: str, *extra: Any) -> Args:
    """The URL arguments: the row's primary key, then `extra`."""
    return lambda world: (world.rows[key].pk, *extra)


def stored(key: str, *fields: str) -> State:
    """The row's `fields` as stored now."""

    def read(world: World):
        row = world.rows[key]
        return type(row).objects.filter(pk=row.pk).values_list(*fields).first()

    return read


def of_account(model) -> State:
    """How many `model` rows the account has now."""
    return lambda world: model.objects.filter(account=world.rows["account"]).count()


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith(XLSX):
        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8-sig", errors="replace")


def text(marker: Callable[[World], str]) -> Shows:
    """The page or file holds the row's marker text."""
    return lambda world, response: marker(world) in body_text(response)


def listed(key: str) -> Shows:
    """The API list holds the row's id."""
    return lambda world, response: (
        world.rows[key].pk in {item["id"] for item in response.json()["results"]}
    )


@dataclass(frozen=True)
class Page:
    """A GET of the URL named `name`."""

    name: str
    expect: Expect
    args: Args = no_args
    query: Query = no_query
    # A list or export: `shows` tells whether a response holds the account's row, which only
    # the identities in `shown_to` (all of them getting 200) may find.
    shows: Shows | None = None
    shown_to: frozenset[str] = frozenset()

    def __post_init__(self):
        assert self.shown_to <= self.expect.getting(200), (self.name, "shown to a non-200")


@dataclass(frozen=True)
class Write:
    """A write to the URL named `name`: done by `done_by`, changing nothing for the others."""

    name: str
    expect: Expect
    done_by: frozenset[str]
    state: State
    data: Data = no_data
    args: Args = no_args
    query: Query = no_query
    method: str = "post"

    def __post_init__(self):
        assert "anonymous" not in self.done_by, self.name


Entry = Page | Write


def url_of(world: World, entry: Entry) -> str:
    url = reverse(entry.name, args=entry.args(world))
    query = entry.query(world)
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def _request(world: World, who: str, entry: Entry):
    api = entry.name.startswith("api:")
    url = url_of(world, entry)
    assert resolve(urlsplit(url).path).view_name == entry.name, (url, entry.name)
    client = client_for(world, who, api=api)
    if isinstance(entry, Page):
        return url, client.get(url)
    data = entry.data(world, world.people[who])
    send = getattr(client, entry.method)
    return url, send(url, data, format="json") if api else send(url, data)


def _check(world: World, who: str, entry: Entry) -> list[str]:
    before = entry.state(world) if isinstance(entry, Write) else None
    url, response = _request(world, who, entry)
    expected = entry.expect.of(who)
    if response.status_code != expected:
        detail = response.content[:200] if not response.streaming else b""
        return [f"{who} {url}: {response.status_code}, expected {expected} {detail!r}"]
    problems = []
    if response.status_code == 302 and who == "anonymous" and "login" not in response["Location"]:
        problems.append(f"anonymous {url}: redirected to {response['Location']}, not to log in")
    if isinstance(entry, Page) and entry.shows is not None and response.status_code == 200:
        shown = entry.shows(world, response)
        if shown != (who in entry.shown_to):
            problems.append(f"{who} {url}: {'leaks the row' if shown else 'misses the row'}")
    if isinstance(entry, Write):
        changed = entry.state(world) != before
        if changed != (who in entry.done_by):
            what = "changed what it may not" if changed else "was not done"
            problems.append(f"{who} {entry.method.upper()} {url}: the write {what}")
    return problems


def check(world: World, who: str, entries: Iterable[Entry]) -> list[str]:
    """Each entry as `who`, each in a savepoint rolled back afterwards: what went wrong."""
    problems = []
    for entry in entries:
        with transaction.atomic():
            problems += _check(world, who, entry)
            transaction.set_rollback(True)
    return problems
