"""The permission matrix over every page and export: the role homes, accounts, pipeline,
offers, QBRs, campaigns, imports and the admin; seven identities, the expected status, the
account's rows exactly where they may be seen, and no write done by someone who may not do it
(tests/permission_matrix.py). The API's matrix is tests/api/test_permission_matrix.py."""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory

from accounts.forms import AccountForm, ContactForm, NPSResponseForm, SubscriptionForm
from accounts.models import Activity, Contact
from campaigns.forms import CampaignForm
from campaigns.models import Campaign
from crm.users.models import User
from opportunities.forms import OpportunityForm
from opportunities.models import FollowUp, Hearing, Opportunity, QBRMeeting, WatchCondition
from opportunities.qbr.forms import QBRForm
from tests.permission_matrix import (
    IDENTITIES,
    SEES_THE_ACCOUNT,
    SEES_THE_CAMPAIGN,
    SEES_THE_TARGET,
    Expect,
    Page,
    World,
    Write,
    check,
    no_args,
    of_account,
    pk,
    stored,
    text,
    today,
)

#                       anon other_rep owner  cs  manager other_mgr admin
LIST = Expect(302, 200, 200, 200, 200, 200, 200)
ACCOUNT = Expect(302, 404, 200, 200, 200, 404, 200)
# A form posted on the account's pages: saved, then back to a page.
ACCOUNT_DONE = Expect(302, 404, 302, 302, 302, 404, 302)
# Pages for managers (administrators pass every role check), listing their teams' campaigns.
MANAGERS = Expect(302, 403, 403, 403, 200, 200, 200)
CAMPAIGN = Expect(302, 403, 403, 403, 200, 404, 200)
CAMPAIGN_DONE = Expect(302, 403, 403, 403, 302, 404, 302)
# An offer card is answered by its own rep only: CS and managers are refused by role, a rep
# (or an admin) finds no such card among theirs.
OWN_CARD = Expect(302, 404, 200, 403, 403, 403, 404)
ONLY_ITS_REP = frozenset({"owning_rep"})

SHOWS_ACCOUNT = text(lambda w: w.rows["account"].name)
# The full at-risk list: for customer success and managers (and admins, who pass role checks).
AT_RISK = Expect(302, 403, 403, 200, 200, 200, 200)
SEES_AT_RISK = frozenset({"cs_owner", "team_manager", "admin"})


def form_data(form, **changes) -> dict:
    """What the form holds before any edit, with `changes`: posting it changes just those."""
    data = {form.add_prefix(name): form[name].value() for name in form.fields}
    return {key: "" if value is None else value for key, value in {**data, **changes}.items()}


def assignee(world: World, user) -> int:
    """Whom `user` may give a deal or task to: themselves, but an admin (no owner) the rep."""
    if user is None or user.is_admin:
        return world.people["owning_rep"].pk
    return user.pk


def for_account(w: World) -> dict:
    return {"account": w.rows["account"].pk}


HOMES = (
    # Everyone is sent to their role's home.
    Page("home", Expect(302, 302, 302, 302, 302, 302, 302)),
    # The rep's own offer cards.
    Page(
        "home_rep",
        Expect(302, 200, 200, 403, 403, 403, 200),
        shows=text(lambda w: f"offer-card-{w.rows['offer-card'].pk}"),
        shown_to=ONLY_ITS_REP,
    ),
    # The teams the manager leads (all for an admin) and their people.
    Page(
        "home_manager",
        MANAGERS,
        shows=text(lambda w: w.people["owning_rep"].email),
        shown_to=SEES_THE_CAMPAIGN,
    ),
    # The CS user's own accounts at risk (this one's score is falling).
    Page(
        "home_cs",
        Expect(302, 403, 403, 200, 403, 403, 200),
        shows=SHOWS_ACCOUNT,
        shown_to=frozenset({"cs_owner"}),
    ),
    # Every at-risk account of the home, a page at a time and as files: the CS user's own,
    # the team manager's teams', all for an admin; another manager gets an empty list.
    *(
        Page(name, AT_RISK, args=args, shows=SHOWS_ACCOUNT, shown_to=SEES_AT_RISK)
        for name, args in (
            ("at_risk", no_args),
            ("at_risk_export", lambda w: ("csv",)),
            ("at_risk_export", lambda w: ("xlsx",)),
        )
    ),
    Page("home_admin", Expect(302, 403, 403, 403, 403, 403, 200)),
    Page("users:password_change", LIST),
    Page("users:password_change_done", LIST),
)

