from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    """The people who log in: users, their role and their team."""

    name = "crm.users"
    label = "users"
    verbose_name = _("Users and teams")
