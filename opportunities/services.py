"""Writes that span models: the pipeline, hearings, intermediate goals and follow-ups.

Each service runs in one transaction and raises ValidationError (with field names where a
form can show them) before it writes anything, so bad input never leaves half a record.
"""

import datetime
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    Account,
    Activity,
    BuyingMotive,
    Order,
    Product,
    Subscription,
    UsageRecord,
)
from crm.users.models import User

from .models import (
    DEFAULT_PROBABILITY,
    NEGATIVE_AMOUNT,
    PROBABILITY_RANGE,
    THRESHOLD_POSITIVE,
    Answer,
    ChecklistTemplate,
    ChecklistVersion,
    FollowUp,
    Hearing,
    Metric,
    Opportunity,
    OpportunityType,
    Question,
    QuestionKind,
    Signal,
    Source,
    Stage,
    StageChange,
    WatchCondition,
)

# --- the pipeline -------------------------------------------------------------------------

# Fields a rep edits on the opportunity form; the stage moves only through opportunity_move.
EDITABLE_FIELDS = (
    "owner",
    "name",
    "type",
    "subscription",
    "from_product",
    "to_product",
    "quantity",
    "monthly_amount_change",
    "contract_value",
    "probability",
    "expected_close",
    "next_step",
)


def opportunity_check(
    *,
    account: Account,
    created_on: datetime.date,
    expected_close: datetime.date,
    probability: int,
    monthly_amount_change: int,
    contract_value: int,
    subscription: Subscription | None = None,
) -> None:
    """Raise ValidationError, by field, for values no opportunity may hold."""
    errors: dict[str, str] = {}
    if not 0 <= probability <= 100:
        errors["probability"] = PROBABILITY_RANGE
    if monthly_amount_change < 0:
        errors["monthly_amount_change"] = NEGATIVE_AMOUNT
    if contract_value < 0:
        errors["contract_value"] = NEGATIVE_AMOUNT
    if expected_close < created_on:
        errors["expected_close"] = _(
            "The expected close cannot be before the opportunity was created (%(date)s)."
        ) % {"date": created_on.isoformat()}
    if subscription is not None and subscription.account_id != account.pk:
        errors["subscription"] = _("That subscription belongs to another account.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def opportunity_create(
    *,
    account: Account,
    owner: User,
    created_by: User | None,
    name: str,
    type: str,
    expected_close: datetime.date,
    stage: str = Stage.PROSPECTING,
    probability: int | None = None,
    source: str = Source.MANUAL,
    subscription: Subscription | None = None,
    from_product: Product | None = None,
    to_product: Product | None = None,
    quantity: int | None = None,
    monthly_amount_change: int = 0,
    contract_value: int = 0,
    next_step: str = "",
    hearing: Hearing | None = None,
) -> Opportunity:
    if probability is None:
        probability = DEFAULT_PROBABILITY[Stage(stage)]
    opportunity_check(
        account=account,
        created_on=timezone.localdate(),
        expected_close=expected_close,
        probability=probability,
        monthly_amount_change=monthly_amount_change,
        contract_value=contract_value,
        subscription=subscription,
    )
    if stage in Stage.closed_values():
        raise ValidationError({"stage": _("A new opportunity starts in an open stage.")})
    if hearing is not None and hearing.account_id != account.pk:
        raise ValidationError({"hearing": _("That hearing belongs to another account.")})
    if subscription is not None and from_product is None:
        from_product = subscription.product
    opportunity = Opportunity.objects.create(
        account=account,
        owner=owner,
        name=name,
        type=type,
        stage=stage,
        probability=probability,
        expected_close=expected_close,
        source=source,
        subscription=subscription,
        from_product=from_product,
        to_product=to_product,
        quantity=quantity,
        monthly_amount_change=monthly_amount_change,
        contract_value=contract_value,
        next_step=next_step,
        hearing=hearing,
    )
    StageChange.objects.create(
        opportunity=opportunity,
        from_stage="",
        to_stage=stage,
        probability=probability,
        changed_by=created_by,
    )
    return opportunity


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, by: User, **changes: Any) -> Opportunity:
    """Change the editable fields of `opportunity`; the stage has its own service."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(opportunity, name, value)
    opportunity_check(
        account=opportunity.account,
        created_on=timezone.localdate(opportunity.created_at),
        expected_close=opportunity.expected_close,
        probability=opportunity.probability,
        monthly_amount_change=opportunity.monthly_amount_change,
        contract_value=opportunity.contract_value,
        subscription=opportunity.subscription,
    )
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_move(
    *,
    opportunity: Opportunity,
    stage: str,
    by: User,
    probability: int | None = None,
    loss_reason: str = "",
) -> Opportunity:
    """Move `opportunity` to `stage`, recording who and when; winning logs an activity.

    The stage's default probability applies unless one is given. A lost deal needs a reason.
    """
    locked = (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("account")
        .get(pk=opportunity.pk)
    )
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    if stage == locked.stage and probability in (None, locked.probability):
        return locked
    loss_reason = loss_reason.strip() or (locked.loss_reason if stage == Stage.LOST else "")
    if stage == Stage.LOST and not loss_reason:
        raise ValidationError({"loss_reason": _("Say why the opportunity was lost.")})
    if probability is None:
        probability = DEFAULT_PROBABILITY[Stage(stage)]
    if not 0 <= probability <= 100:
        raise ValidationError({"probability": PROBABILITY_RANGE})

    today = timezone.localdate()
    previous = locked.stage
    locked.stage = stage
    locked.probability = probability
    locked.loss_reason = loss_reason if stage == Stage.LOST else ""
    if stage in Stage.closed_values():
        locked.closed_on = today
        if stage == Stage.WON:
            # The deal closed today: that is when the forecast counts it.
            locked.expected_close = today
    else:
        locked.closed_on = None
    locked.save()
    StageChange.objects.create(
        opportunity=locked,
        from_stage=previous,
        to_stage=stage,
        probability=probability,
        changed_by=by,
    )
    if stage == Stage.WON and previous != Stage.WON:
        Activity.objects.create(
            account=locked.account,
            kind=Activity.Kind.OFFER,
            occurred_on=today,
            owner=locked.owner,
            summary=_("Opportunity won: %(name)s") % {"name": locked.name[:150]},
            outcome=_("%(type)s, contract value ¥%(value)s")
            % {"type": locked.get_type_display(), "value": f"{locked.contract_value:,}"},
        )
    return locked


@transaction.atomic
def opportunity_apply_to_subscription(*, opportunity: Opportunity, by: User) -> Subscription:
    """Make a won upsell, cross-sell or down-sell real on the account's subscription.

    Upsell and down-sell change the plan, quantity and monthly amount of the subscription;
    a cross-sell without one starts a new subscription of the product sold. The change is
    kept in the subscription's history and on the account's timeline; it happens once.
    """
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not locked.can_apply_to_subscription:
        raise ValidationError(
            _("Only a won upsell, cross-sell or down-sell not yet applied can change a plan.")
        )
    today = timezone.localdate()
    reason = _("Opportunity #%(pk)s won: %(name)s") % {"pk": locked.pk, "name": locked.name}
    if locked.subscription_id is None:
        subscription = Subscription(
            account_id=locked.account_id,
            product=locked.to_product,
            quantity=locked.quantity or 1,
            monthly_amount=locked.monthly_amount_change,
            status=Subscription.Status.ACTIVE,
            started_on=today,
        )
    else:
        subscription = Subscription.objects.select_for_update().get(pk=locked.subscription_id)
        if locked.to_product_id is not None:
            subscription.product_id = locked.to_product_id
        if locked.quantity is not None:
            subscription.quantity = locked.quantity
        subscription.monthly_amount = max(
            0, subscription.monthly_amount + locked.signed_monthly_change
        )
    subscription._change_reason = reason[:100]  # read by django-simple-history
    subscription.save()
    locked.subscription = subscription
    locked.subscription_applied_at = timezone.now()
    locked.save(update_fields=["subscription", "subscription_applied_at", "updated_at"])
    Activity.objects.create(
        account_id=locked.account_id,
        kind=Activity.Kind.OFFER,
        occurred_on=today,
        owner=by,
        summary=_("Subscription changed: %(product)s") % {"product": subscription.product},
        outcome=_("%(quantity)s seats, ¥%(amount)s a month")
        % {"quantity": subscription.quantity, "amount": f"{subscription.monthly_amount:,}"},
    )
    return subscription


# --- checklists ---------------------------------------------------------------------------


@transaction.atomic
def checklist_version_draft(*, template: ChecklistTemplate) -> ChecklistVersion:
    """The template's draft, made if needed as a copy of its latest version's questions."""
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    draft = template.versions.filter(published_at__isnull=True).first()
    if draft is not None:
        return draft
    latest = template.versions.order_by("-number").first()
    draft = ChecklistVersion.objects.create(
        template=template, number=(latest.number + 1) if latest else 1
    )
    if latest is not None:
        Question.objects.bulk_create(
            Question(
                version=draft,
                position=q.position,
                key=q.key,
                kind=q.kind,
                text_ja=q.text_ja,
                text_en=q.text_en,
                choices_ja=q.choices_ja,
                choices_en=q.choices_en,
                signal=q.signal,
            )
            for q in latest.questions.all()
        )
    return draft


@transaction.atomic
def checklist_version_publish(*, version: ChecklistVersion) -> ChecklistVersion:
    """Publish a draft: new hearings use it; hearings already recorded keep their version."""
    version = ChecklistVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        return version
    if not version.questions.exists():
        raise ValidationError(_("A checklist version needs at least one question."))
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    return version


# --- hearings -----------------------------------------------------------------------------


def answer_to_json(kind: str, value: Any) -> Any:
    """The typed form value as JSON; None when the question was left unanswered."""
    if value in (None, "", []):
        return None
    if kind == QuestionKind.DATE:
        return value.isoformat()
    if kind == QuestionKind.NUMBER:
        return str(decimal.Decimal(value).normalize())
    if kind == QuestionKind.AMOUNT:
        return int(value)
    if kind == QuestionKind.YES_NO:
        return bool(value)
    if kind == QuestionKind.DEPARTMENTS:
        return [str(item) for item in value]
    return str(value)


def hearing_follow_up_days() -> int:
    return getattr(settings, "HEARING_HESITATION_FOLLOW_UP_DAYS", 30)


@transaction.atomic
def hearing_record(
    *,
    account: Account,
    version: ChecklistVersion,
    conducted_by: User,
    held_on: datetime.date,
    answers: Mapping[str, Any],
    opportunity: Opportunity | None = None,
    motives: Iterable[BuyingMotive] = (),
    hesitant: bool = False,
    notes: str = "",
) -> Hearing:
    """Record a hearing with its answers (by question key) and the signals they carry.

    Logs the hearing on the account's timeline. A hesitant customer gets a follow-up for the
    CS owner after the configured number of days, and no offers until then.
    """
    if not version.is_published:
        raise ValidationError(_("Hearings are recorded against a published checklist version."))
    if opportunity is not None and opportunity.account_id != account.pk:
        raise ValidationError({"opportunity": _("That opportunity belongs to another account.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A hearing cannot be held in the future.")})
    questions = list(version.questions.all())
    typed = {q.key: (q, answer_to_json(q.kind, answers.get(q.key))) for q in questions}
    given = {key: pair for key, pair in typed.items() if pair[1] is not None}
    signals = {q.signal: value for q, value in given.values() if q.signal}

    hearing = Hearing.objects.create(
        account=account,
        opportunity=opportunity,
        version=version,
        held_on=held_on,
        conducted_by=conducted_by,
        completeness=round(100 * len(given) / len(questions)) if questions else 0,
        budget_if_works=signals.get(Signal.BUDGET),
        expansion_departments=signals.get(Signal.DEPARTMENTS, []),
        replaces=str(signals.get(Signal.REPLACES, ""))[:300],
        hesitant=hesitant,
        notes=notes,
    )
    Answer.objects.bulk_create(
        Answer(hearing=hearing, question=q, value=value) for q, value in given.values()
    )
    hearing.motives.set(motives)
    Activity.objects.create(
        account=account,
        kind=Activity.Kind.HEARING,
        occurred_on=held_on,
        owner=conducted_by,
        summary=_("Hearing: %(checklist)s (%(percent)s%% answered)")
        % {"checklist": version.template.name, "percent": hearing.completeness},
        outcome=notes[:1000],
    )
    if hesitant:
        hearing_hesitation_hold(hearing=hearing)
    return hearing


def hearing_hesitation_hold(*, hearing: Hearing) -> FollowUp:
    """Take a note, don't push: pause offers and have CS get back in N days."""
    account = Account.objects.select_for_update().get(pk=hearing.account_id)
    until = hearing.held_on + datetime.timedelta(days=hearing_follow_up_days())
    if account.quiet_until is None or account.quiet_until < until:
        account.quiet_until = until
        account.save(update_fields=["quiet_until", "updated_at"])
    return FollowUp.objects.create(
        account=account,
        owner=account.cs_owner or account.owner or hearing.conducted_by,
        title=_("Check back with a hesitant customer"),
        due_on=until,
        hearing=hearing,
        opportunity=hearing.opportunity,
        note=hearing.notes,
        created_by=hearing.conducted_by,
    )


