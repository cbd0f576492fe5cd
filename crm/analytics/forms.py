"""The reports' filters, read from the query string. A value that does not validate is
reported beside its field and replaced by the default, so a bad link still shows a report
(and never fails): an unknown team, a team the user does not manage, a malformed date."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.forms import DateInput

from .periods import MONTH, QUARTER, YEAR, add_months
from .scope import team_choices

MONTHS_CHOICES = [(6, _("6 months")), (12, _("12 months")), (24, _("24 months"))]
LONGEST_PERIOD_MONTHS = 60  # NPS by month over five years is already a long table


class ReportFilterForm(forms.Form):
    """The team filter every report has for managers (their teams) and administrators (all);
    a rep's or CS user's reports cover their own book and have no team to choose."""

    team = forms.ModelChoiceField(queryset=None, required=False, label=_("Team"))

    def __init__(self, data=None, *, user, today: datetime.date | None = None):
        super().__init__(data)
        self.today = today or timezone.localdate()
        teams = team_choices(user=user)
        if user.is_admin or user.is_manager:
            self.fields["team"].queryset = teams
            self.fields["team"].empty_label = _("All teams") if user.is_admin else _("All my teams")
        else:
            del self.fields["team"]

    def defaults(self) -> dict:
        return {name: field.initial for name, field in self.fields.items()}

    def params(self) -> dict:
        """The chosen filters, each field's default where it did not validate."""
        values = self.defaults()
        if self.is_bound:
            self.is_valid()
            values |= {
                name: value
                for name, value in self.cleaned_data.items()
                if name not in self.errors and value not in (None, "")
            }
        return values


class MonthsForm(ReportFilterForm):
    months = forms.TypedChoiceField(
        label=_("Period"), choices=MONTHS_CHOICES, coerce=int, initial=12, required=False
    )


class CohortsForm(ReportFilterForm):
    period = forms.ChoiceField(
        label=_("Cohorts by"),
        choices=[(MONTH, _("Month")), (QUARTER, _("Quarter")), (YEAR, _("Year"))],
        initial=QUARTER,
        required=False,
    )


class TiersForm(MonthsForm):
    # chosen with the month buttons above the transition matrix
    month = forms.RegexField(
        label=_("Movement in"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("Enter a month as YYYY-MM.")},
    )


class NPSForm(ReportFilterForm):
    """The period of the NPS report; the last 12 months unless chosen otherwise."""

    date_from = forms.DateField(
        label=pgettext_lazy("period", "From"), required=False, widget=DateInput()
    )
    date_to = forms.DateField(
        label=pgettext_lazy("period", "To"), required=False, widget=DateInput()
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["date_from"].initial = add_months(self.today.replace(day=1), -11)
        self.fields["date_to"].initial = self.today

    def clean(self):
        data = super().clean()
        start = data.get("date_from") or self.fields["date_from"].initial
        end = data.get("date_to") or self.fields["date_to"].initial
        if "date_from" in self.errors or "date_to" in self.errors:
            return data
        if end < start:
            self.add_error(
                "date_to" if data.get("date_to") else "date_from",
                _("The end of the period cannot be before its start."),
            )
        elif add_months(start.replace(day=1), LONGEST_PERIOD_MONTHS) <= end:
            self.add_error(
                "date_from",
                _("Choose a period of at most %(months)s months.")
                % {"months": LONGEST_PERIOD_MONTHS},
            )
        return data

    def params(self) -> dict:
        values = super().params()
        if "date_from" in self.errors or "date_to" in self.errors:
            # half a period is no period: both dates fall back to the default
            values |= {name: self.fields[name].initial for name in ("date_from", "date_to")}
        return values
