"""Hearings: the default checklist, completeness, signals, versions and hesitation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Activity, BuyingMotive
from opportunities import services
from opportunities.models import ChecklistTemplate, FollowUp, Hearing, Question, QuestionKind
from opportunities.selectors import checklist_current_version, hearing_with_answers

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def record(world, rep, answers, **extra):
    return services.hearing_record(
        account=world["account"],
        version=checklist_current_version(),
        conducted_by=rep,
        held_on=TODAY(),
        answers=answers,
        **extra,
    )


def test_the_default_checklist_has_ten_ordered_questions_in_japanese_and_english():
    version = checklist_current_version()

    questions = list(version.questions.all())
    assert version.template.code == "default" and version.is_published
    assert [q.position for q in questions] == list(range(1, 11))
    assert questions[0].key == "adoption_intent"
    assert all(q.text_ja and q.text_en for q in questions)
    assert {q.kind for q in questions} >= {"text", "choice", "amount", "departments", "date"}
    choice = questions[0]
    assert len(choice.choices_ja.splitlines()) == len(choice.choices_en.splitlines()) == 4


def test_completeness_is_the_share_of_questions_answered(world, rep):
    hearing = record(
        world,
        rep,
        {
            "adoption_intent": "Trial first, then decide",
            "budget_if_works": 300_000,
            "expansion_departments": ["営業部", "マーケティング部"],
            "replaces": "Excel の案件管理",
            "success_definition": "",  # blank answers do not count
            "timeline": None,
        },
    )

    assert hearing.completeness == 40  # 4 of 10
    assert hearing.answers.count() == 4


def test_signals_are_kept_as_structured_fields(world, rep):
    motive = BuyingMotive.objects.create(code="efficiency", name="業務効率化", name_en="Efficiency")

    hearing = record(
        world,
        rep,
        {
            "budget_if_works": 300_000,
            "expansion_departments": ["営業部", "マーケティング部"],
            "replaces": "Excel の案件管理",
            "timeline": datetime.date(2027, 3, 31),
        },
        motives=[motive],
    )

    assert hearing.budget_if_works == 300_000
    assert hearing.expansion_departments == ["営業部", "マーケティング部"]
    assert hearing.replaces == "Excel の案件管理"
    assert list(hearing.motives.all()) == [motive]
    stored = {q.key: value for q, value in hearing_with_answers(hearing=hearing)}
    assert stored["timeline"] == "2027-03-31"
    assert stored["decision_makers"] is None


def test_a_hearing_is_logged_on_the_account_timeline(world, rep):
    record(world, rep, {"budget_if_works": 100_000}, notes="前向き")

    activity = Activity.objects.get(account=world["account"])
    assert (activity.kind, activity.owner, activity.occurred_on) == (
        Activity.Kind.HEARING,
        rep,
        TODAY(),
    )
    assert activity.outcome == "前向き"


def test_a_hesitant_customer_gets_a_cs_follow_up_and_no_offers_until_then(world, rep, cs_user):
    hearing = record(world, rep, {}, hesitant=True, notes="今は検討できない")

    until = TODAY() + datetime.timedelta(days=30)
    world["account"].refresh_from_db()
    assert world["account"].quiet_until == until
    assert world["account"].is_quiet(TODAY() + datetime.timedelta(days=29))
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner, follow_up.due_on, follow_up.hearing) == (cs_user, until, hearing)


def test_the_hesitation_delay_is_a_setting(world, rep, settings):
    settings.HEARING_HESITATION_FOLLOW_UP_DAYS = 45

    record(world, rep, {}, hesitant=True)

    world["account"].refresh_from_db()
    assert world["account"].quiet_until == TODAY() + datetime.timedelta(days=45)


def test_hesitation_never_shortens_a_longer_quiet_period(world, rep):
    later = TODAY() + datetime.timedelta(days=90)
    world["account"].quiet_until = later
    world["account"].save()

    record(world, rep, {}, hesitant=True)

    world["account"].refresh_from_db()
    assert world["account"].quiet_until == later


def test_a_hearing_in_the_future_saves_nothing(world, rep):
    with pytest.raises(ValidationError):
        services.hearing_record(
            account=world["account"],
            version=checklist_current_version(),
            conducted_by=rep,
            held_on=TODAY() + datetime.timedelta(days=1),
            answers={"budget_if_works": 1},
            hesitant=True,
        )

    assert not Hearing.objects.exists()
    assert not Activity.objects.exists()
    world["account"].refresh_from_db()
    assert world["account"].quiet_until is None


def test_a_new_version_leaves_recorded_hearings_on_theirs(world, rep):
    template = ChecklistTemplate.objects.get(code="default")
    old = record(world, rep, {"budget_if_works": 100_000, "replaces": "紙の台帳"})

    draft = services.checklist_version_draft(template=template)
    assert services.checklist_version_draft(template=template) == draft  # one draft at a time
    assert draft.number == 2 and draft.questions.count() == 10
    draft.questions.filter(key="replaces").delete()
    Question.objects.create(
        version=draft,
        position=11,
        key="pilot_seats",
        kind=QuestionKind.NUMBER,
        text_ja="試験導入の席数は？",
        text_en="How many seats in the pilot?",
    )
    services.checklist_version_publish(version=draft)

    current = checklist_current_version()
    assert current == draft
    new = record(world, rep, {"pilot_seats": 12})
    old.refresh_from_db()
    assert old.version.number == 1
    assert [q.key for q, _ in hearing_with_answers(hearing=old)][4] == "replaces"
    assert {q.key: v for q, v in hearing_with_answers(hearing=old)}["replaces"] == "紙の台帳"
    assert new.version == draft and new.completeness == 10
    assert {q.key: v for q, v in hearing_with_answers(hearing=new)}["pilot_seats"] == "12"


def test_a_published_question_refuses_edits():
    question = checklist_current_version().questions.first()

    with pytest.raises(ValidationError):
        question.full_clean()


def test_an_empty_draft_cannot_be_published():
    template = ChecklistTemplate.objects.create(code="qbr", name_ja="QBR", name_en="QBR")
    draft = services.checklist_version_draft(template=template)

    with pytest.raises(ValidationError):
        services.checklist_version_publish(version=draft)
