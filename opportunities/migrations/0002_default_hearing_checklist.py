"""The default hearing checklist (version 1, published), in Japanese and English.

The questions follow "Hearings" in the design brief (article 001): adoption intent, what
"it works" means, the money, departments and replacement "if it works", an intermediate
goal, what triggered the purchase, decision makers, timeline and budget stage.
"""

from django.db import migrations
from django.utils import timezone

QUESTIONS = [
    {
        "key": "adoption_intent",
        "kind": "choice",
        "text_ja": "導入の意図は何ですか？",
        "text_en": "What is the customer's adoption intent?",
        "choices_ja": "試験導入（効果を見てから判断）\n本格導入\n他社・既存手段との比較検討中\n情報収集のみ",
        "choices_en": "Trial first, then decide\nFull roll-out\nComparing with alternatives\nGathering information only",
    },
    {
        "key": "success_definition",
        "kind": "text",
        "text_ja": "この顧客にとって「うまくいった」とはどういう状態ですか？",
        "text_en": "What does “it works” mean for this customer?",
    },
    {
        "key": "budget_if_works",
        "kind": "amount",
        "signal": "budget",
        "text_ja": "うまくいったら月額いくらまで出せますか？（円）",
        "text_en": "If it works, how much will they spend a month? (¥)",
    },
    {
        "key": "expansion_departments",
        "kind": "departments",
        "signal": "departments",
        "text_ja": "うまくいったら他にどの部署でも使いたいですか？",
        "text_en": "Which other departments would use it if it works?",
    },
    {
        "key": "replaces",
        "kind": "text",
        "signal": "replaces",
        "text_ja": "現状の何の代わりとして使いたいですか？",
        "text_en": "What would it replace?",
    },
    {
        "key": "intermediate_goal",
        "kind": "text",
        "text_ja": "追加発注につながる中間ゴールは何ですか？（例：テスト導入で3件受注したら広告費を2倍に）",
        "text_en": "Which intermediate goal would lead to a further order? (e.g. 3 orders in the trial → double the ad budget)",
    },
    {
        "key": "purchase_trigger",
        "kind": "text",
        "text_ja": "導入を検討したきっかけは何ですか？",
        "text_en": "What triggered the purchase?",
    },
    {
        "key": "decision_makers",
        "kind": "text",
        "text_ja": "意思決定者はどなたですか？",
        "text_en": "Who are the decision makers?",
    },
    {
        "key": "timeline",
        "kind": "date",
        "text_ja": "いつまでに決定・導入したいですか？",
        "text_en": "By when do they want to decide?",
    },
    {
        "key": "budget_stage",
        "kind": "choice",
        "text_ja": "予算の状況はどうですか？",
        "text_en": "What is the budget stage?",
        "choices_ja": "予算確保済み\n予算申請中\n予算未確保\n予算なし（収益化前）",
        "choices_en": "Budget approved\nBudget requested\nNo budget yet\nNo budget (pre-revenue)",
    },
]


def create_default_checklist(apps, schema_editor):
    ChecklistTemplate = apps.get_model("opportunities", "ChecklistTemplate")
    ChecklistVersion = apps.get_model("opportunities", "ChecklistVersion")
    Question = apps.get_model("opportunities", "Question")
    template, created = ChecklistTemplate.objects.get_or_create(
        code="default",
        defaults={"name_ja": "標準ヒアリング", "name_en": "Standard hearing", "is_default": True},
    )
    if not created:
        return
    version = ChecklistVersion.objects.create(
        template=template, number=1, published_at=timezone.now()
    )
    Question.objects.bulk_create(
        Question(version=version, position=position, **{"signal": "", **question})
        for position, question in enumerate(QUESTIONS, start=1)
    )


def remove_default_checklist(apps, schema_editor):
    ChecklistTemplate = apps.get_model("opportunities", "ChecklistTemplate")
    ChecklistVersion = apps.get_model("opportunities", "ChecklistVersion")
    versions = ChecklistVersion.objects.filter(template__code="default")
    apps.get_model("opportunities", "Question").objects.filter(version__in=versions).delete()
    versions.delete()
    ChecklistTemplate.objects.filter(code="default").delete()


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_pipeline_hearings_goals_follow_ups")]

    operations = [migrations.RunPython(create_default_checklist, remove_default_checklist)]
