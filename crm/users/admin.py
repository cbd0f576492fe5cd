from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import UserCreateForm, UserEditForm
from .models import Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreateForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "last_name", "first_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active", "is_staff"]
    search_fields = ["email", "last_name", "first_name"]
    list_select_related = ["team"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["last_name", "first_name", "preferred_language"]}),
        (_("Role and team"), {"fields": ["role", "team"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "last_name",
                    "first_name",
                    "role",
                    "team",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "manager"]
    list_select_related = ["manager"]
    search_fields = ["name"]
