"""The whitespace grid as a file: one row per account, one column per product shown."""

from django.utils.translation import gettext_lazy as _

from accounts.exports import Column
from accounts.models import Account, LoyaltyTier, Product


def grid_columns(products: list[Product]) -> list[Column]:
    """The account, its owner and loyalty, then each product's cell: its state and why."""
    # A few dozen (state, rule, gate) combinations word a million cells: each is worded once.
    worded: dict[tuple, str] = {}

    def cell_text(account: Account, product_id: int) -> str:
        cell = account.cells.get(product_id)
        if cell is None:
            return ""
        key = (cell.rank, cell.rule, cell.gate)
        if key not in worded:
            worded[key] = cell.description
        return worded[key]

    return [
        (_("ID"), lambda a: a.pk),
        (_("Account name"), lambda a: a.name),
        (_("Industry"), lambda a: a.get_industry_display()),
        (_("Owner rep"), lambda a: str(a.owner) if a.owner else ""),
        (_("Team"), lambda a: str(a.owner.team) if a.owner and a.owner.team else ""),
        (_("Loyalty tier"), lambda a: LoyaltyTier(a.latest_tier).label if a.latest_tier else ""),
        *((product.name, lambda a, pk=product.pk: cell_text(a, pk)) for product in products),
    ]
