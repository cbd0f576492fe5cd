"""Writes to accounts and the rows that belong to them.

Each write is atomic, validates the model (validators and constraints) before it saves,
records who made it in the audit history, and refuses to touch an account the user may not
see, with a 404 exactly like the pages. Forms check what a person typed; these functions
check what only the database knows.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from crm.users.models import User

from .models import (
    Account,
    Activity,
    Contact,
    NPSResponse,
    Order,
    OrderLine,
    Subscription,
    UsageRecord,
)

# What people may edit, in the order the forms show it.
ACCOUNT_FIELDS = (
    "name",
    "name_kana",
    "corporate_number",
    "industry",
    "growth_stage",
    "employee_count",
    "revenue_band",
    "region",
    "fiscal_closing_month",
    "owner",
    "cs_owner",
    "do_not_contact",
    "quiet_until",
)
CONTACT_FIELDS = (
    "name",
    "name_kana",
    "title",
    "department",
    "email",
    "phone",
    "is_decision_maker",
    "is_primary",
)
SUBSCRIPTION_FIELDS = (
    "product",
    "quantity",
    "monthly_amount",
    "billing_model",
    "status",
    "started_on",
    "renewal_on",
    "trial_ends_on",
    "cancelled_on",
)
ACTIVITY_FIELDS = ("kind", "occurred_on", "summary", "outcome", "resolved_on")
NPS_FIELDS = ("score", "answered_on", "contact", "comment")
USAGE_BATCH_SIZE = 2_000  # rows per INSERT … ON CONFLICT statement, as the imports use


def _check_visible(*, user: User, account: Account) -> None:
    if not Account.objects.visible_to(user).filter(pk=account.pk).exists():
        raise Http404


def _save(instance: models.Model, *, user: User, allowed: tuple[str, ...], fields: dict[str, Any]):
    unknown = set(fields).difference(allowed)
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no editable fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    if hasattr(type(instance), "history"):
        instance._history_user = user  # simple-history: the author, even outside a request
    instance.save()
    return instance


def _check_still_visible(*, user: User, account: Account) -> None:
    if not Account.objects.visible_to(user).filter(pk=account.pk).exists():
        raise ValidationError(
            {
                "owner": _(
                    "You would no longer see this account after saving. "
                    "Ask your manager to hand it over."
                )
            },
            code="not_visible",
        )


@transaction.atomic
def account_create(*, user: User, **fields: Any) -> Account:
    """A new account, owned by `user` unless another owner is given; it must stay visible."""
    fields.setdefault("owner", user)
    account = _save(Account(), user=user, allowed=ACCOUNT_FIELDS, fields=fields)
    _check_still_visible(user=user, account=account)
    return account


@transaction.atomic
def account_update(*, user: User, account: Account, **fields: Any) -> Account:
    _check_visible(user=user, account=account)
    _save(account, user=user, allowed=ACCOUNT_FIELDS, fields=fields)
    _check_still_visible(user=user, account=account)
    return account


def _demote_other_primary(contact: Contact, *, user: User) -> None:
    # At most one row: the constraint allows one primary contact per account.
    for other in Contact.objects.filter(account=contact.account, is_primary=True).exclude(
        pk=contact.pk
    ):
        other.is_primary = False
        other._history_user = user
        other.save(update_fields=["is_primary"])


@transaction.atomic
def contact_create(*, user: User, account: Account, **fields: Any) -> Contact:
    """A new contact; marking it primary makes the previous primary contact an ordinary one."""
    _check_visible(user=user, account=account)
    contact = Contact(account=account)
    if fields.get("is_primary"):
        _demote_other_primary(contact, user=user)
    return _save(contact, user=user, allowed=CONTACT_FIELDS, fields=fields)


@transaction.atomic
def contact_update(*, user: User, contact: Contact, **fields: Any) -> Contact:
    _check_visible(user=user, account=contact.account)
    if fields.get("is_primary"):
        _demote_other_primary(contact, user=user)
    return _save(contact, user=user, allowed=CONTACT_FIELDS, fields=fields)


def _check_product_on_sale(subscription: Subscription, fields: dict[str, Any]) -> None:
    product = fields.get("product")
    if product is not None and product.pk != subscription.product_id and not product.is_active:
        raise ValidationError(
            {"product": _("This product is no longer on sale.")}, code="not_on_sale"
        )


@transaction.atomic
def subscription_create(*, user: User, account: Account, **fields: Any) -> Subscription:
    """A new subscription; without a monthly amount it is billed at the product's list price."""
    _check_visible(user=user, account=account)
    subscription = Subscription(account=account)
    _check_product_on_sale(subscription, fields)
    if fields.get("monthly_amount") is None and fields.get("product") is not None:
        fields["monthly_amount"] = fields["product"].monthly_price
    return _save(subscription, user=user, allowed=SUBSCRIPTION_FIELDS, fields=fields)


