"""``alliance extract --agreement REF`` resolves parties to the agreement's registered ones."""

from __future__ import annotations

import json

import pytest

from alliance.extraction.cli import main
from alliance.testing import build_world


@pytest.mark.django_db
def test_parties_resolve_to_the_registered_parties_uuids(tmp_path, capsys):
    world = build_world()
    source = tmp_path / "a.txt"
    source.write_text(
        "Article 1\nThe Lender Y shall disburse the loan to Ministry X within 30 days of "
        "signature.\nArticle 2\nThe Operator shall keep a logbook.",
        encoding="utf-8",
    )
    assert main([str(source), "--agreement", world.agreement.title, "--json"]) == 0
    first, second = json.loads(capsys.readouterr().out)
    assert first["owed_by"] == {"name": "Lender Y", "id": str(world.party_y.uuid)}
    assert first["owed_to"] == [{"name": "Ministry X", "id": str(world.party_x.uuid)}]
    assert second["owed_by"] == {"name": "Operator", "id": None}


@pytest.mark.django_db
def test_an_unknown_agreement_is_refused():
    with pytest.raises(SystemExit, match="no agreement"):
        main(["README.md", "--agreement", "no such agreement"])
