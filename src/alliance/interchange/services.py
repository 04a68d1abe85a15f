"""Interchange's own writes: source identifiers, calendar feed tokens and import batches.
Everything else an import writes goes through the domain services."""

from __future__ import annotations

import contextlib
import logging
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts import policy
from alliance.core.bulk import chunked, insert_values
from alliance.core.snapshot import private_snapshot
from alliance.interchange.models import CalendarFeed, ImportBatch, ImportStatus, SourceIdentifier
from alliance.partnerships.models import Agreement

logger = logging.getLogger(__name__)


def source_find[M: models.Model](scheme: str, identifier: str, model: type[M]) -> M | None:
    """The object an earlier import made from ``scheme:identifier``, if it still exists."""
    link = SourceIdentifier.objects.filter(
        scheme=scheme,
        identifier=identifier[:300],
        content_type=ContentType.objects.get_for_model(model),
    ).first()
    if link is None:
        return None
    return model._default_manager.filter(uuid=link.object_uuid).first()


def source_remember(scheme: str, identifier: str, obj: models.Model) -> SourceIdentifier:
    """Record (or move) the link from ``scheme:identifier`` to ``obj``."""
    link, _created = SourceIdentifier.objects.update_or_create(
        scheme=scheme,
        identifier=identifier[:300],
        content_type=ContentType.objects.get_for_model(type(obj)),
        defaults={"object_uuid": obj.uuid},
    )
    return link


def source_find_many[M: models.Model](
    scheme: str, identifiers: list[str], model: type[M]
) -> dict[str, M]:
    """``source_find`` for many identifiers in two queries (identifier → object)."""
    content_type = ContentType.objects.get_for_model(model)
    links = {
        identifier: uuid
        for chunk in chunked({i[:300] for i in identifiers})
        for identifier, uuid in SourceIdentifier.objects.filter(
            scheme=scheme, identifier__in=chunk, content_type=content_type
        ).values_list("identifier", "object_uuid")
    }
    return _linked_objects(links, model)


def _linked_objects[M: models.Model](links: dict[str, Any], model: type[M]) -> dict[str, M]:
    """identifier → object, for links identifier → object UUID (objects read in chunks)."""
    objs = {
        obj.uuid: obj
        for chunk in chunked(set(links.values()))
        for obj in model._default_manager.filter(uuid__in=chunk)
    }
    return {key: objs[uuid] for key, uuid in links.items() if uuid in objs}


def source_find_prefix[M: models.Model](scheme: str, prefix: str, model: type[M]) -> dict[str, M]:
    """Every object linked under an identifier starting with ``prefix`` (identifier →
    object), in two queries."""
    content_type = ContentType.objects.get_for_model(model)
    links = dict(
        SourceIdentifier.objects.filter(
            scheme=scheme, identifier__startswith=prefix, content_type=content_type
        ).values_list("identifier", "object_uuid")
    )
    return _linked_objects(links, model)


def source_rename(scheme: str, model: type[models.Model], renames: dict[str, str]) -> None:
    """Move links from old identifiers to new ones (``old → new``); a new identifier must
    not be linked yet."""
    content_type = ContentType.objects.get_for_model(model)
    for old, new in renames.items():
        SourceIdentifier.objects.filter(
            scheme=scheme, identifier=old[:300], content_type=content_type
        ).update(identifier=new[:300])


def source_remember_many(scheme: str, pairs: list[tuple[str, models.Model]]) -> None:
    """``source_remember`` for many new objects of one model: stale links to deleted objects
    are replaced, the rest inserted in one query."""
    if not pairs:
        return
    content_type = ContentType.objects.get_for_model(type(pairs[0][1]))
    # One link per identifier: when two objects claim it (two projects listing the same
    # contracting process), the last one named keeps it, as one by one.
    latest = {identifier[:300]: obj for identifier, obj in pairs}
    for chunk in chunked(set(latest)):
        SourceIdentifier.objects.filter(
            scheme=scheme, identifier__in=chunk, content_type=content_type
        ).delete()
    insert_values(
        SourceIdentifier,
        ("scheme", "identifier", "content_type_id", "object_uuid"),
        ((scheme, identifier, content_type.pk, obj.uuid) for identifier, obj in latest.items()),
    )


