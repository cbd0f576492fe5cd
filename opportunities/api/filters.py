"""List filters of the pipeline API (django-filter)."""

import django_filters as filters

from accounts.api.filters import IdFilterSet, IntegerFilter

from ..models import FollowUp, Hearing, OfferCard, Opportunity


class OpportunityFilter(IdFilterSet):
    team = IntegerFilter(field_name="owner__team_id")
    open = filters.BooleanFilter(method="only_open")
    close_from = filters.DateFilter(field_name="expected_close", lookup_expr="gte")
    close_to = filters.DateFilter(field_name="expected_close", lookup_expr="lte")

    class Meta(IdFilterSet.Meta):
        model = Opportunity
        fields = ["account", "owner", "stage", "type", "source"]

    def only_open(self, queryset, name, value):
        return queryset.open() if value else queryset.exclude(pk__in=queryset.open().values("pk"))


class HearingFilter(IdFilterSet):
    date_from = filters.DateFilter(field_name="held_on", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta(IdFilterSet.Meta):
        model = Hearing
        fields = ["account", "opportunity", "conducted_by", "hesitant"]


class FollowUpFilter(IdFilterSet):
    done = filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", exclude=True)
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta(IdFilterSet.Meta):
        model = FollowUp
        fields = ["account", "owner", "opportunity", "hearing"]


class OfferCardFilter(IdFilterSet):
    class Meta(IdFilterSet.Meta):
        model = OfferCard
        fields = ["account", "rep", "kind", "status", "source", "product"]
