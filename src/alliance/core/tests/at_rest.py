"""Helpers of the raw-bytes test (``test_at_rest``), run inside an ``alliance`` process that
has the database under test: load the demo, keep what the disk holds, list the confidential
texts the demo wrote (decrypted by the product, so that the test looks for the real words)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from pathlib import Path
from typing import Any

# Shorter texts (a name, a word) could honestly appear elsewhere in clear.
MIN_LENGTH = 12


def confidential_texts() -> dict[str, list[str]]:
    """Every internal or restricted free text the database holds, by kind, in clear."""
    from alliance.briefings.models import PartyBriefNote
    from alliance.core.models import Confidentiality
    from alliance.engagement.models import Grievance, Interaction, PersonNote, TrustResponse
    from alliance.partnerships.models import CommitmentComment, Party
    from alliance.risks.models import EarlyWarning

    hidden = (Confidentiality.INTERNAL, Confidentiality.RESTRICTED)
    texts: dict[str, list[str]] = {}

    def add(kind: str, *values: Any) -> None:
        for value in values:
            if isinstance(value, str) and len(value.strip()) >= MIN_LENGTH:
                texts.setdefault(kind, []).append(value.strip())

    for interaction in Interaction.objects.filter(confidentiality__in=hidden):
        add("interaction summaries", interaction.summary)
        for fields in (interaction.translations or {}).values():
            add("interaction translations", *fields.values())
    for note in PersonNote.objects.all():
        add("notes on people", note.text)
    for warning in EarlyWarning.objects.filter(confidentiality__in=hidden, rule=""):
        add("warnings' words", warning.title, warning.explanation)
        add("warnings' words", *[e for e in warning.evidence or [] if isinstance(e, str)])
    for comment in CommitmentComment.objects.filter(confidentiality__in=hidden):
        add("internal comments on commitments", comment.text)
    for point in PartyBriefNote.objects.all():
        add("points for meetings", point.text, point.answer)
    for response in TrustResponse.objects.exclude(comment=None):
        add("pulse comments", response.comment)
    # A complainant that is itself a party (a fishers' collective) is named in clear there.
    parties = {n for names in Party.objects.values_list("name", "short_name") for n in names}
    for grievance in Grievance.objects.all():
        if grievance.complainant not in parties:
            add("grievance complainants", grievance.complainant)
    return texts


def write_as_the_counsellor() -> None:
    """What the demo story does not write itself, written and edited through the services as
    the counsellor would: a person's internal warning, an internal comment on a commitment and
    points for a meeting (so that the table, its audit trail and the WAL all had them)."""
    from django.contrib.auth import get_user_model

    from alliance.briefings import services as bs
    from alliance.briefings.choices import NoteKind
    from alliance.core import clock
    from alliance.core.models import Confidentiality
    from alliance.partnerships import services as ps
    from alliance.partnerships.models import Agreement
    from alliance.risks import services as rs
    from alliance.risks.choices import Severity

    counsellor = get_user_model().objects.get(username="samuel")
    agreement = Agreement.objects.get(reference="CONC-CM-2024-017")
    party = agreement.participations.select_related("party").first().party
    warning, _new = rs.early_warning_raise(
        actor=counsellor,
        agreement=agreement,
        key="person:at-rest",
        title="The transport minister may lose the portfolio in the reshuffle",
        explanation="Heard at the embassy reception: two advisers were told to clear desks.",
        evidence=["His chief of staff cancelled the steering committee without a reason."],
        severity=Severity.WARNING,
        confidentiality=Confidentiality.INTERNAL,
        raised_on=clock.today(),
    )
    rs.early_warning_update(
        actor=counsellor,
        warning=warning,
        explanation="Confirmed by the lender's agent: the decree is drafted for next week.",
    )
    ps.commitment_comment_add(
        actor=counsellor,
        commitment=agreement.commitments.order_by("due_on").first(),
        text="The ministry's lawyer thinks the permit clause cannot be enforced; keep it quiet.",
        confidentiality=Confidentiality.INTERNAL,
    )
    bs.party_brief_note_add(
        actor=counsellor,
        agreement=agreement,
        party=party,
        kind=NoteKind.POINT,
        text="Do not mention the lender's waiver before they raise the tariff themselves.",
    )
    ask = bs.party_brief_note_add(
        actor=counsellor,
        agreement=agreement,
        party=party,
        kind=NoteKind.ASK,
        text="Whether we would back a second extension of the land handover.",
        answer="Only against a dated resettlement plan signed by the prefect.",
    )
    bs.party_brief_note_update(
        actor=counsellor, note=ask, answer="Only against a resettlement plan the prefect signed."
    )


def load_and_keep(out: str) -> None:
    """Load the demo, copy the embedded database's files (the WAL and shared-memory files
    too, kept alive by a connection of our own) and list the confidential texts, into
    ``out``: ``texts.json``, ``modes.json`` and ``raw/``."""
    from django.core.management import call_command
    from django.db import connection

    target = Path(out)
    raw = target / "raw"
    raw.mkdir(parents=True)
    keeper = None
    database = None
    if connection.vendor == "sqlite":
        database = Path(connection.settings_dict["NAME"])
        connection.ensure_connection()
        # Our own connection: SQLite removes the WAL when its last connection closes.
        keeper = sqlite3.connect(database)
        keeper.execute("SELECT count(*) FROM sqlite_master").fetchall()
    call_command("demo_load", verbosity=0)
    write_as_the_counsellor()
    modes = {}
    if database is not None:
        for path in database.parent.iterdir():
            if path.name.startswith(database.name):
                modes[path.name] = stat.S_IMODE(path.stat().st_mode)
                shutil.copyfile(path, raw / path.name)
        modes[database.parent.name + "/"] = stat.S_IMODE(database.parent.stat().st_mode)
    (target / "modes.json").write_text(json.dumps(modes), encoding="utf-8")
    (target / "texts.json").write_text(
        json.dumps(confidential_texts(), ensure_ascii=False), encoding="utf-8"
    )
    if keeper is not None:
        keeper.close()
