"""Won expansion by month and offer acceptance by rule, against counts made by hand."""

import datetime

import pytest

from crm.analytics.offers import offers_compute, offers_tables
from crm.analytics.scope import ReportScope
from crm.analytics.wins import wins_compute, wins_tables
from opportunities.models import OfferCard
from tests.accounts.factories import AccountFactory, AddOnFactory
from tests.analytics.conftest import TODAY, rows_by_label
from tests.opportunities.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def won(account, type_, closed_on, monthly, value, stage="won"):
    return OpportunityFactory(
        account=account,
        type=type_,
        stage=stage,
        closed_on=closed_on,
        monthly_amount_change=monthly,
        contract_value=value,
        loss_reason="予算なし" if stage == "lost" else "",
    )


def test_won_upsell_cross_sell_and_down_sell_by_month(rep, team_b):
    mine = AccountFactory(owner=rep)
    won(mine, "upsell", D(2026, 9, 10), 10_000, 120_000)
    won(mine, "upsell", D(2026, 9, 20), 5_000, 60_000)
    won(mine, "cross_sell", D(2026, 10, 5), 3_000, 36_000)
    won(mine, "down_sell", D(2026, 11, 1), 2_000, 24_000)
    won(mine, "upsell", D(2026, 10, 7), 9_999, 99_999, stage="lost")  # lost: not counted
    won(mine, "new", D(2026, 10, 7), 8_888, 88_888)  # new business: not expansion
    won(mine, "upsell", D(2026, 8, 31), 7_777, 77_777)  # before the three months
    won(AccountFactory(owner=team_b.manager), "upsell", D(2026, 9, 1), 6_666, 66_666)  # not mine

    months, by_type = wins_tables(wins_compute(scope=ReportScope(user=rep), today=TODAY, months=3))

    assert [
        (
            r["label"],
            r["upsell_deals"],
            r["upsell_monthly"],
            r["cross_sell_monthly"],
            r["down_sell_deals"],
            r["down_sell_monthly"],
            r["net_monthly"],
            r["value"],
        )
        for r in months.rows
    ] == [
        ("2026-09", 2, 15_000, 0, 0, 0, 15_000, 180_000),
        ("2026-10", 0, 0, 3_000, 0, 0, 3_000, 36_000),
        # a down-sell gives up 2,000 a month to keep the customer
        ("2026-11", 0, 0, 0, 1, -2_000, -2_000, 24_000),
    ]
    totals = rows_by_label(by_type)
    assert (totals["アップセル"]["deals"], totals["アップセル"]["monthly_per_deal"]) == (2, 7_500)
    assert totals["ダウンセル"]["monthly"] == -2_000


def card(account, rule, status, generated_on, product, opportunity=None):
    kind = {"cross_sell_affinity": "cross_sell"}.get(rule, "upsell")
    return OfferCard.objects.create(
        account=account,
        rep=account.owner,
        kind=kind,
        product=product,
        source="engine",
        rule=rule,
        monthly_uplift=10_000,
        probability=0.3,
        expected_value=3_000,
        generated_on=generated_on,
        status=status,
        snoozed_until=TODAY if status == "snoozed" else None,
        opportunity=opportunity,
    )


def test_offer_acceptance_by_rule_and_month(rep, settings):
    account = AccountFactory(owner=rep)
    products = [AddOnFactory() for _ in range(8)]  # one live card per product and account
    oct_, nov = D(2026, 10, 10), D(2026, 11, 5)
    util = "upsell_utilisation"
    card(account, util, "accepted", oct_, products[0], won(account, "upsell", nov, 1, 1))
    card(account, util, "accepted", nov, products[1], won(account, "upsell", nov, 1, 1, "lost"))
    card(account, util, "dismissed", oct_, products[2])
    card(account, util, "expired", oct_, products[3])
    card(account, util, "open", nov, products[4])
    card(account, "cross_sell_affinity", "dismissed", nov, products[5])
    card(account, "cross_sell_affinity", "dismissed", nov, products[6])
    card(account, util, "accepted", D(2026, 9, 30), products[7])  # before the two months

    result = offers_compute(scope=ReportScope(user=rep), today=TODAY, months=2)
    by_rule, by_month = offers_tables(result, small_below=3)

    rules = {row["rule"]: row for row in by_rule.rows}
    # utilisation: 5 cards; 2 accepted of 3 answered → 67 %; 1 won; cross-sell: 0 of 2
    assert [
        (
            r["total"],
            r["accepted"],
            r["dismissed"],
            r["expired"],
            r["live"],
            r["acceptance"],
            r["won"],
        )
        for r in (rules[util], rules["cross_sell_affinity"])
    ] == [(5, 2, 1, 1, 1, 67, 1), (2, 0, 2, 0, 0, 0, 0)]
    # answered 3 and 2: the second is below 3 answers and flagged
    assert (rules[util]["small"], rules["cross_sell_affinity"]["small"]) == (False, True)
    assert [row["rule"] for row in by_rule.chart_rows] == [util]
    # October: accepted, dismissed, expired → 1 of 2; November: 1 accepted, 2 dismissed, 1 open
    assert [(r["label"], r["total"], r["acceptance"]) for r in by_month.rows] == [
        ("2026-10", 3, 50),
        ("2026-11", 4, 33),
    ]
