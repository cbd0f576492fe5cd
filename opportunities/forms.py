"""Forms for the pipeline, hearings, intermediate goals and follow-ups.

Forms check the shape of each value; the services check the rules that span objects, and a
view shows their ValidationError on the form.
"""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import BuyingMotive, Product, Subscription
from crm.users.models import User

from .models import (
    NEGATIVE_AMOUNT,
    PROBABILITY_RANGE,
    THRESHOLD_POSITIVE,
    ChecklistVersion,
    FollowUp,
    Hearing,
    Opportunity,
    QuestionKind,
    Stage,
    WatchCondition,
)
from .selectors import accounts_visible, opportunities_visible, owners_assignable

PROBABILITY_ERRORS = {"max_value": PROBABILITY_RANGE, "min_value": PROBABILITY_RANGE}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OpportunityForm(forms.ModelForm):
    """Create or edit a deal; the account is chosen only when creating."""

    class Meta:
        model = Opportunity
        fields = [
            "account",
            "name",
            "type",
            "owner",
            "stage",
            "probability",
            "expected_close",
            "subscription",
            "from_product",
            "to_product",
            "quantity",
            "monthly_amount_change",
            "contract_value",
            "next_step",
        ]
        widgets = {"expected_close": DateInput()}
        error_messages = {
            "probability": PROBABILITY_ERRORS,
            "monthly_amount_change": {"min_value": NEGATIVE_AMOUNT},
            "contract_value": {"min_value": NEGATIVE_AMOUNT},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        self.fields["owner"].queryset = owners_assignable(
            user=user,
            keeping=User.objects.filter(pk=self.instance.owner_id) if editing else None,
        )
        self.fields["subscription"].queryset = (
            Subscription.objects.visible_to(user)
            .filter(**({"account": self.instance.account} if editing else {}))
            .select_related("product", "account")
        )
        products = Product.objects.filter(is_active=True)
        self.fields["from_product"].queryset = products
        self.fields["to_product"].queryset = products
        self.fields["probability"].required = False
        self.fields["probability"].help_text = _("Leave empty for the stage's usual probability.")
        if editing:
            del self.fields["account"]
            del self.fields["stage"]
            self.fields["probability"].required = True
        else:
            self.fields["account"].queryset = accounts_visible(user=user)
            self.fields["stage"].choices = [
                (value, label) for value, label in Stage.choices if value in Stage.open_values()
            ]


class StageMoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Leave empty for the stage's usual probability."),
        error_messages=PROBABILITY_ERRORS,
    )
    loss_reason = forms.CharField(
        label=_("Loss reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# Departments may be written one a line or separated by commas (、 or ,).
DEPARTMENT_SEPARATORS = re.compile(r"[\n,、，]+")


class DepartmentsField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 2})

    def to_python(self, value):
        text = super().to_python(value)
        return [part.strip() for part in DEPARTMENT_SEPARATORS.split(text) if part.strip()]

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value


def question_field(question) -> forms.Field:
    """The form field that asks `question`, in the current language; every answer optional."""
    common = {"label": question.text, "required": False}
    if question.kind == QuestionKind.YES_NO:
        return forms.TypedChoiceField(
            choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes",
            empty_value=None,
            **common,
        )
    if question.kind == QuestionKind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *question.choice_pairs()], **common)
    if question.kind == QuestionKind.AMOUNT:
        return forms.IntegerField(
            min_value=0,
            error_messages={"min_value": NEGATIVE_AMOUNT},
            **common,
        )
    if question.kind == QuestionKind.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if question.kind == QuestionKind.DATE:
        return forms.DateField(widget=DateInput(), **common)
    if question.kind == QuestionKind.DEPARTMENTS:
        return DepartmentsField(help_text=_("One a line, or separated by commas."), **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), **common)


class HearingForm(forms.Form):
    """A hearing for one account against one checklist version: one field per question."""

    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    opportunity = forms.ModelChoiceField(
        label=_("Opportunity"), queryset=Opportunity.objects.none(), required=False
    )

    def __init__(self, *args, user, account, version: ChecklistVersion, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["opportunity"].queryset = opportunities_visible(user=user).filter(
            account=account
        )
        for question in version.questions.all():
            self.fields[f"q_{question.key}"] = question_field(question)
        self.fields["motives"] = forms.ModelMultipleChoiceField(
            label=_("Buying motives"),
            queryset=BuyingMotive.objects.all(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["hesitant"] = forms.BooleanField(
            label=_("The customer is hesitant"),
            required=False,
            help_text=_("Take a note, don't push: offers pause and CS follows up later."),
        )
        self.fields["notes"] = forms.CharField(
            label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    def answers(self) -> dict:
        return {
            name.removeprefix("q_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("q_")
        }


class WatchConditionForm(forms.ModelForm):
    class Meta:
        model = WatchCondition
        fields = [
            "metric",
            "product",
            "threshold",
            "deadline",
            "promised_action",
            "promised_value",
            "opportunity_type",
        ]
        widgets = {"deadline": DateInput()}
        error_messages = {
            "threshold": {"min_value": THRESHOLD_POSITIVE},
            "promised_value": {"min_value": NEGATIVE_AMOUNT},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(is_active=True)


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["account", "title", "due_on", "owner", "opportunity", "hearing", "note"]
        widgets = {"due_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners_assignable(user=user)
        self.fields["owner"].initial = user.pk
        self.fields["account"].queryset = accounts_visible(user=user)
        opportunities = opportunities_visible(user=user)
        hearings = Hearing.objects.visible_to(user)
        if account is not None:
            self.fields["account"].initial = account.pk
            self.fields["account"].widget = forms.HiddenInput()
            opportunities = opportunities.filter(account=account)
            hearings = hearings.filter(account=account)
        self.fields["opportunity"].queryset = opportunities
        self.fields["hearing"].queryset = hearings.select_related("account")