ROW_PAGES = tuple(
    page
    for kind, key in (
        ("contact", "contact"),
        ("subscription", "subscription"),
        ("activity", "activity"),
        ("nps", "nps-answer"),
    )
    for page in (
        Page(f"accounts:{kind}_create", ACCOUNT, args=pk("account")),
        Page(
            f"accounts:{kind}_update",
            ACCOUNT,
            args=lambda w, key=key: (w.rows["account"].pk, w.rows[key].pk),
        ),
    )
)

ACCOUNTS = (
    Page("accounts:list", LIST, shows=SHOWS_ACCOUNT, shown_to=SEES_THE_ACCOUNT),
    Page(
        "accounts:export",
        LIST,
        args=lambda w: ("csv",),
        shows=SHOWS_ACCOUNT,
        shown_to=SEES_THE_ACCOUNT,
    ),
    Page(
        "accounts:export",
        LIST,
        args=lambda w: ("xlsx",),
        shows=SHOWS_ACCOUNT,
        shown_to=SEES_THE_ACCOUNT,
    ),
    # Any user may add an account (their own): nothing to refuse but the anonymous.
    Page("accounts:create", LIST),
    Page("accounts:detail", ACCOUNT, args=pk("account")),
    Page("accounts:update", ACCOUNT, args=pk("account")),
    Write(
        "accounts:update",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        stored("account", "employee_count"),
        data=lambda w, user: form_data(
            AccountForm(instance=w.rows["account"], user=w.people["admin"]), employee_count=130
        ),
        args=pk("account"),
    ),
    *ROW_PAGES,
    Write(
        "accounts:contact_create",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        of_account(Contact),
        data=lambda w, user: form_data(ContactForm(account=w.rows["account"]), name="山田花子"),
        args=pk("account"),
    ),
    Write(
        "accounts:contact_update",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        stored("contact", "title"),
        data=lambda w, user: form_data(
            ContactForm(instance=w.rows["contact"], account=w.rows["account"]), title="部長"
        ),
        args=lambda w: (w.rows["account"].pk, w.rows["contact"].pk),
    ),
    Write(
        "accounts:subscription_update",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        stored("subscription", "quantity"),
        data=lambda w, user: form_data(
            SubscriptionForm(instance=w.rows["subscription"], account=w.rows["account"]),
            quantity=25,
        ),
        args=lambda w: (w.rows["account"].pk, w.rows["subscription"].pk),
    ),
    Write(
        "accounts:activity_create",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        of_account(Activity),
        data=lambda w, user: {"kind": "call", "occurred_on": today(), "summary": "電話で近況確認"},
        args=pk("account"),
    ),
    Write(
        "accounts:nps_update",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        stored("nps-answer", "score"),
        data=lambda w, user: form_data(
            NPSResponseForm(instance=w.rows["nps-answer"], account=w.rows["account"]), score=3
        ),
        args=lambda w: (w.rows["account"].pk, w.rows["nps-answer"].pk),
    ),
)

