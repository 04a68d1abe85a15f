"""The upload form of the import page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from alliance.interchange.engine import FORMATS
from alliance.interchange.selectors import importable_agreements

MAX_UPLOAD_BYTES = getattr(settings, "INTERCHANGE_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("CSV, XLSX, OC4IDS or OCDS JSON, IATI XML"))
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Detect from the file")), *[(f, f.upper()) for f in FORMATS]],
    )
    agreement = forms.ModelChoiceField(
        label=_("Agreement"),
        required=False,
        queryset=None,
        to_field_name="uuid",
        help_text=_("Where rows without an agreement column go; leave empty for new projects."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = importable_agreements(user)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(mb)s MB; uploads are limited to %(max)s MB. Use the command "
                  "line (alliance import) for larger files.")
                % {"mb": upload.size // 2**20, "max": MAX_UPLOAD_BYTES // 2**20}
            )  # fmt: skip
        return upload
