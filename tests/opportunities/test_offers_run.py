"""The offers step in chunks of accounts: the same cards and rule hits as one pass over the
base, each chunk written once, a night left half done resumed, the chunks sent to the workers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Activity
from crm import nightly
from crm.celery import app
from crm.tasks import offer_chunk
from opportunities.models import OfferCard, OfferChunk, OfferRuleHit, OfferRun
from opportunities.offers import run
from opportunities.offers.run import offer_chunk_execute, offer_run_prepare, offers_generate
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    AddOnFactory,
    NPSResponseFactory,
    SubscriptionFactory,
    UsageRecordFactory,
)

from .factories import HearingFactory, OpportunityFactory, WatchConditionFactory
from .offer_world import RUN, days, family_of_two, scored

pytestmark = pytest.mark.django_db

CARD_FIELDS = [
    f.attname for f in OfferCard._meta.concrete_fields if f.name not in ("id", "created_at")
]
HIT_FIELDS = [f.attname for f in OfferRuleHit._meta.concrete_fields if f.name != "id"]


def overage(account, lite, *, used=2000):
    """Lite at ¥100,000 with 1,000 included; October's usage over it."""
    subscription = SubscriptionFactory(account=account, product=lite, monthly_amount=100_000)
    UsageRecordFactory(subscription=subscription, date=datetime.date(2026, 10, 15), quantity=used)


@pytest.fixture
def base(rep):
    """Eight accounts that take every path: upsells, cross-sells ranked by what the loyal
    accounts own together, a down-sell, a quiet account, a capped one and a medium one."""
    lite, standard = family_of_two()
    popular, other = AddOnFactory(monthly_price=10_000), AddOnFactory(monthly_price=10_000)
    for add_on in (popular, other):
        add_on.complements.add(lite)
    accounts = [AccountFactory(owner=rep) for _ in range(8)]
    for account in accounts[:6]:
        overage(account, lite)
    for account in accounts[:3]:  # loyal owners of `popular`: the affinity's evidence
        SubscriptionFactory(account=account, product=popular)
        scored(account, "high")
    scored(accounts[3], "high")
    scored(accounts[4], "medium")
    scored(accounts[5], "high")
    NPSResponseFactory(account=accounts[4], score=3, answered_on=days(-10))  # a detractor
    for n in range(3):  # one slot left under the cap of four
        ActivityFactory(account=accounts[5], kind=Activity.Kind.CALL, occurred_on=days(-1 - n))
    SubscriptionFactory(
        account=accounts[6], product=standard, monthly_amount=125_000, renewal_on=days(30)
    )
    scored(accounts[6], "low", churn_risk=True)  # a down-sell near its renewal
    scored(accounts[7], "high")  # no subscription: nothing to offer
    return {"accounts": accounts, "popular": popular}


def night_rows(run_date=RUN):
    cards = OfferCard.objects.filter(generated_on=run_date).order_by("account", "product")
    hits = OfferRuleHit.objects.filter(run_date=run_date).order_by("account", "product", "rule")
    return list(cards.values(*CARD_FIELDS)), list(hits.values(*HIT_FIELDS))


def night_clear(run_date=RUN):
    OfferCard.objects.filter(generated_on=run_date).delete()
    OfferRuleHit.objects.filter(run_date=run_date).delete()
    OfferRun.objects.filter(run_date=run_date).delete()


def test_chunks_of_one_account_give_the_cards_and_hits_of_one_pass(base):
    whole = offers_generate(run_date=RUN)
    one_pass = night_rows()
    night_clear()

    chunked = offers_generate(run_date=RUN, chunk_size=1)

    assert night_rows() == one_pass
    assert chunked == whole
    assert OfferRun.objects.get().chunks.count() == len(base["accounts"])
    cards, hits = one_pass
    # three cards each for the first four accounts but for the detractor (two held back) and
    # the capped one (one card, one held back), one down-sell
    assert len(cards) == whole["cards"] == 10
    assert (whole["detractor"], whole["contact_cap"]) == (2, 1)
    # the add-on three loyal owners of Lite took, offered where the account has Lite alone:
    # its affinity comes from accounts that are in other chunks
    cross = OfferCard.objects.get(account=base["accounts"][3], kind="cross_sell")
    assert cross.product == base["popular"]
    assert cross.reasons[1]["params"]["confidence"] == 60  # 3 of the 5 loyal owners of Lite
    assert len(hits) == whole["rule_hits"]


