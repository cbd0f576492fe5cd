"""The permission matrix over every API endpoint and the pages and exports of the account and
the pipeline: seven identities, the expected status, and no row leaking into a list."""

import pytest
from django.urls import reverse

from tests.accounts.factories import AccountFactory, PlanFactory
from tests.permission_matrix import (
    IDENTITIES,
    assert_status,
    check_api_list,
    check_detail,
    check_page_list,
    check_write,
    client_for,
    today,
)

RESOURCES = (
    "account",
    "contact",
    "subscription",
    "usage-record",
    "order",
    "nps-answer",
    "activity",
    "loyalty-score",
    "opportunity",
    "hearing",
    "follow-up",
    "offer-card",
    "qbr",
)


@pytest.mark.parametrize("who", IDENTITIES)
@pytest.mark.parametrize("resource", RESOURCES)
def test_api_lists_and_details_follow_the_visibility_rule(world, who, resource):
    row = world.rows[resource]
    check_api_list(world, who, reverse(f"api:{resource}-list"), row.pk)
    check_detail(world, who, reverse(f"api:{resource}-detail", args=[row.pk]), api=True)


@pytest.mark.parametrize("who", IDENTITIES)
def test_the_catalogue_is_readable_by_every_user_and_no_anonymous_caller(world, who):
    product = world.rows["subscription"].product
    expected = (401,) if who == "anonymous" else (200,)
    for url in (reverse("api:product-list"), reverse("api:product-detail", args=[product.pk])):
        assert_status(client_for(world, who, api=True).get(url), expected, url)


# (method, url builder, payload builder, status when allowed, status when refused).
# A URL naming a row the caller may not see answers 404; a body linking to an account (or
# subscription, hearing...) the caller may not see answers 400, "does not exist".
WRITES = {
    "edit account": (
        "patch",
        lambda w: reverse("api:account-detail", args=[w.rows["account"].pk]),
        {"employee_count": 130},
        200,
        (404,),
    ),
    "add contact": (
        "post",
        lambda w: reverse("api:contact-list"),
        lambda w: {"account": w.rows["account"].pk, "name": "山田太郎"},
        201,
        (400,),
    ),
    "edit contact": (
        "patch",
        lambda w: reverse("api:contact-detail", args=[w.rows["contact"].pk]),
        {"title": "部長"},
        200,
        (404,),
    ),
    "add subscription": (
        "post",
        lambda w: reverse("api:subscription-list"),
        lambda w: {
            "account": w.rows["account"].pk,
            "product": PlanFactory().pk,
            "status": "active",
            "started_on": today().isoformat(),
        },
        201,
        (400,),
    ),
    "send usage": (
        "post",
        lambda w: reverse("api:usage-record-bulk"),
        lambda w: {
            "records": [
                {
                    "subscription": w.rows["subscription"].pk,
                    "date": today().isoformat(),
                    "quantity": "12.5",
                }
            ]
        },
        200,
        (400,),
    ),
    "add order": (
        "post",
        lambda w: reverse("api:order-list"),
        lambda w: {
            "account": w.rows["account"].pk,
            "ordered_on": today().isoformat(),
            "lines": [
                {"product": w.rows["subscription"].product_id, "quantity": 2, "unit_price": 5000}
            ],
        },
        201,
        (400,),
    ),
    "add NPS answer": (
        "post",
        lambda w: reverse("api:nps-answer-list"),
        lambda w: {"account": w.rows["account"].pk, "score": 8, "answered_on": "2026-10-01"},
        201,
        (400,),
    ),
    "log activity": (
        "post",
        lambda w: reverse("api:activity-list"),
        lambda w: {
            "account": w.rows["account"].pk,
            "kind": "call",
            "occurred_on": today().isoformat(),
            "summary": "電話",
        },
        201,
        (400,),
    ),
    "add opportunity": (
        "post",
        lambda w: reverse("api:opportunity-list"),
        lambda w: {
            "account": w.rows["account"].pk,
            "name": "上位プランへの移行",
            "type": "upsell",
            "expected_close": today().isoformat(),
        },
        201,
        (400,),
    ),
    "edit opportunity": (
        "patch",
        lambda w: reverse("api:opportunity-detail", args=[w.rows["opportunity"].pk]),
        {"next_step": "見積を送る"},
        200,
        (404,),
    ),
    "move opportunity": (
        "post",
        lambda w: reverse("api:opportunity-move", args=[w.rows["opportunity"].pk]),
        {"stage": "proposal"},
        200,
        (404,),
    ),
    "record hearing": (
        "post",
        lambda w: reverse("api:hearing-list"),
        lambda w: {"account": w.rows["account"].pk, "held_on": today().isoformat()},
        201,
        (400,),
    ),
    "add follow-up": (
        "post",
        lambda w: reverse("api:follow-up-list"),
        lambda w: {
            "account": w.rows["account"].pk,
            "title": "来月連絡",
            "due_on": today().isoformat(),
        },
        201,
        (400,),
    ),
    "add QBR action item": (
        "post",
        lambda w: reverse("api:qbr-action-items", args=[w.rows["qbr"].pk]),
        lambda w: {"title": "利用状況レポートを送る", "due_on": today().isoformat()},
        201,
        (404,),
    ),
    "hold QBR": (
        "post",
        lambda w: reverse("api:qbr-hold", args=[w.rows["qbr"].pk]),
        {"notes": "利用拡大の意向あり"},
        200,
        (404,),
    ),
    "complete follow-up": (
        "post",
        lambda w: reverse("api:follow-up-complete", args=[w.rows["follow-up"].pk]),
        {},
        200,
        (404,),
    ),
}


@pytest.mark.parametrize("who", IDENTITIES)
@pytest.mark.parametrize("write", WRITES)
def test_api_writes_need_the_account_to_be_visible(world, who, write):
    method, url, payload, allowed, refused = WRITES[write]
    check_write(
        world,
        who,
        method=method,
        url=url(world),
        payload=payload,
        expected_when_visible=allowed,
        refused=refused,
    )


@pytest.mark.parametrize("who", IDENTITIES)
def test_account_pages_and_export(world, who):
    account = world.rows["account"]
    AccountFactory(name="他チームの取引先", owner=world.people["other_team_rep"])
    check_page_list(world, who, reverse("accounts:list"), account.name)
    check_page_list(world, who, reverse("accounts:export", args=["csv"]), account.name)
    for url in (
        reverse("accounts:detail", args=[account.pk]),
        reverse("accounts:update", args=[account.pk]),
    ):
        check_detail(world, who, url, api=False)


@pytest.mark.parametrize("who", IDENTITIES)
def test_pipeline_pages(world, who):
    opportunity = world.rows["opportunity"]
    check_page_list(world, who, reverse("opportunities:board"), opportunity.name)
    check_page_list(world, who, reverse("opportunities:list"), opportunity.name)
    check_detail(world, who, reverse("opportunities:detail", args=[opportunity.pk]), api=False)
