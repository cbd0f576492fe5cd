"""Reads for the whitespace grid: the accounts a user sees × the products on sale.

A cell's state is the first of these that holds on the day the grid is read:

owned     an active subscription in force of the product or, for a plan, of a plan of the
          same family at the same tier or above (Pro covers Standard and Lite). A trial is
          not owned: its end is an upsell moment. A down-sell offers a covered plan, so it
          shows as owned.
offered   an open offer card for the product, or an open opportunity whose target it is.
declined  a snoozed card ("not now"), or a card dismissed or an opportunity lost within the
          engine's cooldown (OFFER_COOLDOWN_DAYS): the window in which the engine itself does
          not offer that product again.
eligible  an offer rule fired for it on the latest nightly run and no gate held it back.
held      eligible, but a gate held it back (low loyalty, a quiet period, an open complaint,
          a recent detractor, a hesitation, do-not-contact, no rep, the contact cap): where
          pushing would hurt. The state filter can ask for both kinds of eligible at once.

Right after a nightly run most eligible cells are offered (the run made their cards): what
stays eligible is what the engine held back, and what it may offer once a card expires.

"Eligible" and "held" are the rule hits the nightly offers step stores (OfferRuleHit), made by
the engine's own rule and gate code; nothing here evaluates a rule again.

Every state comes from one union query, cell_rows(), of (account, product, source rank) rows.
A page resolves its accounts' rows in Python; the totals and the state filter resolve them in
SQL, the lowest rank of a cell being its state. Query counts do not depend on the number of
accounts, and an export runs one cell query per chunk of accounts.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.exports import EXPORT_CHUNK_SIZE
from accounts.models import Account, LoyaltyScore, LoyaltyTier, Product, Subscription
from accounts.selectors import ACCOUNT_SORTS, AccountFilters, accounts_filtered
from crm.users.models import User

from ..models import OfferCard, OfferGate, OfferRuleHit, Opportunity, Stage
from ..offers.texts import RULE_LABELS

GRID_PAGE_SIZE = 50
GRID_ORDER = ACCOUNT_SORTS["kana"]  # the account list's default order: reading, name, id


class CellState(models.TextChoices):
    """A cell's state; the order is the precedence."""

    OWNED = "owned", pgettext_lazy("whitespace cell", "Owned")
    OFFERED = "offered", pgettext_lazy("whitespace cell", "Offered")
    DECLINED = "declined", pgettext_lazy("whitespace cell", "Declined")
    ELIGIBLE = "eligible", pgettext_lazy("whitespace cell", "Eligible")
    HELD = "held", pgettext_lazy("whitespace cell", "Held back")


# The source of a cell row, by rank: a cell takes the state of its lowest-ranked row.
OWNED, CARD_OPEN, DEAL_OPEN, CARD_DECLINED, DEAL_LOST, RULE_HIT, RULE_HELD = range(7)
STATE_OF_RANK = {
    OWNED: CellState.OWNED,
    CARD_OPEN: CellState.OFFERED,
    DEAL_OPEN: CellState.OFFERED,
    CARD_DECLINED: CellState.DECLINED,
    DEAL_LOST: CellState.DECLINED,
    RULE_HIT: CellState.ELIGIBLE,
    RULE_HELD: CellState.HELD,
}
# What the state filter offers: a state, or eligible whether held back or not.
STATE_FILTERS = {
    CellState.OWNED: ((OWNED,), CellState.OWNED.label),
    CellState.OFFERED: ((CARD_OPEN, DEAL_OPEN), CellState.OFFERED.label),
    CellState.DECLINED: ((CARD_DECLINED, DEAL_LOST), CellState.DECLINED.label),
    "any_eligible": ((RULE_HIT, RULE_HELD), _("Eligible, held back or not")),
    CellState.ELIGIBLE: ((RULE_HIT,), _("Eligible, not held back")),
    CellState.HELD: ((RULE_HELD,), _("Eligible, held back")),
}
DEAL_RANKS = (DEAL_OPEN, DEAL_LOST)
CARD_RANKS = (CARD_OPEN, CARD_DECLINED)
CELL_COLUMNS = ("cell_account", "cell_product", "cell_rank", "cell_ref", "cell_rule", "cell_gate")


