from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    """The project layer: role homes, the nightly run ledger and the demo data."""

    name = "crm"
    verbose_name = _("CRM")
