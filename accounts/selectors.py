"""Reads shared by the account pages, exports, and later the API and tasks; scoped to the user.

Every function starts from `visible_to(user)`, so a page can never show more than the user
may see, and runs a fixed number of queries whatever the number of rows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from crm.users.models import Role, Team, User

from .choices import SIZE_BAND_FLOORS, SizeBand
from .models import (
    Account,
    Activity,
    Contact,
    NPSResponse,
    Product,
    Subscription,
    UsageRecord,
)
from .nps import category_score_range, nps_count_aggregates, nps_from_counts

USAGE_WINDOW_DAYS = 30  # utilisation compares the last 30 days with one month's allowance
USAGE_SERIES_MONTHS = 12
TIMELINE_LIMIT = 50  # newest activities on the account page; older ones are rarely read there
HISTORY_LIMIT = 50  # newest audit entries on the account page (the admin keeps them all)


# --- the account list -------------------------------------------------------------------


@dataclass(frozen=True)
class AccountFilters:
    """What the account list and its exports are narrowed and sorted by; None means "any"."""

    q: str = ""
    industry: str | None = None
    owner: User | None = None
    team: Team | None = None
    size: str | None = None
    growth_stage: str | None = None
    nps_category: str | None = None
    sort: str = "kana"


# Sort keys the list offers, and the columns they order by (name breaks ties, then pk).
ACCOUNT_SORTS: dict[str, tuple[str, ...]] = {
    "kana": ("name_kana", "name", "pk"),
    "-kana": ("-name_kana", "-name", "-pk"),
    "industry": ("industry", "name_kana", "pk"),
    "employees": ("employee_count", "name_kana", "pk"),
    "-employees": ("-employee_count", "name_kana", "pk"),
    "mrr": ("mrr", "name_kana", "pk"),
    "-mrr": ("-mrr", "name_kana", "pk"),
    "nps": ("latest_nps_score", "name_kana", "pk"),
    "-nps": ("-latest_nps_score", "name_kana", "pk"),
    "-updated": ("-updated_at", "pk"),
}


def _employee_range(band: str) -> Q:
    floors = dict(SIZE_BAND_FLOORS)
    ordered = sorted(floors.values())
    floor = floors[SizeBand(band)]
    above = [f for f in ordered if f > floor]
    condition = Q(employee_count__gte=floor)
    if above:
        condition &= Q(employee_count__lt=above[0])
    return condition


def _narrowed(accounts: QuerySet[Account], filters: AccountFilters) -> QuerySet[Account]:
    """`accounts` narrowed by every filter but the NPS category (it needs the latest answer)."""
    if filters.q:
        for term in filters.q.split():
            accounts = accounts.filter(
                Q(name__icontains=term) | Q(name_kana__icontains=term) | Q(corporate_number=term)
            )
    if filters.industry:
        accounts = accounts.filter(industry=filters.industry)
    if filters.growth_stage:
        accounts = accounts.filter(growth_stage=filters.growth_stage)
    if filters.owner:
        accounts = accounts.filter(owner=filters.owner)
    if filters.team:
        # The team's accounts as its manager sees them: owned or CS-owned by a member.
        accounts = accounts.in_teams([filters.team])
    if filters.size:
        accounts = accounts.filter(_employee_range(filters.size))
    return accounts


def _latest_nps() -> QuerySet[NPSResponse]:
    return NPSResponse.objects.filter(account=OuterRef("pk")).order_by("-answered_on", "-pk")


def _in_nps_category(accounts: QuerySet[Account], category: str) -> QuerySet[Account]:
    low, high = category_score_range(category)
    return accounts.filter(latest_nps_score__gte=low, latest_nps_score__lte=high)


def accounts_filtered(*, user: User, filters: AccountFilters | None = None) -> QuerySet[Account]:
    """The accounts `user` may see, narrowed by `filters` like the list, without its columns
    and sort: for pages that show other columns (the whitespace grid)."""
    filters = filters or AccountFilters()
    accounts = _narrowed(Account.objects.visible_to(user), filters)
    if filters.nps_category:
        accounts = accounts.annotate(latest_nps_score=Subquery(_latest_nps().values("score")[:1]))
        accounts = _in_nps_category(accounts, filters.nps_category)
    return accounts


def account_list(*, user: User, filters: AccountFilters | None = None) -> QuerySet[Account]:
    """The accounts `user` may see, filtered and sorted, with what the list and exports show.

    Each row carries `mrr` (monthly amount of its live subscriptions), `latest_nps_score`
    and `latest_nps_on` as annotations, and its owner, CS owner and team, in one query.
    """
    filters = filters or AccountFilters()
    latest_nps = _latest_nps()
    mrr = (
        Subscription.objects.filter(account=OuterRef("pk"))
        .exclude(status=Subscription.Status.CANCELLED)
        .order_by()
        .values("account")
        .annotate(total=Sum("monthly_amount"))
        .values("total")
    )
    accounts = (
        Account.objects.visible_to(user)
        .select_related("owner__team", "cs_owner")
        .annotate(
            latest_nps_score=Subquery(latest_nps.values("score")[:1]),
            latest_nps_on=Subquery(latest_nps.values("answered_on")[:1]),
            mrr=Coalesce(Subquery(mrr, output_field=IntegerField()), Value(0)),
        )
    )
    accounts = _narrowed(accounts, filters)
    if filters.nps_category:
        accounts = _in_nps_category(accounts, filters.nps_category)
    return accounts.order_by(*ACCOUNT_SORTS.get(filters.sort, ACCOUNT_SORTS["kana"]))


def owner_choices(*, user: User) -> QuerySet[User]:
    """The people `user` may filter the list by or hand an account to."""
    people = User.objects.filter(is_active=True).exclude(role=Role.ADMIN)
    if user.is_admin:
        return people
    if user.is_manager:
        return people.filter(Q(team__manager=user) | Q(pk=user.pk))
    if user.team_id is None:
        return people.filter(pk=user.pk)
    return people.filter(team=user.team_id)


def team_choices(*, user: User) -> QuerySet[Team]:
    if user.is_admin:
        return Team.objects.all()
    if user.is_manager:
        return Team.objects.filter(manager=user)
    return Team.objects.filter(pk=user.team_id)


# --- one account ------------------------------------------------------------------------


def account_get(*, user: User, pk: int) -> Account:
    """The account if `user` may see it; 404 otherwise, exactly as for a missing one."""
    return get_object_or_404(
        Account.objects.visible_to(user).select_related("owner__team", "cs_owner"), pk=pk
    )


def contact_get(*, user: User, account: Account, pk: int) -> Contact:
    return get_object_or_404(Contact.objects.visible_to(user), account=account, pk=pk)


def subscription_get(*, user: User, account: Account, pk: int) -> Subscription:
    return get_object_or_404(
        Subscription.objects.visible_to(user).select_related("product"), account=account, pk=pk
    )


def activity_get(*, user: User, account: Account, pk: int) -> Activity:
    return get_object_or_404(Activity.objects.visible_to(user), account=account, pk=pk)


def nps_response_get(*, user: User, account: Account, pk: int) -> NPSResponse:
    return get_object_or_404(NPSResponse.objects.visible_to(user), account=account, pk=pk)


@dataclass(frozen=True)
class SubscriptionUsage:
    """A subscription with its use over the last 30 days against its monthly allowance."""

    subscription: Subscription
    used: Decimal
    allowance: Decimal | None

    @property
    def utilisation(self) -> float | None:
        """Percent of the allowance used; None when the plan has no allowance to measure."""
        if not self.allowance:
            return None
        return round(float(100 * self.used / self.allowance), 1)


@dataclass(frozen=True)
class UsageSeries:
    """Monthly usage of each subscription over the last 12 months, for a chart and a table."""

    months: list[datetime.date]
    rows: list[dict[str, Any]]  # {"label", "unit", "values": [one per month]}

    def table(self) -> list[tuple[datetime.date, list[Decimal]]]:
        """One row per month, one value per subscription: the chart's numbers as a table."""
        return [
            (month, [row["values"][i] for row in self.rows]) for i, month in enumerate(self.months)
        ]

    def chart_data(self) -> dict[str, Any]:
        return {
            "labels": [month.strftime("%Y-%m") for month in self.months],
            "datasets": [
                {"label": row["label"], "data": [float(v) for v in row["values"]]}
                for row in self.rows
            ],
        }


