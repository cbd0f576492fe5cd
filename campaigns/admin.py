from django.contrib import admin

from .models import Campaign, CampaignTarget


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "product", "status", "starts_on", "ends_on", "owner"]
    list_filter = ["status", "type"]
    list_select_related = ["product", "owner"]
    search_fields = ["name"]
    filter_horizontal = ["teams"]
    raw_id_fields = ["owner", "frozen_by"]


@admin.register(CampaignTarget)
class CampaignTargetAdmin(admin.ModelAdmin):
    list_display = ["campaign", "account", "rep", "status", "reason"]
    list_filter = ["status"]
    list_select_related = ["campaign", "account", "rep"]
    raw_id_fields = ["campaign", "account", "rep", "opportunity"]
    search_fields = ["account__name", "campaign__name"]
