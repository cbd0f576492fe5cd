"""The account pages through HTTP: each renders, forms save good input and refuse bad input."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Activity, Contact, NPSResponse, Subscription
from accounts.panels import Panel
from crm.users.models import Role
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    ContactFactory,
    NPSResponseFactory,
    PlanFactory,
    SubscriptionFactory,
    UsageRecordFactory,
)
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
VALID_CORPORATE_NUMBER = "7000012050002"


@pytest.fixture
def account(rep):
    return AccountFactory(owner=rep, name="株式会社さくら商事", name_kana="サクラショウジ")


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


def account_form(**overrides):
    data = {
        "name": "株式会社ひかり工業",
        "name_kana": "ヒカリコウギョウ",
        "corporate_number": "",
        "industry": "manufacturing",
        "growth_stage": "growth",
        "employee_count": "150",
    }
    return {**data, **overrides}


# --- pages render --------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_page(client, account):
    for url in (
        reverse("accounts:list"),
        account.get_absolute_url(),
        reverse("accounts:export", args=["csv"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("users:login"))


def test_list_finds_an_account_by_kana_and_hides_the_others(rep_client, rep, account):
    AccountFactory(owner=rep, name="株式会社もみじ", name_kana="モミジ")

    response = rep_client.get(reverse("accounts:list"), {"q": "サクラ"})

    assert response.status_code == 200
    assert "株式会社さくら商事" in response.text
    assert "株式会社もみじ" not in response.text


def test_list_filters_by_industry_size_stage_and_latest_nps(rep_client, rep):
    match = AccountFactory(
        owner=rep, name="該当", industry="retail", employee_count=50, growth_stage="startup"
    )
    NPSResponseFactory(account=match, score=10, answered_on=TODAY - datetime.timedelta(days=40))
    NPSResponseFactory(account=match, score=3, answered_on=TODAY)  # the latest: a detractor
    other = AccountFactory(
        owner=rep, name="非該当", industry="retail", employee_count=50, growth_stage="startup"
    )
    NPSResponseFactory(account=other, score=10, answered_on=TODAY)
    AccountFactory(owner=rep, name="業種違い", industry="finance", employee_count=50)
    AccountFactory(owner=rep, name="規模違い", industry="retail", employee_count=500)

    response = rep_client.get(
        reverse("accounts:list"),
        {
            "industry": "retail",
            "size": "small",
            "growth_stage": "startup",
            "nps_category": "detractor",
        },
    )

    assert [a.name for a in response.context["page"]] == ["該当"]


def test_list_sorts_by_monthly_revenue(rep_client, rep):
    small, large = AccountFactory(owner=rep, name="小"), AccountFactory(owner=rep, name="大")
    SubscriptionFactory(account=small, monthly_amount=10_000)
    SubscriptionFactory(account=large, monthly_amount=90_000)
    SubscriptionFactory(account=small, monthly_amount=500_000, status=Subscription.Status.CANCELLED)

    response = rep_client.get(reverse("accounts:list"), {"sort": "-mrr"})

    assert [(a.name, a.mrr) for a in response.context["page"]] == [("大", 90_000), ("小", 10_000)]


def test_list_is_paginated_by_50(rep_client, rep):
    AccountFactory.create_batch(51, owner=rep)

    first = rep_client.get(reverse("accounts:list"))
    second = rep_client.get(reverse("accounts:list"), {"page": 2})

    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 1


def test_a_bad_filter_value_is_ignored_not_a_server_error(rep_client, account):
    response = rep_client.get(reverse("accounts:list"), {"industry": "nonsense", "page": "x"})

    assert response.status_code == 200
    assert account in response.context["page"]


def test_the_list_answers_htmx_with_the_results_only(rep_client, account):
    response = rep_client.get(reverse("accounts:list"), headers={"HX-Request": "true"})

    assert "株式会社さくら商事" in response.text
    assert "<html" not in response.text


def test_detail_shows_contacts_subscriptions_usage_nps_and_timeline(rep_client, account):
    ContactFactory(account=account, name="山田 太郎", is_primary=True)
    sub = SubscriptionFactory(account=account, quantity=2, product=PlanFactory(name="Pro"))
    UsageRecordFactory(subscription=sub, date=TODAY, quantity=500)
    NPSResponseFactory(account=account, score=3, comment="対応が遅い")
    ActivityFactory(account=account, summary="初回訪問")

    response = rep_client.get(account.get_absolute_url())

    assert response.status_code == 200
    # 500 used of 1,000 included × 2 seats
    for text in ("山田 太郎", "Pro", "対応が遅い", "初回訪問", "25.0%", 'id="usage-data"'):
        assert text in response.text, text


def test_detail_shows_who_changed_what(rep_client, rep, account):
    rep_client.post(
        reverse("accounts:update", args=[account.pk]),
        account_form(
            name="株式会社さくら商事",
            name_kana="サクラショウジ",
            employee_count="300",
            owner=rep.pk,
        ),
    )

    response = rep_client.get(account.get_absolute_url())

    history = response.context["view"].history
    assert history[0].user == rep
    assert [(c.field, c.old, c.new) for c in history[0].changes] == [("従業員数", "120", "300")]
    assert "120 → 300" in response.text


def test_panels_from_higher_apps_render_in_their_slots(rep_client, account, settings, tmp_path):
    (tmp_path / "panel.html").write_text("Loyalty {{ score }} for {{ account.name }}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    settings.ACCOUNT_PAGE_PANELS = ["tests.accounts.test_pages.score_panel"]

    response = rep_client.get(account.get_absolute_url())

    assert "Loyalty 87 for 株式会社さくら商事" in response.text


def score_panel(*, request, account):
    return [Panel(slot="score", template="panel.html", context={"score": 87})]


def test_navigation_offers_accounts_and_the_reports_with_nps_to_every_role(
    client, rep, manager, cs_user, admin_user
):
    for user in (rep, manager, cs_user, admin_user):
        client.force_login(user)
        items = client.get(reverse("accounts:list")).context["nav_items"]
        labels = [item["label"] for item in items]
        reports = next(item for item in items if item["label"] == "レポート")
        assert "取引先" in labels, user.role
        assert "NPS" in [child["label"] for child in reports["children"]], user.role


# --- forms: good input saves ---------------------------------------------------------


def test_a_rep_creates_an_account_they_own(rep_client, rep):
    response = rep_client.post(
        reverse("accounts:create"),
        account_form(name_kana="ﾋｶﾘｺｳｷﾞｮｳ", corporate_number="7-0000-1205-0002", owner=rep.pk),
    )

    account = Account.objects.get(name="株式会社ひかり工業")
    assert response.url == account.get_absolute_url()
    assert account.owner == rep
    assert account.name_kana == "ヒカリコウギョウ"  # half-width kana normalised
    assert account.corporate_number == VALID_CORPORATE_NUMBER


def test_logging_an_activity_and_an_nps_answer(rep_client, rep, account):
    contact = ContactFactory(account=account)
    rep_client.post(
        reverse("accounts:activity_create", args=[account.pk]),
        {"kind": "visit", "occurred_on": TODAY.isoformat(), "summary": "定例訪問"},
    )
    rep_client.post(
        reverse("accounts:nps_create", args=[account.pk]),
        {"score": "9", "answered_on": TODAY.isoformat(), "contact": contact.pk},
    )

    activity = Activity.objects.get(account=account)
    assert (activity.kind, activity.owner, activity.summary) == ("visit", rep, "定例訪問")
    assert NPSResponse.objects.get(account=account).contact == contact


def test_a_new_primary_contact_takes_over_from_the_old_one(rep_client, account):
    old = ContactFactory(account=account, is_primary=True)

    rep_client.post(
        reverse("accounts:contact_create", args=[account.pk]),
        {"name": "新 担当", "name_kana": "シン タントウ", "is_primary": "on"},
    )

    old.refresh_from_db()
    assert not old.is_primary
    assert Contact.objects.get(account=account, is_primary=True).name == "新 担当"


def test_a_subscription_without_an_amount_is_billed_at_list_price(rep_client, account):
    plan = PlanFactory(monthly_price=48_000)

    rep_client.post(
        reverse("accounts:subscription_create", args=[account.pk]),
        {
            "product": plan.pk,
            "quantity": "5",
            "billing_model": "flat",
            "status": "active",
            "started_on": "2026-04-01",
            "renewal_on": "2027-04-01",
        },
    )

    assert Subscription.objects.get(account=account).monthly_amount == 48_000


def test_editing_each_row_of_an_account(rep_client, account):
    contact = ContactFactory(account=account)
    subscription = SubscriptionFactory(account=account)
    activity = ActivityFactory(account=account)
    answer = NPSResponseFactory(account=account, score=6)

    for name, pk, data in (
        ("contact_update", contact.pk, {"name": "改名 後"}),
        (
            "subscription_update",
            subscription.pk,
            {
                "product": subscription.product_id,
                "quantity": "20",
                "monthly_amount": "99000",
                "billing_model": "flat",
                "status": "active",
                "started_on": "2025-04-01",
            },
        ),
        (
            "activity_update",
            activity.pk,
            {"kind": "complaint", "occurred_on": "2026-01-05", "summary": "請求誤り"},
        ),
        ("nps_update", answer.pk, {"score": "7", "answered_on": "2026-01-05"}),
    ):
        response = rep_client.post(reverse(f"accounts:{name}", args=[account.pk, pk]), data)
        assert response.status_code == 302, (name, response.context["form"].errors)

    contact.refresh_from_db()
    subscription.refresh_from_db()
    activity.refresh_from_db()
    answer.refresh_from_db()
    assert contact.name == "改名 後"
    assert (subscription.quantity, subscription.monthly_amount) == (20, 99_000)
    assert activity.kind == "complaint"
    assert answer.score == 7


# --- forms: bad input shows a message and saves nothing ------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("corporate_number", "8000012050002", "法人番号のチェックデジットが正しくありません。"),
        ("corporate_number", "12345", "法人番号は13桁の数字です。"),
        ("name_kana", "Sakura", "フリガナはひらがなまたはカタカナで入力してください。"),
        ("name", "", "この項目は必須です。"),
    ],
)
def test_bad_account_input_is_refused(rep_client, rep, field, value, message):
    response = rep_client.post(
        reverse("accounts:create"), account_form(owner=rep.pk, **{field: value})
    )

    assert response.status_code == 200
    assert message in response.text
    assert "入力内容に誤りがあります。保存されていません。" in response.text
    assert not Account.objects.exists()


def test_bad_input_messages_are_in_english_too(client, rep):
    rep.preferred_language = "en"
    rep.save()
    client.force_login(rep)

    response = client.post(reverse("accounts:create"), account_form(name_kana="Sakura"))

    assert "Enter the reading in hiragana or katakana." in response.text


@pytest.mark.parametrize("score", ["11", "-1", "x"])
def test_an_nps_answer_outside_0_to_10_is_refused(rep_client, account, score):
    response = rep_client.post(
        reverse("accounts:nps_create", args=[account.pk]),
        {"score": score, "answered_on": TODAY.isoformat()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["score"]
    assert not NPSResponse.objects.exists()


def test_an_nps_answer_score_message_says_the_range(rep_client, account):
    response = rep_client.post(
        reverse("accounts:nps_create", args=[account.pk]),
        {"score": "11", "answered_on": TODAY.isoformat()},
    )

    assert "NPSの回答は0〜10の点数です。" in response.text


def test_an_nps_answer_from_another_accounts_contact_is_refused(rep_client, rep, account):
    stranger = ContactFactory(account=AccountFactory(owner=rep))

    response = rep_client.post(
        reverse("accounts:nps_create", args=[account.pk]),
        {"score": "9", "answered_on": TODAY.isoformat(), "contact": stranger.pk},
    )

    assert response.context["form"].errors["contact"]
    assert not NPSResponse.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"renewal_on": "2026-03-31"},
            "renewal_on",
            "更新日を開始日より前にすることはできません。",
        ),
        ({"trial_ends_on": "2026-01-01"}, "trial_ends_on", "トライアル終了日"),
        ({"status": "trial"}, "trial_ends_on", "トライアルには終了日が必要です。"),
        ({"status": "cancelled"}, "cancelled_on", "解約日"),
        ({"quantity": "-1"}, "quantity", ""),
    ],
)
def test_bad_subscription_input_is_refused(rep_client, account, data, field, message):
    form = {
        "product": PlanFactory().pk,
        "quantity": "1",
        "billing_model": "flat",
        "status": "active",
        "started_on": "2026-04-01",
        **data,
    }

    response = rep_client.post(reverse("accounts:subscription_create", args=[account.pk]), form)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Subscription.objects.exists()


def test_an_activity_in_the_future_or_resolved_before_it_happened_is_refused(rep_client, account):
    tomorrow = TODAY + datetime.timedelta(days=1)
    url = reverse("accounts:activity_create", args=[account.pk])

    future = rep_client.post(
        url, {"kind": "call", "occurred_on": tomorrow.isoformat(), "summary": "電話"}
    )
    backwards = rep_client.post(
        url,
        {
            "kind": "complaint",
            "occurred_on": TODAY.isoformat(),
            "resolved_on": (TODAY - datetime.timedelta(days=1)).isoformat(),
            "summary": "苦情",
        },
    )

    assert "未来の日付は入力できません。" in future.text
    assert backwards.context["form"].errors["resolved_on"]
    assert not Activity.objects.exists()


def test_a_rep_cannot_hand_an_account_to_a_teammate_and_lose_it(rep_client, rep, account):
    teammate = UserFactory(role=Role.REP, team=rep.team)

    response = rep_client.post(
        reverse("accounts:update", args=[account.pk]),
        account_form(name="乗っ取り", owner=teammate.pk),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["owner"]
    account.refresh_from_db()
    assert (account.name, account.owner) == ("株式会社さくら商事", rep)
