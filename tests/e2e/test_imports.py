import pytest
from playwright.sync_api import expect

from accounts.models import Account
from crm.demo.users import seed_users
from tests.e2e.test_login import log_in

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = (
    "external_id,name,name_kana,industry,growth_stage,region,owner_email\r\n"
    "A-1,株式会社さくら製作所,サクラセイサクショ,manufacturing,growth,13,rep1@example.com\r\n"
    "A-2,はなまる学習塾,ハナマルガクシュウジュク,education,startup,27,rep2@example.com\r\n"
)
BAD = GOOD + "A-3,,,farming,growth,13,rep1@example.com\r\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(page, name, text, encoding):
    page.locator("#main-nav").get_by_role("link", name="インポート").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("インポート")
    page.get_by_label("ファイルの内容").select_option("accounts")
    page.get_by_label("ファイル", exact=False).last.set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode(encoding)}]
    )
    page.get_by_role("button", name="インポート", exact=True).click()


def test_a_manager_imports_a_shift_jis_file_and_reads_the_result_in_japanese(page, live_server):
    seed_users()
    log_in(page, live_server, "manager1@example.com")

    upload(page, "bad.csv", BAD, "cp932")
    expect(page.get_by_test_id("import-status")).to_have_text("取り込めませんでした")
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("この列は必須です。")
    expect(errors).to_contain_text("不明なコード「farming」")
    expect(errors.locator("tbody tr").first).to_contain_text("4")
    assert Account.objects.count() == 0

    upload(page, "good.csv", GOOD, "cp932")
    expect(page.get_by_test_id("import-status")).to_have_text("取り込み完了")
    expect(page.get_by_test_id("import-summary")).to_have_text(
        "2行を取り込みました：追加 2件、更新 0件、変更なし 0件。"
    )
    assert set(Account.objects.values_list("name", flat=True)) == {
        "株式会社さくら製作所",
        "はなまる学習塾",
    }

    page.get_by_role("link", name="インポートに戻る").click()
    expect(page.get_by_test_id("past-imports")).to_contain_text("good.csv")
    expect(page.get_by_test_id("past-imports")).to_contain_text("bad.csv")