# The reports: every user reads them over what they may see. Which rows reach whose figures,
# in the pages and every download, is proven on hand-built books in
# tests/analytics/test_permissions.py; here, every page and one download of each report.
REPORT_TABLES = {
    "revenue": "industry-size",
    "nps": "month",
    "loyalty": "distribution",
    "cohorts": "retention",
    "expansion": "month",
    "offers": "rule",
}
REPORT_PAGES = (
    Page("analytics:index", LIST),
    *(Page(f"analytics:{slug}", LIST) for slug in REPORT_TABLES),
    *(
        Page("analytics:export", LIST, args=lambda w, slug=slug, table=table: (slug, table, "csv"))
        for slug, table in REPORT_TABLES.items()
    ),
)

SHOWS_OPPORTUNITY = text(lambda w: w.rows["opportunity"].name)

PIPELINE = (
    Page("opportunities:list", LIST, shows=SHOWS_OPPORTUNITY, shown_to=SEES_THE_ACCOUNT),
    Page("opportunities:board", LIST, shows=SHOWS_OPPORTUNITY, shown_to=SEES_THE_ACCOUNT),
    Page(
        "opportunities:forecast",
        LIST,
        shows=lambda w, r: sum(month.count for month in r.context["forecast"].months) > 0,
        shown_to=SEES_THE_ACCOUNT,
    ),
    # The whitespace grid and its exports hold a row for each account the user sees.
    Page("opportunities:whitespace:grid", LIST, shows=SHOWS_ACCOUNT, shown_to=SEES_THE_ACCOUNT),
    # Its totals row, asked for apart, counts the account (searched by name) for them alone.
    Page(
        "opportunities:whitespace:totals",
        LIST,
        query=lambda w: {"q": w.rows["account"].name},
        shows=lambda w, r: r.context["totals"].count > 0,
        shown_to=SEES_THE_ACCOUNT,
    ),
    *(
        Page(
            "opportunities:whitespace:export",
            LIST,
            args=lambda w, fmt=fmt: (fmt,),
            shows=SHOWS_ACCOUNT,
            shown_to=SEES_THE_ACCOUNT,
        )
        for fmt in ("csv", "xlsx")
    ),
    Page(
        "opportunities:follow_ups",
        LIST,
        query=lambda w: {"scope": "team"},
        shows=text(lambda w: w.rows["follow-up"].title),
        shown_to=SEES_THE_ACCOUNT,
    ),
    # The new deal, hearing and follow-up forms offer the accounts the user sees.
    Page("opportunities:create", LIST, shows=SHOWS_ACCOUNT, shown_to=SEES_THE_ACCOUNT),
    Page("opportunities:create", ACCOUNT, query=for_account),
    Write(
        "opportunities:create",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        of_account(Opportunity),
        data=lambda w, user: {
            "account": w.rows["account"].pk,
            "name": "追加席の提案",
            "type": "upsell",
            "owner": assignee(w, user),
            "stage": "prospecting",
            "expected_close": today() + datetime.timedelta(days=20),
            "monthly_amount_change": 10_000,
            "contract_value": 120_000,
        },
        query=for_account,
    ),
    Page("opportunities:detail", ACCOUNT, args=pk("opportunity")),
    Page("opportunities:edit", ACCOUNT, args=pk("opportunity")),
    Write(
        "opportunities:edit",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        stored("opportunity", "next_step"),
        data=lambda w, user: form_data(
            OpportunityForm(instance=w.rows["opportunity"], user=w.people["admin"]),
            next_step="見積を送る",
        ),
        args=pk("opportunity"),
    ),
    Write(
        "opportunities:stage",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        stored("opportunity", "stage"),
        data=lambda w, user: {"stage": "proposal"},
        args=pk("opportunity"),
    ),
    Write(
        "opportunities:board_move",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        stored("opportunity", "stage"),
        data=lambda w, user: {"stage": "proposal"},
        args=pk("opportunity"),
    ),
    # The won deal's plan change, confirmed then applied to the subscription.
    Page("opportunities:apply", ACCOUNT, args=pk("won-opportunity")),
    Write(
        "opportunities:apply",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        stored("won-opportunity", "subscription_applied_at"),
        args=pk("won-opportunity"),
    ),
    Page("opportunities:hearing_create", LIST, shows=SHOWS_ACCOUNT, shown_to=SEES_THE_ACCOUNT),
    Page("opportunities:hearing_create", ACCOUNT, query=for_account),
    Write(
        "opportunities:hearing_create",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        of_account(Hearing),
        data=lambda w, user: {"held_on": today()},
        query=for_account,
    ),
    Page("opportunities:hearing_detail", ACCOUNT, args=pk("hearing")),
    Write(
        "opportunities:hearing_goal_create",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        of_account(WatchCondition),
        data=lambda w, user: {
            "metric": "orders",
            "threshold": "3",
            "deadline": today() + datetime.timedelta(days=90),
            "promised_action": "広告費を2倍にする",
            "promised_value": "200000",
            "opportunity_type": "upsell",
        },
        args=pk("hearing"),
    ),
    Page("opportunities:follow_up_create", LIST, shows=SHOWS_ACCOUNT, shown_to=SEES_THE_ACCOUNT),
    Page("opportunities:follow_up_create", ACCOUNT, query=for_account),
    Write(
        "opportunities:follow_up_create",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        of_account(FollowUp),
        data=lambda w, user: {
            "account": w.rows["account"].pk,
            "title": "来月に再連絡",
            "due_on": today() + datetime.timedelta(days=30),
            "owner": assignee(w, user),
        },
    ),
    Write(
        "opportunities:follow_up_done",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        stored("follow-up", "done_at"),
        args=pk("follow-up"),
    ),
)

