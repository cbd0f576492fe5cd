"""Exports hold what the list shows with the same filters, in files Excel opens in Japanese."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.accounts.factories import AccountFactory, NPSResponseFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(rep):
    sakura = AccountFactory(
        owner=rep,
        name="株式会社さくら商事",
        name_kana="サクラショウジ",
        corporate_number="7000012050002",
        industry="retail",
        employee_count=45,
    )
    SubscriptionFactory(account=sakura, monthly_amount=30_000)
    SubscriptionFactory(account=sakura, monthly_amount=12_000)
    NPSResponseFactory(account=sakura, score=4)
    AccountFactory(owner=rep, name="もみじ工業株式会社", name_kana="モミジコウギョウ")
    return sakura


def test_csv_is_utf8_with_a_bom_and_holds_the_filtered_accounts(client, rep, accounts):
    client.force_login(rep)

    response = client.get(reverse("accounts:export", args=["csv"]), {"q": "さくら"})
    body = b"".join(response.streaming_content)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="accounts-')
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["取引先名"] == "株式会社さくら商事"
    assert row["フリガナ"] == "サクラショウジ"
    assert row["法人番号"] == "7000012050002"
    assert row["業種"] == "小売業"
    assert row["規模"] == "20〜99名"
    assert row["月額売上（円）"] == "42000"
    assert row["最新NPS回答"] == "4"
    assert row["担当営業"] == str(rep)


def test_xlsx_holds_the_same_rows_with_typed_cells(client, rep, accounts):
    client.force_login(rep)

    response = client.get(reverse("accounts:export", args=["xlsx"]), {"sort": "-mrr"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.values)
    assert header[:4] == ("ID", "外部ID", "取引先名", "フリガナ")
    assert [r[2] for r in rows] == ["株式会社さくら商事", "もみじ工業株式会社"]
    mrr = header.index("月額売上（円）")
    assert rows[0][mrr] == 42_000


def test_headers_follow_the_users_language(client, rep, accounts):
    rep.preferred_language = "en"
    rep.save()
    client.force_login(rep)

    body = b"".join(client.get(reverse("accounts:export", args=["csv"])).streaming_content)

    header = body.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("ID,External ID,Account name,Reading (kana)")


def test_an_unknown_format_is_404(client, rep):
    client.force_login(rep)

    assert client.get("/accounts/export.pdf").status_code == 404
