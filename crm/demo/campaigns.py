"""Demo campaigns: one active campaign of each type, frozen, assigned, targets in every state.

The segments use NPS answers and subscriptions (not loyalty scores, which the nightly run
writes after seeding). Deterministic for the data it finds, and a second run finds the demo
campaigns by name and changes nothing.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from campaigns import services
from campaigns.models import Campaign, TargetStatus
from campaigns.segments import SegmentCriteria
from crm.users.models import Team, User

from .catalogue import Catalogue

# The steps each target walks, by its position on the list: every state shows up.
PATHS = [
    [],
    ["contacted"],
    ["contacted", "hearing_done"],
    ["contacted", "hearing_done", "proposal"],
    ["contacted", "hearing_done", "proposal", "won"],
    ["contacted", "hearing_done", "proposal", "lost"],
    ["declined"],
    ["contacted", "declined"],
    ["contacted", "hearing_done", "proposal", "won"],
    ["do_not_contact"],
]
REASONS = {"lost": "competitor", "declined": "no_budget", "do_not_contact": "relationship"}
NOTES = {
    "lost": "他社の年間契約が残っていた",
    "declined": "来期の予算で検討したいとのこと",
    "do_not_contact": "当面は連絡を控えてほしいと依頼あり",
    "won": "利用拡大に合わせて上位プランを契約",
}
DEMO_NAMES = [
    "リードブースト 上位プラン切替キャンペーン",
    "オプション追加 クロスセルキャンペーン",
    "更新前プラン見直し ダウンセルキャンペーン",
]
WORKED_TARGETS = 20  # targets per campaign moved along; the rest stay assigned


def seed_campaigns(
    *, users: dict[str, User], catalogue: Catalogue, today: datetime.date
) -> list[Campaign]:
    """Seed the demo campaigns that are missing; one query when they are all there.

    A demo campaign is there when it has targets, or is a draft (too few demo accounts matched
    its segment: a larger run does not retry, as the pipeline is seeded once). One whose
    targets all went with their accounts is stale: it is removed and seeded again.
    """
    present = {
        name: (status, targets)
        for name, status, targets in Campaign.objects.filter(name__in=DEMO_NAMES)
        .annotate(n=Count("targets"))
        .values_list("name", "status", "n")
    }
    missing = [
        name
        for name in DEMO_NAMES
        if name not in present
        or (present[name][0] != Campaign.Status.DRAFT and not present[name][1])
    ]
    if not missing:
        return []
    Campaign.objects.filter(name__in=missing).delete()
    east, west = (Team.objects.get(name=name) for name in ("東京営業部", "大阪営業部"))
    specs = [
        {
            "name": DEMO_NAMES[0],
            "type": "upsell",
            "product": catalogue.plan("leadboost", 3),
            "manager": users["manager1@example.com"],
            "team": east,
            "criteria": SegmentCriteria(
                nps_categories=["promoter", "passive"],
                current_products=[catalogue.plan("leadboost", 2).pk],
            ),
            "strategy": services.Strategy.ROUND_ROBIN,
            "rate": Decimal(25),
        },
        {
            "name": DEMO_NAMES[1],
            "type": "cross_sell",
            "product": catalogue.add_ons_for("leadboost")[0],
            "manager": users["manager1@example.com"],
            "team": east,
            "criteria": SegmentCriteria(
                nps_categories=["promoter"],
                current_products=[catalogue.plan("leadboost", rank).pk for rank in (1, 2, 3)],
            ),
            "strategy": services.Strategy.BY_OWNER,
            "rate": Decimal(30),
        },
        {
            "name": DEMO_NAMES[2],
            "type": "down_sell",
            "product": catalogue.plan("salesnavi", 1),
            "manager": users["manager2@example.com"],
            "team": west,
            "criteria": SegmentCriteria(
                nps_categories=["detractor", "passive"],
                current_products=[catalogue.plan("salesnavi", rank).pk for rank in (2, 3)],
            ),
            "strategy": services.Strategy.BALANCED,
            "rate": Decimal(40),
        },
    ]
    return [_seed_one(spec, today=today) for spec in specs if spec["name"] in missing]


def _seed_one(spec: dict, *, today: datetime.date) -> Campaign:
    manager = spec["manager"]
    campaign = services.campaign_create(
        by=manager,
        name=spec["name"],
        type=spec["type"],
        product=spec["product"],
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=60),
        teams=[spec["team"]],
        planned_targets=60,
        expected_success_rate=spec["rate"],
    )
    try:
        with transaction.atomic():
            services.campaign_freeze(
                campaign=campaign, by=manager, criteria=spec["criteria"], today=today
            )
            services.campaign_assign(
                campaign=campaign, by=manager, strategy=spec["strategy"], max_per_rep=60
            )
            targets = campaign.targets.filter(status=TargetStatus.ASSIGNED).select_related("rep")
            for index, target in enumerate(targets.order_by("pk")[:WORKED_TARGETS]):
                for status in PATHS[index % len(PATHS)]:
                    target = services.campaign_target_move(
                        target=target,
                        status=status,
                        by=target.rep,
                        reason=REASONS.get(status, ""),
                        note=NOTES.get(status, ""),
                    )
    except ValidationError:
        pass  # too few demo accounts for this segment: the campaign stays a draft
    return campaign