SHOWS_CARD = text(lambda w: f"offer-card-{w.rows['offer-card'].pk}")

OFFERS = (
    Page(
        "opportunities:offers:more",
        Expect(302, 200, 200, 403, 403, 403, 200),
        shows=SHOWS_CARD,
        shown_to=ONLY_ITS_REP,
    ),
    # The manager's report quotes the reps' dismissal notes of the teams' cards.
    Page(
        "opportunities:offers:report",
        MANAGERS,
        shows=text(lambda w: w.rows["dismissed-offer-card"].dismiss_note),
        shown_to=SEES_THE_CAMPAIGN,
    ),
    Write(
        "opportunities:offers:accept",
        OWN_CARD,
        ONLY_ITS_REP,
        stored("offer-card", "status"),
        args=pk("offer-card"),
    ),
    Write(
        "opportunities:offers:snooze",
        OWN_CARD,
        ONLY_ITS_REP,
        stored("offer-card", "status"),
        data=lambda w, user: {"until": today() + datetime.timedelta(days=14)},
        args=pk("offer-card"),
    ),
    Write(
        "opportunities:offers:dismiss",
        OWN_CARD,
        ONLY_ITS_REP,
        stored("offer-card", "status"),
        data=lambda w, user: {"reason": "no_budget", "note": "来期予算で再検討"},
        args=pk("offer-card"),
    ),
)

QBR_PAGES = tuple(
    Page(f"opportunities:qbr:{name}", ACCOUNT, args=pk("qbr"))
    for name in ("detail", "edit", "agenda", "hold", "deck", "print")
)

