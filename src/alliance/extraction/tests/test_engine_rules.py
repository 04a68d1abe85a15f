"""One test per class of rule, on sentences written for these tests the way agreements are
drafted (not taken from the labelled set): statements that look like duties, the French
negated future, passive duties with and without their doer, who a pronoun or an institution
stands for, caps that are not recurrences, and the marks OCR leaves."""

from __future__ import annotations

from alliance.extraction.engine.parties import ALL, PartyRef
from alliance.extraction.engine.pipeline import extract
from alliance.extraction.engine.text import fold
from alliance.extraction.engine.timeframes import find_recurrence

TREATY = [
    PartyRef("X", "Government of the Republic of Arcadia", "Arcadia", kind="government"),
    PartyRef("Y", "European Union", "EU", kind="multilateral"),
]
CONTRACT = [
    PartyRef("A", "Northwind Logistics Ltd", "Northwind", kind="local_firm"),
    PartyRef("B", "Harbour Authority of Eastport", "HAE", kind="regulator"),
]


def found(text: str, lang: str = "en", parties=TREATY):
    return extract(text, language=lang, parties=parties).candidates


def only(text: str, lang: str = "en", parties=TREATY):
    candidates = found(text, lang, parties)
    assert len(candidates) == 1, [c.sentence for c in candidates]
    return candidates[0]


def test_resuming_is_how_the_agreement_works_not_a_duty():
    assert (
        found("Article 4\nApplication of this Agreement shall resume once the sum is paid.") == []
    )
    assert found("Article 4\nThe licences shall be resumed after the consultations.") == []


def test_the_french_future_negated_is_no_duty():
    assert found("Article 4\nAucune indemnité n'aura lieu si la demande est tardive.", "fr") == []
    assert found("Article 4\nCette règle ne s'appliquera pas aux navires de recherche.", "fr") == []
    # … while the affirmative future of a party still binds it.
    duty = only("Article 4\nL'Union ne prélèvera aucune taxe sur les navires.", "fr")
    assert duty.owed_by.id == "Y"


def test_the_french_present_passive_binds_the_party_it_names():
    duty = only(
        "Article 4\nLa présidence du Comité est assurée à tour de rôle par chaque Partie.", "fr"
    )
    assert duty.rule == "fr.present-passif"
    assert duty.owed_by.id == ALL
    # Without a party as its doer, a present passive only describes.
    assert found("Article 4\nLe montant est fixé par voie d'accord.", "fr") == []


def test_the_party_a_duty_requires_owes_it():
    duty = only(
        "Article 4\nThe Joint Committee shall require each Party to report within 2 months."
    )
    assert duty.owed_by.id == ALL
    duty = only(
        "Article 4\nThe Authority shall require Northwind to insure the cranes.", parties=CONTRACT
    )
    assert duty.owed_by.id == "A"


def test_meetings_that_must_take_place_are_owed_by_those_who_meet():
    duty = only(
        "Article 4\nDes consultations auront lieu entre les Parties dans les 30 jours.", "fr"
    )
    assert duty.owed_by.id == ALL
    assert duty.due["within"] == {"value": 30, "unit": "days"}
    duty = only("Article 4\nConsultations shall take place between the Parties every year.")
    assert duty.owed_by.id == ALL
    assert duty.recurrence == "annual"


def test_a_sum_per_year_under_a_cap_is_not_a_recurrence():
    assert find_recurrence(fold("up to a maximum of EUR 2 million per year")) is None
    assert find_recurrence(fold("d'un montant maximal de 3 millions d'euros par an")) is None
    assert find_recurrence(fold("bis zu 5 Millionen Euro jährlich")) is None
    assert find_recurrence(fold("a fee of EUR 20 per tonne per year")).keyword == "annual"
    duty = only(
        "Article 4\nThe sum shall not exceed EUR 2 million per year, and the Union shall "
        "pay it annually."
    )
    assert (duty.owed_by.id, duty.recurrence) == ("Y", "annual")


def test_a_pronoun_stands_for_the_subject_of_the_sentence_before_even_a_right():
    duty = only(
        "Section 7\nNorthwind may suspend the service on notice. It shall then return all "
        "keys to the Authority.",
        parties=CONTRACT,
    )
    assert (duty.owed_by.id, duty.owed_by.how) == ("A", "pronoun")
    # A pronoun is never proposed as a new party.
    duty = only(
        "Article 4\nThe port wardens may board a vessel. They shall notify the Union at once."
    )
    assert duty.owed_by.name != "They"


