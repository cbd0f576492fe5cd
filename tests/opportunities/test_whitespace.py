"""The whitespace grid: each cell state on hand-built accounts, the rule hits the nightly step
stores, filters, totals, permissions, bad input, the export, and flat query counts."""

import csv
import datetime
import io

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import Activity, LoyaltyScore, Subscription
from opportunities.models import DismissReason, OfferCard, OfferGate, OfferRuleHit, Stage
from opportunities.offers.gates import gate_masks
from opportunities.whitespace import selectors
from opportunities.whitespace.selectors import GridFilters
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    AddOnFactory,
    SubscriptionFactory,
    UsageRecordFactory,
)
from tests.opportunities.factories import OpportunityFactory
from tests.opportunities.test_offers_views import make_card

from .offer_world import RUN, days, family_of_two, generate, scored

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
GRID = reverse("opportunities:whitespace:grid")
TOTALS = reverse("opportunities:whitespace:totals")


def export_url(fmt="csv"):
    return reverse("opportunities:whitespace:export", args=[fmt])


def card(account, product, **fields):
    return make_card(account, product=product, **fields)


def hit(account, product, held_by="", run_date=TODAY):
    return OfferRuleHit.objects.create(
        run_date=run_date,
        account=account,
        product=product,
        rule="upsell_utilisation",
        kind="upsell",
        held_by=held_by,
    )


@pytest.fixture
def plans():
    lite, standard = family_of_two()
    return lite, standard


@pytest.fixture
def states(rep, plans):
    """One account per state of the Standard plan's cell, named after it."""
    lite, standard = plans
    make = lambda name: AccountFactory(owner=rep, name=name)  # noqa: E731
    accounts = {name: make(name) for name in STATE_OF_ACCOUNT}
    SubscriptionFactory(account=accounts["owns the tier above"], product=standard)
    SubscriptionFactory(account=accounts["owns it"], product=lite)
    card(accounts["owns it"], lite)  # owned beats offered
    card(accounts["has an open card"], standard)
    OpportunityFactory(account=accounts["has an open deal"], to_product=standard)
    card(
        accounts["dismissed it lately"],
        standard,
        status=OfferCard.Status.DISMISSED,
        dismiss_reason=DismissReason.NO_BUDGET,
        acted_at=timezone.now() - datetime.timedelta(days=10),
    )
    hit(accounts["dismissed it lately"], standard)  # declined beats eligible
    card(
        accounts["dismissed it long ago"],
        standard,
        status=OfferCard.Status.DISMISSED,
        dismiss_reason=DismissReason.NO_BUDGET,
        acted_at=timezone.now() - datetime.timedelta(days=120),
    )
    card(
        accounts["snoozed it"],
        standard,
        status=OfferCard.Status.SNOOZED,
        snoozed_until=TODAY + datetime.timedelta(days=7),
    )
    OpportunityFactory(
        account=accounts["lost a deal for it"],
        to_product=standard,
        stage=Stage.LOST,
        loss_reason="他社に決定",
        closed_on=TODAY - datetime.timedelta(days=5),
    )
    hit(accounts["a rule fired"], standard)
    hit(accounts["a rule fired"], standard, held_by="tier", run_date=TODAY - datetime.timedelta(1))
    hit(accounts["a rule fired, held back"], standard, held_by="tier")
    SubscriptionFactory(
        account=accounts["in trial"],
        product=standard,
        status=Subscription.Status.TRIAL,
        trial_ends_on=TODAY + datetime.timedelta(days=10),
    )
    SubscriptionFactory(
        account=accounts["cancelled it"],
        product=standard,
        status=Subscription.Status.ACTIVE,
        cancelled_on=TODAY - datetime.timedelta(days=1),
    )
    return accounts


