"""Demo pipeline: deals in every stage and type, hearings, intermediate goals, follow-ups.

Works on whatever accounts exist (none: nothing is made). Deterministic for a seed, and a
second run finds the demo deals and changes nothing.
"""

import datetime
import random
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from accounts.models import Account, Subscription
from crm.users.models import User
from opportunities import services
from opportunities.models import (
    FollowUp,
    Metric,
    Opportunity,
    OpportunityType,
    Stage,
    WatchCondition,
)
from opportunities.selectors import checklist_current_version

DEAL_NAMES = {
    OpportunityType.NEW: "新規導入",
    OpportunityType.UPSELL: "上位プランへのアップグレード",
    OpportunityType.CROSS_SELL: "オプション追加",
    OpportunityType.DOWN_SELL: "プラン見直し（継続優先）",
    OpportunityType.RENEWAL: "契約更新",
}
ANSWERS = [
    {
        "adoption_intent": "Trial first, then decide",
        "success_definition": "問い合わせ件数が月30件を超えること",
        "budget_if_works": 300_000,
        "expansion_departments": ["マーケティング部", "カスタマーサポート部"],
        "replaces": "Excel での案件管理",
        "intermediate_goal": "テスト導入で3件受注できたら広告費を2倍にしたい",
        "decision_makers": "営業本部長",
        "budget_stage": "Budget requested",
    },
    {
        "adoption_intent": "Full roll-out",
        "budget_if_works": 800_000,
        "expansion_departments": ["人事部"],
        "purchase_trigger": "展示会での紹介",
        "budget_stage": "Budget approved",
    },
    {
        "adoption_intent": "Gathering information only",
        "success_definition": "現場の入力負担が減ること",
        "budget_stage": "No budget (pre-revenue)",
    },
]
ACTIVE = [Subscription.Status.ACTIVE, Subscription.Status.TRIAL]


def seed_opportunities(
    *, rng: random.Random, accounts: Sequence[Account], users: dict[str, User]
) -> None:
    accounts = [a for a in accounts if a.owner_id]
    if not accounts or Opportunity.objects.filter(account__in=accounts).exists():
        return
    today = timezone.localdate()
    kinds = list(OpportunityType)
    stages = list(Stage)
    for index, account in enumerate(accounts[: max(len(kinds) * len(stages), 30)]):
        type_ = kinds[index % len(kinds)]
        stage = stages[index % len(stages)]  # 5 types × 6 stages: 30 accounts see every pair
        value = rng.randrange(2, 60) * 60_000
        opportunity = services.opportunity_create(
            account=account,
            owner=account.owner,
            created_by=account.owner,
            name=f"{account.name} {DEAL_NAMES[type_]}",
            type=type_,
            expected_close=today + datetime.timedelta(days=rng.randrange(5, 170)),
            contract_value=value,
            monthly_amount_change=value // 12,
            next_step=rng.choice(["見積書を送付", "決裁者と面談", "トライアル結果の共有", ""]),
        )
        path = (
            Stage.open_values()[1 : Stage.open_values().index(stage) + 1]
            if stage in Stage.open_values()
            else [stage]
        )
        for step in path:
            services.opportunity_move(
                opportunity=opportunity,
                stage=step,
                by=account.owner,
                loss_reason="競合製品に決定" if step == Stage.LOST else "",
            )
    _seed_hearings(rng=rng, accounts=accounts, today=today)
    _seed_follow_ups(accounts=accounts, today=today)


def _seed_hearings(*, rng: random.Random, accounts: Sequence[Account], today) -> None:
    version = checklist_current_version()
    seats = dict(
        Subscription.objects.filter(account__in=accounts, status__in=ACTIVE)
        .values_list("account")
        .annotate(total=Sum("quantity"))
    )
    for index, account in enumerate(accounts[:12]):
        hearing = services.hearing_record(
            account=account,
            version=version,
            conducted_by=account.owner,
            held_on=today - datetime.timedelta(days=rng.randrange(3, 60)),
            answers=ANSWERS[index % len(ANSWERS)],
            opportunity=account.opportunities.first(),
            hesitant=index % 6 == 5,
            notes="先方は前向き。次回は決裁者同席で。" if index % 2 else "",
        )
        current = seats.get(account.pk, 0)
        # Every other goal is already met by the demo data (the seats they have now), so the
        # first nightly run turns it into a "hearing trigger" opportunity.
        threshold = current if index % 2 == 0 and current else current + 50
        WatchCondition.objects.create(
            hearing=hearing,
            account=account,
            created_by=account.owner,
            metric=Metric.SEATS,
            threshold=Decimal(max(threshold, 1)),
            starts_on=hearing.held_on,
            deadline=today + datetime.timedelta(days=90),
            promised_action="全社展開の見積もりを依頼する",
            promised_value=rng.randrange(5, 30) * 10_000,
            opportunity_type=OpportunityType.UPSELL,
        )
        if index % 4 == 3:
            WatchCondition.objects.create(
                hearing=hearing,
                account=account,
                created_by=account.owner,
                metric=Metric.ORDERS,
                threshold=Decimal(100),
                starts_on=hearing.held_on,
                deadline=today - datetime.timedelta(days=1),  # missed: expires tonight
                promised_action="広告費を2倍にする",
                promised_value=200_000,
                opportunity_type=OpportunityType.CROSS_SELL,
            )


def _seed_follow_ups(*, accounts: Sequence[Account], today) -> None:
    FollowUp.objects.bulk_create(
        FollowUp(
            account=account,
            owner=account.owner,
            created_by=account.owner,
            title=title,
            due_on=today + datetime.timedelta(days=offset),
            opportunity=account.opportunities.first(),
        )
        for index, account in enumerate(accounts[:16])
        for title, offset in [
            (("提案書の送付", -3), ("導入状況の確認電話", 0), ("更新前の面談設定", 7))[index % 3]
        ]
    )