def test_an_institution_named_with_its_qualifier_resolves_to_its_party():
    duty = only("Article 4\nThe European Commission shall inform Arcadia of the results.")
    assert duty.owed_by.id == "Y"
    duty = only("Article 4\nThe Arcadian Government shall designate a contact point.")
    assert duty.owed_by.id == "X"  # the only government party


def test_neither_party_is_a_negative_duty_of_each():
    duty = only(
        "Section 9\nNeither party shall assign this Agreement without the other's consent.",
        parties=CONTRACT,
    )
    assert duty.owed_by.id == ALL
    assert duty.negative


def test_a_subject_that_is_not_registered_is_proposed_by_its_head():
    duty = only("Article 4\nAssociation of Boat Owners shall keep a register of catches.")
    assert duty.owed_by.id is None and duty.owed_by.name.startswith("Association")
    duty = only("Article 4\nCe Comité se réunit deux fois par an.", "fr")
    assert duty.owed_by.name == "Ce Comité"
    assert duty.recurrence == "semiannual"
    duty = only(
        "Article 4\nLes navires autorisés à pêcher dans la zone définie à l'annexe doivent "
        "embarquer un observateur.",
        "fr",
    )
    assert duty.owed_by.name == "navires autorisés"


def test_a_passive_duty_with_nobody_named_falls_on_the_parties():
    duty = only("Article 4\nThe decision shall be taken within two months of the request.")
    assert (duty.owed_by.id, duty.owed_by.how) == (ALL, "implied")
    duty = only("Article 4\nLe littoral doit être protégé de toute pollution.", "fr")
    assert (duty.owed_by.id, duty.owed_by.how) == (ALL, "implied")
    # The doer, when written, wins.
    duty = only("Article 4\nThe fee shall be paid by Arcadia within 30 days of the invoice.")
    assert duty.owed_by.id == "X"


def test_ocr_marks_do_not_hide_the_binding_verb():
    # "~" for a lost accent, in a text that is otherwise plain ASCII.
    duty = only("Article 4\nLes autorit~s de l'Arcadie doiv~nt transmettre la liste.", "fr")
    assert duty.rule == "fr.doit"
    # "rout" for "ront": OCR reads "n" as "u".
    duty = only("Article 4\nLes deux Parties se communiquerout les résultats.", "fr")
    assert duty.owed_by.id == ALL
    # A comma read as a full stop still closes the condition before the duty.
    duty = only(
        "Article 4\nEn cas de litige. la Commission se réunit à la demande d'une Partie.", "fr"
    )
    assert duty.owed_by.id == "Y"


def test_a_role_defined_as_any_party_stands_for_each_party():
    text = (
        'Section 1\n"Disclosing Party" shall mean each Party when it gives information.\n'
        "Section 2\nThe Disclosing Party shall mark its information as confidential.\n"
        'Section 3\nEach Party (the "Indemnifying Party") shall indemnify the other.\n'
        "Section 4\nThe Indemnifying Party shall also pay the costs of defence."
    )
    duties = found(text, parties=CONTRACT)
    assert [c.owed_by.id for c in duties] == [ALL, ALL, ALL]


def test_what_the_parties_agree_binds_through_its_own_verb():
    duty = only(
        "Section 2\nThe Parties agree that Northwind shall act as lead carrier on every route.",
        parties=CONTRACT,
    )
    assert duty.owed_by.id == "A"
    # What is agreed may only be a right, or a fact: then nothing binds.
    assert found("Section 2\nThe Parties agree that each Party shall have the right to quit.") == []
    assert found("Section 2\nNorthwind acknowledges and agrees that it is a carrier.") == []


def test_the_cases_listed_after_unless_are_conditions_not_duties():
    text = (
        "Section 5\nThe Recipient shall not disclose the information, unless:\n"
        "(a) the Recipient is required to disclose it by law; or\n"
        "(b) the information is public.\n"
        "In each case, the Recipient must notify the other Party before it discloses."
    )
    duties = found(text, parties=CONTRACT)
    assert [c.rule for c in duties] == ["en.shall-not", "en.must"]


def test_may_not_and_no_party_may_are_prohibitions():
    duty = only("Section 8\nNo Party may assign this Agreement without consent.", parties=CONTRACT)
    assert (duty.rule, duty.owed_by.id, duty.negative) == ("en.may-not", ALL, True)
    duty = only("Section 8\nNorthwind may not subcontract the haulage.", parties=CONTRACT)
    assert (duty.owed_by.id, duty.negative) == ("A", True)
    assert found("Section 8\nNorthwind may subcontract the haulage.", parties=CONTRACT) == []