# --- columns ------------------------------------------------------------------------------


def products_on_sale() -> list[Product]:
    """The grid's columns: plans by family and tier, then add-ons (one query)."""
    products = Product.objects.filter(is_active=True).select_related("family")
    return sorted(
        products,
        key=lambda p: (
            p.family is None,
            p.family.name if p.family else "",
            p.family_id or 0,
            p.tier_rank or 0,
            p.name,
            p.pk,
        ),
    )


@dataclass(frozen=True)
class ProductGroup:
    label: str
    products: list[Product]


def product_groups(products: list[Product]) -> list[ProductGroup]:
    """Consecutive products of one family under its name; add-ons under "Add-ons"."""
    groups: list[ProductGroup] = []
    for product in products:
        label = product.family.name if product.family else str(_("Add-ons"))
        if groups and groups[-1].label == label:
            groups[-1].products.append(product)
        else:
            groups.append(ProductGroup(label=label, products=[product]))
    return groups


# --- the cell rows ------------------------------------------------------------------------


def _rows(queryset: QuerySet, *, rank: int, product: str = "product_id", **columns) -> QuerySet:
    return (
        queryset.order_by()
        .annotate(
            cell_account=F("account_id"),
            cell_product=F(product),
            cell_rank=Value(rank),
            cell_ref=F(columns["ref"]) if "ref" in columns else Value(0),
            cell_rule=F(columns["rule"]) if "rule" in columns else Value(""),
            cell_gate=F(columns["gate"]) if "gate" in columns else Value(""),
        )
        .values(*CELL_COLUMNS)
    )


def cell_rows(
    *,
    accounts: QuerySet | Iterable[int],
    products: Iterable[int],
    today: datetime.date,
    run_date: datetime.date | None,
) -> QuerySet:
    """Every (account, product, rank, ref, rule, gate) row that gives a cell a state, for
    `accounts` (ids, or a queryset of them) and `products` (ids), as one union query.

    `ref` is the card or opportunity behind an offered or declined cell; `rule` the rule of a
    card or hit; `gate` what held a hit back. `run_date` is the nightly run read for hits.
    """
    products = list(products)
    since = today - datetime.timedelta(days=settings.OFFER_COOLDOWN_DAYS)
    in_force = Subscription.objects.filter(
        Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=today),
        account__in=accounts,
        status=Subscription.Status.ACTIVE,
        started_on__lte=today,
    )
    cards = OfferCard.objects.filter(account__in=accounts, product__in=products)
    deals = Opportunity.objects.filter(account__in=accounts, to_product__in=products)
    hits = OfferRuleHit.objects.filter(account__in=accounts, product__in=products)
    hits = hits.filter(run_date=run_date) if run_date else hits.none()
    parts = [
        _rows(in_force.filter(product__kind=Product.Kind.ADD_ON, product__in=products), rank=OWNED),
        # A plan covers the plans of its family at its tier and below: one filter() call, so
        # that the conditions and the column read the same joined row.
        _rows(
            in_force.filter(
                product__kind=Product.Kind.PLAN,
                product__family__products__kind=Product.Kind.PLAN,
                product__family__products__tier_rank__lte=F("product__tier_rank"),
                product__family__products__in=products,
            ),
            rank=OWNED,
            product="product__family__products",
        ),
        _rows(cards.filter(status=OfferCard.Status.OPEN), rank=CARD_OPEN, ref="pk", rule="rule"),
        _rows(
            deals.filter(stage__in=Stage.open_values()),
            rank=DEAL_OPEN,
            product="to_product_id",
            ref="pk",
        ),
        _rows(
            cards.filter(
                Q(status=OfferCard.Status.SNOOZED)
                | Q(status=OfferCard.Status.DISMISSED, acted_at__date__gt=since)
            ),
            rank=CARD_DECLINED,
            ref="pk",
            rule="rule",
        ),
        _rows(
            deals.filter(stage=Stage.LOST, closed_on__gt=since),
            rank=DEAL_LOST,
            product="to_product_id",
            ref="pk",
        ),
        _rows(hits.filter(held_by=""), rank=RULE_HIT, rule="rule"),
        _rows(hits.exclude(held_by=""), rank=RULE_HELD, rule="rule", gate="held_by"),
    ]
    return parts[0].union(*parts[1:], all=True)


