import datetime
import hashlib
import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from accounts.choices import GrowthStage, Industry, Prefecture
from accounts.models import (
    Account,
    Activity,
    BuyingMotive,
    Contact,
    NPSResponse,
    Order,
    OrderLine,
    Product,
    ProductFamily,
    Subscription,
    SuccessStory,
    UsageRecord,
)
from accounts.nps import NPSCategory, nps_category
from accounts.validators import validate_corporate_number, validate_kana
from crm.demo import accounts as demo_accounts
from crm.users.models import Role, Team, User

pytestmark = pytest.mark.django_db

# Small enough to seed in about a second, large enough for every pattern to appear.
ACCOUNTS = 120


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    users = list(User.objects.order_by("email").values())
    teams = list(Team.objects.order_by("name").values())
    return users, teams


def data_digest() -> str:
    """A hash of the generated content, keyed by external ids and natural keys, not row ids."""
    parts = [
        Account.objects.order_by("external_id").values_list(
            "external_id", "name", "name_kana", "corporate_number", "industry",
            "employee_count", "revenue_band", "growth_stage", "region", "fiscal_closing_month",
            "owner__email", "cs_owner__email", "do_not_contact", "quiet_until",
        ),
        Contact.objects.order_by("external_id").values_list(
            "external_id", "account__external_id", "name", "name_kana", "title", "department",
            "email", "phone", "is_decision_maker", "is_primary",
        ),
        Subscription.objects.order_by("external_id").values_list(
            "external_id", "product__code", "quantity", "monthly_amount", "billing_model",
            "status", "started_on", "renewal_on", "trial_ends_on", "cancelled_on",
        ),
        UsageRecord.objects.order_by("subscription__external_id", "date").values_list(
            "subscription__external_id", "account__external_id", "date", "quantity"
        ),
        Order.objects.order_by("external_id").values_list("external_id", "ordered_on", "total"),
        OrderLine.objects.order_by("order__external_id", "product__code").values_list(
            "order__external_id", "product__code", "quantity", "unit_price"
        ),
        NPSResponse.objects.order_by("external_id").values_list(
            "external_id", "contact__external_id", "score", "comment", "answered_on"
        ),
        Activity.objects.order_by(
            "account__external_id", "occurred_on", "kind", "summary", "owner__email"
        ).values_list(
            "account__external_id", "kind", "occurred_on", "owner__email", "summary",
            "outcome", "resolved_on",
        ),
    ]  # fmt: skip
    digest = hashlib.sha256()
    for rows in parts:
        for row in rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    models = [
        Account, Contact, Subscription, UsageRecord, Order, OrderLine, NPSResponse, Activity,
        Product, ProductFamily, BuyingMotive, SuccessStory, User, Team,
    ]  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_creates_the_demo_organisation():
    seed("--seed", "7", "--accounts", "0")

    counts = {role: User.objects.filter(role=role).count() for role in Role}
    assert counts == {Role.ADMIN: 1, Role.MANAGER: 2, Role.REP: 8, Role.CUSTOMER_SUCCESS: 3}
    assert Team.objects.count() == 2
    assert set(Team.objects.values_list("manager__role", flat=True)) == {Role.MANAGER}
    assert not User.objects.filter(role__in=[Role.REP, Role.CUSTOMER_SUCCESS], team=None).exists()
    assert User.objects.get(email="rep1@example.com").get_full_name() == "高橋 翔太"


def test_seed_demo_twice_changes_nothing():
    seed("--seed", "7", "--accounts", str(ACCOUNTS))
    first = snapshot(), table_counts(), data_digest()

    output = seed("--seed", "7", "--accounts", str(ACCOUNTS))

    assert (snapshot(), table_counts(), data_digest()) == first
    assert "0 new accounts" in output


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    seed("--seed", "7", "--accounts", str(ACCOUNTS))
    first = data_digest()
    Account.objects.all().delete()

    seed("--seed", "7", "--accounts", str(ACCOUNTS))
    assert data_digest() == first

    Account.objects.all().delete()
    seed("--seed", "8", "--accounts", str(ACCOUNTS))
    assert data_digest() != first


def test_a_larger_run_adds_the_missing_accounts_and_keeps_the_first():
    seed("--accounts", "40")
    first_forty = list(Account.objects.order_by("external_id").values_list("external_id", "name"))

    seed("--accounts", "60")

    assert Account.objects.count() == 60
    assert (
        list(Account.objects.order_by("external_id").values_list("external_id", "name")[:40])
        == first_forty
    )


