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
A page resolves its accounts' rows in Python, the lowest rank of a cell being its state. Over
the whole filtered set (the totals, the count and the state filter) one statement resolves
them in SQL, grid_summary(): each account's rows are folded into one bit mask per state (a
bit per column), and a cell takes the first state whose mask has its bit. Query counts do not
depend on the number of accounts, and an export streams the accounts and their cell rows side
by side.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.exports import EXPORT_CHUNK_SIZE
from accounts.models import Account, LoyaltyTier, Product, Subscription
from accounts.scoring.selectors import loyalty_scores_latest
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


def _rows(
    queryset: QuerySet, *, rank: int, details: bool, product: str = "product_id", **columns
) -> tuple[int, QuerySet]:
    rows = queryset.order_by().annotate(
        cell_account=F("account_id"), cell_product=F(product), cell_rank=Value(rank)
    )
    if not details:
        return rank, rows.values_list(*CELL_COLUMNS[:3])
    return rank, rows.annotate(
        cell_ref=F(columns["ref"]) if "ref" in columns else Value(0),
        cell_rule=F(columns["rule"]) if "rule" in columns else Value(""),
        cell_gate=F(columns["gate"]) if "gate" in columns else Value(""),
    ).values_list(*CELL_COLUMNS)


def cell_rows(
    *,
    accounts: QuerySet | Iterable[int] | RawSQL | None,
    products: Iterable[int],
    today: datetime.date,
    run_date: datetime.date | None,
    details: bool = True,
    ranks: Iterable[int] | None = None,
) -> QuerySet:
    """Every (account, product, rank, ref, rule, gate) row that gives a cell a state, for
    `accounts` (ids, a query of them, or None for every account) and `products` (ids), as one
    union query of tuples; without `details`, (account, product, rank) only; with `ranks`,
    the rows of those ranks only.

    `ref` is the card or opportunity behind an offered or declined cell; `rule` the rule of a
    card or hit; `gate` what held a hit back. `run_date` is the nightly run read for hits.
    """
    products = list(products)
    since = today - datetime.timedelta(days=settings.OFFER_COOLDOWN_DAYS)
    scope = Q() if accounts is None else Q(account__in=accounts)
    in_force = Subscription.objects.filter(
        Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=today),
        scope,
        status=Subscription.Status.ACTIVE,
        started_on__lte=today,
    )
    cards = OfferCard.objects.filter(scope, product__in=products)
    deals = Opportunity.objects.filter(scope, to_product__in=products)
    hits = OfferRuleHit.objects.filter(scope, product__in=products)
    hits = hits.filter(run_date=run_date) if run_date else hits.none()
    parts = [
        _rows(
            in_force.filter(product__kind=Product.Kind.ADD_ON, product__in=products),
            rank=OWNED,
            details=details,
        ),
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
            details=details,
            product="product__family__products",
        ),
        _rows(
            cards.filter(status=OfferCard.Status.OPEN),
            rank=CARD_OPEN,
            details=details,
            ref="pk",
            rule="rule",
        ),
        _rows(
            deals.filter(stage__in=Stage.open_values()),
            rank=DEAL_OPEN,
            details=details,
            product="to_product_id",
            ref="pk",
        ),
        _rows(
            cards.filter(
                Q(status=OfferCard.Status.SNOOZED)
                | Q(status=OfferCard.Status.DISMISSED, acted_at__date__gt=since)
            ),
            rank=CARD_DECLINED,
            details=details,
            ref="pk",
            rule="rule",
        ),
        _rows(
            deals.filter(stage=Stage.LOST, closed_on__gt=since),
            rank=DEAL_LOST,
            details=details,
            product="to_product_id",
            ref="pk",
        ),
        _rows(hits.filter(held_by=""), rank=RULE_HIT, details=details, rule="rule"),
        _rows(
            hits.exclude(held_by=""), rank=RULE_HELD, details=details, rule="rule", gate="held_by"
        ),
    ]
    chosen = [rows for rank, rows in parts if ranks is None or rank in ranks]
    return chosen[0].union(*chosen[1:], all=True)


# --- one cell -----------------------------------------------------------------------------


class Cell(NamedTuple):
    """A cell's strongest row. A tuple: an export makes a few hundred thousand of them."""

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


