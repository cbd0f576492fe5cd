"""Imports through the pages: good files in each format, bad rows, duplicates, re-imports,
visibility, and who may import what."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.imports.specs import SPECS
from accounts.models import (
    Account,
    Contact,
    ImportJob,
    NPSResponse,
    Order,
    Subscription,
    UsageRecord,
)
from crm.users.models import Role
from tests.accounts.factories import (
    AccountFactory,
    ContactFactory,
    PlanFactory,
    SubscriptionFactory,
)
from tests.accounts.import_files import csv_file, xlsx_file
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_HEADER = [
    "external_id",
    "name",
    "name_kana",
    "corporate_number",
    "industry",
    "employee_count",
    "growth_stage",
    "region",
    "fiscal_closing_month",
    "owner_email",
    "cs_owner_email",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, user, kind, file):
    client.force_login(user)
    response = client.post(reverse("imports:index"), {"kind": kind, "file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])


def error_cells(job):
    return sorted((e["row"], e["column"], e["code"]) for e in job.errors)


@pytest.fixture
def rep_b(team_b):
    return UserFactory(role=Role.REP, team=team_b)


def account_rows(rep, cs_user):
    return [
        ACCOUNT_HEADER,
        [
            "A-1",
            "株式会社さくら製作所",
            "サクラセイサクショ",
            "7000012050002",
            "manufacturing",
            "120",
            "growth",
            "13",
            "3",
            rep.email,
            cs_user.email,
        ],
        [
            "A-2",
            "はなまる学習塾",
            "ハナマルガクシュウジュク",
            "",
            "education",
            "15",
            "startup",
            "27",
            "12",
            rep.email.upper(),
            "",
        ],
    ]


def test_a_manager_imports_accounts_from_csv_with_owners_by_email(client, manager, rep, cs_user):
    job = upload(client, manager, "accounts", csv_file(account_rows(rep, cs_user)))

    assert job.errors == []
    assert (job.status, job.row_count, job.created_count) == ("succeeded", 2, 2)
    sakura = Account.objects.get(external_id="A-1")
    assert (sakura.name, sakura.name_kana, sakura.corporate_number) == (
        "株式会社さくら製作所",
        "サクラセイサクショ",
        "7000012050002",
    )
    assert (sakura.industry, sakura.employee_count, sakura.growth_stage, sakura.region) == (
        "manufacturing",
        120,
        "growth",
        "13",
    )
    assert (sakura.fiscal_closing_month, sakura.owner, sakura.cs_owner) == (3, rep, cs_user)
    juku = Account.objects.get(external_id="A-2")
    assert (juku.owner, juku.cs_owner, juku.corporate_number) == (rep, None, "")
    # The audit history sees the bulk insert, with the importing user.
    assert sorted(Account.history.values_list("external_id", "history_type", "history_user")) == [
        ("A-1", "+", manager.pk),
        ("A-2", "+", manager.pk),
    ]


def test_a_shift_jis_csv_from_japanese_excel_is_read(client, manager, rep, cs_user):
    rows = account_rows(rep, cs_user)
    rows[1][1] = "髙橋工業株式会社①"  # characters only Windows' Shift_JIS (CP932) has

    job = upload(client, manager, "accounts", csv_file(rows, encoding="cp932"))

    assert job.status == "succeeded", job.errors
    assert Account.objects.get(external_id="A-1").name == "髙橋工業株式会社①"
    assert Account.objects.get(external_id="A-2").name_kana == "ハナマルガクシュウジュク"


def test_a_utf8_csv_with_a_byte_order_mark_is_read(client, manager, rep, cs_user):
    job = upload(
        client, manager, "accounts", csv_file(account_rows(rep, cs_user), encoding="utf-8-sig")
    )

    assert job.status == "succeeded", job.errors
    assert Account.objects.count() == 2


def test_an_excel_file_with_real_dates_and_numbers_is_read(client, manager, rep):
    account = AccountFactory(external_id="A-1", owner=rep)
    PlanFactory(code="crm-pro")
    rows = [
        [
            "external_id",
            "account_external_id",
            "product_code",
            "quantity",
            "monthly_amount",
            "billing_model",
            "status",
            "started_on",
            "renewal_on",
        ],
        [
            "S-1",
            "A-1",
            "crm-pro",
            25,
            125000.0,
            "flat",
            "active",
            datetime.datetime(2025, 4, 1),  # noqa: DTZ001 - Excel cells carry no time zone
            datetime.date(2026, 4, 1),
        ],
        ["S-2", "A-1", "crm-pro", 3, 9000, "", "trial", "2026/01/15", None],
    ]

    job = upload(client, manager, "subscriptions", xlsx_file(rows))

    assert job.status == "succeeded", job.errors
    first, second = Subscription.objects.order_by("external_id")
    assert (first.account, first.quantity, first.monthly_amount) == (account, 25, 125000)
    assert (first.started_on, first.renewal_on) == (
        datetime.date(2025, 4, 1),
        datetime.date(2026, 4, 1),
    )
    assert (second.billing_model, second.status, second.started_on, second.renewal_on) == (
        "flat",
        "trial",
        datetime.date(2026, 1, 15),
        None,
    )
    assert Subscription.history.filter(history_type="+").count() == 2


def test_bad_rows_save_nothing_and_each_is_reported_by_row_and_column(
    client, manager, rep, cs_user
):
    rows = account_rows(rep, cs_user)
    rows += [
        [
            "A-3",
            "",
            "かな",
            "1234567890123",
            "farming",
            "ten",
            "growth",
            "99",
            "13",
            "nobody@example.com",
            "",
        ],
        ["A-4", "Kanji Reading Co", "漢字", "", "retail", "-1", "", "13", "", "", ""],
    ]

    job = upload(client, manager, "accounts", csv_file(rows))

    assert job.status == "failed"
    assert Account.objects.count() == 0
    assert error_cells(job) == [
        (4, "corporate_number", "corporate_number_checksum"),
        (4, "employee_count", "integer"),
        (4, "fiscal_closing_month", "range"),
        (4, "industry", "choice"),
        (4, "name", "required"),
        (4, "owner_email", "unknown_user"),
        (4, "region", "choice"),
        (5, "employee_count", "range"),
        (5, "growth_stage", "required"),
        (5, "name_kana", "kana"),
        # a manager's new account must be owned inside their teams
        (5, "owner_email", "owner_outside_teams"),
    ]
    assert job.error_count == 11


def test_the_result_page_lists_errors_in_japanese_and_english(client, manager):
    rows = [
        ["external_id", "account_external_id", "score", "answered_on"],
        ["N-1", "NOPE", "11", "2026-13-01"],
    ]
    job = upload(client, manager, "nps", csv_file(rows))

    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "保存されていません" in page
    assert "0から10までの数値を入力してください" in page
    assert "外部ID「NOPE」" in page

    client.cookies["django_language"] = "en"
    manager.preferred_language = "en"
    manager.save()
    page = client.get(
        reverse("imports:detail", args=[job.pk]), headers={"accept-language": "en"}
    ).content.decode()
    assert "Enter a number from 0 to 10." in page
    assert "No account you can see has the external id “NOPE”." in page


def test_duplicates_inside_a_file_point_at_the_first_row(client, manager, rep):
    AccountFactory(external_id="A-1", owner=rep)
    subscription = SubscriptionFactory(external_id="S-1", account__owner=rep)
    rows = [
        ["subscription_external_id", "date", "quantity"],
        ["S-1", "2026-04-01", "10"],
        ["S-1", "2026-04-02", "11"],
        ["S-1", "2026/4/1", "12"],
    ]

    job = upload(client, manager, "usage", csv_file(rows))

    assert error_cells(job) == [(4, "subscription_external_id", "duplicate")]
    assert job.errors[0]["params"]["row"] == 2
    assert not UsageRecord.objects.filter(subscription=subscription).exists()


def test_a_reimport_updates_and_never_duplicates(client, manager, rep, cs_user):
    rows = account_rows(rep, cs_user)
    upload(client, manager, "accounts", csv_file(rows))

    again = upload(client, manager, "accounts", csv_file(rows))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert Account.history.count() == 2  # an unchanged row writes no history either

    rows[1][5] = "150"
    changed = upload(client, manager, "accounts", csv_file(rows))
    assert (changed.created_count, changed.updated_count, changed.unchanged_count) == (0, 1, 1)
    assert Account.objects.count() == 2
    assert Account.objects.get(external_id="A-1").employee_count == 150
    assert Account.history.filter(history_type="~").get().employee_count == 150


def test_a_reimported_usage_day_replaces_the_old_quantity(client, rep):
    subscription = SubscriptionFactory(external_id="S-1", account__owner=rep)
    rows = [
        ["subscription_external_id", "date", "quantity"],
        ["S-1", "2026-04-01", "10"],
        ["S-1", "2026-04-02", "1,234.5"],
    ]
    first = upload(client, rep, "usage", csv_file(rows))
    assert (first.created_count, first.updated_count) == (2, 0)

    rows[1][2] = "20"
    rows.append(["S-1", "2026-04-03", "30"])
    second = upload(client, rep, "usage", csv_file(rows))

    assert (second.created_count, second.updated_count) == (1, 2)
    assert dict(UsageRecord.objects.values_list("date", "quantity")) == {
        datetime.date(2026, 4, 1): Decimal("20"),
        datetime.date(2026, 4, 2): Decimal("1234.5"),
        datetime.date(2026, 4, 3): Decimal("30"),
    }
    assert set(UsageRecord.objects.values_list("account", flat=True)) == {subscription.account_id}


def test_a_row_for_an_account_the_user_cannot_see_is_refused(client, rep, rep_b):
    AccountFactory(external_id="MINE", owner=rep)
    AccountFactory(external_id="THEIRS", owner=rep_b)
    rows = [
        ["external_id", "account_external_id", "score", "answered_on"],
        ["N-1", "MINE", "9", "2026-04-01"],
        ["N-2", "THEIRS", "3", "2026-04-01"],
    ]

    job = upload(client, rep, "nps", csv_file(rows))

    # Exactly what a missing account would say: the other team's account is not revealed.
    assert error_cells(job) == [(3, "account_external_id", "unknown_account")]
    assert NPSResponse.objects.count() == 0


def test_a_manager_cannot_overwrite_another_teams_account_by_its_external_id(
    client, manager, rep, rep_b
):
    theirs = AccountFactory(external_id="B-1", owner=rep_b, name="他チームの取引先")
    rows = [
        ["external_id", "name", "industry", "growth_stage", "owner_email"],
        ["B-1", "乗っ取り", "retail", "growth", rep.email],
    ]

    job = upload(client, manager, "accounts", csv_file(rows))

    assert error_cells(job) == [(2, "external_id", "not_accessible")]
    theirs.refresh_from_db()
    assert (theirs.name, theirs.owner) == ("他チームの取引先", rep_b)


def test_a_contact_of_a_hidden_account_cannot_be_moved_by_its_external_id(client, rep, rep_b):
    AccountFactory(external_id="MINE", owner=rep)
    ContactFactory(external_id="C-1", account__owner=rep_b)
    rows = [["external_id", "account_external_id", "name"], ["C-1", "MINE", "山田 太郎"]]

    job = upload(client, rep, "contacts", csv_file(rows))

    assert error_cells(job) == [(2, "external_id", "not_accessible")]


def test_contacts_import_moves_the_primary_flag_and_keeps_one_per_account(client, rep):
    account = AccountFactory(external_id="A-1", owner=rep)
    old = ContactFactory(account=account, external_id="C-OLD", is_primary=True)
    rows = [
        [
            "external_id",
            "account_external_id",
            "name",
            "name_kana",
            "email",
            "is_primary",
            "is_decision_maker",
        ],
        ["C-1", "A-1", "山田 太郎", "ヤマダ タロウ", "Yamada@Example.JP", "はい", "1"],
        ["C-2", "A-1", "佐藤 花子", "さとう はなこ", "", "0", "TRUE"],
    ]

    job = upload(client, rep, "contacts", csv_file(rows))

    assert job.status == "succeeded", job.errors
    assert list(Contact.objects.filter(is_primary=True).values_list("external_id", flat=True)) == [
        "C-1"
    ]
    assert Contact.objects.get(external_id="C-1").email == "yamada@example.jp"
    old.refresh_from_db()
    assert old.is_primary is False
    assert old.history.first().history_type == "~"

    rows[2][5] = "1"
    two = upload(client, rep, "contacts", csv_file(rows))
    assert error_cells(two) == [(3, "is_primary", "two_primary")]


def test_orders_are_imported_with_their_lines_and_a_reimport_replaces_the_lines(
    client, manager, rep
):
    AccountFactory(external_id="A-1", owner=rep)
    PlanFactory(code="crm-pro")
    PlanFactory(code="seo-lite")
    rows = [
        [
            "order_external_id",
            "account_external_id",
            "ordered_on",
            "product_code",
            "quantity",
            "unit_price",
        ],
        ["O-1", "A-1", "2026-04-01", "crm-pro", "2", "50000"],
        ["O-1", "A-1", "2026-04-01", "seo-lite", "1", "9800"],
        ["O-2", "A-1", "2026-05-01", "crm-pro", "", "50000"],
    ]
    job = upload(client, manager, "orders", csv_file(rows))
    assert (job.status, job.created_count) == ("succeeded", 2), job.errors
    assert dict(Order.objects.values_list("external_id", "total")) == {
        "O-1": 109_800,
        "O-2": 50_000,
    }

    changed = upload(client, manager, "orders", csv_file(rows[:2]))
    assert (changed.created_count, changed.updated_count) == (0, 1)
    order = Order.objects.get(external_id="O-1")
    assert (order.total, order.lines.count()) == (100_000, 1)

    rows[2][2] = "2026-04-02"
    mismatch = upload(client, manager, "orders", csv_file(rows))
    assert error_cells(mismatch) == [(3, "account_external_id", "order_mismatch")]


def test_an_nps_answer_names_a_contact_of_its_own_account_only(client, rep):
    account = AccountFactory(external_id="A-1", owner=rep)
    ContactFactory(account=account, external_id="C-1")
    ContactFactory(account__owner=rep, external_id="C-ELSEWHERE")
    rows = [
        [
            "external_id",
            "account_external_id",
            "contact_external_id",
            "score",
            "answered_on",
            "comment",
        ],
        ["N-1", "A-1", "C-1", "10", "2026-04-01", "とても満足"],
        ["N-2", "A-1", "C-ELSEWHERE", "6", "2026-04-01", ""],
    ]

    job = upload(client, rep, "nps", csv_file(rows))
    assert error_cells(job) == [(3, "contact_external_id", "unknown_contact")]

    job = upload(client, rep, "nps", csv_file(rows[:2]))
    answer = NPSResponse.objects.get()
    assert (answer.score, answer.contact.external_id, answer.comment) == (10, "C-1", "とても満足")


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"name\n", "header-only.csv", "empty"),
        (b"\x81\x00\xff\xfe", "binary.csv", "encoding"),
        (b"not a zip", "fake.xlsx", "unreadable"),
    ],
)
def test_a_file_that_cannot_be_read_is_reported_as_a_whole(client, manager, data, name, code):
    job = upload(client, manager, "nps", SimpleUploadedFile(name, data))

    assert (job.status, error_cells(job)) == ("failed", [(None, None, code)])


def test_missing_and_unknown_columns_are_reported_on_the_header_row(client, manager):
    rows = [["external_id", "score", "answerd_on"], ["N-1", "9", "2026-04-01"]]

    job = upload(client, manager, "nps", csv_file(rows))

    assert error_cells(job) == [
        (1, "account_external_id", "missing_column"),
        (1, "answerd_on", "unknown_column"),
        (1, "answered_on", "missing_column"),
    ]


def test_who_may_import_what(client, rep, cs_user, manager, admin_user):
    client.force_login(rep)
    page = client.get(reverse("imports:index"))
    kinds = [value for value, _label in page.context["form"].fields["kind"].choices]
    assert kinds == ["contacts", "usage", "nps"]
    response = client.post(
        reverse("imports:index"), {"kind": "accounts", "file": csv_file([["external_id"], ["A"]])}
    )
    assert response.status_code == 200
    assert ImportJob.objects.count() == 0
    assert client.get(reverse("imports:template", args=["accounts", "csv"])).status_code == 404

    client.force_login(cs_user)
    assert [
        v for v, _l in client.get(reverse("imports:index")).context["form"].fields["kind"].choices
    ] == ["contacts", "usage", "nps"]
    for user in (manager, admin_user):
        client.force_login(user)
        assert len(client.get(reverse("imports:index")).context["form"].fields["kind"].choices) == 6


def test_anonymous_users_are_sent_to_log_in(client):
    for url in (reverse("imports:index"), reverse("imports:template", args=["nps", "csv"])):
        response = client.get(url)
        assert response.status_code == 302
        assert "/users/login/" in response.url


def test_a_result_page_is_only_for_the_user_who_uploaded(client, manager, rep):
    job = upload(client, rep, "nps", csv_file([["external_id"], ["N"]]))

    client.force_login(manager)
    assert client.get(reverse("imports:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("imports:progress", args=[job.pk])).status_code == 404


def test_the_upload_form_refuses_other_file_types(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("imports:index"), {"kind": "nps", "file": SimpleUploadedFile("old.xls", b"x")}
    )

    assert response.status_code == 200
    assert ".csv または .xlsx" in response.content.decode()
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(
    "kind", ["accounts", "contacts", "subscriptions", "usage", "orders", "nps"]
)
def test_templates_have_the_header_and_an_example_row(client, admin_user, kind):
    client.force_login(admin_user)
    csv_response = client.get(reverse("imports:template", args=[kind, "csv"]))
    text = csv_response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # the byte-order mark Excel needs to read UTF-8
    header, example = text.lstrip("\ufeff").strip().split("\r\n")
    assert header.split(",") == SPECS[kind].keys
    assert example

    xlsx_response = client.get(reverse("imports:template", args=[kind, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx_response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == SPECS[kind].keys
    assert len(rows) == 2


def test_the_import_page_documents_columns_and_lists_past_imports(client, manager):
    upload(client, manager, "nps", csv_file([["external_id"], ["N"]]))

    page = client.get(reverse("imports:index")).content.decode()

    assert "account_external_id" in page
    assert "取引先の外部ID" in page or "外部ID" in page
    assert "data.csv" in page
    assert "取り込めませんでした" in page or "取込失敗" in page
