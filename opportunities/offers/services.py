"""A rep's answers to a card: accept (an opportunity), snooze until a date, dismiss with why.

Each runs in one transaction on a card locked for it; a card already acted on cannot be
acted on again. Answers the customer heard go on the account's timeline as an OFFER activity.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Activity, Subscription
from crm.users.models import User

from ..models import DismissReason, OfferCard, Opportunity, Source, Stage
from ..services import opportunity_create

# How long a rep has to close an accepted card by default.
ACCEPTED_CLOSE_DAYS = 30
# Dismissals that mean the customer was asked: they are a contact, logged on the timeline.
CUSTOMER_ANSWERS = (DismissReason.NOT_INTERESTED, DismissReason.NO_BUDGET)


def locked_live(card: OfferCard) -> OfferCard:
    locked = (
        OfferCard.objects.select_for_update(of=("self",))
        .select_related("account", "product", "current_product")
        .get(pk=card.pk)
    )
    if locked.status not in OfferCard.LIVE:
        raise ValidationError(_("This offer has already been answered."))
    return locked


def offer_log(*, card: OfferCard, by: User, summary: str, outcome: str = "") -> None:
    Activity.objects.create(
        account_id=card.account_id,
        kind=Activity.Kind.OFFER,
        occurred_on=timezone.localdate(),
        owner=by,
        summary=summary[:200],
        outcome=outcome,
    )


@transaction.atomic
def offer_card_accept(*, card: OfferCard, by: User) -> Opportunity:
    """Make the card an opportunity of its type, prefilled with product, amount and source
    (a met goal's card opens the opportunity the goal already made)."""
    card = locked_live(card)
    opportunity = card.opportunity
    if opportunity is None:
        subscription = (
            Subscription.objects.filter(
                account_id=card.account_id,
                product_id=card.current_product_id,
                status__in=[Subscription.Status.ACTIVE, Subscription.Status.TRIAL],
            ).first()
            if card.current_product_id and card.kind != "cross_sell"
            else None
        )
        amount = abs(card.monthly_uplift)
        opportunity = opportunity_create(
            account=card.account,
            owner=card.rep,
            created_by=by,
            name=_("%(type)s: %(product)s")
            % {"type": card.get_kind_display(), "product": card.product.name},
            type=card.kind,
            stage=Stage.PROSPECTING,
            probability=round(100 * card.probability),
            expected_close=timezone.localdate() + datetime.timedelta(days=ACCEPTED_CLOSE_DAYS),
            source=Source.OFFER_CARD,
            subscription=subscription,
            from_product=card.current_product,
            to_product=card.product,
            monthly_amount_change=amount,
            contract_value=amount * 12,
        )
    card.status = OfferCard.Status.ACCEPTED
    card.opportunity = opportunity
    card.acted_at = timezone.now()
    card.save(update_fields=["status", "opportunity", "acted_at"])
    offer_log(
        card=card,
        by=by,
        summary=_("Offer made: %(product)s") % {"product": card.product.name},
        outcome=_("%(type)s, ¥%(amount)s a month")
        % {"type": card.get_kind_display(), "amount": f"{abs(card.monthly_uplift):,}"},
    )
    return opportunity


@transaction.atomic
def offer_card_snooze(*, card: OfferCard, by: User, until: datetime.date) -> OfferCard:
    if until <= timezone.localdate():
        raise ValidationError({"until": _("Choose a day after today.")})
    card = locked_live(card)
    card.status = OfferCard.Status.SNOOZED
    card.snoozed_until = until
    card.acted_at = timezone.now()
    card.save(update_fields=["status", "snoozed_until", "acted_at"])
    return card


@transaction.atomic
def offer_card_dismiss(*, card: OfferCard, by: User, reason: str, note: str = "") -> OfferCard:
    if reason not in DismissReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if reason == DismissReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Say why in a few words.")})
    card = locked_live(card)
    card.status = OfferCard.Status.DISMISSED
    card.snoozed_until = None
    card.dismiss_reason = reason
    card.dismiss_note = note.strip()
    card.acted_at = timezone.now()
    card.save(
        update_fields=["status", "snoozed_until", "dismiss_reason", "dismiss_note", "acted_at"]
    )
    if reason in CUSTOMER_ANSWERS:
        offer_log(
            card=card,
            by=by,
            summary=_("Offer declined: %(product)s") % {"product": card.product.name},
            outcome=f"{card.get_dismiss_reason_display()} {card.dismiss_note}".strip(),
        )
    return card