def resolve_cells(rows: Iterable[tuple]) -> dict[int, dict[int, Cell]]:
    """{account id: {product id: the cell's strongest row}} from cell_rows()."""
    cells: dict[int, dict[int, Cell]] = {}
    for account_id, product_id, rank, ref, rule, gate in rows:
        account = cells.setdefault(account_id, {})
        current = account.get(product_id)
        if current is None or rank < current.rank:
            account[product_id] = Cell(rank=rank, ref=ref or 0, rule=rule or "", gate=gate or "")
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


def latest_run_date(*, today: datetime.date) -> datetime.date | None:
    """The nightly run whose rule hits the grid reads: the latest up to today."""
    return OfferRuleHit.objects.filter(run_date__lte=today).aggregate(day=Max("run_date"))["day"]


@dataclass(frozen=True)
class GridContext:
    """What every read of one grid shares: the day, the run it reads and the columns shown."""

    today: datetime.date
    run_date: datetime.date | None
    products: list[Product]

    @property
    def product_ids(self) -> list[int]:
        return [p.pk for p in self.products]

    @property
    def cooldown_days(self) -> int:
        return settings.OFFER_COOLDOWN_DAYS

    def cell_rows(
        self,
        *,
        accounts: QuerySet | Iterable[int] | RawSQL | None,
        details: bool = True,
        ranks: Iterable[int] | None = None,
    ) -> QuerySet:
        """cell_rows() of `accounts` for the columns shown, on this grid's day and run."""
        return cell_rows(
            accounts=accounts,
            products=self.product_ids,
            today=self.today,
            run_date=self.run_date,
            details=details,
            ranks=ranks,
        )


def grid_context(
    *, products: list[Product], filters: GridFilters, today: datetime.date
) -> GridContext:
    """The run date (one query) and the columns the filters leave."""
    return GridContext(
        today=today,
        run_date=latest_run_date(today=today),
        products=columns_shown(products, filters),
    )


def base_accounts(*, user: User, filters: GridFilters, context: GridContext) -> QuerySet[Account]:
    """The account list's accounts for `user` (its one visibility rule and its filters), by
    latest loyalty tier too, in its order: the grid's rows before the state filter."""
    accounts = (
        accounts_filtered(user=user, filters=filters.accounts)
        .select_related("owner__team")
        .order_by(*GRID_ORDER)
    )
    if filters.tier:
        latest = loyalty_scores_latest(today=context.today)
        accounts = accounts.filter(pk__in=latest.filter(tier=filters.tier).values("account_id"))
    return accounts


def with_latest_tier(accounts: QuerySet[Account], context: GridContext) -> QuerySet[Account]:
    """Each account with `latest_tier`, its tier on the latest day scored (one index probe)."""
    latest = loyalty_scores_latest(today=context.today).filter(account=OuterRef("pk"))
    # without the scores' default order, which joins the account again for every row
    return accounts.annotate(latest_tier=Subquery(latest.order_by().values("tier")[:1]))


# --- the whole filtered set, resolved in SQL ----------------------------------------------
#
# The statements below are assembled from Django's compiled SQL, our own names and integers
# (ranks, bits); every value from a request travels as a parameter (hence the S608 noqas).

# Columns per word of flags: a bigint has 63 bits that keep it positive.
WORD_BITS = 63
LEVELS = tuple(CellState.values)  # one mask per state, in order of precedence


def _bit_or(expression: str) -> str:
    """OR of `expression` over a group, whose values are each one bit or 0: PostgreSQL's
    bit_or(); SQLite has none, and there the sum of the distinct values is the same."""
    if connection.vendor == "postgresql":
        return f"BIT_OR({expression})"
    return f"SUM(DISTINCT {expression})"


