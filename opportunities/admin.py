"""Admin: checklists are edited here. A published version is read-only; changes go into a
draft copied from it, and publishing the draft leaves recorded hearings on their version."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import models, services


class QuestionInline(admin.TabularInline):
    model = models.Question
    extra = 0
    fields = ["position", "key", "kind", "text_ja", "text_en", "choices_ja", "choices_en", "signal"]

    def has_add_permission(self, request, obj=None):
        return obj is None or not obj.is_published

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_published

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_published


@admin.register(models.ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "is_default"]
    actions = ["new_draft"]

    @admin.action(description=_("Start a new draft version"))
    def new_draft(self, request, queryset):
        for template in queryset:
            draft = services.checklist_version_draft(template=template)
            self.message_user(request, _("Draft ready: %(version)s") % {"version": draft})


@admin.register(models.ChecklistVersion)
class ChecklistVersionAdmin(admin.ModelAdmin):
    list_display = ["template", "number", "published_at"]
    list_filter = ["template"]
    list_select_related = ["template"]
    readonly_fields = ["template", "number", "published_at"]
    inlines = [QuestionInline]
    actions = ["publish"]

    def has_add_permission(self, request):
        return False  # drafts start from a checklist's "new draft" action

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                services.checklist_version_publish(version=version)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)


@admin.register(models.Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "owner", "type", "stage", "probability", "expected_close"]
    list_filter = ["stage", "type", "source"]
    list_select_related = ["account", "owner"]
    search_fields = ["name", "account__name"]
    raw_id_fields = ["account", "owner", "subscription", "hearing"]
    readonly_fields = ["stage", "closed_on", "subscription_applied_at"]


@admin.register(models.Hearing)
class HearingAdmin(admin.ModelAdmin):
    list_display = ["account", "held_on", "conducted_by", "completeness", "hesitant"]
    list_select_related = ["account", "conducted_by"]
    raw_id_fields = ["account", "opportunity", "conducted_by"]


@admin.register(models.WatchCondition)
class WatchConditionAdmin(admin.ModelAdmin):
    list_display = ["promised_action", "account", "metric", "threshold", "deadline", "status"]
    list_filter = ["status", "metric"]
    list_select_related = ["account"]
    raw_id_fields = ["hearing", "account", "opportunity"]


@admin.register(models.FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["title", "account", "owner", "due_on", "done_at"]
    list_select_related = ["account", "owner"]
    raw_id_fields = ["account", "owner", "opportunity", "hearing"]
