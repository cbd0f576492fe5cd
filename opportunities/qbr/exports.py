"""The QBR deck (PowerPoint, python-pptx) in Japanese or English, charts as PNG images.

The printable page is an HTML template with print CSS (the browser prints it to PDF), so no
PDF library is needed; it shares the agenda and the chart images with the deck.
"""

import io

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pptx import Presentation
from pptx.util import Inches, Pt

from .agenda import Agenda
from .charts import score_png, usage_png

LANGUAGES = ("ja", "en")
WIDE = (Inches(13.333), Inches(7.5))
BODY_FONT = Pt(16)
TITLE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5
MARGIN, CONTENT_TOP, CONTENT_WIDTH = Inches(0.6), Inches(1.4), Inches(12.1)
BODY_HEIGHT, NOTE_TOP, NOTE_HEIGHT = Inches(5.6), Inches(5.3), Inches(2)


def _signed(value) -> str:
    return "—" if value is None else f"{value:+g}"


def _bullets(slide, lines: list[str], *, top=CONTENT_TOP, height=BODY_HEIGHT) -> None:
    box = slide.shapes.add_textbox(MARGIN, top, CONTENT_WIDTH, height)
    frame = box.text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines or [_("Nothing to report.")]):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = f"• {line}"
        paragraph.font.size = BODY_FONT


def _slide(deck, title: str):
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    slide.shapes.title.text = title
    return slide


def _picture(slide, png: bytes) -> None:
    slide.shapes.add_picture(io.BytesIO(png), MARGIN, Inches(1.3), width=Inches(8.2))


def _table(
    slide,
    header: list[str],
    rows: list[list[str]],
):
    if not rows:
        _bullets(slide, [])
        return
    shape = slide.shapes.add_table(
        len(rows) + 1,
        len(header),
        MARGIN,
        CONTENT_TOP,
        CONTENT_WIDTH,
        Inches(0.4) * (len(rows) + 1),
    )
    for column, text in enumerate(header):
        shape.table.cell(0, column).text = text
    for row_index, row in enumerate(rows, start=1):
        for column, text in enumerate(row):
            shape.table.cell(row_index, column).text = str(text)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def qbr_deck(agenda: Agenda, *, language: str) -> bytes:
    """The QBR as a .pptx file in `language` (ja or en)."""
    with translation.override(language):
        return _deck(agenda)


def _deck(agenda: Agenda) -> bytes:
    meeting, kpis = agenda.meeting, agenda.kpis
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDE

    cover = deck.slides.add_slide(deck.slide_layouts[TITLE_LAYOUT])
    cover.shapes.title.text = _("%(account)s — QBR %(quarter)s") % {
        "account": meeting.account.name,
        "quarter": meeting.quarter_label,
    }
    attendees = [user.get_full_name() for user in meeting.our_attendees.all()]
    attendees += [contact.name for contact in meeting.customer_attendees.all()]
    cover.placeholders[1].text = "\n".join(
        [date_format(meeting.scheduled_on, "DATE_FORMAT"), ", ".join(attendees)]
    )

    slide = _slide(deck, _("Last quarter's goals"))
    _table(
        slide,
        [_("Goal"), _("Outcome"), _("Result")],
        [[g.title, g.get_outcome_display(), g.outcome_note] for g in agenda.last_goals],
    )

    counts = kpis.issue_counts()
    slide = _slide(deck, _("Key figures"))
    _bullets(
        slide,
        [
            _("Seats: %(now)s (%(change)s this quarter)")
            % {"now": kpis.seats_now, "change": _signed(kpis.seats_change)},
            _("NPS: %(nps)s (%(change)s on the quarter before), %(answers)s answers")
            % {
                "nps": "—" if kpis.nps is None else f"{kpis.nps:g}",
                "change": _signed(kpis.nps_change),
                "answers": len(kpis.nps_answers),
            },
            _("Loyalty score: %(score)s (%(change)s this quarter)")
            % {
                "score": kpis.score_latest.score if kpis.score_latest else "—",
                "change": _signed(kpis.score_change),
            },
            _("Support tickets: %(tickets)s, complaints: %(complaints)s, open: %(open)s")
            % {
                "tickets": counts["ticket"],
                "complaints": counts["complaint"] + counts["escalation"],
                "open": len(kpis.issues_open),
            },
        ],
    )

    slide = _slide(deck, _("Usage against the plan"))
    _picture(slide, usage_png(kpis))
    _usage_table(slide, agenda)

    slide = _slide(deck, _("Loyalty score and why it changed"))
    _picture(slide, score_png(kpis))
    box = [f"{m.label}: {_signed(m.change)}" for m in kpis.movers]
    if kpis.score_latest:
        box += kpis.score_latest.sentences()
    _bullets(slide, box, top=NOTE_TOP, height=NOTE_HEIGHT)

    slide = _slide(deck, _("NPS answers and comments"))
    _bullets(
        slide,
        [
            f"{answer.score} — {answer.comment or '—'} ({answer.contact or _('anonymous')})"
            for answer in kpis.nps_answers
        ],
    )

    _bullets(_slide(deck, _("Value delivered")), _lines(meeting.value_delivered))
    _bullets(_slide(deck, _("Obstacles")), _lines(meeting.obstacles))
    slide = _slide(deck, _("Next quarter's goals and growth plans"))
    _bullets(
        slide,
        [
            f"{goal.title} [{', '.join(str(m) for m in goal.motives.all())}]"
            for goal in agenda.next_goals
        ]
        + _lines(meeting.growth_plans),
    )

    slide = _slide(deck, _("Expansion opportunities for these goals"))
    _bullets(
        slide,
        [
            _("Offer: %(product)s (%(kind)s), for %(goals)s")
            % {
                "product": row.item.product,
                "kind": row.item.get_kind_display(),
                "goals": ", ".join(goal.title for goal in row.goals),
            }
            for row in agenda.offers
        ]
        + [
            _("Opportunity: %(name)s (%(stage)s), for %(goals)s")
            % {
                "name": row.item.name,
                "stage": row.item.get_stage_display(),
                "goals": ", ".join(goal.title for goal in row.goals),
            }
            for row in agenda.opportunities
        ],
    )

    slide = _slide(deck, _("Action items"))
    statuses = {"done": _("Done"), "open": _("Open"), "overdue": _("Overdue")}
    _table(
        slide,
        [_("Action"), _("Owner"), _("Due"), _("Status"), _("From")],
        [
            [
                item.follow_up.title,
                item.follow_up.owner.get_full_name(),
                date_format(item.follow_up.due_on, "SHORT_DATE_FORMAT"),
                statuses[status],
                source,
            ]
            for item, status, source in agenda.action_rows
        ],
    )
    if meeting.notes or meeting.decisions:
        _bullets(
            _slide(deck, _("Notes and decisions")),
            _lines(meeting.decisions) + _lines(meeting.notes),
        )

    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _usage_table(slide, agenda: Agenda) -> None:
    """The chart's numbers beside it: last month's use against the allowance."""
    lines = [
        f"#{index + 1} {line.label}: {line.values[-1]:,g} / "
        f"{'—' if line.allowance is None else f'{line.allowance:,g}'} {line.unit}"
        for index, line in enumerate(agenda.kpis.usage)
    ]
    box = slide.shapes.add_textbox(Inches(9.0), Inches(1.4), Inches(4.0), Inches(5))
    box.text_frame.word_wrap = True
    for index, line in enumerate(lines or [_("No usage measured.")]):
        paragraph = box.text_frame.paragraphs[0] if index == 0 else box.text_frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(12)
