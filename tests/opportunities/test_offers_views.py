"""Rep actions on offer cards over HTTP, the manager's report, the dashboard's query count.
Who may answer which card and open the report is in tests/crm/test_page_matrix.py."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Activity
from opportunities.models import OfferCard, OfferSource, Opportunity, Source
from tests.accounts.factories import AccountFactory, PlanFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def make_card(account, *, value=10_000, kind="upsell", current=None, product=None, **fields):
    """A live card (or, with `status` and the fields it needs, an answered one)."""
    return OfferCard.objects.create(
        account=account,
        rep=account.owner,
        kind=kind,
        product=product or PlanFactory(),
        current_product=current,
        source=OfferSource.ENGINE,
        rule="upsell_utilisation",
        monthly_uplift=25_000,
        probability=Decimal("0.4"),
        expected_value=value,
        reasons=[{"code": "usage_growth", "params": {"percent": 50}}],
        talking_points=[{"code": "headroom", "params": {}}],
        timing={"code": "renewal", "date": "2026-12-24"},
        generated_on=timezone.localdate(),
        **fields,
    )


@pytest.fixture
def card(world):
    plan = PlanFactory(monthly_price=100_000)
    SubscriptionFactory(account=world["account"], product=plan, monthly_amount=100_000)
    return make_card(world["account"], current=plan)


def url(name, card):
    return reverse(f"opportunities:offers:{name}", args=[card.pk])


def test_accept_makes_a_prefilled_opportunity_and_logs_the_offer(client, rep, card):
    client.force_login(rep)
    response = client.post(url("accept", card), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-testid="offer-card-done"' in response.content.decode()
    card.refresh_from_db()
    opportunity = card.opportunity
    assert card.status == OfferCard.Status.ACCEPTED
    assert (opportunity.type, opportunity.source, opportunity.to_product) == (
        "upsell",
        Source.OFFER_CARD,
        card.product,
    )
    assert (opportunity.monthly_amount_change, opportunity.contract_value) == (25_000, 300_000)
    assert opportunity.probability == 40
    assert opportunity.subscription.product == card.current_product
    assert Activity.objects.filter(account=card.account, kind=Activity.Kind.OFFER).count() == 1


def test_snooze_until_a_date_and_bad_dates_save_nothing(client, rep, card):
    client.force_login(rep)
    today = timezone.localdate()
    response = client.post(url("snooze", card), {"until": today.isoformat()})
    assert "Choose a day after today." in response.content.decode() or "明日以降" in (
        response.content.decode()
    )
    card.refresh_from_db()
    assert card.status == OfferCard.Status.OPEN
    later = today + datetime.timedelta(days=14)
    client.post(url("snooze", card), {"until": later.isoformat()})
    card.refresh_from_db()
    assert (card.status, card.snoozed_until) == (OfferCard.Status.SNOOZED, later)


def test_dismiss_needs_a_reason_and_keeps_the_note(client, rep, card):
    client.force_login(rep)
    client.post(url("dismiss", card), {"reason": "other", "note": ""})
    card.refresh_from_db()
    assert card.status == OfferCard.Status.OPEN  # "other" needs a note: nothing saved
    client.post(url("dismiss", card), {"reason": "no_budget", "note": "来期予算で再検討"})
    card.refresh_from_db()
    assert (card.status, card.dismiss_reason, card.dismiss_note) == (
        OfferCard.Status.DISMISSED,
        "no_budget",
        "来期予算で再検討",
    )
    # the customer said no budget: that answer is on the timeline
    assert Activity.objects.filter(account=card.account, kind=Activity.Kind.OFFER).exists()


def test_an_answered_card_cannot_be_answered_again(client, rep, card):
    client.force_login(rep)
    client.post(url("accept", card))
    assert client.post(url("accept", card)).status_code == 404
    assert Opportunity.objects.count() == 1


def test_the_dashboard_ranks_by_expected_value_and_shows_more(client, rep, world, settings):
    settings.OFFER_DASHBOARD_CARDS = 2
    cards = [make_card(world["account"], value=v) for v in (100, 300, 200)]
    make_card(world["other"], value=999)  # another rep's card
    client.force_login(rep)
    page = client.get(reverse("home_rep")).content.decode()
    assert page.index(f"offer-card-{cards[1].pk}") < page.index(f"offer-card-{cards[2].pk}")
    assert f"offer-card-{cards[0].pk}" not in page
    assert 'data-testid="offer-cards-more"' in page
    more = client.get(reverse("opportunities:offers:more") + "?offset=2").content.decode()
    assert f"offer-card-{cards[0].pk}" in more
    assert "offer-cards-more" not in more


def test_the_account_page_shows_its_live_cards(client, rep, card):
    client.force_login(rep)
    page = client.get(card.account.get_absolute_url()).content.decode()
    assert 'data-testid="panel-offers"' in page
    assert f"offer-card-{card.pk}" in page


@pytest.mark.parametrize("cards", [2, 12])
def test_dashboard_queries_stay_flat_as_cards_grow(
    client, rep, world, settings, django_assert_num_queries, cards
):
    settings.OFFER_DASHBOARD_CARDS = 10
    for n in range(cards):
        make_card(AccountFactory(owner=rep), value=n)
    client.force_login(rep)
    client.get(reverse("home_rep"))  # warm the session and caches
    # 9 with 2 cards and with 12: session, user, team, overdue and due follow-ups, pipeline
    # summary, the cards with account, products and story (one join), product names and
    # motive names for the reasons
    with django_assert_num_queries(9):
        assert client.get(reverse("home_rep")).status_code == 200


def test_manager_report_counts_by_rule_product_and_rep(client, manager, world, card):
    card.status = OfferCard.Status.DISMISSED
    card.dismiss_reason = "bad_timing"
    card.dismiss_note = "決算期のため"
    card.acted_at = timezone.now()
    card.save()
    make_card(world["other"])  # team B: not in team A's manager's report
    client.force_login(manager)
    page = client.get(reverse("opportunities:offers:report")).content.decode()
    assert "決算期のため" in page
    assert 'data-testid="offer-feedback-table"' in page
    assert world["other"].name not in page
