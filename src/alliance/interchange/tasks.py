"""Background imports: large files are checked and imported by the task worker
(``alliance worker``) while the page shows progress."""

from __future__ import annotations

from django.tasks import task

from alliance.interchange.models import ImportBatch
from alliance.interchange.services import import_batch_run


@task()
def import_batch_task(batch_id: int, commit: bool) -> str:
    """Check (``commit=False``) or import one uploaded batch."""
    batch = ImportBatch.objects.get(pk=batch_id)
    return import_batch_run(batch, commit=commit).status
