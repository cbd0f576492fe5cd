"""The columns of each kind of import file, and who may import it.

One list per kind drives everything about its file: the check of each cell, the template to
download, and the column table on the import page.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.choices import GrowthStage, Industry, Prefecture, RevenueBand
from accounts.models import ImportJob, Subscription
from crm.users.models import Role

from .columns import (
    Boolean,
    Choice,
    Code,
    Column,
    CorporateNumber,
    Date,
    Decimal,
    Email,
    Integer,
    Kana,
    Text,
)

Kind = ImportJob.Kind

ACCOUNT_REF = Code(
    key="account_external_id",
    label=_("Account external id"),
    required=True,
    example="A-0001",
    help=_("The external id of an account you can see."),
)


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    columns: tuple[Column, ...]
    # Who may import this kind; administrators always may. Accounts, subscriptions and orders
    # are contract data kept by managers and administrators; contacts, usage and NPS answers
    # arrive from the field (business-card apps, product telemetry, survey tools), so reps and
    # CS import them too, for the accounts they can see.
    roles: tuple[str, ...]
    # The columns that identify a row: two rows with the same key are duplicates.
    key: tuple[str, ...]

    @property
    def keys(self) -> list[str]:
        return [column.key for column in self.columns]

    @property
    def required(self) -> list[str]:
        return [column.key for column in self.columns if column.required]

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


SPECS: dict[str, ImportSpec] = {
    spec.kind: spec
    for spec in [
        ImportSpec(
            kind=Kind.ACCOUNTS,
            roles=(Role.MANAGER,),
            key=("external_id",),
            columns=(
                Code(
                    key="external_id",
                    label=_("External id"),
                    required=True,
                    example="A-0001",
                    help=_("Your own id for the account; importing it again updates it."),
                ),
                Text(
                    key="name",
                    label=_("Name"),
                    required=True,
                    max_length=200,
                    example="株式会社さくら製作所",
                ),
                Kana(
                    key="name_kana",
                    label=_("Reading (kana)"),
                    max_length=200,
                    example="サクラセイサクショ",
                ),
                CorporateNumber(
                    key="corporate_number",
                    label=_("Corporate number"),
                    example="7000012050002",
                    help=_("13 digits (法人番号)."),
                ),
                Choice(
                    key="industry",
                    label=_("Industry"),
                    required=True,
                    choices=Industry,
                    example=Industry.MANUFACTURING,
                ),
                Integer(
                    key="employee_count", label=_("Employees"), max_value=10_000_000, example="120"
                ),
                Choice(
                    key="revenue_band",
                    label=_("Annual revenue"),
                    choices=RevenueBand,
                    example=RevenueBand.FROM_100M,
                ),
                Choice(
                    key="growth_stage",
                    label=_("Growth stage"),
                    required=True,
                    choices=GrowthStage,
                    example=GrowthStage.GROWTH,
                ),
                Choice(
                    key="region",
                    label=_("Prefecture"),
                    choices=Prefecture,
                    zero_pad=2,
                    example=Prefecture.TOKYO,
                    help=_("JIS code: 01 Hokkaido … 13 Tokyo … 47 Okinawa."),
                ),
                Integer(
                    key="fiscal_closing_month",
                    label=_("Fiscal closing month"),
                    min_value=1,
                    max_value=12,
                    example="3",
                ),
                Email(key="owner_email", label=_("Owner rep (email)"), example="rep1@example.com"),
                Email(key="cs_owner_email", label=_("CS owner (email)"), example="cs1@example.com"),
                Boolean(key="do_not_contact", label=_("Do not contact"), example="0"),
                Date(key="quiet_until", label=_("Quiet until"), example=""),
            ),
        ),
        ImportSpec(
            kind=Kind.CONTACTS,
            roles=(Role.MANAGER, Role.REP, Role.CUSTOMER_SUCCESS),
            key=("external_id",),
            columns=(
                Code(key="external_id", label=_("External id"), required=True, example="C-0001"),
                ACCOUNT_REF,
                Text(
                    key="name", label=_("Name"), required=True, max_length=100, example="山田 太郎"
                ),
                Kana(
                    key="name_kana",
                    label=_("Reading (kana)"),
                    max_length=100,
                    example="ヤマダ タロウ",
                ),
                Text(key="title", label=_("Title"), max_length=100, example="部長"),
                Text(
                    key="department",
                    label=_("Department"),
                    max_length=100,
                    example="情報システム部",
                ),
                Email(key="email", label=_("Email"), example="yamada@sakura.example.jp"),
                Text(key="phone", label=_("Phone"), max_length=32, example="03-1234-5678"),
                Boolean(key="is_decision_maker", label=_("Decision maker"), example="1"),
                Boolean(
                    key="is_primary",
                    label=_("Primary contact"),
                    example="1",
                    help=_("At most one per account."),
                ),
            ),
        ),
        ImportSpec(
            kind=Kind.SUBSCRIPTIONS,
            roles=(Role.MANAGER,),
            key=("external_id",),
            columns=(
                Code(key="external_id", label=_("External id"), required=True, example="S-0001"),
                ACCOUNT_REF,
                Code(
                    key="product_code",
                    label=_("Product code"),
                    required=True,
                    max_length=48,
                    example="crm-standard",
                ),
                Integer(
                    key="quantity", label=_("Seats / quantity"), max_value=10_000_000, example="10"
                ),
                Integer(
                    key="monthly_amount",
                    label=_("Monthly amount (¥)"),
                    required=True,
                    max_value=2_000_000_000,
                    example="50000",
                ),
                Choice(
                    key="billing_model",
                    label=_("Billing model"),
                    choices=Subscription.BillingModel,
                    example=Subscription.BillingModel.FLAT,
                ),
                Choice(
                    key="status",
                    label=_("Status"),
                    required=True,
                    choices=Subscription.Status,
                    example=Subscription.Status.ACTIVE,
                ),
                Date(key="started_on", label=_("Start date"), required=True, example="2025-04-01"),
                Date(key="renewal_on", label=_("Renewal date"), example="2026-04-01"),
                Date(key="trial_ends_on", label=_("Trial end"), example=""),
                Date(key="cancelled_on", label=_("Cancelled on"), example=""),
            ),
        ),
        ImportSpec(
            kind=Kind.USAGE,
            roles=(Role.MANAGER, Role.REP, Role.CUSTOMER_SUCCESS),
            key=("subscription_external_id", "date"),
            columns=(
                Code(
                    key="subscription_external_id",
                    label=_("Subscription external id"),
                    required=True,
                    example="S-0001",
                    help=_("One row per subscription and day; importing a day again replaces it."),
                ),
                Date(key="date", label=_("Date"), required=True, example="2026-04-01"),
                Decimal(key="quantity", label=_("Quantity"), required=True, example="125.5"),
            ),
        ),
        ImportSpec(
            kind=Kind.ORDERS,
            roles=(Role.MANAGER,),
            key=("order_external_id", "product_code"),
            columns=(
                Code(
                    key="order_external_id",
                    label=_("Order external id"),
                    required=True,
                    example="O-0001",
                    help=_(
                        "One row per order line; the lines of an order replace its previous lines."
                    ),
                ),
                ACCOUNT_REF,
                Date(key="ordered_on", label=_("Order date"), required=True, example="2026-04-01"),
                Code(
                    key="product_code",
                    label=_("Product code"),
                    required=True,
                    max_length=48,
                    example="crm-standard",
                ),
                Integer(
                    key="quantity",
                    label=_("Quantity"),
                    min_value=1,
                    max_value=10_000_000,
                    example="2",
                ),
                Integer(
                    key="unit_price",
                    label=_("Unit price (¥)"),
                    required=True,
                    max_value=2_000_000_000,
                    example="50000",
                ),
            ),
        ),
        ImportSpec(
            kind=Kind.NPS,
            roles=(Role.MANAGER, Role.REP, Role.CUSTOMER_SUCCESS),
            key=("external_id",),
            columns=(
                Code(
                    key="external_id",
                    label=_("External id"),
                    required=True,
                    example="N-0001",
                    help=_("The survey tool's answer id."),
                ),
                ACCOUNT_REF,
                Code(
                    key="contact_external_id",
                    label=_("Contact external id"),
                    example="C-0001",
                    help=_("Optional; a contact of the same account."),
                ),
                Integer(
                    key="score",
                    label=_("Score"),
                    required=True,
                    min_value=0,
                    max_value=10,
                    example="9",
                ),
                Date(
                    key="answered_on", label=_("Answered on"), required=True, example="2026-04-01"
                ),
                Text(
                    key="comment",
                    label=_("Comment"),
                    max_length=5000,
                    example="サポートの対応が早い",
                ),
            ),
        ),
    ]
}


def import_kinds_for(user) -> list[str]:
    """The kinds `user` may import, in menu order."""
    if not user.is_authenticated:
        return []
    return [kind for kind, spec in SPECS.items() if user.is_admin or user.role in spec.roles]