# --- intermediate goals -------------------------------------------------------------------


@transaction.atomic
def watch_condition_create(
    *,
    hearing: Hearing,
    created_by: User,
    metric: str,
    threshold: decimal.Decimal,
    deadline: datetime.date,
    promised_action: str,
    promised_value: int = 0,
    opportunity_type: str = OpportunityType.UPSELL,
    product: Product | None = None,
    starts_on: datetime.date | None = None,
) -> WatchCondition:
    starts_on = starts_on or hearing.held_on
    errors: dict[str, str] = {}
    if threshold <= 0:
        errors["threshold"] = THRESHOLD_POSITIVE
    if promised_value < 0:
        errors["promised_value"] = NEGATIVE_AMOUNT
    if deadline < starts_on:
        errors["deadline"] = _("The deadline cannot be before the watch starts (%(date)s).") % {
            "date": starts_on.isoformat()
        }
    if deadline < timezone.localdate():
        errors.setdefault("deadline", _("The deadline has already passed."))
    if opportunity_type not in (OpportunityType.UPSELL, OpportunityType.CROSS_SELL):
        errors["opportunity_type"] = _("A met goal leads to an upsell or a cross-sell.")
    if errors:
        raise ValidationError(errors)
    return WatchCondition.objects.create(
        hearing=hearing,
        account_id=hearing.account_id,
        created_by=created_by,
        metric=metric,
        product=product,
        threshold=threshold,
        starts_on=starts_on,
        deadline=deadline,
        promised_action=promised_action,
        promised_value=promised_value,
        opportunity_type=opportunity_type,
    )


