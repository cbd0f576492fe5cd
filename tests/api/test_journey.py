"""An integration's day, through the API alone with a token: load a small customer base
(accounts, subscriptions, a quarter of daily usage in bulk), read the loyalty scores the
nightly run computed, read the offer cards, and take an upsell from first contact to won.

Two things between the calls are not API calls, as in production: the token is made with
`manage.py drf_create_token`, and the nightly jobs (the loyalty scoring run, the offer engine)
run on their own schedule.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.scoring.run import scoring_run_execute
from crm.demo.catalogue import plan_code, seed_catalogue
from crm.users.models import Role
from opportunities.models import OfferCard, OpportunityType
from tests.users.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
DAYS_OF_USAGE = 90


class Integration:
    """The API as a client script sees it: JSON in, JSON out, a status checked on every call."""

    def __init__(self, token: str):
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    def get(self, path: str, **params) -> dict:
        response = self.client.get(f"{API}{path}", params)
        assert response.status_code == 200, (path, response.content)
        return response.json()

    def get_all(self, path: str, **params) -> list[dict]:
        """Every row of a list, following each page's `next` link to the end."""
        rows, url = [], f"{API}{path}"
        while url:
            response = self.client.get(url, params)
            assert response.status_code == 200, (url, response.content)
            page = response.json()
            rows += page["results"]
            url, params = page["next"], {}  # the link carries the parameters
        return rows

    def post(self, path: str, body: dict, *, expect: int = 201) -> dict:
        response = self.client.post(f"{API}{path}", body, format="json")
        assert response.status_code == expect, (path, response.content)
        return response.json()


@pytest.fixture
def rep():
    team = TeamFactory(name="東日本営業部", manager=UserFactory(role=Role.MANAGER))
    return UserFactory(role=Role.REP, team=team, email="sato@example.jp")


@pytest.fixture
def api(rep):
    printed = io.StringIO()
    call_command("drf_create_token", rep.email, stdout=printed)
    token = Token.objects.get(user=rep).key
    assert token in printed.getvalue()  # what the README tells an administrator to copy
    return Integration(token)


def test_load_customers_read_scores_and_offers_and_win_an_upsell(api, rep):
    today = timezone.localdate()
    seed_catalogue()  # administrators keep the catalogue in the admin; the API reads it
    (plan,) = api.get("/products/", code=plan_code("leadboost", 1))["results"]
    # The plan includes a monthly number of leads; each day's record is that day's leads.
    leads_per_day = plan["included_usage"] / 30

    # 1. Three customers, each on the entry plan from half a year ago.
    customers = {}
    for name, kana, usage_share in (
        ("株式会社さくら精機", "サクラセイキ", 1.2),  # more leads than the plan includes
        ("北斗物流株式会社", "ホクトブツリュウ", 0.6),
        ("みなと商事株式会社", "ミナトショウジ", 0.1),  # hardly uses it
    ):
        account = api.post(
            "/accounts/",
            {
                "name": name,
                "name_kana": kana,
                "industry": "manufacturing",
                "growth_stage": "growth",
            },
        )
        assert account["owner"] == rep.pk  # created by the rep, so owned by the rep
        subscription = api.post(
            "/subscriptions/",
            {
                "account": account["id"],
                "product": plan["id"],
                "status": "active",
                "started_on": (today - datetime.timedelta(days=180)).isoformat(),
            },
        )
        assert subscription["monthly_amount"] == plan["monthly_price"]  # the list price
        customers[name] = (account, subscription, usage_share)

    # 2. A quarter of daily usage for all three in one request; sending it again (a retried
    # sync) replaces the same days instead of adding rows.
    records = [
        {
            "subscription": subscription["id"],
            "date": (today - datetime.timedelta(days=day)).isoformat(),
            "quantity": round(leads_per_day * share, 2),
        }
        for _account, subscription, share in customers.values()
        for day in range(1, DAYS_OF_USAGE + 1)
    ]
    first = api.post("/usage/bulk/", {"records": records}, expect=200)
    again = api.post("/usage/bulk/", {"records": records}, expect=200)
    assert first == {"created": 3 * DAYS_OF_USAGE, "updated": 0}
    assert again == {"created": 0, "updated": 3 * DAYS_OF_USAGE}
    assert len(api.get_all("/usage/", page_size=100)) == 3 * DAYS_OF_USAGE

    # 3. The nightly loyalty scoring run, then each account's newest score with its reasons.
    scoring_run_execute(as_of=today)
    scores = {
        score["account"]: score
        for score in api.get("/loyalty-scores/", latest="true", page_size=100)["results"]
    }
    ids = {name: account["id"] for name, (account, _sub, _share) in customers.items()}
    assert set(scores) == set(ids.values())
    assert all(
        score["as_of"] == today.isoformat() and score["reasons"] for score in scores.values()
    )
    usage = {name: scores[pk]["components"]["usage"]["normalised"] for name, pk in ids.items()}
    assert usage["株式会社さくら精機"] > usage["北斗物流株式会社"] > usage["みなと商事株式会社"]

    # 4. The nightly offer engine suggests moving the busiest customer up a plan; the rep's
    # integration reads the card.
    (bigger_plan,) = api.get("/products/", code=plan_code("leadboost", 2))["results"]
    busiest = ids["株式会社さくら精機"]
    OfferCard.objects.create(
        account_id=busiest,
        rep=rep,
        kind=OpportunityType.UPSELL,
        product_id=bigger_plan["id"],
        current_product_id=plan["id"],
        source="engine",
        rule="utilisation",
        monthly_uplift=bigger_plan["monthly_price"] - plan["monthly_price"],
        probability=Decimal("0.4"),
        expected_value=(bigger_plan["monthly_price"] - plan["monthly_price"]) * 4 // 10,
        generated_on=today,
    )
    (card,) = api.get("/offer-cards/")["results"]
    assert (card["account"], card["product"], card["kind"]) == (
        busiest,
        bigger_plan["id"],
        "upsell",
    )

    # 5. The rep accepts the card: an upsell opportunity opens, prefilled from it, and goes
    # from prospecting to won one stage at a time.
    opportunity = api.post(f"/offer-cards/{card['id']}/accept/", {}, expect=200)
    assert (opportunity["account"], opportunity["type"], opportunity["to_product"]) == (
        busiest,
        "upsell",
        bigger_plan["id"],
    )
    # it starts at the card's own probability, not the stage's default
    assert (opportunity["stage"], opportunity["probability"]) == ("prospecting", 40)
    assert api.get("/offer-cards/", status="accepted")["count"] == 1
    moves = [("hearing", 25), ("proposal", 50), ("negotiation", 75), ("won", 100)]
    for stage, probability in moves:
        moved = api.post(f"/opportunities/{opportunity['id']}/move/", {"stage": stage}, expect=200)
        assert (moved["stage"], moved["probability"]) == (stage, probability)
    won = api.get(f"/opportunities/{opportunity['id']}/")
    assert won["closed_on"] == today.isoformat()
    assert api.get("/opportunities/", stage="won")["count"] == 1
    timeline = api.get("/activities/", account=busiest)["results"]
    assert any(opportunity["name"] in activity["summary"] for activity in timeline)
