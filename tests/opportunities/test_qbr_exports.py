"""The deck is a valid PowerPoint file in Japanese and in English; the printable page renders."""

import io

import pytest
from django.urls import reverse
from pptx import Presentation

from opportunities.qbr.agenda import qbr_agenda
from opportunities.qbr.charts import CHARTS
from tests.accounts.factories import PlanFactory, SubscriptionFactory, UsageRecordFactory

from .qbr_factories import QBRFactory, QBRGoalFactory, motive

pytestmark = pytest.mark.django_db

TITLES = {
    "ja": [
        "前四半期の目標",
        "主要指標",
        "プランに対する利用状況",
        "提供した価値",
        "課題",
        "アクションアイテム",
    ],
    "en": [
        "Last quarter's goals",
        "Key figures",
        "Usage against the plan",
        "Value delivered",
        "Obstacles",
        "Action items",
    ],
}


@pytest.fixture
def meeting(world):
    account = world["account"]
    subscription = SubscriptionFactory(account=account, product=PlanFactory(name="スタンダード"))
    UsageRecordFactory(subscription=subscription)
    meeting = QBRFactory(
        account=account, obstacles="導入が遅れている", value_delivered="工数を30%削減"
    )
    QBRGoalFactory(meeting=meeting, title="リードを倍にする", motives=[motive("leads")])
    return meeting


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_deck_opens_again_with_its_slides_and_key_text(client, cs_user, meeting, language):
    client.force_login(cs_user)
    response = client.get(reverse("opportunities:qbr:deck", args=[meeting.pk]), {"lang": language})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{language}.pptx"')
    deck = Presentation(io.BytesIO(response.content))
    titles = [slide.shapes.title.text for slide in deck.slides if slide.shapes.title]
    assert meeting.account.name in titles[0]
    for title in TITLES[language]:
        assert title in titles
    text = "\n".join(
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    assert "工数を30%削減" in text and "導入が遅れている" in text and "リードを倍にする" in text
    pictures = [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) == 2  # the usage and loyalty charts as images


def test_charts_are_png_images(meeting):
    agenda = qbr_agenda(meeting=meeting)
    for draw in CHARTS.values():
        assert draw(agenda.kpis).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("language", "heading"), [("ja", "提供した価値"), ("en", "Value delivered")]
)
def test_the_printable_page_in_each_language(client, cs_user, meeting, language, heading):
    client.force_login(cs_user)
    response = client.get(reverse("opportunities:qbr:print", args=[meeting.pk]), {"lang": language})
    assert response.status_code == 200
    assert heading in response.content.decode()
    assert f"charts/usage.png?lang={language}" in response.content.decode()
