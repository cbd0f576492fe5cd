"""Demo customers: accounts with their contacts, subscriptions, daily usage, orders, NPS
answers and activities, generated from a seed and written in bulk.

Account number n (external id DEMO-000n) is drawn from its own generator seeded with
(seed, n), so its content does not depend on which other accounts are created in the same
run. Dates are offsets from `today`: the same seed gives the same data on the same day, and
data that looks current on any day. A latent "health" per account ties the story together:
healthy customers grow, answer NPS as promoters and rarely complain; unhealthy ones
decline, detract, complain and cancel, which is what the loyalty score has to find.

Existing accounts are recognised by external id and skipped with everything under them, so
a second run creates nothing. Writes go per chunk of accounts, each chunk in its own
transaction: parents with `bulk_create` (which returns their keys), the many child rows
with COPY or one executemany (see rows.py). No query is made per account.
"""

import datetime
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.utils import timezone

from accounts.choices import GrowthStage, Industry, Prefecture, RevenueBand, SizeBand, size_band
from accounts.models import (
    Account,
    Activity,
    Contact,
    NPSResponse,
    Order,
    OrderLine,
    Subscription,
    UsageRecord,
)
from accounts.nps import nps_category
from crm.users.models import Team, User

from .catalogue import FAMILIES, Catalogue
from .names import (
    COMPANY_WORDS,
    CONTACT_ROLES,
    DEFAULT_LEGAL_FORM,
    FAMILY_NAMES,
    GIVEN_NAMES,
    INDUSTRY_LEGAL_FORMS,
    INDUSTRY_SUFFIXES,
    REGION_WORDS,
)
from .narratives import ACTIVITY_TEXTS, NPS_COMMENTS
from .rows import instances_insert, rows_insert
from .usage import HISTORY_DAYS, UsagePattern, UsagePlan, daily_usage

EXTERNAL_ID_PREFIX = "DEMO-"
HISTORY_REASON = "demo data"
# 2,000 accounts ≈ 1M generated rows at full detail: a transaction of a few seconds that
# fits comfortably in memory; a failed run resumes at the chunk it stopped in.
CHUNK_ACCOUNTS = 2_000
BATCH_SIZE = 2_000
# Up to this many accounts every metered subscription gets a year of daily usage; beyond
# it only a USAGE_DETAIL_ACCOUNTS / accounts share of them does, and never less than
# USAGE_DETAIL_SHARE, which keeps a benchmark near 50 rows per account at any scale (about
# 5M rows at 100,000 accounts, 50M at a million) instead of 500.
USAGE_DETAIL_ACCOUNTS = 7_000
USAGE_DETAIL_SHARE = 0.07
ORDER_HISTORY_DAYS = 730
# Below this health a customer cancels, escalates and asks not to be contacted more often.
LOW_HEALTH = 0.35
SEAT_FAMILY = "salesnavi"  # its usage is users active per day, limited by contracted seats
BUSY_SEASON_FAMILY = "keiri-cloud"  # accounting is busiest in the closing month and the next

