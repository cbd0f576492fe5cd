"""A rep's hearing and pipeline day in Chromium, in Japanese."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm.demo.users import seed_users
from opportunities.models import FollowUp, Hearing, Stage, WatchCondition
from tests.accounts.factories import AccountFactory
from tests.opportunities.factories import OpportunityFactory, ensure_default_checklist

from .test_login import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rep_logs_a_hearing_records_a_goal_schedules_a_follow_up_and_moves_the_deal(
    page, live_server
):
    ensure_default_checklist()
    users = seed_users()
    rep = users["rep1@example.com"]
    account = AccountFactory(
        owner=rep, cs_owner=users["cs1@example.com"], name="株式会社みどり商事"
    )
    deal = OpportunityFactory(account=account, owner=rep, name="プロプランへの切り替え")
    today = timezone.localdate()

    log_in(page, live_server, rep.email)
    page.goto(f"{live_server.url}{deal.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("プロプランへの切り替え")

    # The hearing, with the default checklist in Japanese
    page.get_by_role("link", name="ヒアリングを記録").click()
    expect(page.get_by_role("heading", name="ヒアリングを記録")).to_be_visible()
    page.get_by_label("導入の意図は何ですか？").select_option(
        label="試験導入（効果を見てから判断）"
    )
    page.get_by_label("この顧客にとって「うまくいった」とはどういう状態ですか？").fill(
        "問い合わせが月30件を超えること"
    )
    page.get_by_label("うまくいったら月額いくらまで出せますか？（円）").fill("300000")
    page.get_by_label("うまくいったら他にどの部署でも使いたいですか？").fill("営業部、人事部")
    page.get_by_role("button", name="ヒアリングを保存").click()

    expect(page.get_by_test_id("completeness")).to_have_text("回答率 40%")
    expect(page.get_by_text("¥300,000").first).to_be_visible()
    hearing = Hearing.objects.get()
    assert hearing.opportunity == deal
    assert hearing.expansion_departments == ["営業部", "人事部"]

    # An intermediate goal: three orders within the trial → double the ad budget
    goals = page.locator("#goals")
    goals.get_by_label("指標").select_option(label="期間内の注文数")
    goals.get_by_label("しきい値").fill("3")
    goals.get_by_label("期限").fill((today + datetime.timedelta(days=60)).isoformat())
    goals.get_by_label("顧客が実行すること").fill("広告費を2倍にする")
    goals.get_by_label("金額（円／月）").fill("200000")
    goals.get_by_role("button", name="この中間ゴールを監視").click()
    expect(page.get_by_test_id("goal")).to_contain_text("広告費を2倍にする")
    assert WatchCondition.objects.get().status == WatchCondition.Status.OPEN

    # A follow-up in a week, back on the hearing page
    page.get_by_role("link", name="フォローアップを予定").click()
    page.get_by_label("やること").fill("トライアル状況の確認")
    page.get_by_label("期日").fill((today + datetime.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="予定する").click()
    expect(page).to_have_url(re.compile(rf"/opportunities/hearings/{hearing.pk}/$"))
    expect(page.get_by_test_id("follow-up")).to_contain_text("トライアル状況の確認")
    assert FollowUp.objects.get().hearing == hearing

    # Across the board: prospecting → proposal → negotiation
    page.get_by_role("button", name="パイプライン").click()  # the menu
    page.get_by_role("link", name="ボード", exact=True).click()
    card = page.get_by_test_id(f"card-{deal.pk}")
    expect(
        page.get_by_test_id("column-prospecting").get_by_test_id(f"card-{deal.pk}")
    ).to_be_visible()
    card.get_by_label("移動先").select_option(label="提案")
    card.get_by_role("button", name="移動").click()
    expect(page.get_by_test_id("column-proposal").get_by_test_id(f"card-{deal.pk}")).to_be_visible()

    card = page.get_by_test_id(f"card-{deal.pk}")
    card.drag_to(page.get_by_test_id("column-negotiation"))
    expect(
        page.get_by_test_id("column-negotiation").get_by_test_id(f"card-{deal.pk}")
    ).to_be_visible()
    deal.refresh_from_db()
    assert deal.stage == Stage.NEGOTIATION
    assert list(deal.stage_changes.values_list("to_stage", "changed_by")) == [
        (Stage.PROPOSAL, rep.pk),
        (Stage.NEGOTIATION, rep.pk),
    ]
