"""Per kind of file: check the rows against each other and the database, then write them.

`check()` reads everything the rows refer to in a fixed number of queries (one IN-list per
referenced table, in chunks) and reports every problem; `write()` runs only when no row has
one, inside the caller's transaction, and writes in batches: never a query per row.

Accounts, contacts and subscriptions keep an audit history (django-simple-history), which
does not see bulk writes. For them the existing rows are loaded whole, new rows are inserted
with bulk_create_with_history and changed ones updated with bulk_update_with_history: the
history helpers must be told which rows are new ("+") and which changed ("~"), and comparing
with the loaded rows lets an unchanged re-import write neither rows nor history. Usage, NPS
answers and orders keep no history and are upserted with bulk_create(update_conflicts=True).
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd
from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.bulk_json import json_rows_sql
from accounts.models import (
    Account,
    Contact,
    NPSResponse,
    Order,
    OrderLine,
    Product,
    Subscription,
    UsageRecord,
)
from crm.users.models import User

from .errors import ErrorList
from .specs import SPECS, ImportSpec, Kind

# Rows per INSERT/UPDATE statement. 2,000 usage rows are ≈ 8,000 parameters, well under
# PostgreSQL's 65,535; a 100,000-row usage file writes in 50 statements (see the report in
# tests/accounts/test_imports_scale.py). SQLite caps a statement at 999 parameters and Django
# splits batches further there by itself.
BATCH_SIZE = 2_000
# Usage rows per INSERT on PostgreSQL (≈ 7 MB of JSON each, see UsageLoader.upsert_as_json).
JSON_BATCH = 100_000
USAGE_TYPES = {
    "account_id": "bigint",
    "subscription_id": "bigint",
    "date": "date",
    "quantity": "numeric",
}
# Keys per IN (...) lookup: under SQLite's 32,766-parameter limit with room to spare.
LOOKUP_CHUNK = 10_000


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def chunked(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def distinct(series: pd.Series) -> list:
    return [value for value in series.dropna().unique().tolist() if value not in ("", None)]


def filled(series: pd.Series) -> pd.Series:
    """Where a cell holds a value (neither missing nor blank text)."""
    return series.notna() & (series != "")


def map_keys(series: pd.Series, mapping: dict) -> pd.Series:
    """`series` mapped through `mapping`, None where missing (never a float NaN for an id)."""
    return pd.Series([mapping.get(v) for v in series], index=series.index, dtype=object)


def records(frame: pd.DataFrame, columns: Iterable[str]) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (None, never NaN)."""
    subset = frame[list(columns)].astype(object)
    return subset.where(subset.notna(), None).to_dict("records")


