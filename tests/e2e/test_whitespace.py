"""A manager, in Japanese, goes from their home to the whitespace grid, sees its totals come
in, keeps the eligible cells and downloads them as CSV, in Chromium, without console errors or
CSP violations."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from crm.demo.users import seed_users
from tests.accounts.factories import AccountFactory, PlanFactory, SubscriptionFactory
from tests.opportunities.test_whitespace import hit

from .test_login import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_filters_the_grid_to_eligible_cells_and_exports_them(page, live_server):
    users = seed_users()
    rep, other_team_rep = users["rep1@example.com"], users["rep5@example.com"]
    lite = PlanFactory(name="リードブースト ライト", tier_rank=1)
    pro = PlanFactory(name="リードブースト プロ", tier_rank=2, family=lite.family)
    eligible = AccountFactory(owner=rep, name="株式会社あおば製作所")
    held = AccountFactory(owner=rep, name="株式会社さくら商事")
    owner = AccountFactory(owner=rep, name="株式会社みなと物流")
    theirs = AccountFactory(owner=other_team_rep, name="株式会社なにわ興業")
    for account in (eligible, held, owner, theirs):
        SubscriptionFactory(account=account, product=lite)
    SubscriptionFactory(account=owner, product=pro)
    for account, gate in ((eligible, ""), (held, "tier"), (theirs, "")):
        hit(account, pro, held_by=gate)

    log_in(page, live_server, "manager1@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("担当チーム")
    page.get_by_role("link", name="次に提案する先：ホワイトスペース表").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("ホワイトスペース")
    grid = page.get_by_test_id("whitespace-grid")
    expect(grid).to_contain_text("株式会社みなと物流")
    expect(grid).not_to_contain_text("株式会社なにわ興業")  # another team's customer
    # the totals row, asked for once the page is shown: all three own the Lite plan
    owned = page.get_by_test_id("grid-totals").locator(".ws-count-owned")
    expect(owned).to_have_count(2)
    expect(owned.first).to_contain_text("3")

    page.get_by_label("セルの状態").select_option(label="提案候補（見合わせを含む）")
    expect(page).to_have_url(re.compile(r"state=any_eligible"))
    expect(page.get_by_test_id("grid-count")).to_contain_text("2 件の取引先")
    expect(grid.locator("tbody tr th a")).to_have_text(
        ["株式会社あおば製作所", "株式会社さくら商事"]
    )
    expect(grid.locator("a[data-state=eligible]")).to_contain_text("提案候補")
    held_cell = grid.locator("a[data-state=held]")
    expect(held_cell).to_contain_text("見合わせ")
    expect(held_cell).to_have_attribute("title", re.compile("ロイヤルティが低すぎる"))

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    body = download.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:2] == ["ID", "取引先名"]
    assert rows[0][-2:] == ["リードブースト ライト", "リードブースト プロ"]
    assert [(row[1], row[-1][:4]) for row in rows[1:]] == [
        ("株式会社あおば製作所", "提案候補"),
        ("株式会社さくら商事", "見合わせ"),
    ]
