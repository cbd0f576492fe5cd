"""The permission matrix over every API endpoint and the API's documentation: seven
identities, the expected status, no row leaking into a list, and no write done by someone
who may not see what it changes (tests/permission_matrix.py)."""

import datetime

import pytest

from accounts.models import Activity, Contact, NPSResponse, Order, Subscription, UsageRecord
from opportunities.models import FollowUp, Hearing, Opportunity
from tests.accounts.factories import PlanFactory
from tests.permission_matrix import (
    IDENTITIES,
    SEES_THE_ACCOUNT,
    SEES_THE_CAMPAIGN,
    SEES_THE_TARGET,
    Expect,
    Page,
    Write,
    check,
    listed,
    of_account,
    pk,
    stored,
    today,
)

#                    anon other_rep owner  cs  manager other_mgr admin
LIST = Expect(401, 200, 200, 200, 200, 200, 200)
ROW = Expect(401, 404, 200, 200, 200, 404, 200)
# A new row linking to the account: for whoever may not see it, the account "does not exist".
ADD = Expect(401, 400, 201, 201, 201, 400, 201)
CAMPAIGN = Expect(401, 404, 404, 404, 200, 404, 200)
TARGET = Expect(401, 404, 200, 404, 200, 404, 200)
# Only the card's own rep answers it; for everyone else it is not there.
OWN_CARD = Expect(401, 404, 200, 404, 404, 404, 404)


def resource(key: str, seen_by=SEES_THE_ACCOUNT, detail=ROW) -> tuple[Page, Page]:
    """The list holds the row exactly for `seen_by`, who read it; the others get 404."""
    return (
        Page(
            f"api:{key}-list",
            LIST,
            query=lambda w: {"page_size": 500},
            shows=listed(key),
            shown_to=seen_by,
        ),
        Page(f"api:{key}-detail", detail, args=pk(key)),
    )


# By label: tests/api/test_audit_history.py replays some as the owning rep.
WRITES = {
    "edit account": Write(
        "api:account-detail",
        ROW,
        SEES_THE_ACCOUNT,
        stored("account", "employee_count"),
        data=lambda w, user: {"employee_count": 130},
        args=pk("account"),
        method="patch",
    ),
    "add contact": Write(
        "api:contact-list",
        ADD,
        SEES_THE_ACCOUNT,
        of_account(Contact),
        data=lambda w, user: {"account": w.rows["account"].pk, "name": "山田太郎"},
    ),
    "edit contact": Write(
        "api:contact-detail",
        ROW,
        SEES_THE_ACCOUNT,
        stored("contact", "title"),
        data=lambda w, user: {"title": "部長"},
        args=pk("contact"),
        method="patch",
    ),
    "add subscription": Write(
        "api:subscription-list",
        ADD,
        SEES_THE_ACCOUNT,
        of_account(Subscription),
        data=lambda w, user: {
            "account": w.rows["account"].pk,
            "product": PlanFactory().pk,
            "status": "active",
            "started_on": today().isoformat(),
        },
    ),
    "send usage": Write(
        "api:usage-record-bulk",
        ADD._replace(owning_rep=200, cs_owner=200, team_manager=200, admin=200),
        SEES_THE_ACCOUNT,
        of_account(UsageRecord),
        data=lambda w, user: {
            "records": [
                {
                    "subscription": w.rows["subscription"].pk,
                    "date": today().isoformat(),
                    "quantity": "12.5",
                }
            ]
        },
    ),
    "add order": Write(
        "api:order-list",
        ADD,
        SEES_THE_ACCOUNT,
        of_account(Order),
        data=lambda w, user: {
            "account": w.rows["account"].pk,
            "ordered_on": today().isoformat(),
            "lines": [
                {"product": w.rows["subscription"].product_id, "quantity": 2, "unit_price": 5000}
            ],
        },
    ),
    "add NPS answer": Write(
        "api:nps-answer-list",
        ADD,
        SEES_THE_ACCOUNT,
        of_account(NPSResponse),
        data=lambda w, user: {
            "account": w.rows["account"].pk,
            "score": 8,
            "answered_on": "2026-10-01",
        },
    ),
    "log activity": Write(
        "api:activity-list",
        ADD,
        SEES_THE_ACCOUNT,
        of_account(Activity),
        data=lambda w, user: {
            "account": w.rows["account"].pk,
            "kind": "call",
            "occurred_on": today().isoformat(),
            "summary": "電話",
        },
    ),
    "add opportunity": Write(
        "api:opportunity-list",
        ADD,
        SEES_THE_ACCOUNT,
        of_account(Opportunity),
        data=lambda w, user: {
            "account": w.rows["account"].pk,
            "name": "上位プランへの移行",
            "type": "upsell",
            "expected_close": today().isoformat(),
        },
    ),
    "edit opportunity": Write(
        "api:opportunity-detail",
        ROW,
        SEES_THE_ACCOUNT,
        stored("opportunity", "next_step"),
        data=lambda w, user: {"next_step": "見積を送る"},
        args=pk("opportunity"),
        method="patch",
    ),
    "move opportunity": Write(
        "api:opportunity-move",
        ROW,
        SEES_THE_ACCOUNT,
        stored("opportunity", "stage"),
        data=lambda w, user: {"stage": "proposal"},
        args=pk("opportunity"),
    ),
    "record hearing": Write(
        "api:hearing-list",
        ADD,
        SEES_THE_ACCOUNT,
        of_account(Hearing),
        data=lambda w, user: {"account": w.rows["account"].pk, "held_on": today().isoformat()},
    ),
    "add follow-up": Write(
        "api:follow-up-list",
        ADD,
        SEES_THE_ACCOUNT,
        of_account(FollowUp),
        data=lambda w, user: {
            "account": w.rows["account"].pk,
            "title": "来月連絡",
            "due_on": today().isoformat(),
        },
    ),
    "complete follow-up": Write(
        "api:follow-up-complete",
        ROW,
        SEES_THE_ACCOUNT,
        stored("follow-up", "done_at"),
        args=pk("follow-up"),
    ),
    "add QBR action item": Write(
        "api:qbr-action-items",
        ROW._replace(owning_rep=201, cs_owner=201, team_manager=201, admin=201),
        SEES_THE_ACCOUNT,
        lambda w: w.rows["qbr"].action_items.count(),
        data=lambda w, user: {"title": "利用状況レポートを送る", "due_on": today().isoformat()},
        args=pk("qbr"),
    ),
    "hold QBR": Write(
        "api:qbr-hold",
        ROW,
        SEES_THE_ACCOUNT,
        stored("qbr", "status", "notes"),
        data=lambda w, user: {"notes": "利用拡大の意向あり"},
        args=pk("qbr"),
    ),
    "accept offer card": Write(
        "api:offer-card-accept",
        OWN_CARD,
        frozenset({"owning_rep"}),
        stored("offer-card", "status"),
        args=pk("offer-card"),
    ),
    "snooze offer card": Write(
        "api:offer-card-snooze",
        OWN_CARD,
        frozenset({"owning_rep"}),
        stored("offer-card", "status", "snoozed_until"),
        data=lambda w, user: {"until": (today() + datetime.timedelta(days=14)).isoformat()},
        args=pk("offer-card"),
    ),
    "dismiss offer card": Write(
        "api:offer-card-dismiss",
        OWN_CARD,
        frozenset({"owning_rep"}),
        stored("offer-card", "status", "dismiss_reason"),
        data=lambda w, user: {"reason": "not_interested"},
        args=pk("offer-card"),
    ),
    # The rep it is assigned to and those who see its campaign move a target along.
    "move campaign target": Write(
        "api:campaign-target-move",
        TARGET,
        SEES_THE_TARGET,
        stored("campaign-target", "status"),
        data=lambda w, user: {"status": "contacted", "note": "担当者と電話"},
        args=pk("campaign-target"),
    ),
}