class Loader:
    """Checks and writes the rows of one kind of file for one user."""

    kind: ClassVar[str]
    model: ClassVar[type[Model]]

    def __init__(self, *, user: User, frame: pd.DataFrame, present: set[str], errors: ErrorList):
        self.user = user
        self.frame = frame  # typed values, one column per present file column, plus _row
        self.present = present  # the optional columns the file has: absent ones stay as they are
        self.errors = errors

    @property
    def spec(self) -> ImportSpec:
        return SPECS[self.kind]

    def check(self) -> None:
        raise NotImplementedError

    def write(self) -> Counts:
        raise NotImplementedError

    # lookups, each one query per chunk of keys ------------------------------------------

    @staticmethod
    def lookup(queryset: QuerySet, field: str, keys: list, *values: str) -> dict[Any, Any]:
        """{key: the row's `values` (a tuple, or the one value)} of rows whose `field` is a key."""
        found: dict[Any, Any] = {}
        for chunk in chunked(keys, LOOKUP_CHUNK):
            for row in queryset.filter(**{f"{field}__in": chunk}).values_list(field, *values):
                found[row[0]] = row[1] if len(values) == 1 else row[1:]
        return found

    @staticmethod
    def load(queryset: QuerySet, field: str, keys: list) -> dict[Any, Model]:
        """{key: model instance} for the rows whose `field` is a key."""
        found: dict[Any, Model] = {}
        for chunk in chunked(keys, LOOKUP_CHUNK):
            found.update(
                (getattr(obj, field), obj) for obj in queryset.filter(**{f"{field}__in": chunk})
            )
        return found

    def visible_account_ids(self, account_ids: Iterable[int]) -> set[int]:
        ids = sorted(set(account_ids))
        visible: set[int] = set()
        for chunk in chunked(ids, LOOKUP_CHUNK):
            visible.update(
                Account.objects.visible_to(self.user)
                .filter(pk__in=chunk)
                .values_list("pk", flat=True)
            )
        return visible

    # checks shared by several kinds -------------------------------------------------------

    def check_duplicates(self) -> None:
        """Rows whose key repeats an earlier row's are errors pointing at that row."""
        key = list(self.spec.key)
        filled = self.frame[key].notna().all(axis=1)
        frame = self.frame.loc[filled]
        first = frame.groupby(key, sort=False)["_row"].transform("first")
        repeated = frame.assign(_first=first).loc[first != frame["_row"]]
        self.errors.add_rows(
            repeated,
            pd.Series(True, index=repeated.index),
            column=key[0],
            code="duplicate",
            row_from="_first",
        )

    def resolve_accounts(self, column: str = "account_external_id") -> None:
        """Adds `account_id` from the visible accounts; an invisible account reads as missing."""
        keys = distinct(self.frame[column])
        ids = self.lookup(Account.objects.visible_to(self.user), "external_id", keys, "pk")
        self.frame["account_id"] = map_keys(self.frame[column], ids)
        missing = filled(self.frame[column]) & self.frame["account_id"].isna()
        self.errors.add_rows(
            self.frame, missing, column=column, code="unknown_account", value_from=column
        )

    def resolve_products(self, column: str = "product_code") -> None:
        ids = self.lookup(Product.objects.all(), "code", distinct(self.frame[column]), "pk")
        self.frame["product_id"] = map_keys(self.frame[column], ids)
        missing = filled(self.frame[column]) & self.frame["product_id"].isna()
        self.errors.add_rows(
            self.frame, missing, column=column, code="unknown_product", value_from=column
        )

    def check_existing_accessible(self, existing_account_ids: dict[Any, int], column: str) -> None:
        """Rows that would change a record of an account the user cannot see are refused."""
        visible = self.visible_account_ids(existing_account_ids.values())
        hidden = {
            key for key, account_id in existing_account_ids.items() if account_id not in visible
        }
        mask = self.frame[column].isin(hidden)
        self.errors.add_rows(
            self.frame, mask, column=column, code="not_accessible", value_from=column
        )

    # writes shared by the kinds with history ---------------------------------------------

    def upsert_with_history(
        self, existing: dict[str, Model], rows: list[dict[str, Any]], fields: list[str]
    ) -> Counts:
        """Insert rows whose external id is new, update those that differ, skip the rest."""
        counts = Counts()
        new, changed = [], []
        for row in rows:
            obj = existing.get(row["external_id"])
            if obj is None:
                new.append(self.model(**row))
                continue
            if all(getattr(obj, field) == row[field] for field in fields):
                counts.unchanged += 1
                continue
            for field in fields:
                setattr(obj, field, row[field])
            changed.append(obj)
        bulk_create_with_history(new, self.model, batch_size=BATCH_SIZE, default_user=self.user)
        if changed:
            update_fields = list(fields)
            if any(f.name == "updated_at" for f in self.model._meta.fields):
                now = timezone.now()  # auto_now is not applied by bulk updates
                for obj in changed:
                    obj.updated_at = now
                update_fields.append("updated_at")
            bulk_update_with_history(
                changed, self.model, update_fields, batch_size=BATCH_SIZE, default_user=self.user
            )
        counts.created, counts.updated = len(new), len(changed)
        return counts

    def load_existing(self) -> None:
        """The records the file's external ids name; rows for records of hidden accounts are
        refused (they would move or change another team's data)."""
        keys = distinct(self.frame["external_id"])
        self.existing = self.load(self.model.objects.all(), "external_id", keys)
        account_ids = {key: obj.account_id for key, obj in self.existing.items()}
        self.check_existing_accessible(account_ids, "external_id")

    def upsert_file_rows(self) -> Counts:
        fields = self.model_fields(self.FIELDS)
        return self.upsert_with_history(
            self.existing, records(self.frame, ["external_id", *fields]), fields
        )

    def model_fields(self, mapping: dict[str, str]) -> list[str]:
        """The model fields the file sets: required columns and the optional ones it has."""
        return [field for column, field in mapping.items() if column in self.present]


