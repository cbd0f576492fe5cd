"""Forms for scheduling a QBR, editing its agenda, its goals, action items and the record."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import BuyingMotive, Contact

from ..forms import DateInput
from ..models import QBRGoal, QBRMeeting
from ..selectors import accounts_visible, owners_assignable


class QBRForm(forms.ModelForm):
    """Schedule a QBR (the account is chosen only when creating) or change date and attendees."""

    class Meta:
        model = QBRMeeting
        fields = ["account", "scheduled_on", "our_attendees", "customer_attendees"]
        widgets = {
            "scheduled_on": DateInput(),
            "our_attendees": forms.CheckboxSelectMultiple,
            "customer_attendees": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["our_attendees"].queryset = owners_assignable(
            user=user, keeping=self.instance.our_attendees.all() if self.instance.pk else None
        )
        self.fields["our_attendees"].label_from_instance = lambda u: u.get_full_name()
        if self.instance.pk:
            account = self.instance.account
            del self.fields["account"]
        else:
            self.fields["account"].queryset = accounts_visible(user=user)
            if account is not None:
                self.fields["account"].initial = account.pk
                self.fields["account"].widget = forms.HiddenInput()
            self.fields["our_attendees"].initial = [user.pk]
        self.fields["customer_attendees"].queryset = (
            Contact.objects.filter(account=account) if account else Contact.objects.none()
        )


class AgendaForm(forms.Form):
    """The agenda's written parts, and one outcome per goal of the previous QBR."""

    value_delivered = forms.CharField(
        label=_("Value delivered"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    obstacles = forms.CharField(
        label=_("Obstacles"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    growth_plans = forms.CharField(
        label=_("Growth plans"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, meeting: QBRMeeting, goals: list[QBRGoal], **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "value_delivered": meeting.value_delivered,
                "obstacles": meeting.obstacles,
                "growth_plans": meeting.growth_plans,
            },
        )
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"outcome_{goal.pk}"] = forms.ChoiceField(
                label=goal.title, choices=QBRGoal.Outcome.choices, initial=goal.outcome
            )
            self.fields[f"result_{goal.pk}"] = forms.CharField(
                label=_("Result: %(goal)s") % {"goal": goal.title},
                required=False,
                max_length=300,
                initial=goal.outcome_note,
            )

    def goal_outcomes(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {g.pk: (data[f"outcome_{g.pk}"], data[f"result_{g.pk}"]) for g in self.goals}

    def texts(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in ("value_delivered", "obstacles", "growth_plans")
        }


class GoalForm(forms.ModelForm):
    class Meta:
        model = QBRGoal
        fields = ["title", "motives"]
        widgets = {"motives": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motives"].queryset = BuyingMotive.objects.order_by("code")


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    due_on = forms.DateField(label=_("Due"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners_assignable(user=user)
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name()
        self.fields["owner"].initial = user.pk


class HoldForm(forms.ModelForm):
    """What was said in the meeting, and the expansion signals heard."""

    expansion_departments = forms.CharField(
        label=_("Departments to expand to"),
        required=False,
        help_text=_("Separate with commas."),
    )

    class Meta:
        model = QBRMeeting
        fields = [
            "notes",
            "decisions",
            "budget_if_works",
            "expansion_departments",
            "replaces",
            "motives",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 5}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
            "motives": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].required = True
        self.fields["motives"].queryset = BuyingMotive.objects.order_by("code")
        self.initial["expansion_departments"] = ", ".join(self.instance.expansion_departments)

    def clean_expansion_departments(self) -> list[str]:
        text = self.cleaned_data["expansion_departments"]
        return [part.strip() for part in re.split(r"[,、，\n]", text) if part.strip()]
