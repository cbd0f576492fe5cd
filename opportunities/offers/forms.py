from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import DismissReason


class SnoozeForm(forms.Form):
    until = forms.DateField(label=_("Snooze until"), widget=forms.DateInput(attrs={"type": "date"}))


class DismissForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DismissReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