class AccountLoader(Loader):
    kind = Kind.ACCOUNTS
    model = Account
    # file column → model field
    FIELDS = {
        "name": "name",
        "name_kana": "name_kana",
        "corporate_number": "corporate_number",
        "industry": "industry",
        "employee_count": "employee_count",
        "revenue_band": "revenue_band",
        "growth_stage": "growth_stage",
        "region": "region",
        "fiscal_closing_month": "fiscal_closing_month",
        "owner_email": "owner_id",
        "cs_owner_email": "cs_owner_id",
        "do_not_contact": "do_not_contact",
        "quiet_until": "quiet_until",
    }

    def check(self) -> None:
        self.check_duplicates()
        keys = distinct(self.frame["external_id"])
        self.existing = self.load(Account.objects.all(), "external_id", keys)
        visible = self.visible_account_ids(obj.pk for obj in self.existing.values())
        hidden = {key for key, obj in self.existing.items() if obj.pk not in visible}
        self.errors.add_rows(
            self.frame,
            self.frame["external_id"].isin(hidden),
            column="external_id",
            code="not_accessible",
            value_from="external_id",
        )
        if not (self.user.is_admin or self.user.is_manager):
            new = self.frame["external_id"].notna() & ~self.frame["external_id"].isin(
                self.existing.keys()
            )
            self.errors.add_rows(
                self.frame, new, column="external_id", code="cannot_create_account"
            )
        self.resolve_users()
        if self.user.is_manager and not self.user.is_admin:
            self.check_stays_in_view()

    def resolve_users(self) -> None:
        columns = [c for c in ("owner_email", "cs_owner_email") if c in self.present]
        emails = sorted({e for c in columns for e in distinct(self.frame[c])})
        ids = self.lookup(User.objects.filter(is_active=True), "email", emails, "pk")
        for column in columns:
            field = self.FIELDS[column]
            self.frame[field] = map_keys(self.frame[column], ids)
            missing = filled(self.frame[column]) & self.frame[field].isna()
            self.errors.add_rows(
                self.frame, missing, column=column, code="unknown_user", value_from=column
            )

    def check_stays_in_view(self) -> None:
        """A manager's row must leave the account owned or CS-owned inside the teams they lead."""
        members = set(User.objects.filter(team__manager=self.user).values_list("pk", flat=True))

        def final(field: str, column: str) -> pd.Series:
            before = self.frame["external_id"].map(
                {k: getattr(o, field) for k, o in self.existing.items()}
            )
            return self.frame[field] if column in self.present else before

        owner, cs_owner = final("owner_id", "owner_email"), final("cs_owner_id", "cs_owner_email")
        outside = ~owner.isin(members) & ~cs_owner.isin(members)
        # A row whose email matched no one already has that error; this one would only repeat it.
        for column in ("owner_email", "cs_owner_email"):
            if column in self.present:
                outside &= ~(filled(self.frame[column]) & self.frame[self.FIELDS[column]].isna())
        column = "owner_email" if "owner_email" in self.present else "external_id"
        self.errors.add_rows(self.frame, outside, column=column, code="owner_outside_teams")

    def write(self) -> Counts:
        return self.upsert_file_rows()


class ContactLoader(Loader):
    kind = Kind.CONTACTS
    model = Contact
    FIELDS = {
        "account_external_id": "account_id",
        "name": "name",
        "name_kana": "name_kana",
        "title": "title",
        "department": "department",
        "email": "email",
        "phone": "phone",
        "is_decision_maker": "is_decision_maker",
        "is_primary": "is_primary",
    }

    def check(self) -> None:
        self.check_duplicates()
        self.resolve_accounts()
        self.load_existing()
        if "is_primary" in self.present:
            primary = self.frame.loc[
                self.frame["is_primary"].astype(bool) & self.frame["account_id"].notna()
            ]
            first = primary.groupby("account_id")["_row"].transform("first")
            second = primary.assign(_first=first).loc[first != primary["_row"]]
            self.errors.add_rows(
                second,
                pd.Series(True, index=second.index),
                column="is_primary",
                code="two_primary",
                row_from="_first",
            )

    def write(self) -> Counts:
        if "is_primary" in self.present:
            self.release_primary()
        return self.upsert_file_rows()

    def release_primary(self) -> None:
        """Clears the old primary contact of each account the file gives a new one.

        One account has at most one primary contact (a unique index checked row by row), so the
        old ones are cleared in a statement of their own before the file's rows are written.
        """
        primary = self.frame.loc[self.frame["is_primary"].astype(bool)]
        accounts = sorted({int(a) for a in primary["account_id"]})
        keep = set(primary["external_id"])
        released = [
            contact
            for chunk in chunked(accounts, LOOKUP_CHUNK)
            for contact in Contact.objects.filter(account_id__in=chunk, is_primary=True)
            if contact.external_id not in keep
        ]
        if not released:
            return
        Contact.objects.filter(pk__in=[c.pk for c in released]).update(is_primary=False)
        in_file = set(self.existing)
        untouched = [c for c in released if c.external_id not in in_file]
        for contact in untouched:
            contact.is_primary = False
        # Contacts of the file get their history row from the upsert that follows.
        Contact.history.bulk_history_create(
            untouched, update=True, default_user=self.user, batch_size=BATCH_SIZE
        )