@transaction.atomic
def subscription_update(*, user: User, subscription: Subscription, **fields: Any) -> Subscription:
    _check_visible(user=user, account=subscription.account)
    _check_product_on_sale(subscription, fields)
    if "monthly_amount" in fields and fields["monthly_amount"] is None:
        fields["monthly_amount"] = fields.get("product", subscription.product).monthly_price
    return _save(subscription, user=user, allowed=SUBSCRIPTION_FIELDS, fields=fields)


@transaction.atomic
def activity_create(*, user: User, account: Account, **fields: Any) -> Activity:
    """An event on the account's timeline, owned by the user who logs it."""
    _check_visible(user=user, account=account)
    activity = Activity(account=account, owner=user)
    return _save(activity, user=user, allowed=ACTIVITY_FIELDS, fields=fields)


@transaction.atomic
def activity_update(*, user: User, activity: Activity, **fields: Any) -> Activity:
    _check_visible(user=user, account=activity.account)
    return _save(activity, user=user, allowed=ACTIVITY_FIELDS, fields=fields)


def _check_contact_of(account: Account, fields: dict[str, Any]) -> None:
    contact = fields.get("contact")
    if contact is not None and contact.account_id != account.pk:
        raise ValidationError(
            {"contact": _("Choose a contact of this account.")}, code="other_account"
        )


@transaction.atomic
def nps_response_create(*, user: User, account: Account, **fields: Any) -> NPSResponse:
    """An NPS answer from the account, optionally from one of its contacts."""
    _check_visible(user=user, account=account)
    _check_contact_of(account, fields)
    answer = NPSResponse(account=account)
    return _save(answer, user=user, allowed=NPS_FIELDS, fields=fields)


@transaction.atomic
def nps_response_update(*, user: User, answer: NPSResponse, **fields: Any) -> NPSResponse:
    _check_visible(user=user, account=answer.account)
    _check_contact_of(answer.account, fields)
    return _save(answer, user=user, allowed=NPS_FIELDS, fields=fields)


# --- usage and orders sent by the customer's systems ---------------------------------------


@dataclass(frozen=True)
class UsageIngestCounts:
    created: int
    updated: int


@transaction.atomic
def usage_records_upsert(*, user: User, records: list[dict[str, Any]]) -> UsageIngestCounts:
    """Save daily usage ({"subscription": id, "date", "quantity"}), one row per subscription
    and day: sending the same day again replaces its quantity, so a retried sync is harmless.

    All or nothing: an unknown subscription, or one on an account `user` may not see, rejects
    the whole batch with the positions of the offending records. Three queries whatever the size.
    """
    subscription_ids = {record["subscription"] for record in records}
    accounts_by_subscription = dict(
        Subscription.objects.visible_to(user)
        .filter(pk__in=subscription_ids)
        .values_list("pk", "account_id")
    )
    errors = {}
    seen: set[tuple] = set()
    for position, record in enumerate(records):
        key = (record["subscription"], record["date"])
        if record["subscription"] not in accounts_by_subscription:
            errors[str(position)] = _("No subscription with this id.")
        elif key in seen:
            errors[str(position)] = _("This subscription and date appear twice in the batch.")
        seen.add(key)
    if errors:
        raise ValidationError({"records": [errors]}, code="invalid_records")
    dates = [record["date"] for record in records]
    existing = (
        UsageRecord.objects.filter(
            subscription_id__in=subscription_ids, date__range=(min(dates), max(dates))
        )
        .values_list("subscription_id", "date")
        .order_by()
    )
    updated = len(seen.intersection(existing))
    UsageRecord.objects.bulk_create(
        [
            UsageRecord(
                account_id=accounts_by_subscription[record["subscription"]],
                subscription_id=record["subscription"],
                date=record["date"],
                quantity=record["quantity"],
            )
            for record in records
        ],
        batch_size=USAGE_BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["subscription", "date"],
        update_fields=["quantity"],
    )
    return UsageIngestCounts(created=len(records) - updated, updated=updated)


@transaction.atomic
def order_create(
    *,
    user: User,
    account: Account,
    ordered_on: datetime.date,
    lines: list[dict[str, Any]],
    external_id: str | None = None,
) -> Order:
    """An order with its lines ({"product", "quantity", "unit_price"}); the total is their sum."""
    _check_visible(user=user, account=account)
    products = [line["product"].pk for line in lines]
    if not lines:
        raise ValidationError({"lines": _("An order needs at least one line.")}, code="empty")
    if len(set(products)) != len(products):
        raise ValidationError(
            {"lines": _("Put each product on one line of the order.")}, code="duplicate_product"
        )
    order = Order(
        account=account,
        ordered_on=ordered_on,
        external_id=external_id,
        total=sum(line["quantity"] * line["unit_price"] for line in lines),
    )
    order.full_clean()
    order.save()
    OrderLine.objects.bulk_create(OrderLine(order=order, **line) for line in lines)
    return order