INDUSTRY_WEIGHTS = {
    Industry.CONSTRUCTION: 9,
    Industry.MANUFACTURING: 14,
    Industry.RETAIL: 9,
    Industry.WHOLESALE: 7,
    Industry.IT_SOFTWARE: 12,
    Industry.EDUCATION: 7,
    Industry.HEALTHCARE: 7,
    Industry.PROFESSIONAL_SERVICES: 8,
    Industry.REAL_ESTATE: 5,
    Industry.FINANCE: 4,
    Industry.LOGISTICS: 5,
    Industry.HOSPITALITY: 5,
    Industry.MEDIA: 4,
    Industry.PUBLIC: 2,
    Industry.OTHER: 2,
}
# Which family an industry starts with: (leadboost, salesnavi, keiri-cloud).
FAMILY_AFFINITY = {
    Industry.CONSTRUCTION: (1, 3, 5),
    Industry.MANUFACTURING: (2, 5, 3),
    Industry.RETAIL: (5, 1, 3),
    Industry.WHOLESALE: (1, 5, 3),
    Industry.IT_SOFTWARE: (5, 4, 2),
    Industry.EDUCATION: (6, 1, 3),
    Industry.HEALTHCARE: (4, 1, 4),
    Industry.PROFESSIONAL_SERVICES: (2, 2, 6),
    Industry.REAL_ESTATE: (4, 4, 2),
    Industry.FINANCE: (2, 4, 4),
    Industry.LOGISTICS: (1, 4, 4),
    Industry.HOSPITALITY: (5, 1, 3),
    Industry.MEDIA: (5, 3, 2),
    Industry.PUBLIC: (2, 1, 5),
    Industry.OTHER: (3, 3, 3),
}
SIZE_WEIGHTS = {
    SizeBand.MICRO: 25,
    SizeBand.SMALL: 35,
    SizeBand.MEDIUM: 20,
    SizeBand.LARGE: 13,
    SizeBand.ENTERPRISE: 7,
}
SIZE_EMPLOYEES = {
    SizeBand.MICRO: (2, 19),
    SizeBand.SMALL: (20, 99),
    SizeBand.MEDIUM: (100, 299),
    SizeBand.LARGE: (300, 999),
    SizeBand.ENTERPRISE: (1000, 8000),
}
SIZE_REVENUE = {
    SizeBand.MICRO: (RevenueBand.UNDER_100M,),
    SizeBand.SMALL: (RevenueBand.UNDER_100M, RevenueBand.FROM_100M),
    SizeBand.MEDIUM: (RevenueBand.FROM_100M, RevenueBand.FROM_1B),
    SizeBand.LARGE: (RevenueBand.FROM_1B,),
    SizeBand.ENTERPRISE: (RevenueBand.FROM_1B, RevenueBand.OVER_10B),
}
# The tier a company of this size starts on, before a ±1 nudge.
SIZE_TIER = {
    SizeBand.MICRO: 1,
    SizeBand.SMALL: 1,
    SizeBand.MEDIUM: 2,
    SizeBand.LARGE: 3,
    SizeBand.ENTERPRISE: 4,
}
SIZE_CONTACTS = {
    SizeBand.MICRO: (1, 2),
    SizeBand.SMALL: (1, 3),
    SizeBand.MEDIUM: (2, 3),
    SizeBand.LARGE: (2, 4),
    SizeBand.ENTERPRISE: (3, 4),
}
SIZE_ACTIVITIES_A_YEAR = {
    SizeBand.MICRO: 3,
    SizeBand.SMALL: 5,
    SizeBand.MEDIUM: 8,
    SizeBand.LARGE: 11,
    SizeBand.ENTERPRISE: 14,
}
STAGE_WEIGHTS = {  # by size band: (pre-revenue, startup, growth, mature)
    SizeBand.MICRO: (12, 35, 30, 23),
    SizeBand.SMALL: (4, 25, 40, 31),
    SizeBand.MEDIUM: (0, 10, 40, 50),
    SizeBand.LARGE: (0, 3, 32, 65),
    SizeBand.ENTERPRISE: (0, 0, 25, 75),
}
PREFECTURE_WEIGHTS = {
    Prefecture.TOKYO: 14,
    Prefecture.OSAKA: 8,
    Prefecture.KANAGAWA: 6,
    Prefecture.AICHI: 6,
    Prefecture.SAITAMA: 4,
    Prefecture.CHIBA: 4,
    Prefecture.HYOGO: 4,
    Prefecture.FUKUOKA: 4,
    Prefecture.HOKKAIDO: 3,
    Prefecture.KYOTO: 2.5,
    Prefecture.SHIZUOKA: 2.5,
    Prefecture.HIROSHIMA: 2,
    Prefecture.MIYAGI: 2,
}
# Prefectures from Mie westwards belong to the Osaka team, the rest to Tokyo.
WEST_FROM = Prefecture.MIE
# Most Japanese companies close their books in March, the next most in December.
CLOSING_MONTH_WEIGHTS = [1, 1, 6, 1, 1, 1, 1, 1, 1, 1, 1, 2]
ACTIVITY_KIND_WEIGHTS = {
    Activity.Kind.CALL: 30,
    Activity.Kind.EMAIL: 25,
    Activity.Kind.MEETING: 15,
    Activity.Kind.VISIT: 8,
    Activity.Kind.SUPPORT_TICKET: 12,
}
STATUSES = (Subscription.Status.TRIAL, Subscription.Status.CANCELLED, Subscription.Status.ACTIVE)
CS_KINDS = (Activity.Kind.SUPPORT_TICKET, Activity.Kind.COMPLAINT, Activity.Kind.ESCALATION)


