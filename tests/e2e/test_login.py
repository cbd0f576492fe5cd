import re

import pytest
from playwright.sync_api import expect

from crm.demo.users import DEMO_PASSWORD, seed_users

pytestmark = pytest.mark.django_db(transaction=True)

ROLE_HOMES = [
    ("rep1@example.com", "/home/rep/", "こんにちは、高橋 翔太さん"),
    ("manager1@example.com", "/home/manager/", "担当チーム"),
    ("cs1@example.com", "/home/cs/", "こんにちは、吉田 恵さん"),
    ("admin@example.com", "/home/admin/", "管理"),
]


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()


@pytest.mark.parametrize(("email", "home", "heading"), ROLE_HOMES)
def test_each_role_logs_in_in_japanese_switches_to_english_and_logs_out(
    page, live_server, email, home, heading
):
    seed_users()

    log_in(page, live_server, email)
    expect(page).to_have_url(f"{live_server.url}{home}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}{home}")

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/users/login/"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
