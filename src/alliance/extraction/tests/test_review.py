"""The review, end to end through the views: upload, candidates, accept (one, ticked, after
an edit), merge, reject; the commitment links back to its words; a re-reading shows what
changed; everyone but the team gets 404 and sees no candidate anywhere."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alliance.accounts.models import AuditEvent
from alliance.extraction import services
from alliance.extraction.models import Candidate, ExtractionRun
from alliance.partnerships.models import AgreementDocument, Commitment
from alliance.web.tests.conftest import client_for
from alliance.web.tests.routes import ACTORS, TEAM, extraction_routes, walk

TEXT = (
    "Article 1\n"
    "Ministry X shall pay Lender Y the first instalment within 30 days of signature.\n"
    "Article 2\n"
    "Lender Y shall publish a report each year.\n"
    "Article 3\n"
    "Each Party shall notify the other of any change of address.\n"
    "Article 4\n"
    "Ministry X may terminate this Agreement.\n"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, world, text=TEXT, name="agreement.txt"):
    url = reverse("extraction", args=[world.agreement.uuid])
    return client.post(
        url,
        {"file": SimpleUploadedFile(name, text.encode()), "language": "auto", "title": ""},
    )


def test_only_the_team_reaches_the_review(world, media):
    assert walk(world, extraction_routes(world), ACTORS) == []


def test_anonymous_users_are_sent_to_log_in(client, world, media):
    for route in extraction_routes(world):
        assert client.get(route.url).status_code == 302


def test_a_counsellor_uploads_reviews_and_accepts(world, media):
    client = client_for(world.counsellor)
    response = upload(client, world)
    run = ExtractionRun.objects.get()
    assert response.url == reverse("extraction_run", args=[world.agreement.uuid, run.uuid])
    assert AgreementDocument.objects.filter(agreement=world.agreement).count() == 1
    candidates = list(run.candidates.order_by("position"))
    assert [c.clause for c in candidates] == ["Article 1", "Article 2", "Article 3"]
    pay = candidates[0]
    assert pay.owed_by == world.party_x and list(pay.owed_to.all()) == [world.party_y]
    assert pay.due == {"within": {"value": 30, "unit": "days"}, "after": "signature"}
    page = client.get(response.url).content.decode()
    assert f'id="src-{pay.uuid}"' in page and f'id="cand-{pay.uuid}"' in page
    assert "en.shall" in page

    verdict = reverse("extraction_verdict", args=[world.agreement.uuid, pay.uuid, "accept"])
    client.post(verdict)
    (commitment,) = Commitment.objects.filter(agreement=world.agreement, clause="Article 1")
    assert commitment.owed_by == world.party_x
    assert commitment.due_trigger == "signed" and commitment.due_offset_days == 30
    assert commitment.due_on == date(2025, 1, 10) + (commitment.due_on - date(2025, 1, 10))
    assert AuditEvent.objects.filter(object_id=str(commitment.uuid), action="create").exists()
    pay.refresh_from_db()
    assert pay.status == "accepted" and list(pay.commitments.all()) == [commitment]

    detail = client.get(reverse("commitment", args=[world.agreement.uuid, commitment.uuid]))
    link = reverse("extraction_run", args=[world.agreement.uuid, run.uuid]) + f"#src-{pay.uuid}"
    assert link in detail.content.decode()
    # A party representative sees the commitment but nothing of where it was read.
    rep = client_for(world.rep_x).get(
        reverse("commitment", args=[world.agreement.uuid, commitment.uuid])
    )
    assert rep.status_code == 200 and "#src-" not in rep.content.decode()


def test_ticked_candidates_are_accepted_when_complete_and_the_rest_says_why(world, media):
    client = client_for(world.owner)
    upload(client, world)
    run = ExtractionRun.objects.get()
    selection = reverse("extraction_selection", args=[world.agreement.uuid, run.uuid])
    ticked = [str(c.uuid) for c in run.candidates.all()]
    response = client.post(selection, {"action": "accept", "candidates": ticked}, follow=True)
    statuses = dict(run.candidates.values_list("clause", "status"))
    assert statuses == {"Article 1": "accepted", "Article 2": "proposed", "Article 3": "proposed"}
    assert "still needs" in response.content.decode()


def test_edit_then_accept_and_each_party_gives_one_commitment_per_party(world, media):
    client = client_for(world.owner)
    upload(client, world)
    notify = Candidate.objects.get(clause="Article 3")
    assert notify.owed_by_all
    url = reverse("extraction_candidate", args=[world.agreement.uuid, notify.uuid])
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "title": "Notify changes of address",
            "clause": "Article 3",
            "owed_by": "",
            "owed_to": [],
            "due_on": "2025-06-30",
            "recurrence": "",
            "category": "governance",
            "then": "accept",
        },
    )
    made = Commitment.objects.filter(title="Notify changes of address")
    assert {c.owed_by for c in made} == {world.party_x, world.party_y}
    assert all(c.due_on == date(2025, 6, 30) for c in made)


def test_merge_and_reject(world, media):
    client = client_for(world.owner)
    upload(client, world)
    run = ExtractionRun.objects.get()
    selection = reverse("extraction_selection", args=[world.agreement.uuid, run.uuid])
    first, second, third = run.candidates.order_by("position")
    client.post(selection, {"action": "merge", "candidates": [str(first.uuid), str(second.uuid)]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == "merged" and second.merged_into == first
    assert "publish a report" in first.sentence
    client.post(selection, {"action": "reject", "candidates": [str(third.uuid)]})
    third.refresh_from_db()
    assert third.status == "rejected"


def test_rereading_an_amended_text_shows_what_changed(world, media):
    client = client_for(world.owner)
    upload(client, world)
    amended = (
        TEXT.replace("within 30 days", "within 60 days").replace(
            "Article 2\nLender Y shall publish a report each year.\n", ""
        )
        + "Article 5\nLender Y shall open an office in Dakar.\n"
    )
    upload(client, world, amended, "amended.txt")
    run = ExtractionRun.objects.order_by("-created_at").first()
    changes = dict(run.candidates.values_list("clause", "change"))
    assert changes == {"Article 1": "altered", "Article 3": "unchanged", "Article 5": "added"}
    assert [r["clause"] for r in run.removed] == ["Article 2"]
    page = client.get(reverse("extraction_run", args=[world.agreement.uuid, run.uuid]))
    assert "Removed" in page.content.decode()


def test_a_file_that_cannot_be_read_keeps_nothing(world, media):
    client = client_for(world.owner)
    response = upload(client, world, "\x00\x01binary", "x.bin")
    assert response.status_code == 200 and "binary" in response.content.decode()
    assert not AgreementDocument.objects.exists() and not ExtractionRun.objects.exists()


def test_nobody_outside_the_team_can_write(world, media):
    run = services.extraction_run_create(
        actor=world.owner, agreement=world.agreement, data=TEXT.encode(), name="a.txt"
    )
    candidate = run.candidates.first()
    for name in set(ACTORS) - TEAM:
        client = client_for(getattr(world, name))
        url = reverse("extraction_verdict", args=[world.agreement.uuid, candidate.uuid, "accept"])
        assert client.post(url).status_code == 404, name
        assert upload(client, world).status_code == 404, name
    candidate.refresh_from_db()
    assert candidate.status == "proposed" and not Commitment.objects.filter(clause="Article 1")


def test_the_demo_text_reads_into_the_concessions_commitments():
    from pathlib import Path

    from alliance.extraction.engine.parties import PartyRef
    from alliance.extraction.engine.pipeline import extract

    text = (
        Path(__file__).resolve().parents[2] / "scenarios" / "fixtures" / "concession_kribi_edea.txt"
    ).read_text(encoding="utf-8")
    parties = [
        PartyRef("MINT", "Ministère des Transports", "MINT", kind="government", country="CM"),
        PartyRef("VAL", "Valmont Rail & Ports SA", "Valmont", kind="multinational", country="FR"),
    ]
    found = extract(text, parties=parties).candidates
    by_clause = {c.clause: c for c in found}
    assert by_clause["Article 4(1)"].owed_by.id == "VAL"
    assert by_clause["Article 5(2)"].due["within"] == {"value": 45, "unit": "working_days"}
    assert by_clause["Article 11"].owed_by.id == "MINT"
    assert "Article 6(2)" not in by_clause  # "peut proposer": a right


def test_an_event_the_text_counts_from_becomes_a_milestone_that_dates_its_candidates(world, media):
    client = client_for(world.owner)
    text = (
        "Article 1\nLender Y shall train 40 engineers within 3 months after the start of works.\n"
    )
    upload(client, world, text)
    run = ExtractionRun.objects.get()
    review = reverse("extraction_run", args=[world.agreement.uuid, run.uuid])
    assert "Events the deadlines count from" in client.get(review).content.decode()
    client.post(
        reverse("extraction_anchor", args=[world.agreement.uuid, run.uuid]),
        {"anchor": "the start of works", "title": "Start of works", "due_on": "2025-03-31"},
    )
    candidate = run.candidates.get()
    assert candidate.due_on == date(2025, 6, 30) and candidate.milestone.title == "Start of works"
    client.post(
        reverse("extraction_verdict", args=[world.agreement.uuid, candidate.uuid, "accept"])
    )
    commitment = Commitment.objects.get(clause="Article 1", agreement=world.agreement)
    assert commitment.milestone == candidate.milestone and commitment.due_on == date(2025, 6, 30)


def test_a_duty_that_names_nobody_says_so_beside_every_party(world, media):
    client = client_for(world.counsellor)
    upload(client, world, "Article 1\nThe report shall be submitted within 30 days of signature.\n")
    run = ExtractionRun.objects.get()
    candidate = run.candidates.get()
    assert candidate.owed_by_all and candidate.owed_by_written == ""
    page = client.get(reverse("extraction_run", args=[world.agreement.uuid, run.uuid]))
    assert "the text names nobody" in page.content.decode()


def test_a_duty_that_names_nobody_is_owed_to_the_other_signatories(world, media):
    # A second signatory beside the lender: "Ministry X shall …" with nobody named is owed
    # to Firm Z, who signs, not to Lender Y (registered with the agreement as its lender).
    from alliance.partnerships import services as ps

    ps.participation_add(
        actor=world.owner, agreement=world.agreement, party=world.party_z, role="signatory"
    )
    client = client_for(world.owner)
    upload(client, world, text="Article 1\nMinistry X shall publish a report by 30 June 2025.\n")
    (publish,) = Candidate.objects.filter(clause="Article 1")
    assert publish.owed_by == world.party_x
    services.candidate_accept(actor=world.owner, candidate=publish)
    (commitment,) = Commitment.objects.filter(agreement=world.agreement, clause="Article 1")
    assert list(commitment.owed_to.all()) == [world.party_z]