def test_catalogue_has_three_families_of_four_tiers_and_six_add_ons():
    seed("--accounts", "0")

    plans = Product.objects.filter(kind=Product.Kind.PLAN)
    assert ProductFamily.objects.count() == 3
    for family in ProductFamily.objects.all():
        tiers = list(plans.filter(family=family).order_by("tier_rank"))
        assert [plan.tier_rank for plan in tiers] == [1, 2, 3, 4]
        # A higher tier costs more, includes more, and charges less per extra unit.
        for lower, higher in itertools.pairwise(tiers):
            assert lower.monthly_price < higher.monthly_price
            assert lower.included_usage < higher.included_usage
            assert lower.overage_unit_price > higher.overage_unit_price
        assert all(plan.usage_unit for plan in tiers)
    add_ons = Product.objects.filter(kind=Product.Kind.ADD_ON)
    assert add_ons.count() == 6
    assert not add_ons.filter(complements=None).exists()
    assert not add_ons.filter(complements__kind=Product.Kind.ADD_ON).exists()
    assert not Product.objects.filter(motives=None).exists()
    assert set(BuyingMotive.objects.values_list("name", flat=True)) >= {
        "リード獲得",
        "顧客維持",
        "業務効率化",
    }
    assert set(SuccessStory.objects.values_list("industry", flat=True)) == set(Industry.values)


def test_accounts_cover_every_choice_with_valid_numbers_and_readings():
    seed("--accounts", str(ACCOUNTS))

    accounts = Account.objects.all()
    assert accounts.count() == ACCOUNTS
    assert set(accounts.values_list("industry", flat=True)) == set(Industry.values)
    assert set(accounts.values_list("region", flat=True)) == set(Prefecture.values)
    assert set(accounts.values_list("growth_stage", flat=True)) == set(GrowthStage.values)
    assert set(accounts.values_list("fiscal_closing_month", flat=True)) == set(range(1, 13))
    for account in accounts:
        validate_kana(account.name_kana)
        if account.corporate_number:
            validate_corporate_number(account.corporate_number)
    for kana in Contact.objects.values_list("name_kana", flat=True):
        validate_kana(kana)
    # One primary contact per account, and between one and four contacts.
    per_account = accounts.annotate(
        people=Count("contacts"), primaries=Count("contacts", filter=Q(contacts__is_primary=True))
    )
    assert {row.primaries for row in per_account} == {1}
    assert {row.people for row in per_account} <= {1, 2, 3, 4}
    assert Contact.objects.filter(is_decision_maker=True).exists()
    assert accounts.filter(do_not_contact=True).exists()
    assert accounts.exclude(quiet_until=None).exists()


def test_accounts_belong_to_demo_reps_and_cs_of_the_same_team():
    seed("--accounts", str(ACCOUNTS))

    reps = set(User.objects.filter(role=Role.REP, email__endswith="@example.com"))
    owners = {account.owner for account in Account.objects.select_related("owner")}
    assert owners == reps  # every rep has accounts, and only reps own them
    cs_owners = set(Account.objects.exclude(cs_owner=None).values_list("cs_owner__role", flat=True))
    assert cs_owners == {Role.CUSTOMER_SUCCESS}
    assert (
        not Account.objects.exclude(cs_owner=None).exclude(cs_owner__team=F("owner__team")).exists()
    )


def test_subscriptions_usage_and_history_are_relative_to_today():
    seed("--accounts", str(ACCOUNTS))
    today = timezone.localdate()

    active = Subscription.objects.filter(status=Subscription.Status.ACTIVE)
    assert not active.filter(renewal_on__lte=today).exists()
    assert not active.filter(renewal_on__gt=today + datetime.timedelta(days=365)).exists()
    # Renewals spread over the year ahead, not bunched in one month.
    assert active.values("renewal_on__month").distinct().count() == 12
    trials = Subscription.objects.filter(status=Subscription.Status.TRIAL)
    assert trials.filter(trial_ends_on__lte=today + datetime.timedelta(days=7)).exists()
    assert not trials.filter(trial_ends_on__lt=today).exists()
    assert Subscription.objects.filter(status=Subscription.Status.CANCELLED).exists()

    assert UsageRecord.objects.aggregate(last=Max("date"))["last"] == today
    first = today - datetime.timedelta(days=364)
    assert not UsageRecord.objects.filter(date__lt=first).exists()
    # Every metered plan has a day of usage for each day it was live in the last year.
    for subscription in Subscription.objects.filter(
        status=Subscription.Status.ACTIVE, product__kind=Product.Kind.PLAN
    ).annotate(days=Count("usage_records")):
        expected = (today - max(subscription.started_on, first)).days + 1
        assert subscription.days == expected

    orders = Order.objects.all()
    assert orders.aggregate(last=Max("ordered_on"))["last"] <= today
    assert not orders.filter(ordered_on__lt=today - datetime.timedelta(days=730)).exists()
    assert orders.annotate(n=Count("lines")).filter(n__gt=1).exists()  # bundles
    for order in orders.annotate(sum=Sum("lines__unit_price")):
        assert order.total == order.sum