def _resolved_sql(accounts: QuerySet[Account], context: "GridContext") -> tuple[str, tuple]:
    """SQL of one row per cell of `accounts` × the context's columns with its lowest rank (its
    state), and its parameters."""
    rows = cell_rows(
        accounts=accounts.order_by().values("pk"),
        products=context.product_ids,
        today=context.today,
        run_date=context.run_date,
    )
    sql, params = rows.query.sql_with_params()
    select = "SELECT cell_account, cell_product, MIN(cell_rank) AS cell_rank"
    group = "GROUP BY cell_account, cell_product"
    return f"{select} FROM ({sql}) AS cells {group}", params  # Django's SQL, values apart


def _in_state(resolved: str, state: str) -> tuple[str, tuple]:
    """SQL of the accounts with a cell in `state` among `resolved` (a table or subquery)."""
    ranks = STATE_FILTERS[state][0]
    marks = ", ".join(["%s"] * len(ranks))
    return f"SELECT cell_account FROM {resolved} WHERE cell_rank IN ({marks})", ranks  # noqa: S608


# --- one cell -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    rank: int
    ref: int = 0
    rule: str = ""
    gate: str = ""

    @property
    def state(self) -> str:
        return STATE_OF_RANK[self.rank]

    @property
    def label(self) -> str:
        return CellState(self.state).label

    @property
    def is_deal(self) -> bool:
        """An opportunity is behind the cell (the link goes to it, not to the account)."""
        return self.rank in DEAL_RANKS

    @property
    def is_card(self) -> bool:
        """An offer card is behind the cell (the account page shows it)."""
        return self.rank in CARD_RANKS

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS.get(self.rule, self.rule)) if self.rule else ""

    @property
    def gate_label(self) -> str:
        return str(OfferGate(self.gate).label) if self.gate in OfferGate.values else self.gate

    @property
    def description(self) -> str:
        """The state with why, as one phrase: for a title, an export and screen readers."""
        details = [d for d in (self.rule_label, self.gate_label) if d]
        return f"{self.label} ({' / '.join(details)})" if details else str(self.label)


def resolve_cells(rows: Iterable[dict]) -> dict[int, dict[int, Cell]]:
    """{account id: {product id: the cell's strongest row}} from cell_rows()."""
    cells: dict[int, dict[int, Cell]] = {}
    for row in rows:
        account = cells.setdefault(row["cell_account"], {})
        current = account.get(row["cell_product"])
        if current is None or row["cell_rank"] < current.rank:
            account[row["cell_product"]] = Cell(
                rank=row["cell_rank"],
                ref=row["cell_ref"] or 0,
                rule=row["cell_rule"] or "",
                gate=row["cell_gate"] or "",
            )
    return cells


# --- the grid -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GridFilters:
    """The account list's filters, plus what only the grid filters by; None means "any"."""

    accounts: AccountFilters = field(default_factory=AccountFilters)
    tier: str | None = None
    family: str | None = None  # a family's id, or ADD_ONS
    product: int | None = None
    state: str | None = None


ADD_ONS = "add_ons"


def columns_shown(products: list[Product], filters: GridFilters) -> list[Product]:
    if filters.product:
        return [p for p in products if p.pk == filters.product]
    if filters.family == ADD_ONS:
        return [p for p in products if p.family_id is None]
    if filters.family:
        return [p for p in products if str(p.family_id) == filters.family]
    return products