# The Standard plan's cell, and the Lite plan's (covered by Standard, a tier above).
STATE_OF_ACCOUNT = {
    "owns the tier above": ("owned", "owned"),
    "owns it": (None, "owned"),
    "has an open card": ("offered", None),
    "has an open deal": ("offered", None),
    "dismissed it lately": ("declined", None),
    "dismissed it long ago": (None, None),
    "snoozed it": ("declined", None),
    "lost a deal for it": ("declined", None),
    "a rule fired": ("eligible", None),
    "a rule fired, held back": ("held", None),
    "in trial": (None, None),
    "cancelled it": (None, None),
}


def grid_for(user, products, **filters):
    return selectors.whitespace_grid(
        user=user,
        filters=GridFilters(**filters),
        products=products,
        today=TODAY,
        per_page=100,
    )


def states_of(grid, product):
    index = grid.products.index(product)
    return {
        row.account.name: (row.cells[index][1].state if row.cells[index][1] else None)
        for row in grid.rows
    }


def test_each_account_shows_its_state_in_order_of_precedence(rep, plans, states):
    lite, standard = plans
    grid = grid_for(rep, [lite, standard])

    assert states_of(grid, standard) == {n: s for n, (s, _lite) in STATE_OF_ACCOUNT.items()}
    assert states_of(grid, lite) == {n: s for n, (_s, s) in STATE_OF_ACCOUNT.items()}
    held = next(r for r in grid.rows if r.account.name == "a rule fired, held back")
    cell = held.cells[1][1]
    assert (cell.rule, cell.gate) == ("upsell_utilisation", "tier")
    with translation.override("en"):
        assert cell.description == (
            "Held back (Upsell: near the plan limit / Loyalty too low for a growth offer)"
        )


def test_totals_count_every_filtered_account_not_just_the_page(rep, plans, states):
    lite, standard = plans
    grid = selectors.whitespace_grid(
        user=rep, filters=GridFilters(), products=[lite, standard], today=TODAY, per_page=2
    )
    totals = selectors.whitespace_totals(
        user=rep, filters=GridFilters(), products=[lite, standard], today=TODAY
    )

    assert len(grid.rows) == 2
    assert grid.totals is None  # the page asks for them apart
    assert totals.count == grid.page.paginator.count == len(STATE_OF_ACCOUNT)
    assert totals.columns[1] == {"owned": 1, "offered": 2, "declined": 3, "eligible": 1, "held": 1}
    assert totals.columns[0] == {"owned": 2, "offered": 0, "declined": 0, "eligible": 0, "held": 0}


def test_the_page_asks_for_its_totals_with_its_filters_or_has_them_with_a_state_filter(
    client, rep, plans, states
):
    """Without a state filter the page shows its rows at once and asks for the totals row
    apart, with the same filters (the page number aside); a state filter has to resolve every
    cell to find its rows, so its totals come with the page."""
    _lite, standard = plans
    rep.preferred_language = "en"
    rep.save()
    client.force_login(rep)

    page = client.get(GRID, {"product": standard.pk, "page": "2"}).content.decode()
    row = client.get(TOTALS, {"product": standard.pk})
    filtered = client.get(GRID, {"product": standard.pk, "state": "declined"})

    assert f'hx-get="{TOTALS}?product={standard.pk}"' in page
    assert row.context["totals"].columns == [
        {"owned": 1, "offered": 2, "declined": 3, "eligible": 1, "held": 1}
    ]
    assert f"All {len(STATE_OF_ACCOUNT)} accounts" in row.content.decode()
    assert 'data-testid="grid-totals"' in row.content.decode()
    assert f'hx-get="{TOTALS}' not in filtered.content.decode()
    assert filtered.context["grid"].totals.columns == [
        {"owned": 0, "offered": 0, "declined": 3, "eligible": 0, "held": 0}
    ]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("held", {"a rule fired, held back"}),
        ("eligible", {"a rule fired"}),
        ("any_eligible", {"a rule fired", "a rule fired, held back"}),
        ("declined", {"dismissed it lately", "snoozed it", "lost a deal for it"}),
        ("owned", {"owns the tier above"}),
    ],
)
def test_the_state_filter_keeps_the_accounts_with_such_a_cell(
    client, rep, plans, states, state, expected
):
    _lite, standard = plans
    client.force_login(rep)

    response = client.get(GRID, {"state": state, "product": standard.pk})

    grid = response.context["grid"]
    assert {row.account.name for row in grid.rows} == expected
    assert grid.products == [standard]
    assert grid.page.paginator.count == len(expected)


