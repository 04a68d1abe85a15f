"""Interchange's own writes: source identifiers, calendar feed tokens and import batches.
Everything else an import writes goes through the domain services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts import policy
from alliance.core.bulk import chunked, insert_values
from alliance.interchange.models import CalendarFeed, ImportBatch, ImportStatus, SourceIdentifier
from alliance.partnerships.models import Agreement


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
    objs = {
        obj.uuid: obj
        for chunk in chunked(set(links.values()))
        for obj in model._default_manager.filter(uuid__in=chunk)
    }
    return {key: objs[uuid] for key, uuid in links.items() if uuid in objs}


def source_remember_many(scheme: str, pairs: list[tuple[str, models.Model]]) -> None:
    """``source_remember`` for many new objects of one model: stale links to deleted objects
    are replaced, the rest inserted in one query."""
    if not pairs:
        return
    content_type = ContentType.objects.get_for_model(type(pairs[0][1]))
    identifiers = [identifier[:300] for identifier, _obj in pairs]
    for chunk in chunked(set(identifiers)):
        SourceIdentifier.objects.filter(
            scheme=scheme, identifier__in=chunk, content_type=content_type
        ).delete()
    insert_values(
        SourceIdentifier,
        ("scheme", "identifier", "content_type_id", "object_uuid"),
        (
            (scheme, identifier, content_type.pk, obj.uuid)
            for identifier, (_key, obj) in zip(identifiers, pairs, strict=True)
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
    batch.file.save(Path(upload.name).name, upload, save=False)
    batch.save()
    return batch


def import_batch_run(batch: ImportBatch, *, commit: bool) -> ImportBatch:
    """Check (``commit=False``) or import a batch, keeping its report and progress."""
    from alliance.interchange.engine import run_import

    batch.status = ImportStatus.IMPORTING if commit else ImportStatus.PREVIEWING
    batch.progress_done = 0
    batch.save(update_fields=["status", "progress_done"])

    progress_file = Path(batch.file.path + ".progress")

    def progress(done: int, total: int) -> None:
        # A file, not the database: the import's own transaction is still open, and other
        # processes (the page showing progress) must see the count before it commits.
        progress_file.write_text(f"{done} {total}", encoding="ascii")

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
    batch.save()
    progress_file.unlink(missing_ok=True)
    return batch


def import_batch_progress(batch: ImportBatch) -> tuple[int, int]:
    """Rows done and rows in all, as the running import last wrote them."""
    try:
        done, total = Path(batch.file.path + ".progress").read_text("ascii").split()
        return int(done), int(total)
    except (OSError, ValueError):
        return batch.progress_done, batch.progress_total
