"""The upload form of the import page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

from alliance.interchange.engine import FORMATS
from alliance.interchange.selectors import importable_agreements

MAX_UPLOAD_BYTES = getattr(settings, "INTERCHANGE_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or several files (``<input type=file multiple>``), cleaned as a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data] or [one(None, initial)]
        return [one(data, initial)]


def bundle(uploads: list[Any]) -> Any:
    """Several uploaded files as one zip archive, imported together (one transaction, one
    report); the same name twice gets its number."""
    buffer = io.BytesIO()
    seen: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, upload in enumerate(uploads, start=1):
            name = Path(upload.name).name or f"file-{number}"
            if name in seen:
                name = f"{number}-{name}"
            seen.add(name)
            with archive.open(name, "w") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
    return SimpleUploadedFile(
        str(_("%(n)s files.zip") % {"n": len(uploads)}), buffer.getvalue(), "application/zip"
    )


class ImportForm(forms.Form):
    file = MultipleFileField(
        label=_("File"),
        help_text=_(
            "CSV, XLSX, OC4IDS or OCDS JSON, IATI XML; several files, or a zip of them, are"
            " imported together"
        ),
    )
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
        uploads = self.cleaned_data["file"]
        size = sum(u.size for u in uploads)
        upload = uploads[0] if len(uploads) == 1 else bundle(uploads)
        if size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(mb)s MB; uploads are limited to %(max)s MB. Use the command "
                  "line (alliance import) for larger files.")
                % {"mb": size // 2**20, "max": MAX_UPLOAD_BYTES // 2**20}
            )  # fmt: skip
        return upload
