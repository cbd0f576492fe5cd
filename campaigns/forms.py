"""The campaign form, the segment builder, assignment, reassignment and target moves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import GrowthStage, Industry, Prefecture, SizeBand
from accounts.models import LoyaltyTier, Product
from accounts.nps import NPSCategory
from crm.users.models import Team, User

from .models import Campaign, TargetReason, TargetStatus
from .segments import SegmentCriteria
from .services import Strategy


class CampaignForm(forms.ModelForm):
    """Name, type, offered product, period, teams and the plan."""

    class Meta:
        model = Campaign
        fields = [
            "name",
            "type",
            "product",
            "starts_on",
            "ends_on",
            "teams",
            "planned_targets",
            "expected_success_rate",
            "revenue_per_win",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "teams": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(is_active=True).select_related(
            "family"
        )
        teams = Team.objects.all() if user.is_admin else Team.objects.filter(manager=user)
        self.fields["teams"].queryset = teams
        self.fields["revenue_per_win"].required = False


def _multiple(label, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, required=False, choices=choices, widget=forms.CheckboxSelectMultiple
    )


class SegmentForm(forms.Form):
    """The segment builder's filters; empty means any."""

    tiers = _multiple(_("Loyalty tier"), LoyaltyTier.choices)
    score_min = forms.DecimalField(
        label=_("Score from"), required=False, min_value=0, max_value=100, decimal_places=1
    )
    score_max = forms.DecimalField(
        label=_("Score to"), required=False, min_value=0, max_value=100, decimal_places=1
    )
    nps_categories = _multiple(_("NPS (latest answer)"), NPSCategory.choices)
    industries = forms.MultipleChoiceField(
        label=_("Industry"), required=False, choices=Industry.choices
    )
    sizes = _multiple(_("Size"), SizeBand.choices)
    growth_stages = _multiple(_("Growth stage"), GrowthStage.choices)
    regions = forms.MultipleChoiceField(
        label=_("Prefecture"), required=False, choices=Prefecture.choices
    )
    current_products = forms.ModelMultipleChoiceField(
        label=_("Has product / plan"), required=False, queryset=Product.objects.none()
    )
    utilisation_min = forms.DecimalField(
        label=_("Utilisation from (%)"), required=False, min_value=0, decimal_places=1
    )
    utilisation_max = forms.DecimalField(
        label=_("Utilisation to (%)"), required=False, min_value=0, decimal_places=1
    )
    renewal_within_days = forms.IntegerField(
        label=_("Renewal within (days)"), required=False, min_value=0, max_value=730
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Owner team"),
        required=False,
        queryset=Team.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["current_products"].queryset = Product.objects.filter(is_active=True)
        self.fields["teams"].queryset = campaign.teams.all()

    def clean(self):
        data = super().clean()
        for low, high in (("score_min", "score_max"), ("utilisation_min", "utilisation_max")):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, _("The upper bound must not be below the lower bound."))
        return data

    def criteria(self) -> SegmentCriteria:
        data = self.cleaned_data
        return SegmentCriteria(
            tiers=data.get("tiers") or [],
            score_min=data.get("score_min"),
            score_max=data.get("score_max"),
            nps_categories=data.get("nps_categories") or [],
            industries=data.get("industries") or [],
            sizes=data.get("sizes") or [],
            growth_stages=data.get("growth_stages") or [],
            regions=data.get("regions") or [],
            current_products=[p.pk for p in data.get("current_products") or []],
            utilisation_min=data.get("utilisation_min"),
            utilisation_max=data.get("utilisation_max"),
            renewal_within_days=data.get("renewal_within_days"),
            teams=[t.pk for t in data.get("teams") or []],
        )


class AssignForm(forms.Form):
    STRATEGIES = [
        (Strategy.ROUND_ROBIN, _("Round robin (even counts)")),
        (Strategy.BY_OWNER, _("By account owner")),
        (Strategy.BALANCED, _("Balanced by capacity and territory")),
    ]

    strategy = forms.ChoiceField(label=_("Strategy"), choices=STRATEGIES)
    reps = forms.ModelMultipleChoiceField(
        label=_("Reps"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Targets go only to the reps ticked here."),
    )
    max_per_rep = forms.IntegerField(
        label=_("Maximum open items per rep"),
        required=False,
        min_value=1,
        help_text=_(
            "For the balanced strategy: open opportunities, live offer cards and new targets "
            "together stay at or under this number."
        ),
    )

    def __init__(self, *args, reps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reps"].queryset = reps
        if not self.is_bound:
            self.initial["reps"] = list(reps)

    def clean(self):
        data = super().clean()
        if data.get("strategy") == Strategy.BALANCED and not data.get("max_per_rep"):
            self.add_error("max_per_rep", _("Say how many open items each rep can carry at most."))
        return data


class ReassignForm(forms.Form):
    rep = forms.ModelChoiceField(label=_("Rep"), queryset=User.objects.none())

    def __init__(self, *args, reps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = reps


class TargetMoveForm(forms.Form):
    status = forms.ChoiceField(label=_("Next stage"), choices=TargetStatus.choices)
    reason = forms.ChoiceField(
        label=_("Reason"), required=False, choices=[("", "—"), *TargetReason.choices]
    )
    note = forms.CharField(
        label=_("What the customer said"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