def test_things_are_never_the_party_that_owes():
    duty = only(
        "Section 6\nAll notices under this Agreement shall be in writing.", parties=CONTRACT
    )
    assert (duty.owed_by.id, duty.owed_by.how) == (ALL, "implied")
    duty = only(
        "Section 6\nAll invoices shall be sent by Northwind to the Authority.", parties=CONTRACT
    )
    assert duty.owed_by.id == "A"
    # OCR reads "be" as "he": still a passive duty.
    duty = only("Section 6\nThe reports shall he delivered by HAE.", parties=CONTRACT)
    assert duty.owed_by.id == "B"


def test_ability_and_release_are_statements():
    assert found("Section 9\nNo Party shall be able to terminate while in default.") == []
    assert found("Section 9\nExpiry shall not relieve either Party of accrued duties.") == []
    assert found("Section 9\nNeither Party shall have any obligation to pursue a Project.") == []


GERMAN = [
    PartyRef("AR", "Regierung der Republik Arkadien", "Arkadien", kind="government"),
    PartyRef("KFW", "KfW Bankengruppe", "KfW", kind="lender"),
]


def test_german_passive_with_its_doer_binds_the_doer():
    duty = only(
        "Artikel 3\nDie Zahlung wird von der KfW innerhalb von 60 Tagen geleistet.", "de", GERMAN
    )
    assert (duty.owed_by.id, duty.due["within"]) == ("KFW", {"value": 60, "unit": "days"})
    # Without a doer, "wird … festgelegt" only states.
    assert found("Artikel 3\nDie Einzelheiten werden in Verträgen festgelegt.", "de", GERMAN) == []


def test_german_obliegt_and_zustaendig_bind_the_party_named():
    duty = only("Artikel 3\nDer Regierung der Republik Arkadien obliegt die Wartung.", "de", GERMAN)
    assert (duty.rule, duty.owed_by.id) == ("de.obliegt", "AR")
    duty = only("Artikel 3\nDie KfW ist für die Prüfung der Rechnungen zuständig.", "de", GERMAN)
    assert duty.owed_by.id == "KFW"


def test_german_separable_zu_infinitive_and_a_date_the_segmenter_cut():
    duty = only(
        "Artikel 3\nDie Regierung der Republik Arkadien hat der KfW bis zum 31. März 2008 "
        "einen Bericht vorzulegen.",
        "de",
        GERMAN,
    )
    assert (duty.rule, duty.owed_by.id, duty.due) == ("de.hat-zu", "AR", {"date": "2008-03-31"})
    duty = only("Artikel 3\nDie Berichte sind der KfW jährlich vorzulegen.", "de", GERMAN)
    assert (duty.owed_by.how, duty.recurrence) == ("implied", "annual")


def test_terms_defined_for_the_parties_together_or_singly_stand_for_any_party():
    text = (
        'Northwind Logistics Ltd and Harbour Authority of Eastport (the "Partners" when '
        'referred to collectively, or a "Partner" singly) agree as follows:\n'
        "Section 2\nNo Partner shall assign its share without consent. "
        "The Partners shall keep joint accounts."
    )
    duties = found(text, parties=CONTRACT)
    assert [d.owed_by.id for d in duties] == [ALL, ALL]
    # '("Acme" and, together with X, the "Parties")': the first term is one party's own.
    text = (
        'Harbour Authority of Eastport and Northwind Logistics Ltd ("Carrier" and, together '
        'with the Authority, the "Parties") agree as follows:\nSection 2\nCarrier shall '
        "insure the cranes."
    )
    assert only(text, parties=CONTRACT).owed_by.id == "A"


def test_a_party_named_by_its_role_in_the_clause_is_any_party():
    duty = only(
        "Article 9\nTermination shall require the requesting Party to give notice in writing."
    )
    assert duty.owed_by.id == ALL
    duty = only("Article 9\nL'autre Partie communique sa réponse dans les 30 jours.", "fr")
    assert duty.owed_by.id == ALL