@pytest.mark.parametrize("word_bits", [selectors.WORD_BITS, 1])
def test_the_whole_set_resolved_in_sql_agrees_with_each_cell_resolved_alone(
    rep, plans, states, monkeypatch, word_bits
):
    """The totals, the count and the state filter come from one statement that folds each
    account's rows into a mask per state; account by account, the cells resolved as the page
    resolves them give the same numbers, whether the columns fit one word of flags or (one
    column a word here) spread over several."""
    monkeypatch.setattr(selectors, "WORD_BITS", word_bits)
    populate(rep, plans, 10)
    context = selectors.grid_context(
        products=selectors.products_on_sale(), filters=GridFilters(), today=TODAY
    )
    accounts = selectors.base_accounts(user=rep, filters=GridFilters(), context=context)
    cells = selectors.resolve_cells(
        selectors.cell_rows(
            accounts=list(accounts.values_list("pk", flat=True)),
            products=context.product_ids,
            today=TODAY,
            run_date=context.run_date,
        )
    )

    def counted(account_ids):
        totals = {p: dict.fromkeys(selectors.CellState.values, 0) for p in context.product_ids}
        for account_id in account_ids:
            for product_id, cell in cells.get(account_id, {}).items():
                totals[product_id][cell.state] += 1
        return totals

    summary = selectors.grid_summary(
        accounts=accounts, context=context, state=None, page=slice(0, 100)
    )
    assert len(context.products) == 3
    assert summary.totals == counted(cells)
    assert summary.count == len(STATE_OF_ACCOUNT) + 10
    assert summary.page_ids is None
    for state, (ranks, _label) in selectors.STATE_FILTERS.items():
        kept = {a for a, row in cells.items() if any(c.rank in ranks for c in row.values())}
        summary = selectors.grid_summary(
            accounts=accounts, context=context, state=state, page=slice(0, 100)
        )
        assert kept, state
        assert (set(summary.page_ids), summary.count) == (kept, len(kept)), state
        assert summary.totals == counted(kept), state


def test_before_any_nightly_run_the_totals_count_the_other_states(rep, plans, states):
    OfferRuleHit.objects.all().delete()

    totals = selectors.whitespace_totals(
        user=rep, filters=GridFilters(), products=list(plans), today=TODAY
    )

    assert totals.columns[1] == {"owned": 1, "offered": 2, "declined": 3, "eligible": 0, "held": 0}


def test_a_state_filtered_page_past_the_last_shows_the_last(rep, plans, states):
    declined = sorted(
        ["dismissed it lately", "lost a deal for it", "snoozed it"],
        key=lambda name: states[name].name_kana,
    )

    def page(number):
        grid = selectors.whitespace_grid(
            user=rep,
            filters=GridFilters(state="declined"),
            products=list(plans),
            today=TODAY,
            page_number=number,
            per_page=2,
        )
        return grid.page.number, [row.account.name for row in grid.rows]

    assert page(1) == (1, declined[:2])
    assert page("2") == (2, declined[2:])
    assert page(99) == (2, declined[2:])
    assert page("last-but-one") == (1, declined[:2])


