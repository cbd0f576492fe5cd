from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Upsell, cross-sell and down-sell campaigns with frozen target lists."""

    name = "campaigns"
    verbose_name = _("Campaigns")