# How long the rep has to turn a met goal into a deal before it shows as late.
TRIGGERED_CLOSE_DAYS = 30


def watch_conditions_measured(*, run_date: datetime.date):
    """Open conditions annotated with `measured`, their metric as of `run_date`, in one query.

    Usage and orders count from the condition's start to the earlier of `run_date` and its
    deadline; seats are what the account subscribes to (trial or active). A condition
    without a product counts every product: Coalesce makes its product filter match all.
    """
    window_end = Least(OuterRef("deadline"), Value(run_date), output_field=DateField())
    usage = UsageRecord.objects.filter(
        account=OuterRef("account"),
        date__gte=OuterRef("starts_on"),
        date__lte=window_end,
        subscription__product=Coalesce(OuterRef("product"), F("subscription__product")),
    )
    seats = Subscription.objects.filter(
        account=OuterRef("account"),
        status__in=[Subscription.Status.ACTIVE, Subscription.Status.TRIAL],
        product=Coalesce(OuterRef("product"), F("product")),
    )
    orders = Order.objects.filter(
        account=OuterRef("account"),
        ordered_on__gte=OuterRef("starts_on"),
        ordered_on__lte=window_end,
    )
    measure = DecimalField(max_digits=14, decimal_places=2)

    def account_total(queryset, aggregate):
        grouped = queryset.order_by().values("account").annotate(total=aggregate)
        return Coalesce(Subquery(grouped.values("total")[:1]), Value(0), output_field=measure)

    return (
        WatchCondition.objects.open_on(run_date)
        .select_related("account", "hearing")
        .annotate(
            measured=Case(
                When(metric=Metric.USAGE, then=account_total(usage, Sum("quantity"))),
                When(metric=Metric.SEATS, then=account_total(seats, Sum("quantity"))),
                default=account_total(orders, Count("pk")),
                output_field=measure,
            )
        )
    )


