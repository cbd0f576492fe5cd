"""Every offer rule and gate on hand-built accounts, against hand-computed figures."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from accounts.models import Activity, Product, Subscription
from opportunities.models import DismissReason, OfferCard, OfferSource
from opportunities.offers.selectors import offer_cards_worded
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    AddOnFactory,
    NPSResponseFactory,
    PlanFactory,
    SubscriptionFactory,
    SuccessStoryFactory,
    UsageRecordFactory,
)
from tests.opportunities.factories import HearingFactory, OpportunityFactory
from tests.opportunities.qbr_factories import QBRFactory

from . import offer_world
from .offer_world import RUN, days, family_of_two, generate, scored

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=[offer_world.CHUNK_SIZE, 1], ids=["one chunk", "per account"])
def chunks(request, monkeypatch):
    """Every rule test in one chunk, and again with every account a chunk of its own: what
    needs the whole base (the affinity of loyal customers, the day of the scores) is learnt
    before the chunks, so the cards must be the same."""
    monkeypatch.setattr(offer_world, "chunk_size", request.param)


def test_overage_above_the_next_plan_states_the_monthly_saving(overage_account, rep):
    account, lite, standard = overage_account
    generate()

    card = OfferCard.objects.get(account=account)
    assert (card.rule, card.kind, card.product, card.current_product, card.rep) == (
        "upsell_overage",
        "upsell",
        standard,
        lite,
        rep,
    )
    # spends 100,000 + 75,000 = 175,000; Standard is 125,000: 50,000 a month less for them
    assert card.reasons == [
        {
            "code": "overage_spend",
            "params": {"spend": 175_000, "next_price": 125_000, "saving": 50_000},
        }
    ]
    assert card.monthly_uplift == 25_000  # the contract moves from 100,000 to 125,000
    assert card.probability == Decimal("0.400")
    assert card.expected_value == 10_000
    with translation.override("en"):
        (worded,) = offer_cards_worded([card])
    assert worded.reason_texts == [
        "Last month they spent ¥175,000 with overage; the next plan is ¥125,000: "
        "¥50,000 a month less."
    ]


def test_no_saving_no_overage_card(rep):
    lite, _standard = family_of_two()
    account = AccountFactory(owner=rep)
    subscription = SubscriptionFactory(account=account, product=lite, monthly_amount=100_000)
    # 1,600 used: 600 × 75 = 45,000 → 145,000 … still above 125,000
    UsageRecordFactory(subscription=subscription, date=datetime.date(2026, 10, 15), quantity=1600)
    other = AccountFactory(owner=rep)
    sub2 = SubscriptionFactory(account=other, product=lite, monthly_amount=100_000)
    # 1,300 used: 300 × 75 = 22,500 → 122,500, below the next plan: no overage trigger
    UsageRecordFactory(subscription=sub2, date=datetime.date(2026, 10, 15), quantity=1300)
    scored(account)
    scored(other)
    generate()
    assert OfferCard.objects.get(account=account).rule == "upsell_overage"
    assert not OfferCard.objects.filter(account=other).exists()


def test_utilisation_of_a_seat_plan_is_its_average_daily_level(rep):
    lite, standard = family_of_two(included=20, usage_measure=Product.UsageMeasure.LEVEL)
    account = AccountFactory(owner=rep)
    subscription = SubscriptionFactory(account=account, product=lite, quantity=20)
    for n in range(1, 31):  # 19 of 20 seats active every day: 95 %
        UsageRecordFactory(subscription=subscription, date=days(-n), quantity=19)
    scored(account)
    generate()
    card = OfferCard.objects.get(account=account)
    assert card.rule == "upsell_utilisation"
    assert card.product == standard
    assert card.reasons[0] == {
        "code": "utilisation",
        "params": {"percent": 95, "used": 19, "included": 20},
    }


def test_fast_growth_of_their_own_volume(rep):
    lite, _standard = family_of_two(included=10_000)
    account = AccountFactory(owner=rep)
    subscription = SubscriptionFactory(account=account, product=lite)
    UsageRecordFactory(subscription=subscription, date=days(-5), quantity=3000)
    UsageRecordFactory(subscription=subscription, date=days(-40), quantity=2000)  # +50 %
    scored(account)
    generate()
    card = OfferCard.objects.get(account=account)
    assert card.rule == "upsell_growth"
    assert card.reasons == [{"code": "usage_growth", "params": {"percent": 50}}]


def test_a_trial_ending_soon_converts_with_the_trial_end_as_the_moment(rep):
    lite, _standard = family_of_two()
    account = AccountFactory(owner=rep)
    SubscriptionFactory(
        account=account,
        product=lite,
        status=Subscription.Status.TRIAL,
        trial_ends_on=days(10),
    )
    scored(account, "medium")
    generate()
    card = OfferCard.objects.get(account=account)
    assert (card.rule, card.product, card.monthly_uplift) == ("upsell_trial_end", lite, 100_000)
    assert card.timing == {"code": "trial_end", "date": days(10).isoformat()}
    assert card.probability == Decimal("0.360")  # 0.45 × 0.8 for a medium-loyalty account


@pytest.fixture
def anchored(rep):
    """Spends ¥100,000 a month on a plan two add-ons complement."""
    plan = PlanFactory(monthly_price=100_000, included_usage=None)
    account = AccountFactory(owner=rep)
    SubscriptionFactory(account=account, product=plan, monthly_amount=100_000)
    scored(account, "high")
    return account, plan


@pytest.mark.parametrize(("price", "offered"), [(30_000, True), (30_001, False)])
def test_an_add_on_costs_at_most_30_percent_of_current_spend_boundary_included(
    anchored, price, offered
):
    account, plan = anchored
    add_on = AddOnFactory(monthly_price=price)
    add_on.complements.add(plan)
    generate()
    cards = OfferCard.objects.filter(account=account, kind="cross_sell")
    assert cards.exists() is offered
    if offered:
        assert cards.get().reasons[0] == {
            "code": "anchor_share",
            "params": {"price": 30_000, "spend": 100_000, "percent": 30},
        }


def test_cross_sell_ranks_by_what_loyal_customers_own_together_and_the_motives_heard(anchored, rep):
    account, plan = anchored
    popular, heard = AddOnFactory(monthly_price=5_000), AddOnFactory(monthly_price=5_000)
    for add_on in (popular, heard):
        add_on.complements.add(plan)
    for _ in range(3):  # three loyal customers own the plan with `popular`
        peer = AccountFactory(owner=rep)
        SubscriptionFactory(account=peer, product=plan)
        SubscriptionFactory(account=peer, product=popular)
        scored(peer, "high")
    generate()
    card = OfferCard.objects.get(account=account, kind="cross_sell")
    assert card.product == popular
    affinity = card.reasons[1]
    # 4 loyal accounts own the plan, 3 also `popular`: confidence 75 %; lift 0.75 / (3/4) = 1
    assert affinity["params"]["confidence"] == 75

    OfferCard.objects.all().delete()
    motive = heard.motives.create(code="retention", name="顧客維持", name_en="Retention")
    HearingFactory(account=account, held_on=days(-3)).motives.add(motive)
    generate()
    assert OfferCard.objects.get(account=account, kind="cross_sell").product == heard


@pytest.mark.parametrize("tier", ["low"])
def test_no_upsell_or_cross_sell_below_medium_loyalty(overage_account, tier):
    account, *_ = overage_account
    account.loyalty_scores.update(tier=tier)
    generate()
    assert not OfferCard.objects.filter(account=account).exists()


def quiet_by(kind, account):
    if kind == "do_not_contact":
        account.do_not_contact = True
        account.save()
    elif kind == "quiet_until":
        account.quiet_until = RUN
        account.save()
    elif kind == "detractor":
        NPSResponseFactory(account=account, score=6, answered_on=days(-30))
    elif kind == "complaint":
        ActivityFactory(account=account, kind=Activity.Kind.COMPLAINT, occurred_on=days(-100))
    elif kind == "hesitation":
        HearingFactory(account=account, hesitant=True, held_on=days(-3))


@pytest.mark.parametrize(
    "kind", ["do_not_contact", "quiet_until", "detractor", "complaint", "hesitation"]
)
def test_nothing_is_offered_inside_a_quiet_period(overage_account, kind):
    account, *_ = overage_account
    quiet_by(kind, account)
    result = generate()
    assert not OfferCard.objects.filter(account=account).exists()
    assert result[kind] == 1


def test_quiet_periods_end(overage_account):
    account, *_ = overage_account
    NPSResponseFactory(account=account, score=3, answered_on=days(-91))  # beyond 90 days
    ActivityFactory(
        account=account, kind=Activity.Kind.COMPLAINT, occurred_on=days(-20), resolved_on=days(-2)
    )
    account.quiet_until = days(-1)
    account.save()
    generate()
    assert OfferCard.objects.filter(account=account).exists()


@pytest.mark.parametrize(("contacts", "offered"), [(3, True), (4, False)])
def test_the_contact_cap_counts_cards_and_logged_contacts_in_30_days(
    overage_account, contacts, offered
):
    account, *_ = overage_account
    for n in range(contacts - 1):
        ActivityFactory(account=account, kind=Activity.Kind.CALL, occurred_on=days(-1 - n))
    ActivityFactory(account=account, kind=Activity.Kind.CALL, occurred_on=days(-40))  # too old
    OfferCard.objects.create(  # an earlier card, already answered, counts as a contact
        account=account,
        rep=account.owner,
        kind="cross_sell",
        product=AddOnFactory(),
        source=OfferSource.ENGINE,
        rule="cross_sell_affinity",
        monthly_uplift=1,
        probability=Decimal("0.1"),
        expected_value=0,
        generated_on=days(-10),
        status=OfferCard.Status.ACCEPTED,
    )
    generate()
    assert OfferCard.objects.filter(account=account, generated_on=RUN).exists() is offered


@pytest.mark.parametrize(("dismissed_days_ago", "offered"), [(10, False), (91, True)])
def test_a_dismissed_offer_stays_away_for_the_cooldown(
    overage_account, dismissed_days_ago, offered
):
    account, _lite, standard = overage_account
    OfferCard.objects.create(
        account=account,
        rep=account.owner,
        kind="upsell",
        product=standard,
        source=OfferSource.ENGINE,
        rule="upsell_overage",
        monthly_uplift=25_000,
        probability=Decimal("0.4"),
        expected_value=10_000,
        generated_on=days(-120),
        status=OfferCard.Status.DISMISSED,
        dismiss_reason=DismissReason.BAD_TIMING,
        # days before the run, not before today: the cooldown is counted from the run date
        acted_at=timezone.make_aware(
            datetime.datetime.combine(days(-dismissed_days_ago), datetime.time(12))
        ),
    )
    generate()
    assert OfferCard.objects.filter(account=account, generated_on=RUN).exists() is offered


def test_an_open_opportunity_for_the_product_holds_the_card_back(overage_account):
    account, _lite, standard = overage_account
    OpportunityFactory(account=account, owner=account.owner, to_product=standard)
    generate()
    assert not OfferCard.objects.filter(account=account).exists()


def card_rows():
    return list(
        OfferCard.objects.order_by("pk").values(
            "account", "product", "rule", "monthly_uplift", "expected_value", "reasons", "timing"
        )
    )


def test_running_a_date_twice_gives_identical_rows_and_no_duplicates(overage_account, anchored):
    AddOnFactory(monthly_price=10_000).complements.add(anchored[1])
    generate()
    first = card_rows()
    assert len(first) == 2
    assert generate()["cards"] == 0
    assert card_rows() == first


def test_down_sell_for_an_at_risk_account_near_renewal(rep):
    lite, standard = family_of_two()
    near, far = AccountFactory(owner=rep), AccountFactory(owner=rep)
    SubscriptionFactory(account=near, product=standard, monthly_amount=125_000, renewal_on=days(30))
    SubscriptionFactory(account=far, product=standard, monthly_amount=125_000, renewal_on=days(90))
    scored(near, "medium", churn_risk=True)
    scored(far, "low")
    generate()
    card = OfferCard.objects.get(account=near)
    assert (card.kind, card.product, card.monthly_uplift) == ("down_sell", lite, -25_000)
    # keeps ¥100,000 a month at 0.5 × 0.8 (medium) × 0.6 (churn risk) = 0.24
    assert (card.probability, card.expected_value) == (Decimal("0.240"), 24_000)
    assert card.timing == {"code": "renewal", "date": days(30).isoformat()}
    assert not OfferCard.objects.filter(account=far).exists()


def test_a_same_industry_success_story_is_attached(overage_account):
    account, _lite, standard = overage_account
    story = SuccessStoryFactory(industry=account.industry, product=standard)
    SuccessStoryFactory(industry="retail", product=standard)
    generate()
    assert OfferCard.objects.get(account=account).success_story == story


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Raise it at the QBR on 12/10/2026."),
        ("ja", "2026/12/10 のQBRで提案しましょう。"),
    ],
)
def test_timing_names_the_qbr_on_the_calendar(overage_account, language, expected):
    account, *_ = overage_account
    QBRFactory(account=account, scheduled_on=days(16))
    generate()
    card = OfferCard.objects.get(account=account)
    assert card.timing == {"code": "qbr", "date": "2026-12-10"}
    with translation.override(language):
        (worded,) = offer_cards_worded([card])
    assert worded.timing_text == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Before the fiscal closing month (December 2026)."),
        ("ja", "決算月（2026年12月）の前に。"),
    ],
)
def test_timing_before_the_fiscal_closing_month(overage_account, language, expected):
    account, *_ = overage_account
    account.fiscal_closing_month = 12
    account.save()
    generate()
    card = OfferCard.objects.get(account=account)
    with translation.override(language):
        (worded,) = offer_cards_worded([card])
    assert worded.timing_text == expected


def test_a_rerun_keeps_a_capped_offer_back(overage_account):
    """Three contacts leave one slot under the cap of four: the overage upsell takes it and the
    add-on waits. Run again, the upsell's card counts as a contact, so the add-on still waits."""
    account, lite, _standard = overage_account
    AddOnFactory(monthly_price=10_000).complements.add(lite)
    for n in range(3):
        ActivityFactory(account=account, kind=Activity.Kind.CALL, occurred_on=days(-1 - n))

    first = generate()
    second = generate()

    assert (first["cards"], first["contact_cap"]) == (1, 1)
    assert (second["cards"], second["contact_cap"]) == (0, 1)
    assert OfferCard.objects.filter(account=account).count() == 1