@pytest.mark.parametrize("chunk_size", [1, 100])
def test_a_goal_met_at_an_account_without_subscriptions_gets_its_card(base, rep, chunk_size):
    """In a chunk of its own too, where no account has a subscription for the rules to read."""
    account = AccountFactory(owner=rep)
    scored(account, "high")
    lite = base["accounts"][0].subscriptions.first().product
    WatchConditionFactory(
        hearing=HearingFactory(account=account, held_on=days(-40)),
        product=lite,
        status="met",
        evaluated_on=RUN,
        opportunity=OpportunityFactory(account=account, owner=rep, to_product=None),
    )

    offers_generate(run_date=RUN, chunk_size=chunk_size)

    card = OfferCard.objects.get(account=account)
    assert (card.rule, card.product, card.source) == (
        "watch_condition_met",
        lite,
        "hearing_trigger",
    )


def test_each_chunk_is_written_once_and_a_night_left_half_done_is_resumed(base):
    offers_generate(run_date=RUN)
    reference = night_rows()
    night_clear()
    # a first attempt wrote two chunks, then its worker died
    offer_run_prepare(run_date=RUN, chunk_size=2)
    first, second = OfferChunk.objects.order_by("lo")[:2]
    offer_chunk_execute(run_date=RUN, lo=first.lo, hi=first.hi)
    offer_chunk_execute(run_date=RUN, lo=second.lo, hi=second.hi)
    first.refresh_from_db()

    assert offer_chunk_execute(run_date=RUN, lo=first.lo, hi=first.hi) is None  # done already
    assert offer_chunk.apply(args=[RUN.isoformat(), first.lo, first.hi]).get() is None
    result = offers_generate(run_date=RUN)

    assert night_rows() == reference
    assert OfferChunk.objects.get(pk=first.pk).done_at == first.done_at  # not written again
    assert result["cards"] == len(reference[0])
    assert OfferRun.objects.get().status == OfferRun.Status.DONE


def test_a_failed_chunk_fails_the_run_and_the_next_attempt_finishes_it(base, monkeypatch):
    offers_generate(run_date=RUN)
    reference = night_rows()
    night_clear()
    written = []

    def second_chunk_fails(*, window, night):
        if written:
            raise RuntimeError("the database went away")
        written.append(window)
        return offers_write(window=window, night=night)

    offers_write = run.offers_write
    monkeypatch.setattr(run, "offers_write", second_chunk_fails)
    with pytest.raises(RuntimeError):
        offers_generate(run_date=RUN, chunk_size=4)
    failed = OfferRun.objects.get()
    assert (failed.status, failed.chunks.filter(done_at__isnull=False).count()) == ("failed", 1)
    assert "the database went away" in failed.error

    monkeypatch.setattr(run, "offers_write", offers_write)
    offers_generate(run_date=RUN, chunk_size=4)

    assert night_rows() == reference
    assert OfferRun.objects.get().status == OfferRun.Status.DONE


def test_a_finished_night_run_again_adds_nothing(base):
    first = offers_generate(run_date=RUN, chunk_size=3)
    rows = night_rows()

    again = offers_generate(run_date=RUN, chunk_size=3)

    assert night_rows() == rows
    assert (again["cards"], again["rule_hits"]) == (0, first["rule_hits"])


@pytest.fixture
def eager(request):
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = request.param
    yield request.param
    app.conf.task_always_eager = previous


@pytest.mark.parametrize("eager", [False, True], indirect=True, ids=["workers", "in-process"])
def test_the_nightly_step_sends_its_chunks_to_the_workers_unless_tasks_are_eager(
    base, monkeypatch, eager
):
    """Through crm.nightly as the chain runs it: with workers, every pending chunk goes to
    them as a group (recorded here, not sent: no worker listens in a test), and the step
    writes the chunks itself meanwhile; with tasks in-process (the embedded `make run`)
    nothing is sent, since eager tasks would only run one after the other."""
    sent = []
    monkeypatch.setattr(
        nightly,
        "offers_generate",
        lambda **kwargs: offers_generate(**kwargs, chunk_size=3),
    )
    monkeypatch.setattr(nightly, "offer_chunks_send", lambda run_date, chunks: sent.extend(chunks))

    nightly.offer_cards_generate(run_date=RUN)

    chunks = list(OfferChunk.objects.order_by("lo").values_list("lo", "hi"))
    assert len(chunks) == 3  # eight accounts, three a chunk
    assert sent == ([] if eager else chunks)
    assert not OfferChunk.objects.filter(done_at__isnull=True).exists()
    assert OfferCard.objects.filter(generated_on=RUN).count() == 10


def test_a_chunk_reads_in_a_fixed_number_of_queries(rep):
    """Set-based: the queries of a chunk do not grow with its accounts."""
    lite, _standard = family_of_two()

    def queries(accounts: int) -> int:
        for _ in range(accounts):
            account = AccountFactory(owner=rep)
            overage(account, lite)
            scored(account, "high")
        night_clear()
        with CaptureQueriesContext(connection) as captured:
            offers_generate(run_date=RUN)
        return len(captured)

    assert queries(2) == queries(8)