@transaction.atomic
def watch_conditions_evaluate(*, run_date: datetime.date) -> dict[str, int]:
    """The nightly check: met goals become opportunities, goals past their date expire.

    Idempotent for its date: only open conditions are read, and each one is closed (met or
    expired) in the same transaction that creates its opportunity. Three queries to read and
    three bulk writes, whatever the number of conditions.
    """
    conditions = list(watch_conditions_measured(run_date=run_date).select_for_update(of=("self",)))
    met = [c for c in conditions if c.measured >= c.threshold]
    opportunities = Opportunity.objects.bulk_create(
        Opportunity(
            account=c.account,
            owner_id=c.account.owner_id or c.hearing.conducted_by_id,
            name=_("Goal met: %(action)s") % {"action": c.promised_action[:180]},
            type=c.opportunity_type,
            stage=Stage.PROSPECTING,
            probability=DEFAULT_PROBABILITY[Stage.PROSPECTING],
            expected_close=run_date + datetime.timedelta(days=TRIGGERED_CLOSE_DAYS),
            source=Source.HEARING_TRIGGER,
            hearing_id=c.hearing_id,
            from_product=c.product if c.opportunity_type == OpportunityType.UPSELL else None,
            to_product=c.product if c.opportunity_type == OpportunityType.CROSS_SELL else None,
            monthly_amount_change=c.promised_value,
            contract_value=c.promised_value * 12,
            next_step=c.promised_action[:200],
        )
        for c in met
    )
    StageChange.objects.bulk_create(
        StageChange(
            opportunity=o,
            from_stage="",
            to_stage=o.stage,
            probability=o.probability,
            changed_by=None,
        )
        for o in opportunities
    )
    for condition, opportunity in zip(met, opportunities, strict=True):
        condition.status = WatchCondition.Status.MET
        condition.opportunity = opportunity
    expired = 0
    for condition in conditions:
        condition.measured_value = condition.measured
        condition.evaluated_on = run_date
        if condition.status == WatchCondition.Status.OPEN and condition.deadline < run_date:
            condition.status = WatchCondition.Status.EXPIRED
            expired += 1
    WatchCondition.objects.bulk_update(
        conditions, ["status", "opportunity", "measured_value", "evaluated_on"]
    )
    return {"checked": len(conditions), "met": len(met), "expired": expired}