def test_the_engine_stores_its_hits_and_the_grid_reads_them(rep, team_a):
    """Same overage trigger for two accounts: the loyal one gets a card (offered), the
    low-loyalty one is held back by the tier gate; the add-on above the anchor share fires
    no rule (blank)."""
    lite, standard = family_of_two()
    add_on = AddOnFactory(monthly_price=90_000)
    add_on.complements.add(lite)
    loyal, unloyal = AccountFactory(owner=rep, name="loyal"), AccountFactory(owner=rep, name="low")
    for account, tier in ((loyal, "high"), (unloyal, "low")):
        sub = SubscriptionFactory(account=account, product=lite, monthly_amount=100_000)
        UsageRecordFactory(subscription=sub, date=datetime.date(2026, 10, 15), quantity=2000)
        scored(account, tier)

    generate()

    hits = set(OfferRuleHit.objects.values_list("account__name", "product", "rule", "held_by"))
    assert hits == {
        ("loyal", standard.pk, "upsell_overage", ""),
        ("low", standard.pk, "upsell_overage", "tier"),
    }
    grid = selectors.whitespace_grid(
        user=rep, filters=GridFilters(), products=[lite, standard, add_on], today=RUN
    )
    assert states_of(grid, standard) == {"loyal": "offered", "low": "held"}
    assert states_of(grid, lite) == {"loyal": "owned", "low": "owned"}
    assert states_of(grid, add_on) == {"loyal": None, "low": None}
    assert grid.context.run_date == RUN
    with translation.override("en"):
        assert {row.account.name: row.tier_label for row in grid.rows} == {
            "loyal": "High",
            "low": "Low",
        }


def test_a_capped_offer_is_a_hit_held_back_by_the_contact_cap(overage_account):
    account, *_ = overage_account
    for n in range(4):
        ActivityFactory(account=account, kind=Activity.Kind.CALL, occurred_on=days(-1 - n))

    generate()

    assert list(OfferRuleHit.objects.values_list("held_by", flat=True)) == ["contact_cap"]
    assert not OfferCard.objects.exists()


def test_every_gate_the_engine_knows_has_a_name_for_the_grid():
    offers = pd.DataFrame(
        {
            "account_id": [1],
            "product_id": [2],
            "owner_id": [3],
            "kind": ["upsell"],
            "quiet_until": [None],
            "do_not_contact": [False],
        }
    )
    masks = gate_masks(
        offers,
        accounts=pd.DataFrame(),
        scores=pd.DataFrame({"account_id": [1], "tier": ["high"]}),
        quiet={"detractor": set(), "complaint": set(), "hesitation": set()},
        blocked=pd.DataFrame({"account_id": [], "product_id": []}),
        run_date=RUN,
    )

    assert set(masks) - {"taken"} <= set(OfferGate.values)
    assert "contact_cap" in OfferGate.values


def test_the_nightly_hits_are_idempotent_for_a_date_and_kept_a_week(rep):
    lite, standard = family_of_two()
    AddOnFactory(monthly_price=10_000).complements.add(lite)
    for tier in ("high", "low", "medium"):
        account = AccountFactory(owner=rep)
        sub = SubscriptionFactory(account=account, product=lite, monthly_amount=100_000)
        UsageRecordFactory(subscription=sub, date=datetime.date(2026, 10, 15), quantity=2000)
        scored(account, tier)
    stale = hit(account, standard, run_date=RUN - datetime.timedelta(days=8))
    kept = hit(account, standard, run_date=RUN - datetime.timedelta(days=7))

    def rows():
        return sorted(
            OfferRuleHit.objects.filter(run_date=RUN).values_list(
                "account", "product", "rule", "kind", "held_by"
            )
        )

    first = generate()
    once = rows()
    second = generate()

    assert rows() == once
    # three accounts × (upsell, cross-sell); the low-loyalty account's two held by its tier
    assert first["rule_hits"] == second["rule_hits"] == len(once) == 6
    assert {held_by for *_, held_by in once} == {"", "tier"}
    assert not OfferRuleHit.objects.filter(pk=stale.pk).exists()
    assert OfferRuleHit.objects.filter(pk=kept.pk).exists()


# --- pages, exports, permissions ----------------------------------------------------------


@pytest.fixture
def two_teams(world, plans):
    lite, standard = plans
    SubscriptionFactory(account=world["account"], product=lite)
    hit(world["account"], standard, held_by="detractor")
    SubscriptionFactory(account=world["other"], product=standard)
    return world