class SubscriptionLoader(Loader):
    kind = Kind.SUBSCRIPTIONS
    model = Subscription
    FIELDS = {
        "account_external_id": "account_id",
        "product_code": "product_id",
        "quantity": "quantity",
        "monthly_amount": "monthly_amount",
        "billing_model": "billing_model",
        "status": "status",
        "started_on": "started_on",
        "renewal_on": "renewal_on",
        "trial_ends_on": "trial_ends_on",
        "cancelled_on": "cancelled_on",
    }

    def check(self) -> None:
        self.check_duplicates()
        self.resolve_accounts()
        self.resolve_products()
        self.load_existing()
        if "renewal_on" in self.present:
            dates = self.frame[["started_on", "renewal_on"]].dropna()
            early = pd.Series(False, index=self.frame.index)
            early.loc[dates.index] = dates["renewal_on"] < dates["started_on"]
            self.errors.add_rows(
                self.frame, early, column="renewal_on", code="renewal_before_start"
            )

    def write(self) -> Counts:
        if "quantity" in self.present:
            self.frame["quantity"] = self.frame["quantity"].where(self.frame["quantity"].notna(), 1)
        if "billing_model" in self.present:
            flat = Subscription.BillingModel.FLAT
            self.frame["billing_model"] = self.frame["billing_model"].replace("", flat)
        return self.upsert_file_rows()


class UsageLoader(Loader):
    kind = Kind.USAGE
    model = UsageRecord

    def check(self) -> None:
        self.check_duplicates()
        keys = distinct(self.frame["subscription_external_id"])
        found = self.lookup(
            Subscription.objects.visible_to(self.user), "external_id", keys, "pk", "account_id"
        )
        column = self.frame["subscription_external_id"]
        self.frame["subscription_id"] = map_keys(column, {k: v[0] for k, v in found.items()})
        self.frame["account_id"] = map_keys(column, {k: v[1] for k, v in found.items()})
        missing = filled(column) & self.frame["subscription_id"].isna()
        self.errors.add_rows(
            self.frame,
            missing,
            column="subscription_external_id",
            code="unknown_subscription",
            value_from="subscription_external_id",
        )

    def write(self) -> Counts:
        subscriptions = sorted({int(s) for s in self.frame["subscription_id"]})
        first, last = self.frame["date"].min(), self.frame["date"].max()
        before = self.count_days(subscriptions, first, last)
        if connection.vendor == "postgresql":
            self.upsert_as_json()
        else:
            rows = records(self.frame, ["account_id", "subscription_id", "date", "quantity"])
            UsageRecord.objects.bulk_create(
                [UsageRecord(**row) for row in rows],
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["subscription", "date"],
                update_fields=["account", "quantity"],
            )
        created = self.count_days(subscriptions, first, last) - before
        return Counts(created=created, updated=len(self.frame) - created)

    @staticmethod
    def count_days(subscriptions: list[int], first, last) -> int:
        return sum(
            UsageRecord.objects.filter(subscription_id__in=chunk, date__range=(first, last)).count()
            for chunk in chunked(subscriptions, LOOKUP_CHUNK)
        )

    def upsert_as_json(self) -> None:
        """The rows as JSON arrays of JSON_BATCH rows (accounts.bulk_json), each written by one
        INSERT … ON CONFLICT. Measured on 100,000 rows: bulk_create spent 22 s of CPU
        building model objects and quoting parameters in Python; pandas writes the JSON in C."""
        table = pd.DataFrame(
            {
                "account_id": self.frame["account_id"].astype("int64"),
                "subscription_id": self.frame["subscription_id"].astype("int64"),
                "date": self.frame["date"].map(datetime.date.isoformat),
                "quantity": self.frame["quantity"].map(str),  # exact decimals, as text
            }
        )
        with connection.cursor() as cursor:
            for start in range(0, len(table), JSON_BATCH):
                cursor.execute(
                    "INSERT INTO accounts_usagerecord "
                    "(account_id, subscription_id, date, quantity) "
                    f"{json_rows_sql(USAGE_TYPES)} "
                    "ON CONFLICT (subscription_id, date) DO UPDATE "
                    "SET account_id = EXCLUDED.account_id, quantity = EXCLUDED.quantity",
                    [table.iloc[start : start + JSON_BATCH].to_json(orient="records")],
                )


