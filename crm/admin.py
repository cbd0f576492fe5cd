from django.contrib import admin

from .models import NightlyRun


@admin.register(NightlyRun)
class NightlyRunAdmin(admin.ModelAdmin):
    list_display = ["run_date", "status", "steps_done", "started_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = [
        "run_date",
        "task_id",
        "status",
        "steps_done",
        "error",
        "started_at",
        "finished_at",
    ]