# --- follow-ups ---------------------------------------------------------------------------


@transaction.atomic
def follow_up_create(
    *,
    account: Account,
    owner: User,
    created_by: User,
    title: str,
    due_on: datetime.date,
    opportunity: Opportunity | None = None,
    hearing: Hearing | None = None,
    note: str = "",
) -> FollowUp:
    errors: dict[str, str] = {}
    if opportunity is not None and opportunity.account_id != account.pk:
        errors["opportunity"] = _("That opportunity belongs to another account.")
    if hearing is not None and hearing.account_id != account.pk:
        errors["hearing"] = _("That hearing belongs to another account.")
    if due_on < timezone.localdate():
        errors["due_on"] = _("The due date cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    return FollowUp.objects.create(
        account=account,
        owner=owner,
        created_by=created_by,
        title=title,
        due_on=due_on,
        opportunity=opportunity,
        hearing=hearing,
        note=note,
    )


@transaction.atomic
def follow_up_complete(*, follow_up: FollowUp, by: User) -> FollowUp:
    """Mark done (once: a second click keeps the first time). A save, not an UPDATE, so the
    audit history records who completed it."""
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if locked.done_at is None:
        locked.done_at = timezone.now()
        locked.save(update_fields=["done_at"])
    follow_up.done_at = locked.done_at
    return follow_up
