"""A rep's journey in Chromium, in Japanese: find an account by its reading, open it, log a
visit and the customer's NPS answer, and see both on the account page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Activity, NPSResponse
from crm.demo.users import seed_users
from tests.accounts.factories import AccountFactory, SubscriptionFactory, UsageRecordFactory
from tests.e2e.test_login import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rep_finds_an_account_by_kana_and_logs_an_activity_and_an_nps_answer(page, live_server):
    users = seed_users()
    rep = users["rep1@example.com"]
    sakura = AccountFactory(owner=rep, name="株式会社さくら商事", name_kana="サクラショウジ")
    subscription = SubscriptionFactory(account=sakura)
    UsageRecordFactory(subscription=subscription, date=timezone.localdate(), quantity=250)
    AccountFactory(owner=rep, name="もみじ工業株式会社", name_kana="モミジコウギョウ")

    log_in(page, live_server, "rep1@example.com")
    page.get_by_role("link", name="取引先", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("取引先")
    expect(page.get_by_role("link", name="もみじ工業株式会社")).to_be_visible()

    # htmx refreshes the results as the rep types the reading
    page.get_by_label("検索").fill("サクラ")
    expect(page.get_by_role("link", name="もみじ工業株式会社")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=%E3%82%B5%E3%82%AF%E3%83%A9"))
    page.get_by_role("link", name="株式会社さくら商事").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("株式会社さくら商事")
    expect(page.get_by_test_id("usage-table")).to_be_visible()

    page.get_by_test_id("log-activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("活動を記録")
    page.get_by_label("種別").select_option(label="訪問")
    page.get_by_label("概要").fill("導入後の定例訪問")
    page.get_by_label("結果").fill("追加部署での利用を検討中")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("活動を記録しました。")).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_contain_text("導入後の定例訪問")

    page.get_by_test_id("record-nps").click()
    page.get_by_label("点数（0〜10）").fill("11")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("NPSの回答は0〜10の点数です。")).to_be_visible()

    page.get_by_label("点数（0〜10）").fill("9")
    page.get_by_label("コメント").fill("サポートの対応が早い")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("NPS回答を記録しました。")).to_be_visible()
    expect(page.get_by_test_id("nps-history")).to_contain_text("サポートの対応が早い")
    expect(page.get_by_test_id("account-nps")).to_have_text("100.0")
    expect(page.get_by_test_id("audit-history")).to_contain_text("株式会社さくら商事")

    activity = Activity.objects.get(account=sakura)
    assert (activity.kind, activity.owner) == ("visit", rep)
    assert NPSResponse.objects.get(account=sakura).score == 9