def _resolved_with(
    accounts: QuerySet[Account], context: GridContext, state: str | None = None
) -> tuple[list[str], list]:
    """WITH-clauses (and their parameters) ending in `resolved`: one row per account of
    `accounts` with a cell among the context's columns and per word of 63 columns, with a
    bit mask per state, each cell's bit in the mask of its state alone. For a `state` filter
    these may be only the accounts that can have a cell in it.

    The union reads every source's rows once and drops those of other accounts before they
    are folded: filtering each of its eight parts by the accounts cost more (a manager at
    100,000 accounts: 1.1–1.3 s against 0.9–1.1 s, and 2.8–3.3 s with the ids in a CTE, whose
    size PostgreSQL cannot estimate). An unfiltered grid reads every row as it is."""
    bits = [(p, i // WORD_BITS, 1 << (i % WORD_BITS)) for i, p in enumerate(context.product_ids)]
    scope = None
    if state == CellState.DECLINED:
        # Declined rows are bounded by the cooldown: one account in a thousand or two has one.
        # Those accounts' rows alone, found through their indexes, are all a declined filter
        # needs (the statement at 100,000 accounts: 0.95–1.2 s → 0.04–0.09 s). The other
        # states' rows are every subscriber's, open card's or hit's: narrowing the union to
        # their accounts first cost up to a third more than folding every row.
        seeds = context.cell_rows(accounts=None, details=False, ranks=STATE_FILTERS[state][0])
        seeds_sql, seeds_params = seeds.query.sql_with_params()
        scope = RawSQL(f"SELECT cell_account FROM ({seeds_sql}) AS seeds", seeds_params)  # noqa: S608, S611
    rows = context.cell_rows(accounts=scope, details=False)
    rows_sql, rows_params = rows.query.sql_with_params()
    where, where_params = "", ()
    if accounts.query.where:
        ids, where_params = accounts.order_by().values("pk").query.sql_with_params()
        where = f"WHERE cells.cell_account IN ({ids})"
    masks = ", ".join(
        "{} AS {}".format(
            _bit_or(
                "CASE WHEN cells.cell_rank IN ({}) THEN bits.bit ELSE 0 END".format(
                    ", ".join(str(rank) for rank, of in STATE_OF_RANK.items() if of == level)
                )
            ),
            level,
        )
        for level in LEVELS
    )
    # a cell's bit stays in the mask of its state and leaves those of every later state
    resolved = ", ".join(
        f"{level} & ~({' | '.join(LEVELS[:i])}) AS {level}" if i else level
        for i, level in enumerate(LEVELS)
    )
    clauses = [
        "bits(product, word, bit) AS (VALUES {})".format(", ".join(["(%s, %s, %s)"] * len(bits))),
        f"flags AS (SELECT cells.cell_account AS account, bits.word AS word, {masks} "  # noqa: S608
        f"FROM ({rows_sql}) AS cells JOIN bits ON bits.product = cells.cell_product {where} "
        "GROUP BY cells.cell_account, bits.word)",
        f"resolved AS (SELECT account, word, {resolved} FROM flags)",  # noqa: S608
    ]
    return clauses, [*(value for row in bits for value in row), *rows_params, *where_params]


def _kept_with(state: str) -> str:
    """The WITH-clause `kept`: the accounts of `resolved` with a cell in `state`."""
    levels = {STATE_OF_RANK[rank] for rank in STATE_FILTERS[state][0]}
    mask = " | ".join(level for level in LEVELS if level in levels)
    return f"kept AS (SELECT DISTINCT account FROM resolved WHERE ({mask}) <> 0)"  # noqa: S608


def grid_accounts(*, user: User, filters: GridFilters, context: GridContext) -> QuerySet[Account]:
    """The grid's rows: base_accounts() with a cell in the filtered state, if any, each with
    its latest loyalty tier."""
    accounts = base_accounts(user=user, filters=filters, context=context)
    if filters.state and context.products:
        clauses, params = _resolved_with(accounts, context, filters.state)
        clauses.append(_kept_with(filters.state))
        kept = f"WITH {', '.join(clauses)} SELECT account FROM kept"  # noqa: S608
        accounts = accounts.filter(pk__in=RawSQL(kept, params))  # noqa: S611  as above
    elif filters.state:
        accounts = accounts.none()
    return with_latest_tier(accounts, context)


@dataclass(frozen=True)
class GridSummary:
    totals: dict[int, dict[str, int]]  # {product id: {state: accounts}} over the grid's rows
    count: int  # the grid's rows
    page_ids: list[int] | None  # with a state filter and a page: the page's accounts


def _add_totals(totals: dict[int, dict[str, int]], combinations: list, product_ids: list[int]):
    """Count each column's accounts per state from (word, mask per state, accounts) rows."""
    data = np.array(combinations, dtype=np.int64).reshape(-1, len(LEVELS) + 2)
    words, counts = data[:, 0], data[:, -1]
    for index, product in enumerate(product_ids):
        word, bit = divmod(index, WORD_BITS)
        in_word = words == word
        for level_index, level in enumerate(LEVELS):
            has_bit = ((data[:, level_index + 1] >> bit) & 1).astype(bool)
            totals[product][level] += int(counts[in_word & has_bit].sum())


def grid_summary(
    *,
    accounts: QuerySet[Account],
    context: GridContext,
    state: str | None,
    page: slice | None = None,
) -> GridSummary:
    """The totals per column and state, the number of rows and, with a state filter, the ids
    of the rows in `page` (a slice of the grid's order, if given), in one statement that
    resolves the cells of `accounts` (the rows before the state filter: base_accounts()) once.

    The statement returns each distinct combination of masks (~9,000 for 100,000 accounts)
    with its number of accounts, the count, and the page's ids, told apart by a first column.
    With a state filter the totals count the cells of the accounts it keeps."""
    totals = {p: dict.fromkeys(CellState.values, 0) for p in context.product_ids}
    if not context.products:
        page_ids = [] if state and page is not None else None
        return GridSummary(totals=totals, count=0 if state else accounts.count(), page_ids=page_ids)
    clauses, params = _resolved_with(accounts, context, state)
    masks = ", ".join(LEVELS)
    zeros = ", ".join(["0"] * len(LEVELS))
    if state:
        clauses.append(_kept_with(state))
        selects = [
            f"SELECT 0, word, {masks}, COUNT(*) FROM resolved "  # noqa: S608
            f"WHERE account IN (SELECT account FROM kept) GROUP BY word, {masks}",
            f"SELECT 1, 0, {zeros}, COUNT(*) FROM kept",  # noqa: S608
        ]
        if page is not None:
            kept = Account.objects.filter(pk__in=RawSQL("SELECT account FROM kept", ()))
            sql, page_params = kept.order_by(*GRID_ORDER).values("pk")[page].query.sql_with_params()
            clauses.append(f"page(id) AS ({sql})")
            params.extend(page_params)
            selects.append(f"SELECT 2, id, {zeros}, 0 FROM page")  # noqa: S608
    else:
        sql, ids_params = accounts.order_by().values("pk").query.sql_with_params()
        params.extend(ids_params)
        selects = [
            f"SELECT 0, word, {masks}, COUNT(*) FROM resolved GROUP BY word, {masks}",  # noqa: S608
            f"SELECT 1, 0, {zeros}, COUNT(*) FROM ({sql}) AS shown",  # noqa: S608
        ]
    count, page_ids, combinations = 0, [] if state and page is not None else None, []
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(clauses)} {' UNION ALL '.join(selects)}", params)
        for kind, word, *masks_and_count in cursor.fetchall():
            if kind == 0:
                combinations.append((word, *masks_and_count))
            elif kind == 1:
                count = masks_and_count[-1]
            else:
                page_ids.append(word)
    if combinations:
        _add_totals(totals, combinations, context.product_ids)
    return GridSummary(totals=totals, count=count, page_ids=page_ids)


class CountedPaginator(Paginator):
    """A paginator told its count instead of asking the database for it as it pages."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


def _page_asked(number: str | int | None) -> int:
    """The page number asked for, as Paginator reads it; 1 for anything else."""
    try:
        return max(int(number), 1)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1


@dataclass
class GridRow:
    account: Account
    cells: list[tuple[Product, Cell | None]]  # in column order

    @property
    def tier_label(self) -> str:
        tier = self.account.latest_tier
        return LoyaltyTier(tier).label if tier else ""


@dataclass(frozen=True)
class GridTotals:
    """How many accounts the grid has, and per column how many of them are in each state."""

    count: int
    columns: list[dict[str, int]]  # per shown product, in column order: {state: accounts}

    def listed(self) -> list[list[tuple[str, str, int]]]:
        """Per column, (state, label, accounts) in order of precedence, for the page."""
        return [
            [(state, CellState(state).label, column[state]) for state in CellState.values]
            for column in self.columns
        ]


@dataclass
class WhitespaceGrid:
    context: GridContext
    groups: list[ProductGroup]
    page: Page
    rows: list[GridRow]
    totals: GridTotals | None  # None: asked for apart (whitespace_totals)

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
    """One page of the grid (four queries: the run date, the count, the page of accounts,
    its cells), and with a state filter the totals over every account it keeps.

    A state filter needs every cell resolved to know its rows: one statement then gives the
    totals, the count and the page's ids (grid_summary()). Without one the page does not wait
    for the totals, which the page asks for apart (whitespace_totals()): resolving the cells
    of 100,000 accounts takes 0.4–1.5 s, the page itself a tenth of that."""
    context = grid_context(products=products, filters=filters, today=today)
    accounts = base_accounts(user=user, filters=filters, context=context)
    totals = None
    if filters.state:
        asked = _page_asked(page_number)
        summary = grid_summary(
            accounts=accounts,
            context=context,
            state=filters.state,
            page=slice((asked - 1) * per_page, asked * per_page),
        )
        totals = GridTotals(
            count=summary.count, columns=[summary.totals[p.pk] for p in context.products]
        )
        kept = grid_accounts(user=user, filters=filters, context=context)
        page = CountedPaginator(kept, per_page, count=summary.count).get_page(page_number)
        if page.number == asked:
            # the summary found the page's accounts; only a page out of range (shown as the
            # last one) reads them through the state filter again
            page.object_list = with_latest_tier(accounts.filter(pk__in=summary.page_ids), context)
    else:
        rows = with_latest_tier(accounts, context)
        page = CountedPaginator(rows, per_page, count=accounts.count()).get_page(page_number)
    ids = [account.pk for account in page]
    cells = resolve_cells(context.cell_rows(accounts=ids)) if ids and context.products else {}
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
        totals=totals,
    )


def whitespace_totals(
    *, user: User, filters: GridFilters, products: list[Product], today: datetime.date
) -> GridTotals:
    """The grid's totals over every account the filters leave (two queries: the run date and
    the summary)."""
    context = grid_context(products=products, filters=filters, today=today)
    accounts = base_accounts(user=user, filters=filters, context=context)
    summary = grid_summary(accounts=accounts, context=context, state=filters.state)
    return GridTotals(count=summary.count, columns=[summary.totals[p.pk] for p in context.products])


def _fetched(rows: QuerySet, *, chunk_size: int) -> Iterator[tuple]:
    """The rows of `rows` as the database sends them, from a server-side cursor: Django's
    conversion of each value cost a second per 500,000 cell rows."""
    sql, params = rows.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(chunk_size):
            yield from chunk


@dataclass(slots=True)
class ExportRow:
    """One account of an export, with what its columns show."""

    pk: int
    name: str
    industry: str
    owner: User | None
    latest_tier: str | None
    cells: dict[int, Cell]


def grid_export_rows(
    *,
    accounts: QuerySet[Account],
    context: GridContext,
    base: QuerySet[Account] | None = None,
    chunk_size: int = EXPORT_CHUNK_SIZE,
) -> Iterator[ExportRow]:
    """Every account of `accounts` (grid_accounts()) in ID order, with its cells.

    Three queries: the owners, then two streamed side by side, both in account ID order: the
    accounts (as tuples: 100,000 model instances with their owner and team cost seconds),
    and every cell row of `base` (accounts before a state filter, a superset: its rows need
    no resolution; `accounts` by default); memory stays flat.
    """
    base = accounts if base is None else base
    owners = {
        user.pk: user
        for user in User.objects.select_related("team").filter(
            pk__in=base.order_by().values("owner_id")
        )
    }
    stream: Iterator[tuple] = iter(())
    if context.products:
        rows = context.cell_rows(
            accounts=base.order_by().values("pk") if base.query.where else None
        )
        stream = _fetched(rows.order_by("cell_account"), chunk_size=chunk_size)
    pending = next(stream, None)
    shown = accounts.order_by("pk").values_list("pk", "name", "industry", "owner_id", "latest_tier")
    for pk, name, industry, owner_id, tier in shown.iterator(chunk_size=chunk_size):
        mine = []
        # a cell row of an account gone since the first query cannot hold the others back
        while pending is not None and pending[0] <= pk:
            if pending[0] == pk:
                mine.append(pending)
            pending = next(stream, None)
        yield ExportRow(
            pk=pk,
            name=name,
            industry=industry,
            owner=owners.get(owner_id),
            latest_tier=tier,
            cells=resolve_cells(mine).get(pk, {}),
        )