class OrderLoader(Loader):
    kind = Kind.ORDERS
    model = Order

    def check(self) -> None:
        self.check_duplicates()
        self.resolve_accounts()
        self.resolve_products()
        keys = distinct(self.frame["order_external_id"])
        self.existing = self.lookup(Order.objects.all(), "external_id", keys, "account_id")
        self.check_existing_accessible(self.existing, "order_external_id")
        # Every row of an order must repeat the account and date of the order's first row.
        by_order = self.frame.groupby("order_external_id", sort=False)
        first_row = by_order["_row"].transform("first")
        differs = pd.Series(False, index=self.frame.index)
        for column in ("account_external_id", "ordered_on"):
            value = self.frame[column]
            differs |= value.notna() & (value != by_order[column].transform("first"))
        mismatched = self.frame.assign(_first=first_row).loc[differs]
        self.errors.add_rows(
            mismatched,
            pd.Series(True, index=mismatched.index),
            column="account_external_id",
            code="order_mismatch",
            row_from="_first",
        )

    def write(self) -> Counts:
        frame = self.frame.copy()
        if "quantity" not in self.present:
            frame["quantity"] = 1
        frame["quantity"] = frame["quantity"].where(frame["quantity"].notna(), 1)
        frame["amount"] = frame["quantity"].astype(int) * frame["unit_price"].astype(int)
        orders = frame.groupby("order_external_id", sort=False).agg(
            account_id=("account_id", "first"),
            ordered_on=("ordered_on", "first"),
            total=("amount", "sum"),
        )
        Order.objects.bulk_create(
            [
                Order(
                    external_id=key,
                    account_id=int(row.account_id),
                    ordered_on=row.ordered_on,
                    total=int(row.total),
                )
                for key, row in orders.iterrows()
            ],
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["external_id"],
            update_fields=["account", "ordered_on", "total"],
        )
        order_ids = self.lookup(Order.objects.all(), "external_id", orders.index.tolist(), "pk")
        # An order's lines in the file are the whole order: its previous lines are replaced.
        ids = sorted(order_ids.values())
        for chunk in chunked(ids, LOOKUP_CHUNK):
            OrderLine.objects.filter(order_id__in=chunk).delete()
        frame["order_id"] = map_keys(frame["order_external_id"], order_ids)
        OrderLine.objects.bulk_create(
            [
                OrderLine(**row)
                for row in records(frame, ["order_id", "product_id", "quantity", "unit_price"])
            ],
            batch_size=BATCH_SIZE,
        )
        updated = sum(1 for key in orders.index if key in self.existing)
        return Counts(created=len(orders) - updated, updated=updated)


class NPSLoader(Loader):
    kind = Kind.NPS
    model = NPSResponse

    def check(self) -> None:
        self.check_duplicates()
        self.resolve_accounts()
        keys = distinct(self.frame["external_id"])
        self.existing = self.lookup(NPSResponse.objects.all(), "external_id", keys, "account_id")
        self.check_existing_accessible(self.existing, "external_id")
        self.frame["contact_id"] = None
        if "contact_external_id" in self.present:
            column = self.frame["contact_external_id"]
            contacts = self.lookup(
                Contact.objects.all(), "external_id", distinct(column), "pk", "account_id"
            )
            # The contact must belong to the row's account: that also keeps hidden contacts out.
            pairs = zip(column, self.frame["account_id"], strict=True)
            ids = [
                contacts[key][0] if key in contacts and contacts[key][1] == account else None
                for key, account in pairs
            ]
            self.frame["contact_id"] = pd.Series(ids, index=self.frame.index, dtype=object)
            missing = (
                column.notna() & self.frame["account_id"].notna() & self.frame["contact_id"].isna()
            )
            self.errors.add_rows(
                self.frame,
                missing,
                column="contact_external_id",
                code="unknown_contact",
                value_from="contact_external_id",
            )

    def write(self) -> Counts:
        fields = ["account_id", "contact_id", "score", "answered_on"]
        if "comment" in self.present:
            fields.append("comment")
        rows = records(self.frame, ["external_id", *fields])
        NPSResponse.objects.bulk_create(
            [NPSResponse(**row) for row in rows],
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["external_id"],
            update_fields=[f.removesuffix("_id") for f in fields],
        )
        updated = sum(1 for row in rows if row["external_id"] in self.existing)
        return Counts(created=len(rows) - updated, updated=updated)


LOADERS: dict[str, type[Loader]] = {
    loader.kind: loader
    for loader in (
        AccountLoader,
        ContactLoader,
        SubscriptionLoader,
        UsageLoader,
        OrderLoader,
        NPSLoader,
    )
}