QBRS = (
    Page(
        "opportunities:qbr:list",
        LIST,
        shows=text(lambda w: w.rows["qbr"].get_absolute_url()),
        shown_to=SEES_THE_ACCOUNT,
    ),
    Page("opportunities:qbr:create", LIST, shows=SHOWS_ACCOUNT, shown_to=SEES_THE_ACCOUNT),
    Write(
        "opportunities:qbr:create",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        of_account(QBRMeeting),
        data=lambda w, user: {
            "account": w.rows["account"].pk,
            # A quarter after the world's QBR: one QBR per account and quarter.
            "scheduled_on": today() + datetime.timedelta(days=100),
            "our_attendees": [assignee(w, user)],
        },
    ),
    *QBR_PAGES,
    Page("opportunities:qbr:chart", ACCOUNT, args=pk("qbr", "usage")),
    Write(
        "opportunities:qbr:edit",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        lambda w: list(w.rows["qbr"].customer_attendees.values_list("pk", flat=True)),
        data=lambda w, user: form_data(
            QBRForm(instance=w.rows["qbr"], user=w.people["admin"]),
            customer_attendees=[w.rows["contact"].pk],
        ),
        args=pk("qbr"),
    ),
    Write(
        "opportunities:qbr:prepare",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        stored("qbr", "status"),
        args=pk("qbr"),
    ),
    Write(
        "opportunities:qbr:goal_add",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        lambda w: w.rows["qbr"].goals.count(),
        data=lambda w, user: {"goal-title": "解約率を下げる"},
        args=pk("qbr"),
    ),
    Write(
        "opportunities:qbr:goal_remove",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        lambda w: w.rows["qbr"].goals.count(),
        args=lambda w: (w.rows["qbr"].pk, w.rows["qbr-goal"].pk),
    ),
    Write(
        "opportunities:qbr:action_add",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        lambda w: w.rows["qbr"].action_items.count(),
        data=lambda w, user: {
            "action-title": "利用状況レポートを送る",
            "action-owner": assignee(w, user),
            "action-due_on": today() + datetime.timedelta(days=7),
        },
        args=pk("qbr"),
    ),
    Write(
        "opportunities:qbr:hold",
        ACCOUNT_DONE,
        SEES_THE_ACCOUNT,
        stored("qbr", "status"),
        data=lambda w, user: {"notes": "順調に活用、他部署にも展開したい"},
        args=pk("qbr"),
    ),
)

SHOWS_CAMPAIGN = text(lambda w: w.rows["campaign"].name)

CAMPAIGNS = (
    Page("campaigns:list", MANAGERS, shows=SHOWS_CAMPAIGN, shown_to=SEES_THE_CAMPAIGN),
    Page("campaigns:create", MANAGERS),
    # A manager plans campaigns for the teams they lead: Team A is no choice of Team B's.
    Write(
        "campaigns:create",
        Expect(302, 403, 403, 403, 302, 200, 302),
        SEES_THE_CAMPAIGN,
        lambda w: Campaign.objects.count(),
        data=lambda w, user: {
            "name": "冬のクロスセル",
            "type": "cross_sell",
            "product": w.rows["subscription"].product_id,
            "starts_on": today(),
            "ends_on": today() + datetime.timedelta(days=60),
            "teams": [w.people["owning_rep"].team_id],
            "planned_targets": "100",
            "expected_success_rate": "15",
        },
    ),
    # The targets assigned to the rep.
    Page("campaigns:my_targets", LIST, shows=SHOWS_ACCOUNT, shown_to=ONLY_ITS_REP),
    *(
        Page(f"campaigns:{name}", CAMPAIGN, args=pk("campaign"))
        for name in ("detail", "update", "results")
    ),
    *(
        Page(
            "campaigns:export",
            CAMPAIGN,
            args=pk("campaign", fmt),
            shows=SHOWS_ACCOUNT,
            shown_to=SEES_THE_CAMPAIGN,
        )
        for fmt in ("csv", "xlsx")
    ),
    # The segment builder of a draft campaign, and its live preview.
    Page("campaigns:detail", CAMPAIGN, args=pk("draft-campaign")),
    Page(
        "campaigns:segment_preview",
        CAMPAIGN,
        args=pk("draft-campaign"),
        shows=SHOWS_ACCOUNT,
        shown_to=SEES_THE_CAMPAIGN,
    ),
    Write(
        "campaigns:update",
        CAMPAIGN_DONE,
        SEES_THE_CAMPAIGN,
        stored("campaign", "name"),
        data=lambda w, user: form_data(
            CampaignForm(instance=w.rows["campaign"], user=w.people["admin"]),
            name="マトリクスの冬キャンペーン",
        ),
        args=pk("campaign"),
    ),
    Write(
        "campaigns:freeze",
        CAMPAIGN_DONE,
        SEES_THE_CAMPAIGN,
        stored("draft-campaign", "frozen_at"),
        args=pk("draft-campaign"),
    ),
    Write(
        "campaigns:assign",
        CAMPAIGN_DONE,
        SEES_THE_CAMPAIGN,
        stored("unassigned-target", "rep"),
        data=lambda w, user: {"strategy": "round_robin", "reps": [w.people["owning_rep"].pk]},
        args=pk("campaign"),
    ),
    Write(
        "campaigns:close",
        CAMPAIGN_DONE,
        SEES_THE_CAMPAIGN,
        stored("campaign", "status"),
        args=pk("campaign"),
    ),
    Write(
        "campaigns:target_reassign",
        CAMPAIGN_DONE,
        SEES_THE_CAMPAIGN,
        stored("campaign-target", "rep"),
        data=lambda w, user: {"rep": w.rows["team-a-rep"].pk},
        args=pk("campaign-target"),
    ),
    # The target's rep moves it along, as do those who see its campaign.
    Write(
        "campaigns:target_move",
        Expect(302, 404, 302, 404, 302, 404, 302),
        SEES_THE_TARGET,
        stored("campaign-target", "status"),
        data=lambda w, user: {"status": "contacted"},
        args=pk("campaign-target"),
    ),
)

