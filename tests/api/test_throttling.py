"""The API's rate limits bite: past the rate a caller gets 429 with Retry-After, per caller.

The test settings raise the rates so that schemathesis is not cut short; DRF binds the rates
to the throttle classes when it imports them, so these tests lower them on the class.
"""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import Account

URL = "/api/v1/accounts/"
USER_RATE = 5


@pytest.fixture(autouse=True)
def low_rates(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"user": f"{USER_RATE}/minute", "anon": "2/minute"}
    )


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_user_past_the_rate_gets_429_and_others_do_not(rep, manager):
    burst = token_client(rep)

    statuses = [burst.get(URL).status_code for _ in range(USER_RATE + 2)]

    assert statuses == [200] * USER_RATE + [429, 429]
    refused = burst.get(URL)
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "detail" in refused.json()
    # The limit is per user, not per address: a colleague behind the same office NAT goes on.
    assert token_client(manager).get(URL).status_code == 200


def test_the_limit_counts_writes_too(rep):
    burst = token_client(rep)
    for _ in range(USER_RATE):
        burst.get(URL)

    response = burst.post(
        URL,
        {"name": "株式会社テスト", "industry": "retail", "growth_stage": "growth"},
        format="json",
    )

    assert response.status_code == 429
    assert not Account.objects.filter(name="株式会社テスト").exists()
