import logging

from django.contrib import admin, messages
from django_celery_beat import admin as celery_beat_admin
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError as BrokerUnavailable

from accounts.background import NOT_QUEUED

from .models import NightlyRun

logger = logging.getLogger(__name__)


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


class PeriodicTaskAdmin(celery_beat_admin.PeriodicTaskAdmin):
    """django-celery-beat's admin, whose "Run selected tasks" answers a broker outage with a
    message instead of a 500 (the fault drills in tests/faults)."""

    @admin.action(description=celery_beat_admin.PeriodicTaskAdmin.run_tasks.short_description)
    def run_tasks(self, request, queryset):
        try:
            return super().run_tasks(request, queryset)
        except BrokerUnavailable:
            logger.exception("could not run periodic tasks: the broker is unavailable")
            self.message_user(request, NOT_QUEUED, level=messages.ERROR)
            return None


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PeriodicTaskAdmin)