def test_usage_has_customers_over_their_limit_and_growing_and_declining():
    seed("--accounts", str(ACCOUNTS))
    today = timezone.localdate()
    last_30 = Q(usage_records__date__gt=today - datetime.timedelta(days=30))
    year_ago = Q(
        usage_records__date__lte=today - datetime.timedelta(days=335),
        usage_records__date__gt=today - datetime.timedelta(days=365),
    )
    counted = Subscription.objects.filter(
        status=Subscription.Status.ACTIVE,
        product__kind=Product.Kind.PLAN,
        started_on__lte=today - datetime.timedelta(days=365),
    ).exclude(product__family__code="salesnavi")
    rows = counted.annotate(
        recent=Sum("usage_records__quantity", filter=last_30),
        before=Sum("usage_records__quantity", filter=year_ago),
    ).values_list("recent", "before", "product__included_usage")

    over = [recent for recent, _before, included in rows if recent > included]
    grown = [recent for recent, before, _included in rows if recent > 2 * before]
    shrunk = [recent for recent, before, _included in rows if recent < before / 2]
    assert over and grown and shrunk


def test_nps_has_every_category_and_activities_include_open_complaints():
    seed("--accounts", str(ACCOUNTS))

    categories = {
        nps_category(score) for score in NPSResponse.objects.values_list("score", flat=True)
    }
    assert categories == set(NPSCategory)
    assert NPSResponse.objects.exclude(comment="").exists()
    kinds = set(Activity.objects.values_list("kind", flat=True))
    assert {Activity.Kind.CALL, Activity.Kind.MEETING, Activity.Kind.VISIT} <= kinds
    complaints = Activity.objects.filter(kind=Activity.Kind.COMPLAINT)
    assert complaints.filter(resolved_on=None).exists()
    assert complaints.exclude(resolved_on=None).exists()
    assert not complaints.filter(resolved_on__lt=F("occurred_on")).exists()


# 41 statements however many accounts: finding the 14 demo users and 2 teams (17), the
# catalogue (4), the existing demo accounts and the teams of their owners (2), and per chunk
# of 2,000 accounts a savepoint and its release (2) with, for each of accounts, contacts,
# subscriptions and orders, one insert and one query for the new keys (8) plus an audit
# history insert for the first three (3), then one insert each for order lines, NPS
# answers, activities and usage (4). On PostgreSQL the inserts are COPY and count as none.
# The demo pipeline is seeded once, on the first 30 accounts, through the opportunity
# services; later runs only load those accounts and find it there (2), in a savepoint (2).
# The demo campaigns likewise: one query finds them there, in a savepoint (2 + 1).
# Demo QBRs likewise: their 20 accounts loaded and found to have QBRs already (2).
# The demo offer history likewise: its 60 accounts loaded and found to have cards (2).
# On PostgreSQL, one ANALYZE after the bulk load, for the planner (1).
# The year of history for the reports likewise: one query finds its old offer cards (1).
QUERIES_PER_RUN = 41 + 4 + 3 + 2 + 2 + 1 + 1


def test_bulk_run_writes_without_a_query_per_account(django_assert_max_num_queries):
    seed("--accounts", "30", "--seed", "3")  # and the fixed-size demo pipeline on them

    with django_assert_max_num_queries(QUERIES_PER_RUN):
        seed("--accounts", "100", "--seed", "3")  # 70 more accounts
    with django_assert_max_num_queries(QUERIES_PER_RUN):
        seed("--accounts", "300", "--seed", "3")  # 200 more accounts: the same statements

    assert Account.objects.count() == 300
    assert Contact.objects.count() >= 300
    assert Subscription.objects.count() >= 300
    assert UsageRecord.objects.count() > 300 * 200
    assert Activity.objects.count() > 300
    assert OrderLine.objects.count() >= Order.objects.count() > 300
    assert Account.history.filter(history_type="+").count() == 300
    assert Subscription.history.count() == Subscription.objects.count()


@pytest.mark.parametrize(
    "detailed",
    [
        30,  # --accounts 100000: 7,000 accounts' worth of daily usage, a 7 % share
        3,  # --accounts 1000000: 7,000 would be 0.7 %; the share stays USAGE_DETAIL_SHARE
    ],
)
def test_many_accounts_keep_about_fifty_rows_each(monkeypatch, detailed):
    # A stand-in for a benchmark's scale: daily usage detailed for `detailed` of 300
    # accounts' worth of metered subscriptions.
    monkeypatch.setattr(demo_accounts, "USAGE_DETAIL_ACCOUNTS", detailed)
    output = seed("--accounts", "300")

    rows = sum(
        model.objects.count()
        for model in (Contact, Subscription, UsageRecord, Order, OrderLine, NPSResponse, Activity)
    )
    assert 30 * 300 < rows < 80 * 300
    assert "300 new accounts" in output
