"""A manager reads the reports in Chromium, in Japanese: from the menu through every report,
narrowing to a team, choosing a month, a cohort size and a bad period, and downloading a
table. The page fixture fails the test on any JavaScript error or CSP violation."""

import re

import pytest
from playwright.sync_api import expect

from crm.demo.users import seed_users
from tests.analytics.test_pages import accounts_with_rows

from .test_login import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def open_report(page, name: str) -> None:
    page.get_by_role("button", name="レポート").click()  # the menu
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def charts_drawn(page, count: int) -> None:
    """Every chart of the page drawn by charts.js, each beside a table."""
    expect(page.locator("canvas[data-chart]")).to_have_count(count)
    expect(page.locator("canvas[data-drawn]")).to_have_count(count)


def test_a_manager_reads_every_report_and_downloads_a_table(page, live_server):
    users = seed_users()
    accounts_with_rows(users["rep1@example.com"], 8)
    accounts_with_rows(users["rep5@example.com"], 3)  # 大阪営業部: not manager1's

    log_in(page, live_server, "manager1@example.com")

    open_report(page, "顧客単価")
    expect(page.get_by_test_id("report-scope")).to_contain_text("担当チームの取引先")
    charts_drawn(page, 4)
    industry = page.get_by_test_id("table-industry")
    expect(industry.get_by_role("rowheader", name=re.compile("小売業"))).to_be_visible()
    expect(page.get_by_test_id("paying")).to_have_text("8")  # rep5's three are not counted
    expect(page.get_by_test_id("small-flag").first).to_have_text("少数")
    with page.expect_download() as download:
        page.get_by_test_id("download-industry-csv").click()
    assert download.value.suggested_filename.startswith("revenue-industry-")
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("業種,取引先数,課金中の取引先数")

    page.get_by_label("チーム").select_option(label="東京営業部")
    page.get_by_role("button", name="表示").click()
    expect(page).to_have_url(re.compile(r"team=\d+"))
    expect(page.get_by_test_id("report-scope")).to_contain_text("東京営業部の取引先")

    open_report(page, "NPS")
    charts_drawn(page, 6)
    page.get_by_label("開始日").fill("2026-03-01")
    page.get_by_label("終了日").fill("2026-01-01")
    page.get_by_role("button", name="表示").click()
    expect(page.get_by_text("期間の終了日を開始日より前にすることはできません。")).to_be_visible()

    open_report(page, "ロイヤルティ区分")
    charts_drawn(page, 2)
    months = page.get_by_test_id("matrix-months").get_by_role("link")
    expect(months).to_have_count(1)
    months.first.click()
    expect(page).to_have_url(re.compile(r"month=\d{4}-\d{2}"))
    expect(months.first).to_have_attribute("aria-current", "true")
    # every one of rep1's eight accounts went from low to high
    expect(page.get_by_test_id("moved-up")).to_have_text("8")
    expect(page.get_by_test_id("table-matrix")).to_contain_text("低")

    open_report(page, "LTVと継続率")
    charts_drawn(page, 2)
    page.get_by_label("コホートの単位").select_option(label="年")
    page.get_by_role("button", name="表示").click()
    expect(page).to_have_url(re.compile(r"period=year"))
    expect(page.get_by_test_id("definitions")).to_contain_text("LTV ＝ ARPA × 粗利率（75%）")

    open_report(page, "アップセル等の受注")
    charts_drawn(page, 2)
    expect(page.get_by_test_id("table-type")).to_contain_text("アップセル")

    open_report(page, "オファー採用率")
    charts_drawn(page, 2)
    expect(page.get_by_test_id("table-rule")).to_contain_text("クロスセル：ロイヤル顧客の併用")
