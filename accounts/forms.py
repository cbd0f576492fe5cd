"""Forms for the account pages: the list's filters and the create/edit forms.

They check what a person typed (ranges, date order, readings in kana, corporate numbers)
with messages in Japanese and English; the services check what only the database knows.
"""

import datetime
import unicodedata

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.users.models import Team, User

from . import selectors, services
from .choices import GrowthStage, Industry, SizeBand
from .models import Account, Activity, Contact, NPSResponse, Product, Subscription
from .nps import NPSCategory


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class KanaField(forms.CharField):
    """A reading: half-width katakana and full-width spaces are normalised before validation."""

    def to_python(self, value):
        return unicodedata.normalize("NFKC", super().to_python(value)).strip()


class CorporateNumberField(forms.CharField):
    """法人番号 as people type it: full-width digits, hyphens and spaces are accepted."""

    def to_python(self, value):
        value = unicodedata.normalize("NFKC", super().to_python(value))
        return "".join(ch for ch in value if ch not in "- ")


def _not_in_future(value: datetime.date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."), code="future")


# --- the list's filters -----------------------------------------------------------------


class AccountFilterForm(forms.Form):
    """The account list's search, filters and sort, read from the query string."""

    SORT_CHOICES = [
        ("kana", _("Name (A→Z)")),
        ("-kana", _("Name (Z→A)")),
        ("-mrr", _("Monthly revenue (high→low)")),
        ("mrr", _("Monthly revenue (low→high)")),
        ("-employees", _("Employees (most first)")),
        ("employees", _("Employees (fewest first)")),
        ("-nps", _("Latest NPS answer (high→low)")),
        ("nps", _("Latest NPS answer (low→high)")),
        ("industry", _("Industry")),
        ("-updated", _("Recently updated")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    industry = forms.ChoiceField(
        label=_("Industry"), required=False, choices=[("", _("All")), *Industry.choices]
    )
    owner = forms.ModelChoiceField(
        label=_("Owner rep"), required=False, queryset=User.objects.none(), empty_label=_("All")
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("All")
    )
    size = forms.ChoiceField(
        label=_("Size"), required=False, choices=[("", _("All")), *SizeBand.choices]
    )
    growth_stage = forms.ChoiceField(
        label=_("Growth stage"), required=False, choices=[("", _("All")), *GrowthStage.choices]
    )
    nps_category = forms.ChoiceField(
        label=_("Latest NPS"), required=False, choices=[("", _("All")), *NPSCategory.choices]
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, data, *, user: User):
        super().__init__(data)
        self.fields["owner"].queryset = selectors.owner_choices(user=user)
        self.fields["team"].queryset = selectors.team_choices(user=user)

    def filters(self) -> selectors.AccountFilters:
        """The valid part of the query string; a bad value is ignored and shown as an error."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return selectors.AccountFilters(**data)


# --- create and edit --------------------------------------------------------------------


class AccountForm(forms.ModelForm):
    class Meta:
        model = Account
        fields = services.ACCOUNT_FIELDS
        field_classes = {"name_kana": KanaField, "corporate_number": CorporateNumberField}
        widgets = {"quiet_until": DateInput()}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        people = selectors.owner_choices(user=user)
        for name in ("owner", "cs_owner"):
            current = getattr(self.instance, f"{name}_id", None)
            # The current owner stays a valid choice even when outside the user's team.
            self.fields[name].queryset = (
                people | User.objects.filter(pk=current) if current else people
            ).distinct()
        if self.instance.pk is None:
            self.fields["owner"].initial = user.pk


class AccountRowForm(forms.ModelForm):
    """A form for a row that belongs to an account (contact, subscription, activity, NPS)."""

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account


class ContactForm(AccountRowForm):
    class Meta:
        model = Contact
        fields = services.CONTACT_FIELDS
        field_classes = {"name_kana": KanaField}


class SubscriptionForm(AccountRowForm):
    monthly_amount = forms.IntegerField(
        label=_("monthly amount (¥)"),
        required=False,
        min_value=0,
        help_text=_("Leave empty to use the product's list price."),
    )

    class Meta:
        model = Subscription
        fields = services.SUBSCRIPTION_FIELDS
        widgets = {
            "started_on": DateInput(),
            "renewal_on": DateInput(),
            "trial_ends_on": DateInput(),
            "cancelled_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        on_sale = Product.objects.filter(is_active=True)
        if self.instance.product_id:
            on_sale = on_sale | Product.objects.filter(pk=self.instance.product_id)
        self.fields["product"].queryset = on_sale.select_related("family").distinct()

    def clean(self):
        data = super().clean()
        started = data.get("started_on")
        if started:
            for name, message in (
                ("renewal_on", _("The renewal date cannot be before the start date.")),
                ("trial_ends_on", _("The trial cannot end before the start date.")),
                ("cancelled_on", _("The cancellation date cannot be before the start date.")),
            ):
                if data.get(name) and data[name] < started:
                    self.add_error(name, forms.ValidationError(message, code="before_start"))
        status = data.get("status")
        if status == Subscription.Status.TRIAL and not data.get("trial_ends_on"):
            self.add_error("trial_ends_on", _("A trial needs its end date."))
        if status == Subscription.Status.CANCELLED and not data.get("cancelled_on"):
            self.add_error(
                "cancelled_on", _("A cancelled subscription needs its cancellation date.")
            )
        if status != Subscription.Status.CANCELLED and data.get("cancelled_on"):
            self.add_error("status", _("A subscription with a cancellation date is cancelled."))
        return data


class ActivityForm(AccountRowForm):
    # Hearings, QBRs and offers reach the timeline from their own pages, not from this form.
    MANUAL_KINDS = [
        Activity.Kind.CALL,
        Activity.Kind.EMAIL,
        Activity.Kind.MEETING,
        Activity.Kind.VISIT,
        Activity.Kind.SUPPORT_TICKET,
        Activity.Kind.COMPLAINT,
        Activity.Kind.ESCALATION,
    ]

    occurred_on = forms.DateField(label=_("date"), widget=DateInput(), validators=[_not_in_future])

    class Meta:
        model = Activity
        fields = services.ACTIVITY_FIELDS
        widgets = {"resolved_on": DateInput(), "outcome": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [(k.value, k.label) for k in self.MANUAL_KINDS]
        if self.instance.kind and self.instance.kind not in self.MANUAL_KINDS:
            kinds.append((self.instance.kind, self.instance.get_kind_display()))
        self.fields["kind"].choices = kinds
        if self.instance.pk is None:
            self.fields["occurred_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        occurred, resolved = data.get("occurred_on"), data.get("resolved_on")
        if occurred and resolved and resolved < occurred:
            self.add_error("resolved_on", _("It cannot be resolved before it happened."))
        return data


class NPSResponseForm(AccountRowForm):
    score = forms.IntegerField(
        label=_("score (0–10)"),
        min_value=0,
        max_value=10,
        error_messages={
            "min_value": _("An NPS answer is a score from 0 to 10."),
            "max_value": _("An NPS answer is a score from 0 to 10."),
        },
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "step": 1}),
    )
    answered_on = forms.DateField(
        label=_("answered on"), widget=DateInput(), validators=[_not_in_future]
    )

    class Meta:
        model = NPSResponse
        fields = services.NPS_FIELDS
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(account=self.account)
        if self.instance.pk is None:
            self.fields["answered_on"].initial = timezone.localdate()
