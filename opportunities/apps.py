from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    """Pipeline, hearings, follow-ups, next-best-offer cards and QBRs."""

    name = "opportunities"
    verbose_name = _("Opportunities")