@dataclass(frozen=True)
class DemoStaff:
    """Who demo accounts are given to: reps and CS users by team name."""

    reps: dict[str, list[User]]
    cs: dict[str, list[User]]
    east_team: str
    west_team: str


@dataclass
class SubscriptionDraft:
    subscription: Subscription
    family: str | None
    usage: np.ndarray | None = None
    usage_first_day: datetime.date | None = None


@dataclass
class OrderDraft:
    order: Order
    lines: list[tuple[int, int]]  # (product id, unit price); quantity is one annual contract


@dataclass
class AccountDraft:
    """One account and everything under it, unsaved; child rows hold their parent objects."""

    account: Account
    contacts: list[Contact] = field(default_factory=list)
    subscriptions: list[SubscriptionDraft] = field(default_factory=list)
    orders: list[OrderDraft] = field(default_factory=list)
    nps: list[tuple[Contact | None, int, str, datetime.date]] = field(default_factory=list)
    # (kind, date, owner id, summary, outcome, resolved on)
    activities: list[tuple] = field(default_factory=list)


@dataclass
class SeedCounts:
    """What a seed run created."""

    accounts: int = 0
    contacts: int = 0
    subscriptions: int = 0
    usage_records: int = 0
    orders: int = 0
    order_lines: int = 0
    nps_responses: int = 0
    activities: int = 0

    def add(self, other: "SeedCounts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def rows(self) -> int:
        return sum(getattr(self, name) for name in self.__dataclass_fields__)


def external_id(number: int) -> str:
    return f"{EXTERNAL_ID_PREFIX}{number:06d}"


def seed_accounts(
    *,
    seed: int,
    count: int,
    today: datetime.date,
    catalogue: Catalogue,
    staff: DemoStaff,
    chunk_size: int = CHUNK_ACCOUNTS,
) -> SeedCounts:
    """Create demo accounts 1…`count` that do not exist yet, one transaction per chunk."""
    existing = set(
        Account.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX).values_list(
            "external_id", flat=True
        )
    )
    missing = [n for n in range(1, count + 1) if external_id(n) not in existing]
    generator = AccountGenerator(
        seed=seed,
        today=today,
        catalogue=catalogue,
        staff=staff,
        usage_share=min(1.0, max(USAGE_DETAIL_SHARE, USAGE_DETAIL_ACCOUNTS / max(count, 1))),
    )
    counts = SeedCounts()
    for start in range(0, len(missing), chunk_size):
        drafts = [generator.draft(n) for n in missing[start : start + chunk_size]]
        counts.add(_drafts_write(drafts, today=today))
    return counts