def latest_score_day(*, today: datetime.date) -> datetime.date | None:
    return LoyaltyScore.objects.filter(as_of__lte=today).aggregate(day=Max("as_of"))["day"]


def latest_run_date(*, today: datetime.date) -> datetime.date | None:
    """The nightly run whose rule hits the grid reads: the latest up to today."""
    return OfferRuleHit.objects.filter(run_date__lte=today).aggregate(day=Max("run_date"))["day"]


@dataclass(frozen=True)
class GridContext:
    """What every read of one grid shares: the dates it reads and the columns it shows."""

    today: datetime.date
    run_date: datetime.date | None
    score_day: datetime.date | None
    products: list[Product]

    @property
    def product_ids(self) -> list[int]:
        return [p.pk for p in self.products]

    @property
    def cooldown_days(self) -> int:
        return settings.OFFER_COOLDOWN_DAYS


def grid_context(
    *, products: list[Product], filters: GridFilters, today: datetime.date
) -> GridContext:
    """The run date and the score day (two queries) and the columns the filters leave."""
    return GridContext(
        today=today,
        run_date=latest_run_date(today=today),
        score_day=latest_score_day(today=today),
        products=columns_shown(products, filters),
    )


def base_accounts(*, user: User, filters: GridFilters, context: GridContext) -> QuerySet[Account]:
    """The account list's accounts for `user` (its one visibility rule and its filters), by
    loyalty tier too, in its order: the grid's rows before the state filter."""
    accounts = (
        accounts_filtered(user=user, filters=filters.accounts)
        .select_related("owner__team")
        .order_by(*GRID_ORDER)
    )
    if filters.tier:
        accounts = accounts.filter(
            pk__in=LoyaltyScore.objects.filter(as_of=context.score_day, tier=filters.tier).values(
                "account_id"
            )
        )
    return accounts


def grid_accounts(*, user: User, filters: GridFilters, context: GridContext) -> QuerySet[Account]:
    """The grid's rows: base_accounts() with a cell in the filtered state, if any, each with
    its latest loyalty tier."""
    accounts = base_accounts(user=user, filters=filters, context=context)
    if filters.state and context.products:
        sql, params = _resolved_sql(accounts, context)
        where, ranks = _in_state(f"({sql}) AS resolved", filters.state)
        accounts = accounts.filter(pk__in=RawSQL(where, (*params, *ranks)))  # noqa: S611
    elif filters.state:
        accounts = accounts.none()
    latest_tier = LoyaltyScore.objects.filter(account=OuterRef("pk"), as_of=context.score_day)
    return accounts.annotate(latest_tier=Subquery(latest_tier.values("tier")[:1]))


@dataclass(frozen=True)
class GridTotals:
    by_product: dict[int, dict]  # {product id: {state: accounts}}
    accounts: int | None  # the rows a state filter keeps (None without one: count them)


def grid_totals(*, user: User, filters: GridFilters, context: GridContext) -> GridTotals:
    """Accounts per product and state over every row of the grid (one query).

    The cells are resolved once over base_accounts(); a state filter then keeps the accounts
    that have a cell in that state, from the same resolved cells (a CTE read twice), and the
    same query counts them for the paginator, which would otherwise resolve them again."""
    totals: dict[int, dict] = {p: dict.fromkeys(CellState.values, 0) for p in context.product_ids}
    if not context.products:
        return GridTotals(by_product=totals, accounts=0 if filters.state else None)
    sql, params = _resolved_sql(base_accounts(user=user, filters=filters, context=context), context)
    count = "SELECT cell_product, cell_rank, COUNT(*) FROM resolved"
    group = "GROUP BY cell_product, cell_rank"
    if filters.state:
        kept, ranks = _in_state("resolved", filters.state)
        query = (
            f"WITH resolved AS ({sql}), kept AS ({kept}) "  # noqa: S608  Django's SQL
            f"{count} WHERE cell_account IN (SELECT cell_account FROM kept) {group} "
            "UNION ALL SELECT NULL, NULL, COUNT(DISTINCT cell_account) FROM kept"
        )
        params = (*params, *ranks)
    else:
        query = f"WITH resolved AS ({sql}) {count} {group}"
    kept_accounts = None
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for product, rank, total in cursor.fetchall():
            if product is None:
                kept_accounts = total
            else:
                totals[product][STATE_OF_RANK[rank]] += total
    return GridTotals(by_product=totals, accounts=kept_accounts)


