from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """The reports: figures computed over the accounts each user may see, cached per day."""

    name = "crm.analytics"
    label = "analytics"
    verbose_name = _("Reports")
