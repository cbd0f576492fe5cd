"""The pipeline filters (owner, team, type, stage), shared by the list, board and forecast."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Opportunity, OpportunityType, Stage
from .selectors import owners_assignable, teams_filterable


def _owners(request):
    return owners_assignable(user=request.user)


def _teams(request):
    return teams_filterable(user=request.user)


class OpportunityFilter(django_filters.FilterSet):
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), queryset=_owners, empty_label=_("All")
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), field_name="owner__team", queryset=_teams, empty_label=_("All")
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=OpportunityType.choices, empty_label=_("All")
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=Stage.choices, empty_label=_("All")
    )

    class Meta:
        model = Opportunity
        fields = ["owner", "team", "type", "stage"]

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            # small selects that apply themselves (static/js/app.js)
            field.widget.attrs.update(
                {"class": "form-select form-select-sm", "data-autosubmit": ""}
            )
        return form


class BoardFilter(OpportunityFilter):
    """The board shows every stage as a column, so it does not filter by stage."""

    class Meta(OpportunityFilter.Meta):
        fields = ["owner", "team", "type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("stage")
