"""``alliance brief``: --help without a database or a key; a PDF and an HTML file written
for the reader named (by default the owner), and clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alliance.briefings.tests import pdf_pages
from alliance.partnerships import services as ps
from alliance.web.tests.data import INTERNAL_TEXT, RESTRICTED_TEXT


def test_help_needs_no_database_nor_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.pop("ALLIANCE_TESTING", None)
    env.pop("DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "alliance", "brief", "--help"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "--party" in done.stdout and "--pdf" in done.stdout and "--lang" in done.stdout


def test_writes_the_pdf_and_html_by_reference_as_the_owner(world, computed, tmp_path):
    pdf, html = tmp_path / "brief.pdf", tmp_path / "brief.html"
    world.agreement.reference = "CORR-1"
    world.agreement.save(update_fields=["reference"])
    call_command("brief", "corr-1", lang="fr", pdf=str(pdf), html=str(html), stdout=StringIO())
    assert 1 <= len(pdf_pages.pages(pdf.read_bytes())) <= 2
    page = html.read_text(encoding="utf-8")
    assert 'lang="fr"' in page and INTERNAL_TEXT in page  # the owner sees internal warnings


def test_a_viewer_named_with_user_gets_no_internal_text(world, computed, tmp_path):
    pdf = tmp_path / "brief.pdf"
    call_command(
        "brief",
        str(world.agreement.uuid),
        user="viewer",
        pdf=str(pdf),
        stdout=StringIO(),
    )
    assert INTERNAL_TEXT not in pdf_pages.text(pdf.read_bytes())


@pytest.mark.parametrize("party", ["party_x_name", "party_x_short", "party_x_uuid"])
def test_writes_the_party_brief_for_a_party_named_any_way(world, computed, tmp_path, party):
    ps.party_update(actor=world.owner, party=world.party_x, short_name="MX")
    value = {
        "party_x_name": "ministry x",
        "party_x_short": "mx",
        "party_x_uuid": str(world.party_x.uuid),
    }[party]
    pdf, html = tmp_path / "party.pdf", tmp_path / "party.html"
    call_command(
        "brief",
        str(world.agreement.uuid),
        party=value,
        lang="fr",
        pdf=str(pdf),
        html=str(html),
        stdout=StringIO(),
    )
    assert 1 <= len(pdf_pages.pages(pdf.read_bytes())) <= 2
    text = pdf_pages.text(pdf.read_bytes())
    assert "AVANT DE RENCONTRER" in text.upper() and "Ministry X" in text
    page = html.read_text(encoding="utf-8")
    assert 'lang="fr"' in page and INTERNAL_TEXT in page  # the owner's brief: the team's points


def test_a_representatives_party_brief_from_the_command_line_holds_nothing_internal(
    world, computed, tmp_path
):
    pdf = tmp_path / "party.pdf"
    call_command(
        "brief",
        str(world.agreement.uuid),
        party="Lender Y",
        user="rep_x",
        pdf=str(pdf),
        stdout=StringIO(),
    )
    text = pdf_pages.text(pdf.read_bytes())
    assert INTERNAL_TEXT not in text and RESTRICTED_TEXT not in text
    assert "Prepared for Ministry X" in " ".join(text.split())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["NOPE"], "No single agreement"),
        (["{uuid}", "--user", "outsider"], "may not see"),
        (["{uuid}", "--user", "nobody"], "No user"),
        (["{uuid}", "--party", "Firm Z"], "No single party"),
        (["{uuid}", "--party", "nobody"], "No single party"),
    ],
)
def test_clear_errors(world, computed, tmp_path, arguments, message):
    arguments = [a.replace("{uuid}", str(world.agreement.uuid)) for a in arguments]
    with pytest.raises(CommandError, match=message):
        call_command("brief", *arguments, pdf=str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