def test_a_company_is_recognised_without_its_legal_form_and_its_listed_duties_found():
    text = (
        "Schedule 1\nDUTIES OF THE PARTIES\n\nNorthwind Logistics will:\n\n"
        "     1)   Operate the container terminal      2)   In concert with HAE, dredge the "
        "berths      3)   Furnish monthly traffic figures\n"
    )
    duties = found(text, parties=CONTRACT)
    assert [d.owed_by.id for d in duties] == ["A", "A", "A"]
    assert [d.sentence.split()[0] for d in duties] == ["Operate", "In", "Furnish"]
    assert duties[2].recurrence == "monthly"


ORGANS = [
    PartyRef("X", "République d'Arcadie", "Arcadie", kind="government", country=""),
    PartyRef("Z", "Office binational du fleuve", "OBF", kind="state_enterprise"),
]


def test_a_pronoun_right_before_the_verb_stands_for_the_subject_it_continues():
    text = (
        "Article 6\nLe secrétaire permanent est l'agent comptable de l'OBF. Il tient les "
        "registres de l'OBF et, à ce titre, il transmet les comptes au Conseil. "
        "Il négocie les marchés."
    )
    duties = found(text, "fr", ORGANS)
    assert [d.owed_by.name for d in duties] == ["secrétaire permanent"] * 2
    # Within one sentence: "The Operator agrees that, before any transfer, it will …"
    duty = only(
        "Section 3\nThe Carrier agrees that, before any transfer of cargo, it will notify HAE.",
        parties=CONTRACT,
    )
    assert duty.owed_by.name == "Carrier"


def test_a_relative_pronoun_as_subject_stands_for_the_party_before_it():
    duty = only(
        "Article 8\nLe différend est soumis aux ministres des deux Parties, qui prendront "
        "les mesures appropriées.",
        "fr",
    )
    assert duty.owed_by.id == ALL


def test_the_doer_of_a_passive_is_read_in_its_own_clause_with_its_article():
    duty = only(
        'Section 4\nHAE and Northwind Logistics Ltd (the "Operator") agree as follows:\n'
        "Section 5\nThe dues shall be paid by the Operator into an account, the number of "
        "which shall be notified by HAE.",
        parties=CONTRACT,
    )
    assert duty.owed_by.id == "A"
    duty = only(
        "Section 5\nThe dues shall be paid into an account, the number of which shall be "
        "notified each year by HAE.",
        parties=CONTRACT,
    )
    assert duty.owed_by.id != "B"


def test_a_sentence_cut_by_a_page_break_is_read_whole():
    duty = only(
        "Section 5\nAll harbour dues, including any pilotage fees incurred by the Operator, "
        "shall be\n\n\n\n     paid by Northwind within 30 days of invoice.",
        parties=CONTRACT,
    )
    assert (duty.owed_by.id, duty.due["within"]["value"]) == ("A", 30)


def test_a_power_granted_behind_a_parenthesis_is_a_right_and_a_forbidden_one_a_duty():
    assert (
        found(
            "Section 6\nEither Partner shall, save as set out in Section 9, have authority "
            "to sign cheques on behalf of the venture.",
            parties=CONTRACT,
        )
        == []
    )
    duty = only(
        "Section 6\nNo Party shall be authorised to pledge the assets of the venture.",
        parties=CONTRACT,
    )
    assert (duty.owed_by.id, duty.negative) == (ALL, True)


def test_who_bears_a_loss_is_no_duty_but_a_promise_to_pay_for_it_is():
    assert found("Section 7\nNeither Party shall be liable for the debts of the other.") == []
    assert (
        found("Section 7\nNorthwind shall be liable for damage to the quays.", parties=CONTRACT)
        == []
    )
    duty = only(
        "Section 7\nNorthwind shall indemnify HAE against any claim for damage to the quays.",
        parties=CONTRACT,
    )
    assert (duty.owed_by.id, [p.id for p in duty.owed_to]) == ("A", ["B"])


def test_the_owner_named_in_a_passive_subject_pays_what_it_owns():
    duty = only(
        "Section 8\nOn the winding up of Northwind, its debts shall be paid first.",
        parties=CONTRACT,
    )
    assert duty.owed_by.id == "A"
    duty = only(
        "Section 8\nThe unspent balance of Northwind funds shall be distributed to HAE.",
        parties=CONTRACT,
    )
    assert duty.owed_by.id == "A"
    # … but "the fees of the Authority" are paid to it, not by it.
    duty = only("Section 8\nThe fees of HAE shall be paid within 30 days.", parties=CONTRACT)
    assert duty.owed_by.id != "B"


