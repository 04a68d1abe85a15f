"""Background imports: large files are checked and imported by the task worker
(``alliance worker``) while the page shows progress."""

from __future__ import annotations

from django.tasks import task
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from alliance.interchange.models import ImportBatch
from alliance.interchange.services import import_batch_interrupted, import_batch_run
from alliance.operations.leases import Lost, on_lost


@task()
def import_batch_task(batch_id: int, commit: bool, language: str | None = None) -> str:
    """Check (``commit=False``) or import one uploaded batch; the report is written in
    ``language``, the uploader's, as it is for the small files checked in the request."""
    batch = ImportBatch.objects.get(pk=batch_id)
    with translation.override(language):
        return import_batch_run(batch, commit=commit, preview_on_snapshot=True).status


@on_lost(import_batch_task)
def _import_batch_lost(result: DBTaskResult, lost: Lost) -> None:
    """The worker died while checking or importing: say so on the batch, in the uploader's
    language (nothing was written: the import is one transaction)."""
    args = [*result.args_kwargs.get("args", []), None, None, None][:3]
    kwargs = result.args_kwargs.get("kwargs", {})
    batch_id = kwargs.get("batch_id", args[0])
    commit = bool(kwargs.get("commit", args[1]))
    language = kwargs.get("language", args[2])
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    with translation.override(language):
        import_batch_interrupted(
            batch, commit=commit, attempts=lost.attempts, given_up=not lost.retrying
        )
