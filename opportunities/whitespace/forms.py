"""The grid's filters, read from the query string."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import AccountFilterForm
from accounts.models import LoyaltyTier, Product
from accounts.selectors import AccountFilters
from crm.users.models import User

from .selectors import ADD_ONS, STATE_FILTERS, GridFilters

# The account list's filters the grid keeps; its NPS filter and sort order are left out.
ACCOUNT_FIELDS = ("q", "industry", "owner", "team", "size", "growth_stage")


class WhitespaceFilterForm(AccountFilterForm):
    """The account list's search and filters (team for managers and administrators only),
    plus loyalty tier, product family or product (the columns), and a cell state (the rows
    with a cell in that state among the columns shown)."""

    tier = forms.ChoiceField(
        label=_("Loyalty tier"), required=False, choices=[("", _("All")), *LoyaltyTier.choices]
    )
    family = forms.ChoiceField(label=_("Product family"), required=False)
    product = forms.TypedChoiceField(
        label=_("Product"), required=False, coerce=int, empty_value=None
    )
    state = forms.ChoiceField(
        label=_("Cell state"),
        required=False,
        choices=[("", _("Any")), *((key, label) for key, (_ranks, label) in STATE_FILTERS.items())],
    )

    def __init__(self, data, *, user: User, products: list[Product]):
        super().__init__(data, user=user)
        for name in set(self.fields) - {*ACCOUNT_FIELDS, "tier", "family", "product", "state"}:
            del self.fields[name]
        if not (user.is_admin or user.is_manager):
            del self.fields["team"]
        self.order_fields(["q", "team", "owner", "industry", "tier", "family", "product", "state"])
        families = sorted({(p.family.name, p.family_id) for p in products if p.family})
        add_ons = [(ADD_ONS, _("Add-ons"))] if any(p.family is None for p in products) else []
        self.fields["family"].choices = [
            ("", _("All")),
            *((str(pk), name) for name, pk in families),
            *add_ons,
        ]
        self.fields["product"].choices = [("", _("All")), *((p.pk, p.name) for p in products)]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["data-autosubmit"] = ""  # static/js/app.js

    def grid_filters(self) -> GridFilters:
        """The valid part of the query string; a bad value is ignored and shown as an error."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return GridFilters(
            accounts=AccountFilters(**{k: v for k, v in data.items() if k in ACCOUNT_FIELDS}),
            tier=data.get("tier"),
            family=data.get("family"),
            product=data.get("product"),
            state=data.get("state"),
        )
