"""A manager runs a campaign in Chromium, in Japanese; a rep finds the targets as cards."""

import pytest
from playwright.sync_api import expect

from accounts.models import NPSResponse
from campaigns.models import Campaign
from crm.demo.users import seed_users
from opportunities.models import OfferCard
from tests.accounts.factories import AccountFactory, PlanFactory
from tests.campaigns.factories import LoyaltyScoreFactory

from .test_login import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_builds_freezes_and_assigns_and_a_rep_sees_the_cards(page, live_server):
    users = seed_users()
    east_reps = [users[f"rep{n}@example.com"] for n in (1, 2, 3, 4)]
    for index in range(8):
        account = AccountFactory(owner=east_reps[index % 4], name=f"株式会社ひかり{index}")
        LoyaltyScoreFactory(account=account, tier="high" if index < 6 else "low")
        NPSResponse.objects.create(account=account, score=10, answered_on="2026-01-10")
    PlanFactory(name="リードブースト Pro")

    log_in(page, live_server, "manager1@example.com")
    page.get_by_role("button", name="キャンペーン").click()  # the menu
    page.get_by_role("link", name="キャンペーン", exact=True).click()
    page.get_by_role("link", name="新規キャンペーン").click()
    page.get_by_label("名称").fill("春のアップセル")
    page.get_by_label("種別").select_option(label="アップセル")
    page.get_by_label("提案する商品・プラン").select_option(label="リードブースト Pro")
    page.get_by_label("開始日").fill("2026-04-01")
    page.get_by_label("終了日").fill("2026-06-30")
    page.get_by_label("東京営業部").check()
    page.get_by_label("計画ターゲット数").fill("6")
    page.get_by_label("想定成功率（%）").fill("50")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("planned-wins")).to_have_text("3.0")

    # The segment: the live count follows the filters.
    expect(page.get_by_test_id("segment-count")).to_contain_text("8")
    page.get_by_label("高").check()
    expect(page.get_by_test_id("segment-count")).to_contain_text("6")
    expect(page.get_by_test_id("segment-sample").get_by_role("row")).to_have_count(7)
    page.get_by_test_id("freeze").click()
    expect(page.get_by_test_id("unassigned-count")).to_contain_text("6")

    page.get_by_label("割り当て方法").select_option(value="round_robin")
    page.get_by_role("button", name="割り当てる").click()
    expect(page.get_by_test_id("unassigned-count")).to_contain_text("0")
    campaign = Campaign.objects.get()
    assert sorted(campaign.targets.values_list("rep", flat=True)) == sorted(
        [r.pk for r in east_reps] + [east_reps[0].pk, east_reps[1].pk]
    )
    assert OfferCard.objects.filter(source="campaign").count() == 6

    # The rep sees the targets as cards, and moves one along.
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    log_in(page, live_server, "rep1@example.com")
    page.get_by_role("link", name="担当ターゲット").click()
    cards = page.get_by_test_id("target-card")
    expect(cards).to_have_count(2)
    first = cards.first
    first.get_by_label("次の段階").select_option(label="接触済み")
    first.get_by_label("顧客の反応").fill("前向きに検討")
    first.get_by_role("button", name="更新").click()
    expect(page.get_by_text("ターゲットを更新しました。")).to_be_visible()
    expect(cards.first.locator(".badge")).to_have_text("接触済み")
    assert campaign.targets.filter(status="contacted").count() == 1