MINISTRIES = [
    PartyRef("AM", "Bundesministerium für Verkehr", "BMV", kind="government", country="AT"),
    PartyRef(
        "SM",
        "Ministerium für Verkehr der Slowakischen Republik",
        "MDV",
        kind="government",
        country="SK",
    ),
    PartyRef("OP", "Donauhafen Betriebsgesellschaft", "DHB", kind="state_enterprise", country="SK"),
]


def test_german_subject_after_a_condition_put_first_and_inside_the_verb_bracket():
    duty = only(
        "Artikel 4\nSollte die DHB ihren Pflichten nicht nachkommen können, so sorgt das "
        "Ministerium für Verkehr der Slowakischen Republik für die Erfüllung dieser Pflichten.",
        "de",
        MINISTRIES,
    )
    assert duty.owed_by.id == "SM"


def test_a_ministry_is_told_apart_by_its_country_and_read_through_ocr():
    duty = only(
        "Artikel 2\nFerner erklärt slch das Bundes ministerium für Verkehr, Innovation und "
        "Technologie der Republik Österreich bereit, die Kosten zu tragen.",
        "de",
        MINISTRIES,
    )
    assert duty.owed_by.id == "AM"
    duty = only(
        "Artikel 2\nDas Mlnlsterlum für Verkehr der Slowakischen Republik übernimmt die Kosten.",
        "de",
        MINISTRIES,
    )
    assert duty.owed_by.id == "SM"


NEIGHBOURS = [
    PartyRef("GH", "République du Ghana", "Ghana", kind="government", country="GH"),
    PartyRef("TG", "République togolaise", "Togo", kind="government", country="TG"),
]


def test_an_adjective_of_nationality_names_the_party_of_that_country():
    duty = only(
        "Article 5\nLes autorités ghanéennes communiquent la liste des navires.", "fr", NEIGHBOURS
    )
    assert duty.owed_by.id == "GH"
    duty = only(
        "Article 5\nThe Ghanaian authorities shall publish the list of vessels.", parties=NEIGHBOURS
    )
    assert duty.owed_by.id == "GH"
    # Two nationalities together are both parties.
    duty = only(
        "Article 5\nLa session aura lieu sur décision des autorités ghanéennes et togolaises.",
        "fr",
        NEIGHBOURS,
    )
    assert duty.owed_by.id == ALL


def test_whoever_calls_a_meeting_owes_it():
    duty = only(
        "Article 6\nThe first meeting shall be held at the request of the Union within two "
        "months of signature."
    )
    assert duty.owed_by.id == "Y"


def test_the_subject_of_a_main_clause_after_a_condition_put_first():
    duty = only(
        "Article 7\nEn cas de différend sur l'application du présent Accord, le Comité "
        "technique se réunit dans les quinze jours.",
        "fr",
        NEIGHBOURS,
    )
    assert duty.owed_by.name == "Comité technique"
    assert duty.due["within"] == {"value": 15, "unit": "days"}


def test_the_article_heading_names_who_owes_when_the_text_does_not():
    duties = found(
        "Article 5\nObligations of Arcadia\n1. The annual report shall be submitted by "
        "31 March.\n2. It shall keep the register of licences.\n"
        "Article 6 - Relations between Arcadia and the Union\nThe minutes shall be sent "
        "within 10 days."
    )
    assert [(d.owed_by.id, d.owed_by.how) for d in duties] == [
        ("X", "heading"),
        ("X", "heading"),
        (ALL, "implied"),  # a heading naming both parties decides nothing
    ]


def test_french_and_german_duties_that_name_their_party_after_the_verb():
    companies = [
        PartyRef("X", "République d'Arcadie", "Arcadie", kind="government"),
        PartyRef("C", "Société des Eaux du Nord", "SEN", kind="local_firm"),
    ]
    assert (
        only("Article 3\nIl incombe à la SEN de tenir les registres.", "fr", companies).owed_by.id
        == "C"
    )
    duty = only(
        "Article 3\nLa République d'Arcadie veille à ce que les permis soient délivrés.",
        "fr",
        companies,
    )
    assert duty.owed_by.id == "X"
    duty = only("Artikel 3\nDer KfW obliegt die Prüfung der Nachweise.", "de", GERMAN)
    assert duty.owed_by.id == "KFW"


