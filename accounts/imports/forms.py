from pathlib import PurePath

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ImportJob

from .specs import import_kinds_for

# 50 MB holds ≈ 1.5 million usage rows as CSV: past any file the row limit lets through.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or Shift_JIS) or Excel (.xlsx), with the header in the first row."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = import_kinds_for(user)
        self.fields["kind"].choices = [
            (value, label) for value, label in ImportJob.Kind.choices if value in allowed
        ]
        self.fields["file"].widget.attrs["accept"] = ",".join(EXTENSIONS)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(
                _("Upload a .csv or .xlsx file (save older .xls files as .xlsx first).")
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB; split it."))
        return upload
