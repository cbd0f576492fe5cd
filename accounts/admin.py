from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import models


class ContactInline(admin.TabularInline):
    model = models.Contact
    extra = 0
    fields = [
        "name",
        "name_kana",
        "title",
        "department",
        "email",
        "is_decision_maker",
        "is_primary",
    ]


@admin.register(models.Account)
class AccountAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_kana", "industry", "growth_stage", "owner", "cs_owner"]
    list_filter = ["industry", "growth_stage", "region", "do_not_contact"]
    search_fields = ["name", "name_kana", "corporate_number", "external_id"]
    list_select_related = ["owner", "cs_owner"]
    autocomplete_fields = ["owner", "cs_owner"]
    inlines = [ContactInline]


@admin.register(models.AccountAssignment)
class AccountAssignmentAdmin(admin.ModelAdmin):
    list_display = ["account", "user", "source", "source_id", "created_at"]
    list_filter = ["source"]
    list_select_related = ["account", "user"]
    raw_id_fields = ["account", "user"]


@admin.register(models.Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "account", "title", "department", "is_decision_maker", "is_primary"]
    search_fields = ["name", "name_kana", "email", "account__name"]
    list_select_related = ["account"]
    raw_id_fields = ["account"]


@admin.register(models.BuyingMotive)
class BuyingMotiveAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]


@admin.register(models.ProductFamily)
class ProductFamilyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(models.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "family", "tier_rank", "monthly_price", "is_active"]
    list_filter = ["kind", "family", "usage_measure", "is_active"]
    list_select_related = ["family"]
    search_fields = ["name", "code"]
    filter_horizontal = ["complements", "motives"]


@admin.register(models.Subscription)
class SubscriptionAdmin(SimpleHistoryAdmin):
    list_display = ["account", "product", "quantity", "monthly_amount", "status", "renewal_on"]
    list_filter = ["status", "billing_model", "product"]
    search_fields = ["account__name", "external_id"]
    list_select_related = ["account", "product"]
    raw_id_fields = ["account"]


@admin.register(models.UsageRecord)
class UsageRecordAdmin(admin.ModelAdmin):
    list_display = ["subscription", "date", "quantity"]
    list_select_related = ["subscription__account", "subscription__product"]
    raw_id_fields = ["account", "subscription"]
    date_hierarchy = "date"


class OrderLineInline(admin.TabularInline):
    model = models.OrderLine
    extra = 0


@admin.register(models.Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["account", "ordered_on", "total", "external_id"]
    list_select_related = ["account"]
    raw_id_fields = ["account"]
    inlines = [OrderLineInline]
    date_hierarchy = "ordered_on"


@admin.register(models.NPSResponse)
class NPSResponseAdmin(admin.ModelAdmin):
    list_display = ["account", "score", "answered_on", "contact"]
    list_filter = ["score"]
    search_fields = ["account__name", "comment"]
    date_hierarchy = "answered_on"
    list_select_related = ["account", "contact"]
    raw_id_fields = ["account", "contact"]


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["account", "kind", "occurred_on", "owner", "summary"]
    list_filter = ["kind"]
    search_fields = ["account__name", "summary"]
    list_select_related = ["account", "owner"]
    raw_id_fields = ["account", "owner"]
    date_hierarchy = "occurred_on"


@admin.register(models.SuccessStory)
class SuccessStoryAdmin(admin.ModelAdmin):
    list_display = ["title", "industry", "product", "headline_metric"]
    list_filter = ["industry"]
    list_select_related = ["product"]


@admin.register(models.ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports are records of what happened: readable, never edited by hand."""

    list_display = [
        "file_name",
        "kind",
        "status",
        "row_count",
        "error_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]
    search_fields = ["file_name", "created_by__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.ScoringWeights)
class ScoringWeightsAdmin(admin.ModelAdmin):
    """One row: the weights the next scoring run uses (a running day keeps its snapshot)."""

    fieldsets = [
        (
            _("Component weights"),
            {
                "fields": [
                    "nps",
                    "usage",
                    "recency",
                    "frequency",
                    "monetary",
                    "engagement",
                    "tenure",
                    "negatives_max_penalty",
                    "monetary_reference",
                ],
                "description": _(
                    "Weights are relative: a component an account lacks (no NPS answer, no "
                    "metered usage) is left out and the others share its weight."
                ),
            },
        ),
        (_("Tiers"), {"fields": ["high_tier_min", "medium_tier_min"]}),
        (
            _("Churn risk"),
            {
                "fields": [
                    "churn_score_below",
                    "churn_usage_drop_percent",
                    "churn_on_detractor",
                    "churn_on_open_complaint",
                ]
            },
        ),
    ]
    list_display = ["__str__", "nps", "usage", "engagement", "high_tier_min", "updated_at"]

    def has_add_permission(self, request):
        return not models.ScoringWeights.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.LoyaltyScore)
class LoyaltyScoreAdmin(admin.ModelAdmin):
    """Scores are written by the nightly run; the admin only reads them."""

    list_display = ["account", "as_of", "score", "tier", "churn_risk"]
    list_filter = ["as_of", "tier", "churn_risk"]
    search_fields = ["account__name", "account__name_kana"]
    list_select_related = ["account"]
    date_hierarchy = "as_of"
    raw_id_fields = ["account"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ScoringChunkInline(admin.TabularInline):
    model = models.ScoringChunk
    fields = ["lo", "hi", "done_at", "seconds", "accounts_scored"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.ScoringRun)
class ScoringRunAdmin(admin.ModelAdmin):
    """Runs with their chunks and progress; read-only (rerun with manage.py score_accounts)."""

    list_display = [
        "as_of",
        "status",
        "progress",
        "accounts_scored",
        "started_at",
        "finished_at",
    ]
    list_filter = ["status"]
    readonly_fields = [
        "as_of",
        "status",
        "chunk_size",
        "weights",
        "started_at",
        "finished_at",
        "accounts_scored",
        "error",
    ]
    inlines = [ScoringChunkInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                chunk_count=Count("chunks"),
                chunks_done=Count("chunks", filter=Q(chunks__done_at__isnull=False)),
            )
        )

    @admin.display(description=_("chunks done"))
    def progress(self, run):
        return f"{run.chunks_done} / {run.chunk_count}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
