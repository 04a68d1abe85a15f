"""Every interchange route: outsiders get 404, party representatives see only what they may,
the import page goes upload → preview → confirm, calendar feeds are secret and revocable."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alliance.engagement.services import interaction_log
from alliance.interchange.models import CalendarFeed, ImportBatch, hash_feed_token
from alliance.interchange.services import calendar_feed_issue
from alliance.partnerships import services as ps
from alliance.partnerships.models import Commitment
from alliance.testing import build_world


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    interaction_log(
        actor=world.counsellor,
        agreement=world.agreement,
        parties=[world.party_x, world.party_y],
        kind="meeting",
        occurred_on=date(2025, 2, 3),
        summary="Internal read-out: the minister hesitates",
        confidentiality="internal",
    )
    ps.commitment_create(
        actor=world.owner,
        agreement=world.agreement,
        owed_by=world.party_x,
        owed_to=[world.party_y],
        title="Permit filed",
        category="regulatory",
        due_on=date(2025, 5, 1),
        duration_optimistic=5,
        duration_likely=10,
        duration_pessimistic=20,
    )
    return world


def agreement_routes(world) -> list[str]:
    uuid = world.agreement.uuid
    return [
        reverse("interchange:export", args=[uuid]),
        reverse("interchange:export_csv", args=[uuid, "interactions"]),
        reverse("interchange:export_xlsx", args=[uuid]),
        reverse("interchange:export_oc4ids", args=[uuid]),
        reverse("interchange:calendar", args=[uuid]),
    ]


def test_outsider_gets_404_on_every_route(world, client):
    batch = ImportBatch.objects.create(created_by=world.owner, original_name="x.csv", file="x.csv")
    feed = calendar_feed_issue(actor=world.owner, agreement=world.agreement)
    client.force_login(world.outsider)
    routes = [
        *agreement_routes(world),
        reverse("interchange:import"),
        reverse("interchange:batch", args=[batch.uuid]),
        reverse("interchange:template", args=["commitments", "csv"]),
        reverse("interchange:feed", args=["not-a-token"]),
    ]
    for url in routes:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("interchange:calendar", args=[world.agreement.uuid])).status_code == 404
    )
    assert not CalendarFeed.objects.filter(user=world.outsider).exists()
    assert feed.token not in str(client.get(reverse("interchange:import")).content)


def test_anonymous_users_are_sent_to_log_in(world, client):
    response = client.get(reverse("interchange:export", args=[world.agreement.uuid]))
    assert response.status_code == 302


def test_party_representative_csv_leaves_out_internal_interactions(world, client):
    url = reverse("interchange:export_csv", args=[world.agreement.uuid, "interactions"])
    client.force_login(world.rep_x)
    assert "minister hesitates" not in client.get(url).content.decode()
    client.force_login(world.counsellor)
    assert "minister hesitates" in client.get(url).content.decode()


def test_party_representative_workbook_and_oc4ids_leave_out_internal_items(world, client):
    client.force_login(world.rep_x)
    workbook = client.get(reverse("interchange:export_xlsx", args=[world.agreement.uuid]))
    assert workbook.status_code == 200
    assert b"minister hesitates" not in workbook.content
    package = client.get(reverse("interchange:export_oc4ids", args=[world.agreement.uuid]))
    assert package.json()["projects"][0]["title"] == "Corridor agreement"


def test_other_agreement_is_404_even_for_its_neighbours(world, client):
    client.force_login(world.rep_x)
    url = reverse("interchange:export_xlsx", args=[world.other_agreement.uuid])
    assert client.get(url).status_code == 404


def test_import_page_previews_then_imports(world, client):
    client.force_login(world.owner)
    csv = (
        "agreement,title,category,owed_by,owed_to,due_on\n"
        "Corridor agreement,Road survey,technical,Ministry X,Lender Y,31/03/2026\n"
    )
    upload = SimpleUploadedFile("commitments.csv", csv.encode(), content_type="text/csv")
    response = client.post(reverse("interchange:import"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.url == reverse("interchange:batch", args=[batch.uuid])
    assert batch.status == "previewed"
    uploaded = Path(batch.file.path)
    assert uploaded.exists()
    assert not Commitment.objects.filter(title="Road survey").exists()
    page = client.get(response.url).content.decode()
    assert "Import now" in page
    client.post(response.url)
    batch.refresh_from_db()
    assert batch.status == "done"
    assert Commitment.objects.filter(title="Road survey").exists()
    # Imported, the upload (which may hold internal text in clear) is gone; the report stays.
    assert not uploaded.exists() and not batch.file and batch.report


def test_refused_upload_lists_row_column_and_reason(world, client):
    client.force_login(world.owner)
    csv = "agreement,title,category,owed_by,owed_to,due_on\n"
    csv += "Corridor agreement,X,technical,Nobody,Lender Y,2026-01-01\n"
    upload = SimpleUploadedFile("commitments.csv", csv.encode())
    response = client.post(reverse("interchange:import"), {"file": upload})
    page = client.get(response.url).content.decode()
    assert ImportBatch.objects.get().status == "refused"
    assert not ImportBatch.objects.get().file  # refused: nothing will read it again
    assert not [p for p in Path(django_settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert "owed_by" in page and "Unknown party" in page
    assert client.post(response.url).status_code == 302
    assert not Commitment.objects.filter(title="X").exists()


def test_someone_elses_import_batch_is_404(world, client):
    batch = ImportBatch.objects.create(created_by=world.owner, original_name="x.csv", file="x.csv")
    client.force_login(world.counsellor)
    assert client.get(reverse("interchange:batch", args=[batch.uuid])).status_code == 404


def test_party_representative_may_not_import(world, client):
    client.force_login(world.rep_x)
    assert client.get(reverse("interchange:import")).status_code == 404


def test_templates_have_the_entity_columns(world, client):
    client.force_login(world.owner)
    response = client.get(reverse("interchange:template", args=["commitments", "csv"]))
    assert response.content.decode("utf-8-sig").startswith("id,agreement,milestone,title")


def test_calendar_feed_is_secret_revocable_and_per_user(world, client):
    rep_feed = calendar_feed_issue(actor=world.rep_x, agreement=world.agreement)
    team_feed = calendar_feed_issue(actor=world.counsellor, agreement=world.agreement)
    rep_ics = client.get(reverse("interchange:feed", args=[rep_feed.token])).content.decode()
    team_ics = client.get(reverse("interchange:feed", args=[team_feed.token])).content.decode()
    assert "BEGIN:VCALENDAR" in rep_ics and "Permit filed" in rep_ics
    assert "Meeting" not in rep_ics  # the only meeting is internal
    assert "minister hesitates" in team_ics.replace("\r\n ", "")
    client.force_login(world.rep_x)
    client.post(reverse("interchange:calendar", args=[world.agreement.uuid]), {"action": "revoke"})
    client.logout()
    assert client.get(reverse("interchange:feed", args=[rep_feed.token])).status_code == 404


def test_calendar_feed_dies_with_the_membership(world, client):
    from alliance.accounts.models import Membership
    from alliance.accounts.services import membership_revoke

    feed = calendar_feed_issue(actor=world.rep_y, agreement=world.agreement)
    membership = Membership.objects.get(user=world.rep_y, agreement=world.agreement)
    membership_revoke(actor=world.owner, membership=membership)
    assert client.get(reverse("interchange:feed", args=[feed.token])).status_code == 404


def test_calendar_page_issues_a_new_address(world, client):
    client.force_login(world.viewer)
    url = reverse("interchange:calendar", args=[world.agreement.uuid])
    client.post(url, {"action": "issue"})
    feed = CalendarFeed.objects.get(user=world.viewer, revoked_at=None)
    shown = re.search(r"/calendar/([\w-]+)\.ics", client.get(url).content.decode()).group(1)
    assert hash_feed_token(shown) == feed.token_hash
    assert shown not in client.get(url).content.decode()  # shown once
    feed_url = reverse("interchange:feed", args=[shown])
    assert client.get(feed_url).status_code == 200
    client.post(url, {"action": "issue"})
    assert CalendarFeed.objects.filter(user=world.viewer, revoked_at=None).count() == 1
    assert client.get(feed_url).status_code == 404


def test_calendar_feed_tokens_are_stored_hashed(world):
    feed = calendar_feed_issue(actor=world.viewer, agreement=world.agreement)
    stored = CalendarFeed.objects.filter(pk=feed.pk).values()[0]
    assert feed.token not in str(stored)
    assert stored["token_hash"] == hashlib.sha256(feed.token.encode()).hexdigest()


def _iati_upload(name="canada.xml"):
    from alliance.interchange.tests.helpers import DATA

    content = (DATA / "iati" / "canada-activity.xml").read_bytes()
    return SimpleUploadedFile(name, content, content_type="application/xml")


def test_the_mapping_report_is_on_the_page_and_downloadable(world, client):
    client.force_login(world.owner)
    response = client.post(reverse("interchange:import"), {"file": _iati_upload()})
    batch = ImportBatch.objects.get()
    page = client.get(response.url).content.decode()
    assert "Mapping report" in page and "no place for it in Alliance" in page
    url = reverse("interchange:mapping", args=[batch.uuid])
    assert url in page
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    text = download.content.decode("utf-8-sig")
    assert text.splitlines()[0] == 'Source element,Outcome,"Became, or why dropped",How many'
    assert "sector,dropped,no place for it in Alliance,5" in text.splitlines()
    client.force_login(world.counsellor)  # someone else's import
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code in (302, 404)


def test_several_files_or_a_zip_are_imported_together(world, client):
    import io
    import json
    import zipfile

    from alliance.interchange.tests.test_defects import package, project, release

    client.force_login(world.owner)
    files = [
        SimpleUploadedFile("project.json", json.dumps(project()).encode()),
        SimpleUploadedFile("releases.json", package(release()).encode()),
    ]
    response = client.post(reverse("interchange:import"), {"file": files})
    batch = ImportBatch.objects.get()
    assert batch.status == "previewed", batch.report
    assert batch.report["files"] == ["project.json", "releases.json"]
    page = client.get(response.url).content.decode()
    assert "2 files imported together" in page
    client.post(response.url)
    contract = Commitment.objects.get(title="Contract: Deck")
    assert contract.agreement.title == "River bridge"
    # The same as one zip: nothing new (a re-import), one report.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data/project.json", json.dumps(project()))
        archive.writestr("data/releases.json", package(release()))
        archive.writestr("__MACOSX/._releases.json", "junk")
    upload = SimpleUploadedFile("bundle.zip", buffer.getvalue(), content_type="application/zip")
    response = client.post(reverse("interchange:import"), {"file": upload})
    batch = ImportBatch.objects.latest("created_at")
    assert batch.status == "previewed", batch.report
    assert batch.report["files"] == ["data/project.json", "data/releases.json"]
    assert all(row["created"] == 0 for row in batch.report["counts"].values())


def test_a_zip_climbing_out_of_itself_is_refused(world, client):
    import io
    import zipfile

    client.force_login(world.owner)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../evil.json", "{}")
    upload = SimpleUploadedFile("evil.zip", buffer.getvalue(), content_type="application/zip")
    client.post(reverse("interchange:import"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert batch.status == "refused"
    assert "outside itself" in batch.report["errors"][0]["reason"]
