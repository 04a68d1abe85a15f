"""Background imports: large files are checked and imported by the task worker
(``alliance worker``) while the page shows progress."""

from __future__ import annotations

from django.tasks import task
from django.utils import translation

from alliance.interchange.models import ImportBatch
from alliance.interchange.services import import_batch_run


@task()
def import_batch_task(batch_id: int, commit: bool, language: str | None = None) -> str:
    """Check (``commit=False``) or import one uploaded batch; the report is written in
    ``language``, the uploader's, as it is for the small files checked in the request."""
    batch = ImportBatch.objects.get(pk=batch_id)
    with translation.override(language):
        return import_batch_run(batch, commit=commit).status
