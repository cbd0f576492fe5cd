from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Customer accounts, contacts, catalogue, subscriptions, usage, NPS and loyalty."""

    name = "accounts"
    verbose_name = _("Accounts")