def source_versions(
    scheme: str, identifiers: list[str]
) -> dict[str, tuple[str, dict[str, Any] | None]]:
    """What earlier imports recorded for each project identifier: ``(version, document)``."""
    return {
        identifier: (version, document)
        for chunk in chunked({i[:300] for i in identifiers})
        for identifier, version, document in SourceIdentifier.objects.filter(
            scheme=scheme, identifier__in=chunk
        ).values_list("identifier", "version", "document")
    }


def source_versions_save(
    scheme: str, rows: list[tuple[str, models.Model, str, dict[str, Any] | None]]
) -> None:
    """Record ``(identifier, object, version, document)`` for each imported project (the
    previous record of the same identifier is replaced)."""
    if not rows:
        return
    content_type = ContentType.objects.get_for_model(type(rows[0][1]))
    latest = {identifier[:300]: (obj, version, doc) for identifier, obj, version, doc in rows}
    for chunk in chunked(set(latest)):
        SourceIdentifier.objects.filter(scheme=scheme, identifier__in=chunk).delete()
    insert_values(
        SourceIdentifier,
        ("scheme", "identifier", "content_type_id", "object_uuid", "version", "document"),
        (
            (scheme, identifier, content_type.pk, obj.uuid, version[:40], document)
            for identifier, (obj, version, document) in latest.items()
        ),
    )


def source_identifier_of(scheme: str, obj: models.Model) -> str | None:
    """The identifier ``obj`` has in ``scheme`` (for exports that keep source ids)."""
    return (
        SourceIdentifier.objects.filter(
            scheme=scheme,
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_uuid=obj.uuid,
        )
        .values_list("identifier", flat=True)
        .first()
    )