def test_a_defined_term_is_found_whatever_the_ocr_did_to_its_accents():
    companies = [
        PartyRef("X", "République d'Arcadie", "Arcadie", kind="government"),
        PartyRef("C", "Société des Eaux du Nord", "SEN", kind="local_firm"),
    ]
    text = (
        "La Société des Eaux du Nord, ci-après dénommée « l'Exploitant Délégué », et la "
        "République d'Arcadie sont convenues de ce qui suit :\nArticle 3\nL'Exploitant "
        "Delegue doit entretenir le reseau. Il communique a l'Etat un rapport chaque annee."
    )
    duties = found(text, "fr", companies)
    assert [(d.owed_by.id, d.owed_by.how) for d in duties] == [
        ("C", "defined term"),
        ("C", "pronoun"),
    ]
    assert duties[1].recurrence == "annual"


def test_a_passive_duty_done_by_someone_the_agreement_does_not_register():
    duty = only("Article 3\nThe wages of the crew shall be paid by the ship-owners.")
    assert (duty.owed_by.name, duty.owed_by.id, duty.owed_by.how) == ("ship-owners", None, "new")
    duty = only("Article 3\nLa redevance est versée par l'armateur avant le 31 mars.", "fr")
    assert duty.owed_by.name == "armateur"
    # … a means, a rule or a code is no doer; an institution "of" a party is that party.
    duty = only("Article 3\nThe notice shall be sent by fax to the Union.")
    assert duty.owed_by.id is not None
    duty = only("Article 3\nThe costs shall be borne by the competent authorities of Arcadia.")
    assert duty.owed_by.id == "X"
    # Whose books they are, not who audits them, owes having them audited.
    duty = only(
        "Section 7\nNorthwind books shall be audited each year by an independent accountant.",
        parties=CONTRACT,
    )
    assert duty.owed_by.id == "A"


def test_a_list_of_conditions_does_not_swallow_the_duties_that_follow_it():
    text = (
        "Section 15\n15.1 A Party shall be in default if:\n  a) it breaches this Agreement; or\n"
        "  b) it becomes insolvent.\n15.2 If a default occurs:\n  a) the other Party may buy "
        "the shares.\n  b) The Parties agree that they will sign all necessary documents."
    )
    duties = found(text, parties=CONTRACT)
    assert any(d.sentence.startswith("The Parties agree") and d.owed_by.id == ALL for d in duties)


def test_terms_in_a_parenthesis_are_any_party_only_after_two_parties_are_named():
    text = (
        'The compounds selected (each, a "Lead Compound", together the "Leads") are listed.\n'
        "Section 2\nThe Lead Compound shall be tested by Northwind within 90 days."
    )
    duty = only(text, parties=CONTRACT)
    assert duty.owed_by.id == "A"


def test_liability_allocated_in_each_language_is_no_duty_but_a_task_one_is_responsible_for_is():
    assert found("Article 9\nArcadia shall be responsible for any damage to the vessels.") == []
    assert found("Article 9\nL'Union est responsable des dommages causés aux navires.", "fr") == []
    assert found("Artikel 9\nDie KfW haftet für Schäden aus der Durchführung.", "de", GERMAN) == []
    duty = only("Article 9\nArcadia shall be responsible for the maintenance of the buoys.")
    assert duty.owed_by.id == "X"
    duty = only("Article 9\nL'Union est responsable de l'entretien des bouées.", "fr")
    assert duty.owed_by.id == "Y"


def test_what_follows_or_what_a_thing_is_is_no_duty():
    # Consequences, identities, quantities and places, in the form of duties (issue 16).
    for text in (
        "Section 4\nFailure by the operator to comply with point 4 shall entail the suspension "
        "of the licence.",
        "Section 4\nRepeated failure to report catches shall result in the withdrawal of the "
        "authorisation.",
        "Section 4\nThe fiscal year of the Company shall be the calendar year.",
        "Section 4\nThe quorum for a meeting of the Board shall be three directors.",
        "Section 4\nThe guarantee shall be irrevocable until the proceedings have ended.",
        "Section 4\nThe content of the report shall be the same as that of the first report.",
    ):
        assert found(text, parties=CONTRACT) == [], text
    assert found("Article 2\nLe siège social sera fixé à Niamey.", "fr", CONTRACT) == []
    assert found("Article 2\nLe projet est situé dans la province de l'Est.", "fr", CONTRACT) == []
    # … while a party that "shall be" something and does something still owes it.
    assert [
        c.rule for c in found("Section 4\nNorthwind shall pay the fees.", parties=CONTRACT)
    ] == ["en.shall"]
