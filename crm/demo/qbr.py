"""Demo QBRs: for accounts with a CS owner, last quarter's QBR (held, with goals and action
items, one done and one overdue) and this quarter's, coming up within the month.

Deterministic (everything follows from the account's position) and idempotent: once any of
the accounts has a QBR, a later run finds it in one query and adds nothing.
"""

import datetime
from collections.abc import Sequence

from django.utils import timezone

from accounts.models import Account, Activity, BuyingMotive
from opportunities.models import FollowUp, QBRActionItem, QBRGoal, QBRMeeting, quarter_of

GOALS = [
    # (goal, the buying motive it serves)
    ("問い合わせ件数を月30件にする", "lead_generation"),
    ("営業部以外の部署にも展開する", "efficiency"),
    ("解約率を5%未満に抑える", "retention"),
    ("手作業の集計をなくす", "efficiency"),
]
ACTIONS = [
    "活用状況レポートを共有する",
    "管理者向けの研修を実施する",
    "追加部署の担当者を紹介してもらう",
]


def _meeting(account: Account, day: datetime.date, **fields) -> QBRMeeting:
    year, quarter = quarter_of(day)
    return QBRMeeting(
        account=account,
        year=year,
        quarter=quarter,
        scheduled_on=day,
        created_by=account.cs_owner,
        **fields,
    )


def seed_qbrs(*, accounts: Sequence[Account], today: datetime.date | None = None) -> int:
    """Create the demo QBRs; returns how many accounts received them."""
    today = today or timezone.localdate()
    accounts = [account for account in accounts if account.cs_owner_id]
    if not accounts or QBRMeeting.objects.filter(account__in=accounts).exists():
        return 0
    motives = {motive.code: motive for motive in BuyingMotive.objects.all()}
    seeded = 0
    for index, account in enumerate(accounts):
        next_day = today + datetime.timedelta(days=3 + index * 5 % 26)
        year, quarter = quarter_of(next_day)
        quarter_start = datetime.date(year, 3 * quarter - 2, 1)
        past_day = quarter_start - datetime.timedelta(days=20 + index % 30)  # the quarter before
        past = _meeting(
            account,
            past_day,
            status=QBRMeeting.Status.HELD,
            held_at=timezone.now(),
            value_delivered="問い合わせ対応の工数を約30%削減",
            obstacles="現場での定着に時間がかかっている",
            notes="利用は順調。営業部から他部署への展開に関心あり。",
            decisions="次四半期は人事部での試験利用を検討する",
            expansion_departments=["人事部"],
        )
        past.save()
        upcoming = _meeting(
            account,
            next_day,
            status=QBRMeeting.Status.AGENDA_READY if index % 2 else QBRMeeting.Status.PLANNED,
        )
        upcoming.save()
        past.our_attendees.set([account.cs_owner_id])
        upcoming.our_attendees.set([account.cs_owner_id])
        for offset in range(2):
            title, code = GOALS[(index + offset) % len(GOALS)]
            goal = QBRGoal.objects.create(
                meeting=past,
                title=title,
                outcome=QBRGoal.Outcome.ACHIEVED if offset == 0 else QBRGoal.Outcome.PENDING,
            )
            if code in motives:
                goal.motives.add(motives[code])
        if upcoming.status == QBRMeeting.Status.AGENDA_READY:
            title, code = GOALS[(index + 2) % len(GOALS)]
            goal = QBRGoal.objects.create(meeting=upcoming, title=title)
            if code in motives:
                goal.motives.add(motives[code])
        for offset, due in ((0, -40), (1, -5), (2, 20)):
            follow_up = FollowUp.objects.create(
                account=account,
                owner_id=account.cs_owner_id,
                created_by_id=account.cs_owner_id,
                title=ACTIONS[(index + offset) % len(ACTIONS)],
                due_on=today + datetime.timedelta(days=due),
                done_at=timezone.now() if offset == 0 else None,
            )
            QBRActionItem.objects.create(meeting=past, follow_up=follow_up)
        Activity.objects.create(
            account=account,
            kind=Activity.Kind.QBR,
            occurred_on=past_day,
            owner_id=account.cs_owner_id,
            summary=f"QBR {past.quarter_label}",
            outcome=past.decisions,
        )
        seeded += 1
    return seeded