def exported_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_a_rep_of_another_team_sees_none_of_team_a_in_the_grid_or_its_export(client, two_teams):
    client.force_login(two_teams["rep_b"])

    page = client.get(GRID)
    totals = client.get(TOTALS).context["totals"]
    rows = exported_csv(client.get(export_url()))

    assert [row.account for row in page.context["grid"].rows] == [two_teams["other"]]
    assert totals.count == 1
    assert [column["owned"] for column in totals.columns] == [1, 1]  # their Standard covers Lite
    assert two_teams["account"].name not in page.content.decode()
    assert [row[1] for row in rows[1:]] == [two_teams["other"].name]
    assert "team" not in page.context["form"].fields  # a rep's team filter is no choice


def test_a_manager_sees_their_teams_and_an_admin_everyone(client, manager, admin_user, two_teams):
    client.force_login(manager)
    assert [r.account for r in client.get(GRID).context["grid"].rows] == [two_teams["account"]]
    assert len(exported_csv(client.get(export_url()))) == 2

    client.force_login(admin_user)
    shown = {r.account for r in client.get(GRID).context["grid"].rows}
    assert shown == {two_teams["account"], two_teams["other"]}


def test_a_manager_cannot_filter_by_another_managers_team(client, manager, team_b, two_teams):
    client.force_login(manager)

    response = client.get(GRID, {"team": team_b.pk})

    assert response.status_code == 200
    assert "team" in response.context["form"].errors
    assert [r.account for r in response.context["grid"].rows] == [two_teams["account"]]


@pytest.mark.parametrize("url", [GRID, TOTALS, export_url("csv"), export_url("xlsx")])
def test_anonymous_users_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("users:login"))


def test_bad_filters_are_left_out_with_a_message_not_an_error(client, manager, two_teams):
    client.force_login(manager)
    junk = {
        "state": "nonsense",
        "tier": "platinum",
        "product": "abc",
        "family": "999999",
        "owner": "-1",
        "industry": "<script>",
        "page": "last-but-one",
    }

    response = client.get(GRID, junk)
    export = client.get(export_url(), junk)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "state",
        "tier",
        "product",
        "family",
        "owner",
        "industry",
    }
    assert 'data-testid="filter-errors"' in response.content.decode()
    assert [r.account for r in response.context["grid"].rows] == [two_teams["account"]]
    assert export.status_code == 200
    assert client.get("/opportunities/whitespace/export.pdf").status_code == 404


def test_the_page_shows_words_and_links_not_colour_alone(client, rep, plans, states):
    rep.preferred_language = "en"
    rep.save()
    client.force_login(rep)

    html = client.get(GRID).content.decode()

    assert 'data-state="held"' in html
    assert "Held back (Upsell: near the plan limit / Loyalty too low for a growth offer)" in html
    deal = states["has an open deal"].opportunities.get()
    assert reverse("opportunities:detail", args=[deal.pk]) in html
    assert f"{states['has an open card'].get_absolute_url()}#offer-cards" in html
    assert 'data-testid="grid-legend"' in html


def test_the_export_holds_the_whole_filtered_grid_in_csv_and_excel(client, rep, plans, states):
    lite, standard = plans
    LoyaltyScore.objects.create(
        account=states["a rule fired, held back"], as_of=TODAY, score=20, tier="low"
    )
    rep.preferred_language = "en"
    rep.save()
    client.force_login(rep)

    rows = exported_csv(client.get(export_url(), {"state": "any_eligible"}))
    response = client.get(export_url("xlsx"), {"state": "any_eligible"})
    sheet = load_workbook(io.BytesIO(response.content)).active

    header = rows[0]
    assert header[-2:] == [lite.name, standard.name]
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"a rule fired", "a rule fired, held back"}
    held = by_name["a rule fired, held back"]
    assert held[5] == "Low"
    assert (
        held[-1] == "Held back (Upsell: near the plan limit / Loyalty too low for a growth offer)"
    )
    assert sheet.max_row == 3
    assert [c.value for c in sheet[1]][-1] == standard.name
    assert response["Content-Disposition"].endswith('.xlsx"')


# --- query counts -------------------------------------------------------------------------


