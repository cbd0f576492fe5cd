"""The whitespace grid page, its totals and its export. Thin: parse the filters, call the
selectors."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.exports import table_download

from . import exports, selectors
from .forms import WhitespaceFilterForm


def grid_form(request) -> tuple[WhitespaceFilterForm, list]:
    products = selectors.products_on_sale()
    return WhitespaceFilterForm(request.GET, user=request.user, products=products), products


@login_required
@require_GET
def whitespace_grid(request):
    form, products = grid_form(request)
    grid = selectors.whitespace_grid(
        user=request.user,
        filters=form.grid_filters(),
        products=products,
        today=timezone.localdate(),
        page_number=request.GET.get("page"),
    )
    return render(
        request,
        "opportunities/whitespace/grid.html",
        {"form": form, "grid": grid, "states": selectors.CellState},
    )


@login_required
@require_GET
def whitespace_totals(request):
    """The totals row over every account the filters leave, which the page asks for apart."""
    form, products = grid_form(request)
    totals = selectors.whitespace_totals(
        user=request.user,
        filters=form.grid_filters(),
        products=products,
        today=timezone.localdate(),
    )
    return render(request, "opportunities/whitespace/_totals.html", {"totals": totals})


@login_required
@require_GET
def whitespace_export(request, fmt: str):
    """The whole filtered grid, every page, streamed (CSV) or as one workbook (xlsx)."""
    form, products = grid_form(request)
    filters = form.grid_filters()
    context = selectors.grid_context(products=products, filters=filters, today=timezone.localdate())
    accounts = selectors.grid_accounts(user=request.user, filters=filters, context=context)
    base = selectors.base_accounts(user=request.user, filters=filters, context=context)
    columns, rows = exports.grid_table(
        products=context.products,
        rows=selectors.grid_export_rows(accounts=accounts, context=context, base=base),
    )
    return table_download(
        columns=columns,
        rows=rows,
        fmt=fmt,
        filename=f"whitespace-{timezone.localdate():%Y%m%d}",
        title=str(_("Whitespace")),
    )
