"""The whitespace grid as a file: one row per account, one column per product shown."""

from collections.abc import Iterable, Iterator
from operator import itemgetter

from django.utils.translation import gettext_lazy as _

from accounts.choices import Industry
from accounts.exports import Column
from accounts.models import LoyaltyTier, Product

from .selectors import ExportRow

HEADERS = (_("ID"), _("Account name"), _("Industry"), _("Owner rep"), _("Team"), _("Loyalty tier"))


def grid_table(
    *, products: list[Product], rows: Iterable[ExportRow]
) -> tuple[list[Column], Iterator[list]]:
    """The columns (the account, its owner and loyalty, then each product's cell: its state
    and why) and the rows' values, for accounts.exports.table_download.

    Every text is worded once and looked up for each row: a few dozen (state, rule, gate)
    combinations word a million cells, and translating a choice's label for each row again
    took half the time of an export of 100,000 accounts."""
    industries = {value: str(label) for value, label in Industry.choices}
    tiers = {value: str(label) for value, label in LoyaltyTier.choices}
    position = {product.pk: index for index, product in enumerate(products)}
    people: dict[int, tuple[str, str]] = {}
    worded: dict[tuple, str] = {}

    def values() -> Iterator[list]:
        for row in rows:
            owner, team = "", ""
            if row.owner is not None:
                if row.owner.pk not in people:
                    people[row.owner.pk] = (str(row.owner), str(row.owner.team or ""))
                owner, team = people[row.owner.pk]
            cells = [""] * len(products)
            for product_id, cell in row.cells.items():
                key = (cell.rank, cell.rule, cell.gate)
                if key not in worded:
                    worded[key] = cell.description
                cells[position[product_id]] = worded[key]
            tier = tiers.get(row.latest_tier, "")
            yield [row.pk, row.name, industries.get(row.industry, ""), owner, team, tier, *cells]

    labels = [*HEADERS, *(product.name for product in products)]
    return [(label, itemgetter(index)) for index, label in enumerate(labels)], values()