def populate(owner, plans, n):
    """`n` accounts, each with a cell in every state somewhere."""
    lite, standard = plans
    add_on = AddOnFactory()
    kinds = [
        lambda a: card(a, standard),
        lambda a: OpportunityFactory(account=a, to_product=standard),
        lambda a: card(a, standard, status=OfferCard.Status.SNOOZED, snoozed_until=TODAY),
        lambda a: hit(a, standard),
        lambda a: hit(a, add_on, held_by="complaint"),
    ]
    for i in range(n):
        account = AccountFactory(owner=owner)
        SubscriptionFactory(account=account, product=lite)
        LoyaltyScore.objects.create(account=account, as_of=TODAY, score=50, tier="medium")
        kinds[i % 5](account)


# session, user, products on sale, run date, the count (with a state filter, the summary in
# its place: totals, count and the page's ids in one statement), the page of accounts (owner,
# team and tier in it), its cells (one union query), and the owner and team choices of the
# filter form as it renders.
PAGE_QUERIES = 2 + 1 + 1 + 1 + 1 + 1 + 2
# session, user, products on sale, run date, the summary.
TOTALS_QUERIES = 2 + 1 + 1 + 1
# session, user, products, run date, the owners with their teams, the accounts and their
# cells streamed side by side (two cursors).
EXPORT_QUERIES = 2 + 1 + 1 + 1 + 2


@pytest.mark.parametrize("accounts", [2, 30])
def test_the_grid_page_is_flat(client, manager, rep, plans, accounts, django_assert_num_queries):
    populate(rep, plans, accounts)
    client.force_login(manager)

    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(GRID)

    assert len(response.context["grid"].rows) == accounts


@pytest.mark.parametrize("accounts", [2, 30])
def test_the_grid_page_with_a_state_filter_is_flat(
    client, manager, rep, plans, accounts, django_assert_num_queries
):
    populate(rep, plans, accounts)
    client.force_login(manager)

    # the summary also gives the count of the accounts a state filter keeps and the page's ids
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(GRID, {"state": "offered", "tier": "medium"})

    # a card on every fifth account from the first, a deal on every fifth from the second
    assert len(response.context["grid"].rows) == len(range(0, accounts, 5)) + len(
        range(1, accounts, 5)
    )


@pytest.mark.parametrize("accounts", [2, 30])
def test_the_grid_totals_are_flat(client, manager, rep, plans, accounts, django_assert_num_queries):
    populate(rep, plans, accounts)
    client.force_login(manager)

    with django_assert_num_queries(TOTALS_QUERIES):
        response = client.get(TOTALS, {"tier": "medium"})

    assert response.context["totals"].count == accounts


@pytest.mark.parametrize("accounts", [2, 30])
def test_the_grid_export_is_flat(client, manager, rep, plans, accounts, django_assert_num_queries):
    populate(rep, plans, accounts)
    client.force_login(manager)

    with django_assert_num_queries(EXPORT_QUERIES):
        rows = exported_csv(client.get(export_url()))

    assert len(rows) == accounts + 1


def test_the_export_streams_accounts_and_cells_side_by_side(rep, plans, django_assert_num_queries):
    populate(rep, plans, 5)
    context = selectors.grid_context(products=list(plans), filters=GridFilters(), today=TODAY)
    accounts = selectors.grid_accounts(user=rep, filters=GridFilters(), context=context)
    expected = selectors.resolve_cells(
        selectors.cell_rows(
            accounts=accounts.values("pk"),
            products=context.product_ids,
            today=TODAY,
            run_date=context.run_date,
        )
    )

    # the owners, then two cursors fetched in chunks of 2 (accounts) and 2 (cell rows)
    with django_assert_num_queries(3):
        exported = list(
            selectors.grid_export_rows(accounts=accounts, context=context, chunk_size=2)
        )

    assert [a.pk for a in exported] == sorted(a.pk for a in accounts)
    assert {a.pk: a.cells for a in exported} == {pk: expected.get(pk, {}) for pk in expected}
    assert sum(len(a.cells) for a in exported) == 5 + 4  # every Lite owned; Standard: 4 of 5
