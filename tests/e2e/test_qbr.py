"""Customer success prepares a QBR in Chromium, in Japanese: agenda, edits, record, deck."""

import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pptx import Presentation

from crm.demo.catalogue import seed_catalogue
from crm.demo.users import seed_users
from opportunities.models import FollowUp, QBRMeeting
from tests.accounts.factories import AccountFactory, ContactFactory

from .test_login import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_cs_prepares_edits_records_and_downloads_the_qbr_deck(page, live_server):
    users = seed_users()
    seed_catalogue()
    cs = users["cs1@example.com"]
    account = AccountFactory(
        owner=users["rep1@example.com"], cs_owner=cs, name="株式会社さくら物流"
    )
    ContactFactory(account=account, name="山田 太郎")
    today = timezone.localdate()

    log_in(page, live_server, cs.email)
    page.goto(f"{live_server.url}/opportunities/qbr/new/?account={account.pk}")
    page.get_by_label("日付").fill(today.isoformat())
    page.get_by_label("山田 太郎").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("qbr-status")).to_have_text("予定")

    # A goal for next quarter, tagged with its buying motive
    page.get_by_label("目標").fill("問い合わせを月50件にする")
    page.get_by_label("リード獲得").check()
    page.get_by_role("button", name="目標を追加").click()
    expect(page.locator("#goals")).to_contain_text("問い合わせを月50件にする")

    # Prepare the agenda from the data, then edit it
    page.get_by_role("button", name="データからアジェンダを作成").click()
    expect(page.get_by_role("heading", name="アジェンダを編集")).to_be_visible()
    page.get_by_label("提供した価値").fill("問い合わせ対応の工数を30%削減")
    page.get_by_label("課題").fill("現場への定着")
    page.get_by_role("button", name="アジェンダを保存").click()
    expect(page.get_by_test_id("qbr-status")).to_have_text("アジェンダ準備済み")
    expect(page.locator("#value")).to_contain_text("問い合わせ対応の工数を30%削減")

    # An action item becomes a follow-up
    actions = page.locator("form[action$='/actions/']")
    actions.get_by_label("アクション").fill("人事部の担当者を紹介してもらう")
    actions.get_by_label("期限").fill((today + datetime.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="アクションアイテムを追加").click()
    expect(page.get_by_test_id("actions")).to_contain_text("人事部の担当者を紹介してもらう")
    assert FollowUp.objects.get().owner == cs

    # The meeting is held: notes and expansion signals
    page.get_by_role("link", name="ミーティングを記録").click()
    page.get_by_label("メモ").fill("人事部でも使いたいとの声あり")
    page.get_by_label("展開先の部署").fill("人事部、経理部")
    page.get_by_role("button", name="記録を保存").click()
    expect(page.get_by_test_id("qbr-status")).to_have_text("実施済み")
    meeting = QBRMeeting.objects.get()
    assert meeting.expansion_departments == ["人事部", "経理部"]

    # The deck in Japanese
    with page.expect_download() as download:
        page.get_by_role("link", name="資料（日本語）").click()
    deck = Presentation(io.BytesIO(Path(download.value.path()).read_bytes()))
    titles = [slide.shapes.title.text for slide in deck.slides if slide.shapes.title]
    assert "株式会社さくら物流" in titles[0]
    assert "提供した価値" in titles and "アクションアイテム" in titles