@transaction.atomic
def calendar_feed_issue(*, actor: Any, agreement: Agreement) -> CalendarFeed:
    """Give ``actor`` a new secret feed address for ``agreement`` (revoking the old one)."""
    if not policy.agreements_visible_to(actor).filter(pk=agreement.pk).exists():
        raise PermissionDenied(_("You may not see this agreement."))
    CalendarFeed.objects.filter(user=actor, agreement=agreement, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    return CalendarFeed.objects.create(user=actor, agreement=agreement)


@transaction.atomic
def calendar_feed_revoke(*, actor: Any, feed: CalendarFeed) -> CalendarFeed:
    """Stop a feed: its address answers 404 from now on."""
    if feed.user_id != actor.pk:
        raise PermissionDenied(_("This is not your calendar feed."))
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


def calendar_feeds_revoke_for_member(*, actor: Any, user: Any, agreement: Agreement) -> int:
    """Revoke ``user``'s feeds of ``agreement`` when their membership ends (a hook of
    ``accounts.services.membership_revoke``, inside its transaction): a later membership gets
    a new address, the old one never works again."""
    return CalendarFeed.objects.filter(user=user, agreement=agreement, revoked_at=None).update(
        revoked_at=timezone.now()
    )


def import_batch_create(
    *, actor: Any, upload: Any, fmt: str = "", agreement: Agreement | None = None
) -> ImportBatch:
    """Keep an uploaded file until its preview is confirmed."""
    batch = ImportBatch(
        created_by=actor,
        original_name=Path(upload.name).name[:255],
        format=fmt,
        agreement=agreement,
    )
    try:
        batch.file.save(Path(upload.name).name, upload, save=False)
    except OSError as exc:
        logger.warning("an upload could not be stored: %s", exc)
        raise ValidationError(
            _(
                "The file could not be stored (%(reason)s): the server's upload folder is full"
                " or not writable. Nothing was imported; tell your administrator."
            )
            % {"reason": exc.strerror or exc},
            code="storage",
        ) from None
    batch.save()
    return batch


def import_batch_run(
    batch: ImportBatch, *, commit: bool, preview_on_snapshot: bool = False
) -> ImportBatch:
    """Check (``commit=False``) or import a batch, keeping its report and progress.

    ``preview_on_snapshot`` (the task worker's large files): the check runs on a private copy
    of an embedded SQLite database, so it holds no write lock on the live one while it reads
    the file (``alliance.core.snapshot``); the batch's status and report are written to the
    live database."""
    from alliance.interchange.engine import run_import

    batch.status = ImportStatus.IMPORTING if commit else ImportStatus.PREVIEWING
    batch.progress_done = 0
    batch.save(update_fields=["status", "progress_done"])

    progress_file = Path(batch.file.path + ".progress")

    def progress(done: int, total: int) -> None:
        # A file, not the database: the import's own transaction is still open, and other
        # processes (the page showing progress) must see the count before it commits. Only
        # a help: a full disk or a read-only folder costs the progress bar, not the import.
        with contextlib.suppress(OSError):
            progress_file.write_text(f"{done} {total}", encoding="ascii")

    isolated = private_snapshot() if preview_on_snapshot and not commit else nullcontext()
    with isolated:
        report = run_import(
            batch.file.path,
            actor=batch.created_by,
            fmt=batch.format or None,
            name=batch.original_name,
            agreement=batch.agreement,
            dry_run=not commit,
            progress=progress,
        )
    batch.report = report.as_dict()
    batch.format = report.format
    if not report.ok:
        batch.status = ImportStatus.REFUSED
    else:
        batch.status = ImportStatus.DONE if commit else ImportStatus.PREVIEWED
    batch.finished_at = timezone.now()
    batch.progress_done = batch.progress_total
    if commit or batch.status == ImportStatus.REFUSED:
        # Nothing will read the file again (only a previewed file can be imported), and it
        # may hold internal text in clear: the report stays, the upload goes.
        _remove_upload(batch)
    else:
        with contextlib.suppress(OSError):
            progress_file.unlink(missing_ok=True)
    batch.save()
    return batch


def _remove_upload(batch: ImportBatch) -> None:
    """Delete an upload no longer needed; a folder gone read-only keeps it (logged for the
    administrator) rather than failing an import already committed."""
    path = batch.file.path
    try:
        Path(path + ".progress").unlink(missing_ok=True)
        batch.file.delete(save=False)
    except OSError as exc:
        logger.warning("the upload %s could not be deleted: %s", path, exc)


def import_batch_interrupted(
    batch: ImportBatch, *, commit: bool, attempts: int, given_up: bool
) -> ImportBatch:
    """The task worker stopped (killed, out of memory) while checking or importing ``batch``.
    Nothing of the file was written — the import is one transaction — and the batch's page
    says so. It is tried again automatically; once ``given_up``, an import goes back to
    "ready to import" (the user may try again) and a check fails."""
    if batch.file:
        with contextlib.suppress(OSError):
            Path(batch.file.path + ".progress").unlink(missing_ok=True)
    if not given_up:
        message = _(
            "The task worker stopped while working on this file (attempt %(n)d); nothing was"
            " written. It will be tried again automatically."
        ) % {"n": attempts}
    elif commit:
        batch.status = ImportStatus.PREVIEWED
        message = _(
            "The import was interrupted (the task worker stopped; attempts: %(n)d); nothing"
            " was written. You may import the file again."
        ) % {"n": attempts}
    else:
        batch.status = ImportStatus.FAILED
        batch.finished_at = timezone.now()
        message = _(
            "The check of this file was interrupted (the task worker stopped; attempts:"
            " %(n)d); nothing was written. Upload it again, or split it into smaller files."
        ) % {"n": attempts}
        # Nothing will read the file again (a failed check cannot be confirmed).
        _remove_upload(batch)
    batch.report = {**batch.report, "interrupted": message}
    batch.save()
    return batch


def import_batch_progress(batch: ImportBatch) -> tuple[int, int]:
    """Rows done and rows in all, as the running import last wrote them."""
    try:
        done, total = Path(batch.file.path + ".progress").read_text("ascii").split()
        return int(done), int(total)
    except (OSError, ValueError):
        return batch.progress_done, batch.progress_total