class AccountGenerator:
    """Draws account number n and everything under it from the seed; writes nothing."""

    def __init__(
        self,
        *,
        seed: int,
        today: datetime.date,
        catalogue: Catalogue,
        staff: DemoStaff,
        usage_share: float,
    ):
        self.seed = seed
        self.today = today
        self.catalogue = catalogue
        self.staff = staff
        self.usage_share = usage_share
        self.prefectures = list(Prefecture)
        self.prefecture_weights = [PREFECTURE_WEIGHTS.get(p, 1) for p in self.prefectures]

    def draft(self, number: int) -> AccountDraft:
        rng = random.Random(f"demo-account:{self.seed}:{number}")
        health = rng.betavariate(4, 2)  # mean 0.67: most customers are fine, some are not
        account, domain = self._account(rng, number, health)
        draft = AccountDraft(account=account)
        draft.contacts = self._contacts(rng, account, domain)
        draft.subscriptions = self._subscriptions(rng, account, health)
        for index, sub in enumerate(draft.subscriptions, start=1):
            sub.subscription.external_id = f"{account.external_id}-S{index}"
        draft.orders = self._orders(account, draft.subscriptions)
        draft.nps = self._nps(rng, draft.contacts, health)
        draft.activities = self._activities(rng, account, draft.subscriptions, health)
        return draft

    def _days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    # The first accounts take each choice in turn, so every industry, size, stage,
    # prefecture and closing month appears even in a small data set; later ones draw.
    @staticmethod
    def _cover(rng: random.Random, number: int, options: Sequence, weights: Sequence[float]):
        if number <= len(options):
            return options[number - 1]
        return rng.choices(options, weights)[0]

    def _account(self, rng: random.Random, number: int, health: float) -> tuple[Account, str]:
        """The account, and the email domain of its people."""
        industry = self._cover(rng, number, list(Industry), [INDUSTRY_WEIGHTS[i] for i in Industry])
        size = self._cover(rng, number, list(SizeBand), [SIZE_WEIGHTS[band] for band in SizeBand])
        stage = self._cover(rng, number, list(GrowthStage), STAGE_WEIGHTS[size])
        region = self._cover(rng, number, self.prefectures, self.prefecture_weights)
        closing_month = self._cover(rng, number, range(1, 13), CLOSING_MONTH_WEIGHTS)
        low, high = SIZE_EMPLOYEES[size]
        employees = round(math.exp(rng.uniform(math.log(low), math.log(high))))
        name, kana, slug = self._company_name(rng, industry)
        team = self.staff.west_team if region >= WEST_FROM else self.staff.east_team
        cs_users = self.staff.cs[team]
        quiet = rng.random() < 0.04
        account = Account(
            external_id=external_id(number),
            name=name,
            name_kana=kana,
            corporate_number="" if rng.random() < 0.05 else _corporate_number(rng),
            industry=industry,
            employee_count=min(max(employees, low), high),
            revenue_band=rng.choice(SIZE_REVENUE[size])
            if stage != GrowthStage.PRE_REVENUE
            else RevenueBand.UNDER_100M,
            growth_stage=stage,
            region=region,
            fiscal_closing_month=closing_month,
            owner=rng.choice(self.staff.reps[team]),
            cs_owner=rng.choice(cs_users) if cs_users and rng.random() < 0.85 else None,
            do_not_contact=rng.random() < 0.01 + 0.04 * (health < LOW_HEALTH),
            quiet_until=self.today + datetime.timedelta(days=rng.randint(14, 120))
            if quiet
            else None,
        )
        return account, f"{slug}-{number}.example.co.jp"

    @staticmethod
    def _company_name(rng: random.Random, industry: str) -> tuple[str, str, str]:
        """(name, kana reading without the legal form, romaji slug for the email domain)."""
        word, kana, slug = rng.choice(COMPANY_WORDS)
        suffix, suffix_kana, suffix_slug = rng.choice(INDUSTRY_SUFFIXES[industry])
        if rng.random() < 0.2:
            region, region_kana, region_slug = rng.choice(REGION_WORDS)
            word, kana, slug = region + word, region_kana + kana, f"{region_slug}-{slug}"
        legal_form = rng.choice(INDUSTRY_LEGAL_FORMS.get(industry, [DEFAULT_LEGAL_FORM]))
        body, kana, slug = word + suffix, kana + suffix_kana, f"{slug}-{suffix_slug}"
        # 株式会社 goes before the name about two times in three, after it otherwise.
        if legal_form == DEFAULT_LEGAL_FORM and rng.random() < 0.35:
            return f"{body}{legal_form}", kana, slug
        return f"{legal_form}{body}", kana, slug

    def _contacts(self, rng: random.Random, account: Account, domain: str) -> list[Contact]:
        low, high = SIZE_CONTACTS[size_band(account.employee_count)]
        roles = rng.sample(CONTACT_ROLES, rng.randint(low, high))
        contacts = []
        for index, (department, title, decides) in enumerate(roles):
            family, family_kana, family_romaji = rng.choice(FAMILY_NAMES)
            given, given_kana, given_romaji = rng.choice(GIVEN_NAMES)
            contacts.append(
                Contact(
                    external_id=f"{account.external_id}-C{index + 1}",
                    account=account,
                    name=f"{family} {given}",
                    name_kana=f"{family_kana} {given_kana}",
                    title=title,
                    department=department,
                    email=f"{given_romaji}.{family_romaji}@{domain}",
                    phone=_mobile_number(rng),
                    is_decision_maker=decides,
                    is_primary=index == 0,
                )
            )
        return contacts

    def _subscriptions(
        self, rng: random.Random, account: Account, health: float
    ) -> list[SubscriptionDraft]:
        size = size_band(account.employee_count)
        codes = [family.code for family in FAMILIES]
        primary = rng.choices(codes, FAMILY_AFFINITY[account.industry])[0]
        others = [code for code in codes if code != primary]
        rng.shuffle(others)
        families = [primary]
        if rng.random() < 0.2 + 0.3 * health:  # cross-sold before
            families.append(others[0])
            if rng.random() < 0.25 * health:
                families.append(others[1])
        drafts = []
        for index, family in enumerate(families):
            tier = min(4, max(1, SIZE_TIER[size] + rng.choice((-1, 0, 0, 1))))
            if account.growth_stage == GrowthStage.PRE_REVENUE:
                tier = 1
            # The first product is what they bought first: mostly live, lost when unhappy;
            # others were cross-sold since, and some of those are trials now.
            low = health < LOW_HEALTH
            weights = (5, 40 * low, 95) if index == 0 else (20, 10 + 30 * low, 70)
            status = rng.choices(STATUSES, weights)[0]
            drafts.append(self._plan_subscription(rng, account, family, tier, status, health))
        drafts += self._add_ons(rng, account, drafts, health)
        return drafts

    @staticmethod
    def _pattern(rng: random.Random, account: Account, tier: int, health: float) -> UsagePattern:
        expanding = account.growth_stage in (GrowthStage.STARTUP, GrowthStage.GROWTH)
        weights = {
            UsagePattern.STEADY: 40,
            UsagePattern.GROWING: 12 + 18 * expanding,
            UsagePattern.DECLINING: 5 + 60 * (1 - health) ** 2,
            UsagePattern.NEAR_LIMIT: 15,
            UsagePattern.OVER_LIMIT: 8,
            UsagePattern.OUTGROWN: 6 * (tier < 4),
        }
        return rng.choices(list(weights), list(weights.values()))[0]

    def _plan_subscription(
        self,
        rng: random.Random,
        account: Account,
        family: str,
        tier: int,
        status: str,
        health: float,
    ) -> SubscriptionDraft:
        plan = self.catalogue.plan(family, tier)
        included = int(plan.included_usage)
        overage = int(plan.overage_unit_price)
        if status == Subscription.Status.TRIAL:
            pattern = rng.choice((UsagePattern.STEADY, UsagePattern.GROWING))
        elif status == Subscription.Status.CANCELLED:
            pattern = UsagePattern.DECLINING
        else:
            pattern = self._pattern(rng, account, tier, health)
        usage_plan = UsagePlan.draw(rng, pattern)
        subscription = self._dated(rng, Subscription(account=account, product=plan), status)
        if family == SEAT_FAMILY:
            # Seats are contracted: the extra seats over the plan's are paid every month.
            extra = round(included * max(0.0, usage_plan.end - 1 + rng.uniform(-0.3, 0.2)))
            subscription.quantity = included + extra
            subscription.monthly_amount = plan.monthly_price + extra * overage
            subscription.billing_model = Subscription.BillingModel.FLAT
            limit, is_level = subscription.quantity, True
            usage_plan = UsagePlan(
                pattern,
                usage_plan.start * included / subscription.quantity,
                min(usage_plan.end, 1.0),
            )
        elif tier == 1 and rng.random() < 0.25:
            # Pay-as-you-go: every unit at the overage price, no monthly fee.
            subscription.billing_model = Subscription.BillingModel.PAY_AS_YOU_GO
            subscription.monthly_amount = max(1, round(included * usage_plan.end * overage))
            limit, is_level = included, False
        else:
            subscription.billing_model = Subscription.BillingModel.USAGE_BASED
            subscription.monthly_amount = plan.monthly_price
            limit, is_level = included, False
        draft = SubscriptionDraft(subscription=subscription, family=family)
        usage_seed = rng.getrandbits(63)
        if rng.random() < self.usage_share:
            window_start = self._days_ago(HISTORY_DAYS - 1)
            closing = account.fiscal_closing_month
            draft.usage_first_day = max(subscription.started_on, window_start)
            draft.usage = daily_usage(
                plan=usage_plan,
                seed=usage_seed,
                today=self.today,
                first_day=draft.usage_first_day,
                last_day=subscription.cancelled_on or self.today,
                limit=limit,
                is_level=is_level,
                busy_months=frozenset({closing, closing % 12 + 1})
                if family == BUSY_SEASON_FAMILY
                else frozenset(),
            )
        return draft

    def _dated(self, rng: random.Random, subscription: Subscription, status: str) -> Subscription:
        """Set status and dates: renewals fall on start anniversaries within the next year."""
        if status == Subscription.Status.TRIAL:
            # Four trials in ten end within the next eight days: the natural moment to offer.
            age = rng.randint(22, 29) if rng.random() < 0.4 else rng.randint(0, 21)
            subscription.started_on = self._days_ago(age)
            subscription.trial_ends_on = subscription.started_on + datetime.timedelta(days=30)
            subscription.renewal_on = subscription.trial_ends_on
        elif status == Subscription.Status.CANCELLED:
            age = rng.randint(200, 1400)
            subscription.started_on = self._days_ago(age)
            # Half of the losses are recent (what the loyalty score weighs), the rest spread
            # over the subscription's life (what the cohort retention report measures).
            latest = min(330, age - 60) if rng.random() < 0.5 else age - 60
            subscription.cancelled_on = self._days_ago(rng.randint(15, latest))
        else:
            status = Subscription.Status.ACTIVE
            age = rng.randint(30, 1400)
            subscription.started_on = self._days_ago(age)
            subscription.renewal_on = subscription.started_on + datetime.timedelta(
                days=365 * (age // 365 + 1)
            )
        subscription.status = status
        subscription.quantity = 1
        subscription.monthly_amount = subscription.product.monthly_price
        subscription.billing_model = Subscription.BillingModel.FLAT
        return subscription

    def _add_ons(
        self,
        rng: random.Random,
        account: Account,
        plans: list[SubscriptionDraft],
        health: float,
    ) -> list[SubscriptionDraft]:
        """Add-ons complementing active plans, half of them bought together with the plan."""
        drafts: list[SubscriptionDraft] = []
        chosen: set[int] = set()
        for plan in plans:
            subscription = plan.subscription
            if subscription.status != Subscription.Status.ACTIVE:
                continue
            for add_on in self.catalogue.add_ons_for(plan.family):
                if len(chosen) == 3 or add_on.pk in chosen or rng.random() > 0.1 + 0.25 * health:
                    continue
                chosen.add(add_on.pk)
                add_on_subscription = self._dated(
                    rng, Subscription(account=account, product=add_on), Subscription.Status.ACTIVE
                )
                if rng.random() < 0.5:
                    add_on_subscription.started_on = subscription.started_on
                    add_on_subscription.renewal_on = subscription.renewal_on
                drafts.append(SubscriptionDraft(subscription=add_on_subscription, family=None))
        return drafts

    def _orders(self, account: Account, subscriptions: list[SubscriptionDraft]) -> list[OrderDraft]:
        """An annual-contract order on each start and anniversary in the last two years;
        what starts on the same day is one order, so bundles show up as such."""
        history_start = self._days_ago(ORDER_HISTORY_DAYS)
        lines_by_day: dict[datetime.date, list[tuple[int, int]]] = {}
        for draft in subscriptions:
            subscription = draft.subscription
            if subscription.status == Subscription.Status.TRIAL:
                continue
            last = subscription.cancelled_on or self.today
            day = subscription.started_on
            while day <= last:
                if day >= history_start:
                    line = (subscription.product.pk, subscription.monthly_amount * 12)
                    lines_by_day.setdefault(day, []).append(line)
                day += datetime.timedelta(days=365)
        return [
            OrderDraft(
                order=Order(
                    external_id=f"{account.external_id}-O{index}",
                    account=account,
                    ordered_on=day,
                    total=sum(price for _product, price in lines),
                ),
                lines=lines,
            )
            for index, (day, lines) in enumerate(sorted(lines_by_day.items()), start=1)
        ]

    def _nps(self, rng: random.Random, contacts: list[Contact], health: float) -> list[tuple]:
        """A survey each half year over two years, sent to customers through the half year
        (so every month has answers); healthier customers answer more and higher."""
        answers = []
        for survey in range(4):
            if rng.random() > 0.45 + 0.3 * health:
                continue
            score = min(10, max(0, round(rng.gauss(2.5 + 8.5 * health, 1.3))))
            answered_on = self._days_ago(3 + 182 * survey + rng.randint(0, 175))
            contact = rng.choice(contacts) if rng.random() < 0.9 else None
            comment = rng.choice(NPS_COMMENTS[nps_category(score)])
            answers.append((contact, score, comment, answered_on))
        return answers

    def _activities(
        self,
        rng: random.Random,
        account: Account,
        subscriptions: list[SubscriptionDraft],
        health: float,
    ) -> list[tuple]:
        base = SIZE_ACTIVITIES_A_YEAR[size_band(account.employee_count)]
        kinds = rng.choices(
            list(ACTIVITY_KIND_WEIGHTS),
            list(ACTIVITY_KIND_WEIGHTS.values()),
            k=rng.randint(base // 2, base * 3 // 2 + 1),
        )
        kinds += [Activity.Kind.COMPLAINT for _ in range(3) if rng.random() < (1 - health) * 0.5]
        if health < LOW_HEALTH and rng.random() < 0.4:
            kinds.append(Activity.Kind.ESCALATION)
        product = subscriptions[0].subscription.product.name
        owner_id, cs_id = account.owner.pk, account.cs_owner.pk if account.cs_owner else None
        activities = []
        for kind in kinds:
            age = rng.randint(0, HISTORY_DAYS - 1)
            summary, outcome = rng.choice(ACTIVITY_TEXTS[kind])
            resolved_on = None
            # Older complaints are mostly resolved; a recent one is often still open.
            if kind in Activity.NEGATIVE_KINDS and rng.random() < (0.9 if age > 30 else 0.4):
                resolved_on = self._days_ago(max(0, age - rng.randint(1, 20))).isoformat()
            activities.append(
                (
                    kind,
                    self._days_ago(age).isoformat(),
                    (cs_id or owner_id) if kind in CS_KINDS else owner_id,
                    summary.format(product=product),
                    outcome.format(product=product),
                    resolved_on,
                )
            )
        return activities


def _corporate_number(rng: random.Random) -> str:
    """A 13-digit corporate number with the check digit accounts.validators expects."""
    base = "".join(str(rng.randint(0, 9)) for _ in range(12))
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base), start=1))
    return f"{9 - total % 9}{base}"


