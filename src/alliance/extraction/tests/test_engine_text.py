"""Clauses, obligations, parties and time, read the way agreements are written — in three
languages, with OCR's lost accents — without a database."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.extraction.engine.clauses import find_clauses, ref_key
from alliance.extraction.engine.parties import ALL, PartyRef
from alliance.extraction.engine.pipeline import extract
from alliance.extraction.engine.text import fold
from alliance.extraction.engine.timeframes import (
    find_deadlines,
    find_recurrence,
    find_relative,
)


def refs(text: str, lang: str = "en") -> list[str]:
    return [m.ref for m in find_clauses(text, fold(text), lang)]


def only(text: str, **kwargs):
    found = extract(text, **kwargs).candidates
    assert len(found) == 1, [c.sentence for c in found]
    return found[0]


@given(st.text())
def test_folding_keeps_every_offset(text):
    assert len(fold(text)) == len(text)


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("Article 12()ab. shall may\n§ÉéàüßAnnex:;,")), max_size=400
    )
)
def test_any_text_gives_candidates_with_spans_inside_it(text):
    for candidate in extract(text).candidates:
        assert 0 <= candidate.span[0] < candidate.span[1] <= len(text)
        assert all(0 <= a <= b <= len(text) for a, b, _ in candidate.evidence)


def test_clauses_in_every_drafting_style():
    assert refs("Article 5\n(2) text\n(a) item\n(iii) sub") == [
        "Article 5",
        "Article 5(2)",
        "Article 5(2)(a)",
        "Article 5(2)(a)(iii)",
    ]
    assert refs("Article premier\nTexte.\nArt. 2 - Objet\n1. Le texte.", "fr") == [
        "Article 1",
        "Article 2",
        "Article 2(1)",
    ]
    assert refs("ARTICLE ler:\nx\nART!CLE 2\ny", "fr") == ["Article 1", "Article 2"]
    assert refs("Artikel 1\n(1) Die Regierung\n§ 3\n(2) Absatz", "de")[-1] == "§ 3(2)"
    assert refs("1. Definitions\n1.1 In this Agreement\n5.2.1 The Company shall") == [
        "1",
        "1.1",
        "5.2.1",
    ]
    assert refs("Section 4\ntext\nANNEX I\nCHAPTER II\n1. Licences")[-1].startswith("Annex I")


def test_a_date_is_not_taken_for_a_paragraph_number():
    assert refs("Artikel 1\n30. Dezember 2003 war es.", "de") == ["Artikel 1"]


def test_clause_references_compare_across_writings():
    assert ref_key("Article 2(3)") == ref_key("Art. 2.3") == ref_key("Artikel 2 Absatz 3")
    assert ref_key("Article premier") == ref_key("Article 1")


def test_obligations_are_told_apart_from_rights_statements_and_recitals():
    text = (
        "WHEREAS the Parties wish to cooperate, the Company shall be grateful.\n"
        "NOW, THEREFORE, the Parties agree as follows:\n"
        "Article 1\n"
        "1. The Company shall submit a report.\n"
        "2. The Company may terminate this Agreement.\n"
        "3. This Agreement shall enter into force on signature.\n"
        '4. "Effective Date" means the date of signature.\n'
        "5. The Company shall not assign this Agreement.\n"
    )
    found = extract(text).candidates
    assert [c.clause for c in found] == ["Article 1(1)", "Article 1(5)"]
    assert found[1].negative and found[1].rule == "en.shall-not"


def test_french_modal_verbs_and_legal_future():
    text = (
        "Article 1\nLe Concessionnaire s'engage a construire la route.\n"
        "Article 2\nLe Concessionnaire versera une redevance chaque annee.\n"
        "Article 3\nLe Concedant peut resilier la convention.\n"
        "Article 4\nLe Concessionnaire ne doit pas ceder ses droits.\n"
    )
    found = extract(text, language="fr").candidates
    assert [c.rule for c in found] == ["fr.s-engage", "fr.futur", "fr.ne-doit-pas"]
    assert found[1].recurrence == "annual"


def test_german_legal_wird_binds_but_the_passive_does_not():
    text = (
        "Artikel 1\nDie Regierung wird gegenuber der KfW alle Zahlungen garantieren.\n"
        "Artikel 2\nFinanzierungsbeitrage werden in Darlehen umgewandelt.\n"
        "Artikel 3\nDer Auftragnehmer verpflichtet sich, die Anlage zu bauen.\n"
        "Artikel 4\nDer Auftragnehmer kann kundigen.\n"
    )
    found = extract(text, language="de").candidates
    assert [c.clause for c in found] == ["Artikel 1", "Artikel 3"]


def test_conditions_are_kept_with_the_obligation():
    c = only("Article 1\nSubject to Article 3, the Lender shall disburse the loan.")
    assert c.conditions == ["Subject to Article 3"]
    c = only(
        "Artikel 1\nDie Regierung wird, sofern sie nicht Kreditnehmer ist, garantieren.",
        language="de",
    )
    assert c.conditions and c.conditions[0].startswith("sofern")


def test_defined_terms_in_three_languages_resolve_to_registered_parties():
    parties = [
        PartyRef("ACME", "Acme Construction SA", kind="multinational"),
        PartyRef("GOV", "Republic of Cameroon", kind="government", country="CM"),
    ]
    en = extract(
        'Acme Construction SA (hereinafter referred to as the "Concessionaire")\n'
        "Article 1\nThe Concessionaire shall build the road for Cameroon.",
        parties=parties,
    ).candidates[0]
    assert en.owed_by.id == "ACME" and en.owed_by.how == "defined term"
    assert [p.id for p in en.owed_to] == ["GOV"]
    fr = extract(
        "La societe Acme Construction SA, ci-après dénommée « le Concessionnaire »\n"
        "Article 1\nLe Concessionnaire remettra un rapport au Cameroun.",
        parties=parties,
        language="fr",
    ).candidates[0]
    assert fr.owed_by.id == "ACME" and [p.id for p in fr.owed_to] == ["GOV"]
    de = extract(
        "Acme Construction SA, im Folgenden „Auftragnehmer“ genannt,\n"
        "Artikel 1\nDer Auftragnehmer verpflichtet sich, die Strasse zu bauen.",
        parties=parties,
        language="de",
    ).candidates[0]
    assert de.owed_by.id == "ACME"


def test_each_party_and_institutions_by_function():
    parties = [
        PartyRef("EU", "European Union", kind="multilateral"),
        PartyRef("GW", "Republic of Guinea-Bissau", kind="government", country="GW"),
    ]
    each = only("Article 1\nEach Party shall notify the other.", parties=parties)
    assert each.owed_by.id == ALL
    union = only("Article 1\nThe Union shall pay the contribution.", parties=parties)
    assert union.owed_by.id == "EU"
    ministry = only("Article 1\nThe Ministry shall issue licences.", parties=parties)
    assert ministry.owed_by.id == "GW"


def test_an_unknown_subject_is_proposed_as_a_new_party():
    c = only(
        "Article 1\nThe Operator shall keep a logbook.", parties=[PartyRef("EU", "European Union")]
    )
    assert c.owed_by.id is None and c.owed_by.name == "Operator"


def test_relative_timeframes_and_their_anchors():
    (r,) = find_relative(fold("within 90 days of the Effective Date, the Company shall"))
    assert (r.value, r.unit, r.anchor_key) == (90, "days", "effective")
    (r,) = find_relative(fold("no later than four months after the entry into force"))
    assert (r.value, r.unit, r.anchor_key) == (4, "months", "effective")
    (r,) = find_relative(fold("dans les 60 jours calendaires suivant la date de signature"))
    assert (r.value, r.unit, r.anchor_key) == (60, "days", "signed")
    (r,) = find_relative(fold("innerhalb von acht Jahren nach dem Zusagejahr die Verträge"))
    assert (r.value, r.unit, r.anchor) == (8, "years", "dem zusagejahr")
    (r,) = find_relative(fold("within 30 working days of receipt of the invoice"))
    assert (r.unit, r.anchor_key) == ("working_days", "")
    (r,) = find_relative(fold("at least fifteen (15) days before the meeting"))
    assert (r.value, r.direction) == (15, "before")
    assert find_relative(fold("for a period of two years")) == []


def test_absolute_dates_with_lost_accents():
    assert (
        find_deadlines(fold("au plus tard le 1er fevrier 2013"))[0].on.isoformat() == "2013-02-01"
    )
    assert find_deadlines(fold("bis zum 15. Marz 2005"))[0].on.isoformat() == "2005-03-15"
    assert find_deadlines(fold("no later than 15 March 2012"))[0].on.isoformat() == "2012-03-15"
    assert find_deadlines(fold("by December 31, 2013"))[0].on.isoformat() == "2013-12-31"
    # A date that is not a deadline ("Note of 30 December 2003") is not one.
    assert find_deadlines(fold("Verbalnote vom 30. Dezember 2003")) == []


def test_recurrence_keywords():
    cases = {
        "each year": "annual",
        "chaque année": "annual",
        "jährlich": "annual",
        "quarterly": "quarterly",
        "chaque trimestre": "quarterly",
        "vierteljährlich": "quarterly",
        "deux fois par an": "semiannual",
        "monthly": "monthly",
        "a la fin de chaque mois": "monthly",
    }
    for words, keyword in cases.items():
        assert find_recurrence(fold(words)).keyword == keyword, words
    assert find_recurrence(fold("the annual programming of measures")) is None


def test_a_list_of_duties_under_a_lead_in_gives_one_candidate_per_item():
    text = "Article 9\nThe Commission shall:\n(a) monitor the Agreement;\n(b) prepare reports.\n"
    found = extract(text).candidates
    assert [c.clause for c in found] == ["Article 9(a)", "Article 9(b)"]
    nouns = (
        "Article 6\nApplications shall be accompanied by:\n(a) proof of payment;\n(b) a photo.\n"
    )
    assert [c.clause for c in extract(nouns).candidates] == ["Article 6"]
