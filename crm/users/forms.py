from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, AuthenticationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import User


class EmailAuthenticationForm(AuthenticationForm):
    """The login form, asking for an email address rather than a user name."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class UserCreateForm(AdminUserCreationForm):
    """The admin's form for a new user, keyed on email."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    """The admin's form for an existing user."""

    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