def _mobile_number(rng: random.Random) -> str:
    return f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"


def demo_staff(users: dict[str, User], *, east_team: str, west_team: str) -> DemoStaff:
    """The demo reps and CS users by team, from the people seed_users() created."""
    team_names = dict(Team.objects.values_list("pk", "name"))
    reps: dict[str, list[User]] = {east_team: [], west_team: []}
    cs: dict[str, list[User]] = {east_team: [], west_team: []}
    for user in users.values():
        team_name = team_names.get(user.team_id)
        if team_name in reps and user.is_rep:
            reps[team_name].append(user)
        elif team_name in cs and user.is_customer_success:
            cs[team_name].append(user)
    return DemoStaff(reps=reps, cs=cs, east_team=east_team, west_team=west_team)


@transaction.atomic
def _drafts_write(drafts: list[AccountDraft], *, today: datetime.date) -> SeedCounts:
    """Write one chunk of accounts, in order: a fixed number of statements whatever its size."""
    now = timezone.now()
    accounts = [draft.account for draft in drafts]
    contacts = [contact for draft in drafts for contact in draft.contacts]
    subscriptions = [sub.subscription for draft in drafts for sub in draft.subscriptions]
    orders = [order for draft in drafts for order in draft.orders]
    for objects in (accounts, contacts, subscriptions, [order.order for order in orders]):
        _parents_insert(objects, now=now)

    counts = SeedCounts(
        accounts=len(accounts),
        contacts=len(contacts),
        subscriptions=len(subscriptions),
        orders=len(orders),
        order_lines=sum(len(order.lines) for order in orders),
        nps_responses=sum(len(draft.nps) for draft in drafts),
        activities=sum(len(draft.activities) for draft in drafts),
    )
    rows_insert(
        OrderLine,
        ["order", "product", "quantity", "unit_price"],
        ((o.order.pk, product, 1, price) for o in orders for product, price in o.lines),
    )
    rows_insert(
        NPSResponse,
        ["external_id", "account", "contact", "score", "comment", "answered_on"],
        (
            (
                f"{draft.account.external_id}-N{index}",
                draft.account.pk,
                contact.pk if contact else None,
                score,
                comment,
                answered_on.isoformat(),
            )
            for draft in drafts
            for index, (contact, score, comment, answered_on) in enumerate(draft.nps, start=1)
        ),
    )
    rows_insert(
        Activity,
        ["account", "kind", "occurred_on", "owner", "summary", "outcome", "resolved_on"],
        ((draft.account.pk, *activity) for draft in drafts for activity in draft.activities),
        constants={"created_at": now},
    )
    counts.usage_records = _usage_write(drafts, today=today)
    return counts


