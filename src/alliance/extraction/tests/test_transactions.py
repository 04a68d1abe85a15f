"""Reading a document (parsing, OCR: seconds on a long agreement) runs outside any
transaction, and what it found is written in one short one: on SQLite a transaction holds the
one write lock from its first statement, so a reading inside one kept every other writer (a
quick log, a page saving its session) waiting for it. All or nothing still: a failure while
writing leaves no run, no candidate, no document and no file behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from alliance.extraction import services
from alliance.extraction.models import Candidate, ExtractionRun
from alliance.partnerships import services as ps
from alliance.partnerships.models import AgreementDocument

TEXT = (
    "Article 1\n"
    "Ministry X shall pay Lender Y the first instalment within 30 days of signature.\n"
    "Article 2\n"
    "Lender Y shall publish a report each year.\n"
    "Article 3\n"
    "Each Party shall notify the other of any change of address.\n"
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def watched(monkeypatch):
    """Whether each step ran inside an atomic block, in the order they ran (``save_new``,
    the run's row, is the inside of the writing transaction)."""
    seen: list[tuple[str, bool]] = []

    def watch(module, name: str) -> None:
        real = getattr(module, name)

        def step(*args, **kwargs):
            if (name, connection.in_atomic_block) not in seen[-1:]:
                seen.append((name, connection.in_atomic_block))
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, step)

    for name in ("_read", "extract", "_candidate_from", "save_new"):
        watch(services, name)
    watch(ps, "agreement_document_add")
    return seen


def test_an_upload_is_read_outside_any_transaction_and_written_in_one(world, media, watched):
    upload = SimpleUploadedFile("agreement.txt", TEXT.encode())
    run = services.agreement_text_read(
        actor=world.owner, agreement=world.agreement, upload=upload, title="Signed text"
    )
    assert watched == [
        ("_read", False),
        ("extract", False),
        ("_candidate_from", False),
        ("agreement_document_add", True),
        ("save_new", True),
    ]
    assert run.candidates.count() == 3 and run.document.title == "Signed text"


def test_a_kept_document_is_read_outside_any_transaction_and_written_in_one(world, media, watched):
    document = ps.agreement_document_add(
        actor=world.owner, agreement=world.agreement, title="Signed", name="a.txt",
        content=TEXT.encode(),
    )  # fmt: skip
    watched.clear()
    run = services.agreement_document_read(actor=world.owner, document=document)
    assert watched == [
        ("_read", False),
        ("extract", False),
        ("_candidate_from", False),
        ("save_new", True),
    ]
    assert run.document == document and run.candidates.count() == 3


def test_a_failure_while_writing_leaves_nothing_half_written(world, media, monkeypatch):
    real = services._altered_from
    services.extraction_run_create(
        actor=world.owner, agreement=world.agreement, data=TEXT.encode(), name="a.txt"
    )
    compared: list[str] = []

    def fails_on_the_second(found, *args, **kwargs):
        # Compared inside the transaction, after the document's and the run's rows.
        if compared:
            raise RuntimeError("disk gone")
        compared.append(found.clause)
        return real(found, *args, **kwargs)

    monkeypatch.setattr(services, "_altered_from", fails_on_the_second)
    amended = TEXT.replace("pay", "wire").replace("publish", "send")  # two clauses altered
    upload = SimpleUploadedFile("amended.txt", amended.encode())
    with pytest.raises(RuntimeError):
        services.agreement_text_read(
            actor=world.owner, agreement=world.agreement, upload=upload, title="Amended"
        )
    assert compared  # the failure came in the middle of the writes
    assert ExtractionRun.objects.count() == 1 and Candidate.objects.count() == 3
    assert not AgreementDocument.objects.exists()
    assert not [p for p in Path(media).rglob("*") if p.is_file()]


def test_an_outsider_is_refused_before_anything_is_read(world, media, watched):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.extraction_run_create(
            actor=world.outsider, agreement=world.agreement, data=TEXT.encode(), name="a.txt"
        )
    assert watched == [] and not ExtractionRun.objects.exists()
