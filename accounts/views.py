"""The account pages: list, 360 page, create/edit forms, export.

Every page is for logged-in users and reads through the selectors, so each shows only the
accounts its user may see; any other account answers 404 like a missing one.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import exports, selectors, services
from .forms import (
    AccountFilterForm,
    AccountForm,
    AccountRowForm,
    ActivityForm,
    ContactForm,
    NPSResponseForm,
    SubscriptionForm,
)
from .panels import account_panels

ACCOUNTS_PER_PAGE = 50


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")


@login_required
@require_GET
def account_list(request):
    form = AccountFilterForm(request.GET, user=request.user)
    accounts = selectors.account_list(user=request.user, filters=form.filters())
    page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    template = "accounts/_list_results.html" if _is_htmx(request) else "accounts/list.html"
    return render(request, template, {"form": form, "page": page})


@login_required
@require_GET
def account_export(request, fmt: str):
    form = AccountFilterForm(request.GET, user=request.user)
    accounts = selectors.account_list(user=request.user, filters=form.filters())
    return exports.table_download(
        columns=exports.COLUMNS,
        rows=accounts,
        fmt=fmt,
        filename=f"accounts-{timezone.localdate():%Y%m%d}",
        title=str(_("Accounts")),
    )


@login_required
@require_GET
def account_detail(request, pk: int):
    account = selectors.account_get(user=request.user, pk=pk)
    return render(
        request,
        "accounts/detail.html",
        {
            "account": account,
            "view": selectors.account_360(account=account),
            "panels": account_panels(request=request, account=account),
        },
    )


def _form_page(request, *, form, save, account=None, title, success):
    """Validate `form`, then call `save(**cleaned_data)`; errors from either go on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(**form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(saved if account is None else account)
    return render(request, "accounts/form.html", {"form": form, "account": account, "title": title})


def _add_service_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def account_create(request):
    form = AccountForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form=form,
        save=lambda **data: services.account_create(user=request.user, **data),
        title=_("New account"),
        success=_("The account was created."),
    )


@login_required
def account_update(request, pk: int):
    account = selectors.account_get(user=request.user, pk=pk)
    form = AccountForm(request.POST or None, instance=account, user=request.user)
    return _form_page(
        request,
        form=form,
        save=lambda **data: services.account_update(user=request.user, account=account, **data),
        title=_("Edit account"),
        success=_("The account was saved."),
    )


@dataclass(frozen=True)
class RowPages:
    """How to add and edit one kind of row of an account: contacts, subscriptions, and so on."""

    form_class: type[AccountRowForm]
    get: Callable[..., Model]  # selector(user=, account=, pk=)
    create: Callable[..., Model]  # service(user=, account=, **data)
    update: Callable[..., Model]  # service(user=, row=, **data)
    titles: tuple[str, str]  # new, edit
    messages: tuple[str, str]  # created, saved


CONTACTS = RowPages(
    form_class=ContactForm,
    get=selectors.contact_get,
    create=services.contact_create,
    update=lambda *, user, row, **data: services.contact_update(user=user, contact=row, **data),
    titles=(_("New contact"), _("Edit contact")),
    messages=(_("The contact was added."), _("The contact was saved.")),
)
SUBSCRIPTIONS = RowPages(
    form_class=SubscriptionForm,
    get=selectors.subscription_get,
    create=services.subscription_create,
    update=lambda *, user, row, **data: services.subscription_update(
        user=user, subscription=row, **data
    ),
    titles=(_("New subscription"), _("Edit subscription")),
    messages=(_("The subscription was added."), _("The subscription was saved.")),
)
ACTIVITIES = RowPages(
    form_class=ActivityForm,
    get=selectors.activity_get,
    create=services.activity_create,
    update=lambda *, user, row, **data: services.activity_update(user=user, activity=row, **data),
    titles=(_("Log an activity"), _("Edit activity")),
    messages=(_("The activity was logged."), _("The activity was saved.")),
)
NPS_ANSWERS = RowPages(
    form_class=NPSResponseForm,
    get=selectors.nps_response_get,
    create=services.nps_response_create,
    update=lambda *, user, row, **data: services.nps_response_update(user=user, answer=row, **data),
    titles=(_("Record an NPS answer"), _("Edit NPS answer")),
    messages=(_("The NPS answer was recorded."), _("The NPS answer was saved.")),
)


@login_required
def row_create(request, pk: int, *, rows: RowPages):
    account = selectors.account_get(user=request.user, pk=pk)
    return _form_page(
        request,
        form=rows.form_class(request.POST or None, account=account),
        save=lambda **data: rows.create(user=request.user, account=account, **data),
        account=account,
        title=rows.titles[0],
        success=rows.messages[0],
    )


@login_required
def row_update(request, pk: int, row_pk: int, *, rows: RowPages):
    account = selectors.account_get(user=request.user, pk=pk)
    row = rows.get(user=request.user, account=account, pk=row_pk)
    return _form_page(
        request,
        form=rows.form_class(request.POST or None, instance=row, account=account),
        save=lambda **data: rows.update(user=request.user, row=row, **data),
        account=account,
        title=rows.titles[1],
        success=rows.messages[1],
    )