@dataclass(frozen=True)
class AuditChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class AuditEntry:
    """One saved version of the account, one of its contacts or one of its subscriptions."""

    when: datetime.datetime
    user: User | None
    action: str  # "+" created, "~" changed, "-" deleted (simple-history's history_type)
    model_label: str
    object_label: str
    changes: list[AuditChange] = field(default_factory=list)


@dataclass(frozen=True)
class Account360:
    """Everything the account page shows from the accounts app itself."""

    account: Account
    contacts: list[Contact]
    subscriptions: list[SubscriptionUsage]
    usage: UsageSeries
    nps_answers: list[NPSResponse]
    nps: float | None
    activities: list[Activity]
    activity_count: int
    history: list[AuditEntry]


def month_starts(today: datetime.date, *, months: int) -> list[datetime.date]:
    """The first days of the `months` months ending with today's, oldest first."""
    year, month = today.year, today.month
    starts = []
    for _month in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def subscription_usage(
    *, account: Account, today: datetime.date | None = None
) -> list[SubscriptionUsage]:
    """The account's subscriptions with 30-day use vs. allowance (included usage × quantity)."""
    today = today or timezone.localdate()
    window = Q(
        usage_records__date__gt=today - datetime.timedelta(days=USAGE_WINDOW_DAYS),
        usage_records__date__lte=today,
    )
    subscriptions = (
        Subscription.objects.filter(account=account)
        .select_related("product__family")
        .annotate(
            used=Coalesce(
                Sum("usage_records__quantity", filter=window),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )
        .order_by("status", "product__family__name", "product__tier_rank", "product__name")
    )
    return [
        SubscriptionUsage(
            subscription=sub,
            used=sub.used,
            allowance=(
                sub.product.included_usage * sub.quantity
                if sub.product.included_usage is not None
                else None
            ),
        )
        for sub in subscriptions
    ]


def usage_series(
    *, account: Account, subscriptions: list[Subscription], today: datetime.date | None = None
) -> UsageSeries:
    """Monthly usage totals per subscription over the last 12 months, summed in SQL."""
    today = today or timezone.localdate()
    months = month_starts(today, months=USAGE_SERIES_MONTHS)
    totals: dict[int, dict[datetime.date, Decimal]] = defaultdict(dict)
    monthly = (
        UsageRecord.objects.filter(account=account, date__gte=months[0], date__lte=today)
        .annotate(month=TruncMonth("date"))
        .values("subscription", "month")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    for row in monthly:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        totals[row["subscription"]][month] = row["total"]
    rows = [
        {
            "label": str(sub.product),
            "unit": sub.product.usage_unit,
            "values": [totals[sub.pk].get(month, Decimal(0)) for month in months],
        }
        for sub in subscriptions
        if sub.pk in totals
    ]
    return UsageSeries(months=months, rows=rows)


def _history_models() -> list[tuple[Any, str]]:
    # (historical model, filter on the account) for everything audited on the account page
    return [
        (Account.history.model, "id"),
        (Contact.history.model, "account_id"),
        (Subscription.history.model, "account_id"),
    ]


# Bookkeeping fields that every save changes; they would drown the real changes.
AUDIT_IGNORED_FIELDS = {"updated_at", "created_at"}


def _display_value(model, field_name: str, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    model_field = model._meta.get_field(field_name)
    if model_field.is_relation:
        obj = related.get(model_field.related_model, {}).get(value)
        return str(obj) if obj is not None else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def _audit_label(record, related: dict) -> str:
    # Built from the version's own columns: str(record.instance) would query its relations.
    if record.instance_type is Subscription:
        product = related[Product].get(record.product_id)
        return str(product) if product is not None else f"#{record.id}"
    return record.name


def account_history(*, account: Account, limit: int = HISTORY_LIMIT) -> list[AuditEntry]:
    """Saved versions of the account, its contacts and subscriptions, newest first, with diffs.

    Per audited model: one query for its newest versions, each annotated with the id of the
    version before it, and one query for those previous versions; then one query per related
    model named in a change. Flat however long the history.
    """
    records = []
    previous_ids: dict[Any, set[int]] = {}
    for historical, account_field in _history_models():
        before = historical.objects.filter(
            id=OuterRef("id"), history_date__lt=OuterRef("history_date")
        ).order_by("-history_date", "-history_id")
        newest = list(
            historical.objects.filter(**{account_field: account.pk})
            .select_related("history_user")
            .annotate(previous_id=Subquery(before.values("history_id")[:1]))
            .order_by("-history_date", "-history_id")[:limit]
        )
        records.extend(newest)
        previous_ids[historical] = {r.previous_id for r in newest if r.previous_id}
    previous = {
        historical: historical.objects.in_bulk(ids) if ids else {}
        for historical, ids in previous_ids.items()
    }
    records.sort(key=lambda r: (r.history_date, r.history_id), reverse=True)
    records = records[:limit]

    deltas = {}
    related_ids: dict[Any, set] = defaultdict(set)
    for record in records:
        if record.instance_type is Subscription:  # its label names its product
            related_ids[Product].add(record.product_id)
        prior = previous[type(record)].get(record.previous_id)
        if record.history_type != "~" or prior is None:
            continue
        delta = record.diff_against(prior, excluded_fields=AUDIT_IGNORED_FIELDS)
        deltas[record] = delta
        model = record.instance_type
        for change in delta.changes:
            model_field = model._meta.get_field(change.field)
            if model_field.is_relation:
                related_ids[model_field.related_model].update({change.old, change.new} - {None})
    related = {model: model._default_manager.in_bulk(ids) for model, ids in related_ids.items()}

    entries = []
    for record in records:
        model = record.instance_type
        changes = [
            AuditChange(
                field=str(model._meta.get_field(change.field).verbose_name),
                old=_display_value(model, change.field, change.old, related),
                new=_display_value(model, change.field, change.new, related),
            )
            for change in (deltas[record].changes if record in deltas else [])
        ]
        if record.history_type == "~" and not changes:
            continue  # a save that changed nothing worth showing
        entries.append(
            AuditEntry(
                when=record.history_date,
                user=record.history_user,
                action=record.history_type,
                model_label=str(model._meta.verbose_name),
                object_label=_audit_label(record, related),
                changes=changes,
            )
        )
    return entries


def account_360(*, account: Account, today: datetime.date | None = None) -> Account360:
    """The account page's own data (panels from higher apps come from accounts.panels)."""
    today = today or timezone.localdate()
    subscriptions = subscription_usage(account=account, today=today)
    nps_answers = list(
        NPSResponse.objects.filter(account=account)
        .select_related("contact")
        .order_by("-answered_on", "-pk")
    )
    activities = Activity.objects.filter(account=account).select_related("owner")
    return Account360(
        account=account,
        contacts=list(Contact.objects.filter(account=account)),
        subscriptions=subscriptions,
        usage=usage_series(
            account=account, subscriptions=[s.subscription for s in subscriptions], today=today
        ),
        nps_answers=nps_answers,
        nps=nps_from_counts(
            **NPSResponse.objects.filter(account=account).aggregate(**nps_count_aggregates())
        ),
        activities=list(activities[:TIMELINE_LIMIT]),
        activity_count=activities.count(),
        history=account_history(account=account),
    )
