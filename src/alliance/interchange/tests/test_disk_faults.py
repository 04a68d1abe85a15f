"""Imports when the disk fails under them: an upload folder that is not writable, a disk that
fills up while an archive is unpacked, an upload folder that turns read-only during the
import. Each gives a clear error (or carries on when nothing needs writing), and nothing is
half-imported.

As root (the CI container) the folders are real file systems: a read-only tmpfs and a tmpfs of
a few kilobytes mounted for the test. Without the right to mount, a read-only folder is a
folder without write permission, and a full disk is an ``OSError(ENOSPC)`` raised where the
archive is written (the storage edge).
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alliance.interchange import engine
from alliance.interchange.models import ImportBatch, ImportStatus
from alliance.interchange.services import import_batch_create, import_batch_run
from alliance.interchange.tests.helpers import row_counts
from alliance.partnerships.models import Party


def _can_mount() -> bool:
    if os.geteuid() != 0:
        return False
    with tempfile.TemporaryDirectory() as probe:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", probe])
        if done.returncode:
            return False
        subprocess.run(["umount", probe], check=True)
    return True


MOUNT = _can_mount()


@contextmanager
def tmpfs(options: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", folder], check=True)
        try:
            yield Path(folder)
        finally:
            subprocess.run(["umount", "-l", folder], check=True)


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` read-only: remounted so when it is a tmpfs of ours, else its mode."""
    if MOUNT:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        try:
            yield
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
    else:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                path.chmod(0o500)
        try:
            yield
        finally:
            for path in [folder, *folder.rglob("*")]:
                if path.is_dir():
                    path.chmod(0o700)


@pytest.fixture
def media(settings, tmp_path) -> Iterator[Path]:
    """The upload folder on a file system of its own (or a folder of its own)."""
    if MOUNT:
        with tmpfs("size=4m") as folder:
            settings.MEDIA_ROOT = folder
            yield folder
    else:
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.MEDIA_ROOT.mkdir()
        yield settings.MEDIA_ROOT


def _parties_csv(rows: int) -> bytes:
    lines = ["name,kind,country,decision_cycle_days"]
    lines += [f"Disk org {i},ngo,SN,10" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_an_upload_the_folder_cannot_store_is_refused_with_the_reason(world, client, media):
    client.force_login(world.owner)
    before = row_counts()
    upload = SimpleUploadedFile("parties.csv", _parties_csv(5), content_type="text/csv")
    with read_only(media):
        response = client.post(reverse("interchange:import"), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file could not be stored" in page and "not writable" in page
    assert not ImportBatch.objects.exists()
    assert row_counts() == before


def test_a_disk_full_while_unpacking_an_archive_writes_nothing(world, media, monkeypatch):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        # Small once packed, far larger than the disk once unpacked.
        zipped.writestr("parties.csv", _parties_csv(20_000))
    upload = SimpleUploadedFile("parties.zip", archive.getvalue())
    batch = import_batch_create(actor=world.owner, upload=upload)
    before = row_counts()
    if MOUNT:
        with tmpfs("size=64k") as small:
            monkeypatch.setattr(tempfile, "tempdir", str(small))
            batch = import_batch_run(batch, commit=True)
    else:

        def disk_full(*args, **kwargs):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(engine, "extract_archive", disk_full)
        batch = import_batch_run(batch, commit=True)
    assert batch.status == ImportStatus.REFUSED
    [error] = batch.report["errors"]
    assert "No space left on device" in error["reason"] and "disk is full" in error["reason"]
    assert row_counts() == before
    assert not Party.objects.filter(name__startswith="Disk org").exists()


def test_an_upload_folder_turned_read_only_during_an_import_does_not_stop_it(world, media):
    upload = SimpleUploadedFile("parties.csv", _parties_csv(50))
    batch = import_batch_run(import_batch_create(actor=world.owner, upload=upload), commit=False)
    assert batch.status == ImportStatus.PREVIEWED
    with read_only(media):
        # No progress can be written beside the upload, nor the upload deleted afterwards:
        # the import needs neither.
        batch = import_batch_run(batch, commit=True)
    assert batch.status == ImportStatus.DONE, batch.report
    assert Party.objects.filter(name__startswith="Disk org").count() == 50
