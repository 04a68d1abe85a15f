"""Who a duty is owed to (issue 16): on sentences written for these tests the way agreements
are drafted in English, French and German (not taken from the labelled set). `*` is the
signatories other than the one owing (LABELLING.md)."""

from __future__ import annotations

from alliance.extraction.engine import evaluation
from alliance.extraction.engine.parties import ALL, SIGNATORY, PartyRef, others, signatories
from alliance.extraction.engine.pipeline import extract

# Two signatories, an organ they set up and a lender: only the first two sign.
TREATY = [
    PartyRef(
        "X",
        "Government of the Republic of Arcadia",
        "Arcadia",
        kind="government",
        country="",
        role=SIGNATORY,
    ),
    PartyRef("Y", "European Union", "EU", kind="multilateral", role=SIGNATORY),
    PartyRef("JC", "Joint Committee", kind="multilateral"),
    PartyRef("L", "Eastport Development Bank", "Bank", kind="lender"),
]
NATIONS = [
    PartyRef(
        "SN",
        "Gouvernement de la République du Sénégal",
        "Sénégal",
        kind="government",
        country="SN",
        role=SIGNATORY,
    ),
    PartyRef(
        "ML",
        "Gouvernement de la République du Mali",
        "Mali",
        kind="government",
        country="ML",
        role=SIGNATORY,
    ),
]
BODY = [
    PartyRef("A", "Northwind Logistics Ltd", "Northwind", kind="local_firm", role=SIGNATORY),
    PartyRef("B", "Southgate Energy plc", "Southgate", kind="multinational", role=SIGNATORY),
    PartyRef("JV", "Harbour Power Company Ltd", "the Company", kind="local_firm"),
]


def only(text: str, lang: str = "en", parties=TREATY):
    candidates = extract(text, language=lang, parties=parties).candidates
    assert len(candidates) == 1, [c.sentence for c in candidates]
    return candidates[0]


def owed(text: str, lang: str = "en", parties=TREATY) -> list:
    return [p.id for p in only(text, lang, parties).owed_to]


def test_the_other_signatories_leave_out_organs_and_lenders():
    assert signatories(TREATY) == ["X", "Y"]
    assert others(TREATY, "X") == ["Y"]
    assert others(TREATY, "JC") == ["X", "Y"]
    # With no role given, every registered party signs (the behaviour before roles).
    assert others([PartyRef("P", "P One"), PartyRef("Q", "Q Two")], "P") == ["Q"]


def test_a_star_is_the_other_signatories_when_scored():
    # The labeller may write the counterpart or `*`; both are the same set.
    union = PartyRef("Y", "European Union")
    assert evaluation.owed_to_right(["X"], [PartyRef(ALL, "")], "Y", union, TREATY)
    assert evaluation.owed_to_right([ALL], [PartyRef("X", "")], "Y", union, TREATY)
    # The organ is not among them: "owed to Arcadia and the Joint Committee" is not `*`.
    assert not evaluation.owed_to_right(
        [ALL], [PartyRef("X", ""), PartyRef("JC", "")], "Y", union, TREATY
    )


def test_the_parties_owe_a_named_organ():
    assert owed("Article 3\nThe Parties shall submit an annual report to the Joint Committee.") == [
        "JC"
    ]
    # … but each other when they name nobody else, or one of themselves in passing.
    assert owed("Article 3\nThe Parties shall consult each other on the programme.") == [ALL]


def test_a_signatory_named_as_a_place_is_not_owed():
    text = (
        "Article 4\nThe Joint Committee shall meet twice a year, alternately in Arcadia "
        "and in Brussels."
    )
    assert owed(text) == [ALL]
    text = (
        "Artikel 2\nDie Europäische Union wird von der Eastport Development Bank einen "
        "Betrag erhalten."
    )
    assert "L" not in owed(text, "de")


def test_the_direct_object_is_owed():
    assert owed("Article 5\nThe European Union shall notify Arcadia of any change.") == ["X"]
    assert owed(
        "Article 5\nThe European Union shall indemnify, defend and hold harmless "
        "Arcadia against any claim."
    ) == ["X"]


def test_a_beneficiary_that_is_no_party_is_proposed():
    to = only(
        "Article 7\nLe Gouvernement de la République du Mali est tenu de verser au profit de "
        "la Commune de Kayes une redevance annuelle.",
        "fr",
        NATIONS,
    ).owed_to
    assert [(p.name, p.id) for p in to] == [("Commune de Kayes", None)]
    to = only(
        "Section 2\nNorthwind shall maintain insurance for the benefit of Eastport Municipality.",
        parties=BODY,
    ).owed_to
    assert [(p.name, p.id) for p in to] == [("Eastport Municipality", None)]


def test_an_actor_of_one_side_owes_the_other_side():
    text = (
        "Article 9\nLes redevances pour les navires sénégalais sont fixées au barème suivant:\n"
        "a) Les chalutiers paient une redevance de 100 dollars par an;\n"
        "b) Les thoniers paient une redevance de 50 dollars par campagne."
    )
    candidates = extract(text, language="fr", parties=NATIONS).candidates
    assert [[p.id for p in c.owed_to] for c in candidates] == [["ML"], ["ML"]]


def test_an_organ_of_a_body_owes_the_body():
    assert owed(
        "Section 5\nThe Board of Directors shall approve the annual budget.", parties=BODY
    ) == ["JV"]
    assert owed("Article 8\nLe conseil d'administration doit arrêter les comptes.", "fr", BODY) == [
        "JV"
    ]


def test_german_recipient_after_gegenueber():
    assert owed(
        "Artikel 3\nDie Regierung der Republik Arcadia wird gegenüber der Eastport Development "
        "Bank alle Zahlungen leisten.",
        "de",
    ) == ["L"]


def test_a_report_submitted_to_and_examined_by_an_organ_is_owed_to_it():
    text = (
        "Article 6\nArcadia shall draw up a progress report, which shall be submitted to and "
        "examined by the Joint Committee."
    )
    assert owed(text) == ["JC"]


def test_an_operator_owes_the_signatory_whose_authorities_direct_it():
    # The master signs nothing: the port is the one Arcadia's authorities indicate.
    text = (
        "Chapter 4\nThe master shall take the vessel to the port indicated by the Arcadia "
        "authorities."
    )
    assert owed(text) == ["X"]


def test_an_organ_defined_after_the_party_that_appoints_it_owes_the_body():
    text = (
        "Section 3\nNorthwind shall appoint one of its officers as the Managing Director "
        '("MD") of the Company.\n'
        "Section 4\nThe MD shall prepare the annual budget of the Company."
    )
    candidates = extract(text, language="en", parties=BODY).candidates
    assert [p.id for p in candidates[-1].owed_to] == ["JV"]