# Only the rep who uploaded an import sees it, not even an admin: its errors may quote data
# of accounts others may not see.
ITS_UPLOADER = Expect(302, 404, 200, 404, 404, 404, 404)

IMPORTS = (
    Page(
        "imports:index",
        LIST,
        shows=text(lambda w: w.rows["import-job"].file_name),
        shown_to=ONLY_ITS_REP,
    ),
    Page("imports:detail", ITS_UPLOADER, args=pk("import-job")),
    Page("imports:progress", ITS_UPLOADER, args=pk("import-job")),
    # Accounts are imported by managers (and admins); contacts by everyone.
    Page(
        "imports:template",
        Expect(302, 404, 404, 404, 200, 200, 200),
        args=lambda w: ("accounts", "csv"),
    ),
    Page("imports:template", LIST, args=lambda w: ("contacts", "xlsx")),
)


def admin_pages() -> tuple[Page, ...]:
    """The admin's pages without arguments: its index and password pages, each model's list
    and add form. Staff only: everyone else is sent to the admin's login. (Built when the test
    runs: whether a model may be added can depend on the rows, e.g. one set of weights.)"""
    staff_only = Expect(302, 302, 302, 302, 302, 302, 200)
    names = ["index", "password_change", "password_change_done", "jsi18n"]
    pages = [Page(f"admin:{name}", staff_only) for name in names]
    request = RequestFactory().get("/")
    request.user = User(is_staff=True, is_superuser=True)
    for model_admin in admin.site._registry.values():
        name = f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}"
        pages.append(Page(f"{name}_changelist", staff_only))
        # Rows the system writes (scores, import jobs, login attempts...) have no add form.
        addable = model_admin.has_add_permission(request)
        pages.append(Page(f"{name}_add", staff_only if addable else staff_only._replace(admin=403)))
    return tuple(pages)


MATRIX = {
    "homes": HOMES,
    "accounts": ACCOUNTS,
    "pipeline": PIPELINE,
    "reports": REPORT_PAGES,
    "offers": OFFERS,
    "qbrs": QBRS,
    "campaigns": CAMPAIGNS,
    "imports": IMPORTS,
    "admin": admin_pages,
}


def entries(area: str) -> tuple[Page | Write, ...]:
    found = MATRIX[area]
    return found() if callable(found) else found


@pytest.mark.parametrize("who", IDENTITIES)
@pytest.mark.parametrize("area", MATRIX)
def test_page_permission_matrix(world, area, who):
    assert check(world, who, entries(area)) == []
