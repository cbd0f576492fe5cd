"""List filters of the campaigns API (django-filter)."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from accounts.api.filters import IdFilterSet, IntegerFilter

from ..models import Campaign, CampaignTarget, TargetStatus


class CampaignFilter(IdFilterSet):
    team = IntegerFilter(field_name="teams", distinct=True)
    active_on = filters.DateFilter(method="running_on", label=_("Running on this day"))

    class Meta(IdFilterSet.Meta):
        model = Campaign
        fields = ["type", "status", "product", "owner"]

    def running_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)


class CampaignTargetFilter(IdFilterSet):
    open = filters.BooleanFilter(method="only_open")

    class Meta(IdFilterSet.Meta):
        model = CampaignTarget
        fields = ["campaign", "account", "rep", "status", "reason"]

    def only_open(self, queryset, name, value):
        open_values = TargetStatus.open_values()
        if value:
            return queryset.filter(status__in=open_values)
        return queryset.exclude(status__in=open_values)
