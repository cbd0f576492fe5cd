"""A rep works the offer cards on the dashboard in Chromium, in Japanese, without reloads."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm.demo.users import seed_users
from opportunities.models import OfferCard, Source
from tests.accounts.factories import AccountFactory, PlanFactory
from tests.opportunities.test_offers_views import make_card

from .test_login import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rep_accepts_snoozes_and_dismisses_cards(page, live_server):
    rep = seed_users()["rep1@example.com"]
    accepted, snoozed, dismissed = (
        make_card(
            AccountFactory(owner=rep, name=name), value=value, product=PlanFactory(name=product)
        )
        for name, product, value in [
            ("株式会社あおば製作所", "リードブースト プロ", 30_000),
            ("株式会社さくら商事", "セールスナビ スタンダード", 20_000),
            ("株式会社みなと物流", "クラウド経理 プロ", 10_000),
        ]
    )
    log_in(page, live_server, rep.email)
    cards = page.get_by_test_id("offer-card")
    expect(cards).to_have_count(3)
    expect(cards.first).to_contain_text("株式会社あおば製作所")  # the highest expected value
    expect(cards.first).to_contain_text("利用量が前の30日より 50% 増えました。")

    # accept: the card turns into a link to the prefilled opportunity, the page stays
    page.locator(f"#offer-card-{accepted.pk}").get_by_role("button", name="採用").click()
    done = page.locator(f"#offer-card-{accepted.pk}")
    expect(done).to_contain_text("採用しました：リードブースト プロ。")
    accepted.refresh_from_db()
    opportunity = accepted.opportunity
    assert (opportunity.source, opportunity.monthly_amount_change) == (Source.OFFER_CARD, 25_000)
    assert opportunity.to_product == accepted.product

    # snooze two weeks
    card = page.locator(f"#offer-card-{snoozed.pk}")
    card.locator("summary", has_text="スヌーズ").click()
    until = timezone.localdate() + datetime.timedelta(days=14)
    card.get_by_label("再表示する日").fill(until.isoformat())
    card.get_by_role("button", name="スヌーズ").click()
    expect(page.locator(f"#offer-card-{snoozed.pk}")).to_contain_text("スヌーズしました")

    # dismiss with a reason and a note
    card = page.locator(f"#offer-card-{dismissed.pk}")
    card.locator("summary", has_text="見送り").click()
    card.get_by_label("理由").select_option(label="予算がない")
    card.get_by_label("メモ").fill("来期の予算で再検討")
    card.get_by_role("button", name="見送り").click()
    expect(page.locator(f"#offer-card-{dismissed.pk}")).to_contain_text("見送りました")

    snoozed.refresh_from_db()
    dismissed.refresh_from_db()
    assert (snoozed.status, snoozed.snoozed_until) == (OfferCard.Status.SNOOZED, until)
    assert (dismissed.status, dismissed.dismiss_reason, dismissed.dismiss_note) == (
        OfferCard.Status.DISMISSED,
        "no_budget",
        "来期の予算で再検討",
    )
