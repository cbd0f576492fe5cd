"""A reusable permission matrix: one customer's data seen by seven identities.

`build_world()` makes a Team A account (owned by a rep, CS-owned by a CS user of the same
team) with one row of every kind, and the seven people the matrix asks about. `check_*`
functions make the request as each identity and assert the expected status, and for lists
that the account's rows appear exactly for those who may see them (no leak in lists).

Pages answer an anonymous visitor with a redirect to the login page, the API with 401.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import LoyaltyScore, LoyaltyTier
from crm.users.models import Role, User
from opportunities.models import OfferCard, OpportunityType
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    ContactFactory,
    NPSResponseFactory,
    OrderFactory,
    SubscriptionFactory,
    UsageRecordFactory,
)
from tests.opportunities.factories import (
    FollowUpFactory,
    HearingFactory,
    OpportunityFactory,
    ensure_default_checklist,
)
from tests.opportunities.qbr_factories import QBRFactory
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


@dataclass
class World:
    people: dict[str, User | None]
    rows: dict[str, object] = field(default_factory=dict)  # "account", "contact", ...

    def expected_detail_status(self, who: str, *, api: bool) -> int | tuple[int, ...]:
        if who == "anonymous":
            return 401 if api else 302
        return 200 if who in SEES_THE_ACCOUNT else 404


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
    account = AccountFactory(owner=people["owning_rep"], cs_owner=people["cs_owner"])
    subscription = SubscriptionFactory(account=account)
    opportunity = OpportunityFactory(account=account, type=OpportunityType.UPSELL)
    hearing = HearingFactory(account=account, opportunity=opportunity)
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
            as_of=timezone.localdate(),
            score=Decimal("72.5"),
            tier=LoyaltyTier.HIGH,
            components={},
        ),
        "opportunity": opportunity,
        "hearing": hearing,
        "follow-up": FollowUpFactory(account=account, owner=people["owning_rep"]),
        "offer-card": OfferCard.objects.create(
            account=account,
            rep=people["owning_rep"],
            kind=OpportunityType.UPSELL,
            product=subscription.product,
            source="engine",
            rule="utilisation",
            monthly_uplift=10_000,
            probability=Decimal("0.4"),
            expected_value=4_000,
            generated_on=timezone.localdate(),
        ),
        # Held yesterday, so that it can be recorded as held.
        "qbr": QBRFactory(
            account=account, scheduled_on=timezone.localdate() - datetime.timedelta(days=1)
        ),
    }
    return World(people=people, rows=rows)


def client_for(world: World, who: str, *, api: bool) -> Client:
    client = APIClient() if api else Client()
    if world.people[who] is not None:
        client.force_login(world.people[who])
    return client


def assert_status(response, expected, context: str) -> None:
    allowed = expected if isinstance(expected, tuple) else (expected,)
    assert response.status_code in allowed, (context, response.status_code, allowed)


def check_detail(world: World, who: str, url: str, *, api: bool) -> None:
    """A visible row answers 200, a forbidden one 404 like a missing one."""
    response = client_for(world, who, api=api).get(url)
    assert_status(response, world.expected_detail_status(who, api=api), f"{who} GET {url}")


def check_api_list(world: World, who: str, url: str, row_id: int) -> None:
    """The list holds the row exactly for those who may see it."""
    response = client_for(world, who, api=True).get(url, {"page_size": 500})
    if who == "anonymous":
        assert_status(response, 401, f"anonymous GET {url}")
        return
    assert_status(response, 200, f"{who} GET {url}")
    ids = {item["id"] for item in response.json()["results"]}
    outcome = "leak" if row_id in ids else "missing"
    assert (row_id in ids) == (who in SEES_THE_ACCOUNT), (who, url, outcome)


def check_page_list(world: World, who: str, url: str, marker: str) -> None:
    """An HTML list or export shows the account's marker text exactly for those who may see it."""
    response = client_for(world, who, api=False).get(url)
    if who == "anonymous":
        assert_status(response, 302, f"anonymous GET {url}")
        assert "/users/login/" in response["Location"]
        return
    assert_status(response, 200, f"{who} GET {url}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert (marker.encode() in body) == (who in SEES_THE_ACCOUNT), (who, url)


def check_write(
    world: World,
    who: str,
    *,
    method: str,
    url: str,
    payload: Callable[[World], dict] | dict,
    expected_when_visible: int,
    refused: tuple[int, ...] = (404,),
) -> None:
    """A write on (or linking to) the account: done by those who may see it; refused for the
    others with `refused` (404 for a URL, 400 "does not exist" for a related id in the body)."""
    data = payload(world) if callable(payload) else payload
    response = getattr(client_for(world, who, api=True), method)(url, data, format="json")
    if who == "anonymous":
        expected = (401,)
    elif who in SEES_THE_ACCOUNT:
        expected = (expected_when_visible,)
    else:
        expected = refused
    assert_status(response, expected, f"{who} {method.upper()} {url}: {response.content[:300]!r}")


def today() -> datetime.date:
    return timezone.localdate()
