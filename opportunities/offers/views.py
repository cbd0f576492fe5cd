"""Offer card actions (htmx: each answer swaps the card in place) and the feedback report.

A card is fetched from the user's own live cards: another rep's card, a card of an account
the user cannot see, or one already answered all answer 404.
"""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.users.decorators import role_required
from crm.users.models import Role

from ..models import OfferCard
from . import selectors, services
from .forms import DismissForm, SnoozeForm

REPORT_DAYS = 90


def own_card(request, pk: int) -> OfferCard:
    try:
        return selectors.offer_card_for_action(user=request.user, pk=pk)
    except OfferCard.DoesNotExist:
        raise Http404 from None


def card_again(request, card: OfferCard, *, snooze_form=None, dismiss_form=None):
    """The card re-rendered with the form that failed, its errors shown."""
    selectors.offer_cards_worded([card])
    return render(
        request,
        "opportunities/offers/_card.html",
        {
            "card": card,
            "snooze_form": snooze_form or SnoozeForm(),
            "dismiss_form": dismiss_form or DismissForm(),
            "open_form": "snooze" if snooze_form else "dismiss",
        },
    )


@role_required(Role.REP)
@require_GET
def offer_cards_more(request):
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    page = selectors.offer_cards_for_rep(user=request.user, offset=offset)
    return render(request, "opportunities/offers/_cards.html", {"page": page})


@role_required(Role.REP)
@require_POST
def offer_card_accept(request, pk: int):
    card = own_card(request, pk)
    opportunity = services.offer_card_accept(card=card, by=request.user)
    return render(
        request,
        "opportunities/offers/_card_done.html",
        {"card": card, "outcome": "accepted", "opportunity": opportunity},
    )


def card_answer(request, pk: int, *, form, act, outcome: str, form_name: str):
    """Validate `form`, then `act(card, cleaned_data)`: the answered card, or the card again
    with the form's errors (a refused answer changes nothing)."""
    card = own_card(request, pk)
    if form.is_valid():
        try:
            card = act(card, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(
                request, "opportunities/offers/_card_done.html", {"card": card, "outcome": outcome}
            )
    return card_again(request, card, **{form_name: form})


@role_required(Role.REP)
@require_POST
def offer_card_snooze(request, pk: int):
    return card_answer(
        request,
        pk,
        form=SnoozeForm(request.POST),
        act=lambda card, data: services.offer_card_snooze(
            card=card, by=request.user, until=data["until"]
        ),
        outcome="snoozed",
        form_name="snooze_form",
    )


@role_required(Role.REP)
@require_POST
def offer_card_dismiss(request, pk: int):
    return card_answer(
        request,
        pk,
        form=DismissForm(request.POST),
        act=lambda card, data: services.offer_card_dismiss(
            card=card, by=request.user, reason=data["reason"], note=data["note"]
        ),
        outcome="dismissed",
        form_name="dismiss_form",
    )


@role_required(Role.MANAGER)
@require_GET
def offer_feedback_report(request):
    since = timezone.localdate() - datetime.timedelta(days=REPORT_DAYS)
    report = selectors.offer_feedback(user=request.user, since=since)
    chart = {
        "labels": [str(row["label"]) for row in report["by_rule"]],
        "datasets": [
            {"label": _("Accepted"), "data": [row["accepted"] for row in report["by_rule"]]},
            {"label": _("Dismissed"), "data": [row["dismissed"] for row in report["by_rule"]]},
        ],
    }
    return render(
        request,
        "opportunities/offers/report.html",
        {"report": report, "since": since, "chart": chart},
    )