# The matrix by resource: one world per resource and identity.
MATRIX = {
    "account": (*resource("account"), WRITES["edit account"]),
    "contact": (*resource("contact"), WRITES["add contact"], WRITES["edit contact"]),
    # The catalogue is the same for every user.
    "product": (
        Page("api:product-list", LIST),
        Page("api:product-detail", LIST, args=lambda w: (w.rows["subscription"].product_id,)),
    ),
    "subscription": (*resource("subscription"), WRITES["add subscription"]),
    "usage-record": (*resource("usage-record"), WRITES["send usage"]),
    "order": (*resource("order"), WRITES["add order"]),
    "nps-answer": (*resource("nps-answer"), WRITES["add NPS answer"]),
    "activity": (*resource("activity"), WRITES["log activity"]),
    "loyalty-score": resource("loyalty-score"),
    "opportunity": (
        *resource("opportunity"),
        WRITES["add opportunity"],
        WRITES["edit opportunity"],
        WRITES["move opportunity"],
    ),
    "hearing": (*resource("hearing"), WRITES["record hearing"]),
    "follow-up": (*resource("follow-up"), WRITES["add follow-up"], WRITES["complete follow-up"]),
    "offer-card": (
        *resource("offer-card"),
        WRITES["accept offer card"],
        WRITES["snooze offer card"],
        WRITES["dismiss offer card"],
    ),
    "qbr": (*resource("qbr"), WRITES["add QBR action item"], WRITES["hold QBR"]),
    "campaign": resource("campaign", SEES_THE_CAMPAIGN, CAMPAIGN),
    "campaign-target": (
        *resource("campaign-target", SEES_THE_TARGET, TARGET),
        WRITES["move campaign target"],
    ),
    # The schema and its browsable documentation need a login, like the API.
    "documentation": tuple(Page(f"api:{name}", LIST) for name in ("schema", "docs", "redoc")),
}


@pytest.mark.parametrize("who", IDENTITIES)
@pytest.mark.parametrize("area", MATRIX)
def test_api_permission_matrix(world, area, who):
    assert check(world, who, MATRIX[area]) == []