def _parents_insert(objs: list, *, now: datetime.datetime) -> None:
    """Insert rows others point to, then learn their keys from one query by external id;
    record their creation in the audit history if the model keeps one."""
    if not objs:
        return
    model = type(objs[0])
    names, rows = instances_insert(objs)
    # By the ids themselves, not a range of them: account 1,000,000 (DEMO-1000000) sorts
    # before DEMO-998001, so the last chunk of a million had an empty range.
    ids = [obj.external_id for obj in objs]
    keys = dict(model.objects.filter(external_id__in=ids).values_list("external_id", "pk"))
    for obj in objs:
        obj.pk = keys[obj.external_id]
    history = getattr(model, "history", None)
    if history is not None:
        # A historical row holds the same columns as its model's row, its id included.
        rows_insert(
            history.model,
            [*names, model._meta.pk.attname],
            ([*row, obj.pk] for row, obj in zip(rows, objs, strict=True)),
            constants={
                "history_date": now,
                "history_type": "+",
                "history_change_reason": HISTORY_REASON,
                "history_user": None,
            },
        )


def _usage_write(drafts: list[AccountDraft], *, today: datetime.date) -> int:
    window_start = today - datetime.timedelta(days=HISTORY_DAYS - 1)
    days = [(window_start + datetime.timedelta(days=i)).isoformat() for i in range(HISTORY_DAYS)]
    metered = [
        (draft.account.pk, sub)
        for draft in drafts
        for sub in draft.subscriptions
        if sub.usage is not None
    ]
    rows_insert(
        UsageRecord,
        ["account", "subscription", "date", "quantity"],
        _usage_rows(metered, days, window_start),
    )
    return sum(len(sub.usage) for _account, sub in metered)


def _usage_rows(
    metered: list[tuple[int, SubscriptionDraft]], days: list[str], window_start: datetime.date
) -> Iterator[tuple]:
    for account_id, sub in metered:
        offset = (sub.usage_first_day - window_start).days
        subscription_id = sub.subscription.pk
        for day, quantity in zip(days[offset:], sub.usage.tolist(), strict=False):
            yield account_id, subscription_id, day, quantity