class CountedPaginator(Paginator):
    """A paginator told its count (by the totals query) instead of asking the database."""

    def __init__(self, object_list, per_page, *, count: int | None = None):
        super().__init__(object_list, per_page)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property


@dataclass
class GridRow:
    account: Account
    cells: list[tuple[Product, Cell | None]]  # in column order

    @property
    def tier_label(self) -> str:
        tier = self.account.latest_tier
        return LoyaltyTier(tier).label if tier else ""


@dataclass
class WhitespaceGrid:
    context: GridContext
    groups: list[ProductGroup]
    page: Page
    rows: list[GridRow]
    totals: list[dict]  # per shown product, in column order: {state: accounts}

    def totals_listed(self) -> list[list[tuple[str, str, int]]]:
        """Per column, (state, label, accounts) in order of precedence, for the page."""
        return [
            [(state, CellState(state).label, total[state]) for state in CellState.values]
            for total in self.totals
        ]

    @property
    def products(self) -> list[Product]:
        return self.context.products


def whitespace_grid(
    *,
    user: User,
    filters: GridFilters,
    products: list[Product],
    today: datetime.date,
    page_number: str | int | None = 1,
    per_page: int = GRID_PAGE_SIZE,
) -> WhitespaceGrid:
    """One page of the grid and the totals over every account the filters leave (six queries:
    run date, score day, count (taken from the totals with a state filter), totals, page, its
    cells)."""
    context = grid_context(products=products, filters=filters, today=today)
    accounts = grid_accounts(user=user, filters=filters, context=context)
    totals = grid_totals(user=user, filters=filters, context=context)
    paginator = CountedPaginator(accounts, per_page, count=totals.accounts)
    page = paginator.get_page(page_number)
    ids = [account.pk for account in page]
    cells = (
        resolve_cells(
            cell_rows(
                accounts=ids, products=context.product_ids, today=today, run_date=context.run_date
            )
        )
        if ids and context.products
        else {}
    )
    rows = [
        GridRow(
            account=account,
            cells=[(p, cells.get(account.pk, {}).get(p.pk)) for p in context.products],
        )
        for account in page
    ]
    return WhitespaceGrid(
        context=context,
        groups=product_groups(context.products),
        page=page,
        rows=rows,
        totals=[totals.by_product[p.pk] for p in context.products],
    )


def grid_export_rows(
    *,
    accounts: QuerySet[Account],
    context: GridContext,
    base: QuerySet[Account] | None = None,
    chunk_size: int = EXPORT_CHUNK_SIZE,
) -> Iterator[Account]:
    """Every account of `accounts` in ID order, each with `cells` ({product id: Cell}).

    Two queries streamed side by side, both in account ID order: the accounts, and every cell
    row of `base` (accounts before a state filter, a superset: its rows need no resolution;
    `accounts` by default); memory stays flat and the number of queries does not grow.
    """
    accounts = accounts.order_by("pk")
    stream: Iterator[dict] = iter(())
    if context.products:
        rows = cell_rows(
            accounts=(accounts if base is None else base).order_by().values("pk"),
            products=context.product_ids,
            today=context.today,
            run_date=context.run_date,
        )
        stream = rows.order_by("cell_account").iterator(chunk_size=chunk_size)
    pending = next(stream, None)
    for account in accounts.iterator(chunk_size=chunk_size):
        mine = []
        # a cell row of an account gone since the first query cannot hold the others back
        while pending is not None and pending["cell_account"] <= account.pk:
            if pending["cell_account"] == account.pk:
                mine.append(pending)
            pending = next(stream, None)
        account.cells = resolve_cells(mine).get(account.pk, {})
        yield account
