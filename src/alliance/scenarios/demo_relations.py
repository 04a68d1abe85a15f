# ruff: noqa: E501 -- prose data: a line follows its sentence, not the ruler
"""Expectations, trust pulses, risks, regulation, local indicators, grievances, strategic
objectives and notes on people of the demo scenario."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from alliance.engagement.choices import GrievanceCategory, GrievanceChannel
from alliance.partnerships.choices import ObjectiveSource
from alliance.risks.choices import AlignmentStatus, IndicatorKind, RiskCategory, RiskRating


@dataclass(frozen=True)
class TopicSpec:
    """A topic and its statement template (``{v}`` the target value, ``{d}`` the target date)."""

    key: str
    agreement: str
    fr: str
    en: str
    unit: str
    statement_fr: str
    statement_en: str
    de: str = ""


TOPICS: list[TopicSpec] = [
    TopicSpec("hiring", "concession", "Part d'emplois locaux", "Local hiring share", "%",
              "Au moins {v} % des ouvriers recrutés dans les communes riveraines d'ici le {d}.",
              "At least {v}% of workers hired from the riverside municipalities by {d}.",
              "Anteil lokaler Beschäftigung"),
    TopicSpec("tariff", "concession", "Tarif de référence du fret", "Reference freight tariff",
              "XAF/t·km",
              "Un tarif de référence de {v} XAF par tonne-kilomètre, applicable au {d}.",
              "A reference tariff of {v} XAF per tonne-kilometre, applicable on {d}.",
              "Referenztarif Fracht"),
    TopicSpec("cod", "concession", "Date de mise en service", "Commissioning date", "",
              "Mise en service commerciale de la ligne au plus tard le {d}.",
              "Commercial operation of the line by {d} at the latest.",
              "Inbetriebnahmedatum"),
    TopicSpec("compensation", "concession", "Indemnisation des personnes affectées",
              "Resettlement compensation", "k XAF/ménage",
              "Une indemnisation moyenne de {v} milliers de XAF par ménage, versée avant le {d}.",
              "Average compensation of {v} thousand XAF per household, paid before {d}.",
              "Entschädigung der Betroffenen"),
    TopicSpec("reporting", "concession", "Cadence du reporting", "Reporting cadence", "days",
              "Un rapport d'avancement tous les {v} jours, à partir du {d}.",
              "A progress report every {v} days, starting {d}.", "Berichtsrhythmus"),
    TopicSpec("envmonitoring", "concession", "Surveillance environnementale",
              "Environmental monitoring", "campagnes/an",
              "{v} campagnes de mesure de la qualité de l'eau et de l'air par an, dès le {d}.",
              "{v} water and air quality measurement campaigns a year, from {d}.",
              "Umweltmonitoring"),
    TopicSpec("procurement", "mou", "Achats locaux", "Local procurement share", "%",
              "{v} % des achats du chantier auprès d'entreprises camerounaises d'ici le {d}.",
              "{v}% of site purchases from Cameroonian firms by {d}.", "Lokale Beschaffung"),
    TopicSpec("training", "mou", "Formation aux métiers ferroviaires", "Rail skills training",
              "personnes",
              "{v} personnes formées aux métiers ferroviaires d'ici le {d}.",
              "{v} people trained in rail trades by {d}.", "Ausbildung Bahnberufe"),
    TopicSpec("disbursement", "loan", "Premier décaissement", "First disbursement", "M EUR",
              "Un premier décaissement de {v} M EUR au plus tard le {d}.",
              "A first disbursement of EUR {v} million by {d} at the latest.",
              "Erste Auszahlung"),
    TopicSpec("counterpart", "loan", "Contrepartie nationale", "National counterpart funding",
              "M EUR",
              "Une contrepartie nationale de {v} M EUR mobilisée avant le {d}.",
              "National counterpart funding of EUR {v} million in place before {d}.",
              "Nationaler Eigenbeitrag"),
    TopicSpec("row", "concession", "Libération des emprises", "Right-of-way clearance", "km",
              "{v} km d'emprises libres de toute occupation au {d}.",
              "{v} km of right of way free of any occupation by {d}.", "Trassenfreigabe"),
    TopicSpec("crossings", "concession", "Sécurité des passages à niveau", "Level crossing safety",
              "passages",
              "{v} passages à niveau équipés de barrières automatiques d'ici le {d}.",
              "{v} level crossings fitted with automatic barriers by {d}.",
              "Sicherheit an Bahnübergängen"),
]  # fmt: skip

# topic → [(party, recorded_on, target value or None, target date, priority)]: the later
# records of the same party supersede the earlier ones; most converge in year two.
EXPECTATIONS: dict[str, list[tuple[str, date, str | None, date | None, int]]] = {
    "hiring": [
        ("mint", date(2024, 12, 3), "60", date(2025, 12, 31), 4),
        ("valmont_cm", date(2024, 12, 3), "30", date(2026, 6, 30), 3),
        ("edea", date(2024, 12, 3), "75", date(2025, 9, 30), 4),
        ("kribi", date(2025, 2, 10), "70", date(2025, 12, 31), 4),
        ("valmont_cm", date(2025, 11, 6), "50", date(2026, 3, 31), 3),
        ("mint", date(2025, 11, 6), "55", date(2026, 6, 30), 4),
        ("edea", date(2026, 1, 20), "60", date(2026, 6, 30), 4),
        ("valmont_cm", date(2026, 6, 30), "55", date(2026, 9, 30), 3),
    ],
    "tariff": [
        ("artf", date(2025, 2, 14), "55", date(2027, 6, 30), 3),
        ("valmont_hq", date(2025, 2, 14), "68", date(2027, 6, 30), 4),
        ("cfc", date(2025, 3, 5), "45", date(2027, 6, 30), 3),
        ("mint", date(2025, 5, 20), "50", date(2027, 6, 30), 2),
        ("valmont_hq", date(2025, 12, 9), "60", date(2027, 6, 30), 4),
        ("artf", date(2026, 1, 27), "57", date(2027, 6, 30), 3),
        ("cfc", date(2026, 2, 12), "55", date(2027, 6, 30), 3),
    ],
    "cod": [
        ("mint", date(2024, 11, 14), None, date(2026, 12, 31), 4),
        ("valmont_hq", date(2024, 11, 14), None, date(2027, 9, 30), 4),
        ("minepat", date(2024, 12, 10), None, date(2026, 12, 31), 3),
        ("paib", date(2025, 1, 28), None, date(2027, 6, 30), 3),
        ("cfc", date(2025, 4, 2), None, date(2027, 3, 31), 3),
        ("mint", date(2025, 11, 6), None, date(2027, 6, 30), 4),
        ("minepat", date(2026, 1, 15), None, date(2027, 6, 30), 3),
        ("valmont_hq", date(2026, 9, 18), None, date(2027, 6, 30), 4),
    ],
    "compensation": [
        ("arcke", date(2025, 1, 15), "4500", date(2025, 5, 31), 4),
        ("mint", date(2025, 1, 15), "1800", date(2025, 9, 30), 3),
        ("paib", date(2025, 1, 28), "3200", date(2025, 6, 30), 4),
        ("lolabe", date(2025, 3, 12), "5000", date(2025, 4, 30), 4),
        ("arcke", date(2025, 9, 4), "4000", date(2025, 11, 30), 4),
        ("mint", date(2025, 9, 4), "3000", date(2025, 11, 30), 4),
        ("arcke", date(2025, 11, 28), "3400", date(2025, 12, 31), 3),
        ("mint", date(2025, 11, 28), "3400", date(2025, 12, 31), 3),
    ],
    "reporting": [
        ("paib", date(2025, 1, 28), "30", date(2025, 2, 1), 3),
        ("mint", date(2025, 2, 19), "90", date(2025, 4, 1), 2),
        ("valmont_cm", date(2025, 2, 19), "90", date(2025, 4, 1), 2),
        ("erm", date(2025, 3, 10), "30", date(2025, 4, 1), 3),
        ("mint", date(2025, 11, 6), "30", date(2025, 12, 1), 3),
        ("valmont_cm", date(2025, 11, 6), "30", date(2025, 12, 1), 3),
    ],
    "envmonitoring": [
        ("fdc", date(2025, 3, 12), "12", date(2025, 6, 1), 4),
        ("paib", date(2025, 3, 20), "4", date(2025, 6, 1), 3),
        ("valmont_cm", date(2025, 3, 20), "2", date(2025, 9, 1), 2),
        ("minepded", date(2025, 8, 22), "4", date(2025, 10, 1), 3),
        ("valmont_cm", date(2026, 2, 3), "6", date(2026, 3, 1), 3),
        ("fdc", date(2026, 2, 3), "6", date(2026, 3, 1), 3),
    ],
    "procurement": [
        ("mint", date(2025, 3, 27), "30", date(2026, 12, 31), 3),
        ("sanaga", date(2025, 3, 27), "40", date(2026, 6, 30), 4),
        ("valmont_cm", date(2025, 3, 27), "15", date(2026, 12, 31), 2),
        ("kribi", date(2025, 3, 27), "35", date(2026, 6, 30), 4),
        ("kls", date(2025, 4, 15), "35", date(2026, 6, 30), 4),
        ("valmont_cm", date(2026, 1, 20), "25", date(2026, 12, 31), 3),
        ("sanaga", date(2026, 1, 20), "28", date(2026, 12, 31), 3),
        ("kribi", date(2026, 1, 20), "30", date(2026, 12, 31), 3),
    ],
    "training": [
        ("edea", date(2025, 3, 27), "1200", date(2026, 12, 31), 4),
        ("valmont_cm", date(2025, 3, 27), "400", date(2027, 6, 30), 3),
        ("valmont_hq", date(2025, 3, 27), "300", date(2027, 6, 30), 2),
        ("mint", date(2025, 5, 6), "800", date(2026, 12, 31), 3),
        ("valmont_hq", date(2026, 3, 20), "700", date(2027, 3, 31), 3),
        ("valmont_cm", date(2026, 6, 15), "700", date(2027, 3, 31), 3),
        ("edea", date(2026, 6, 15), "800", date(2027, 3, 31), 3),
    ],
    "disbursement": [
        ("minepat", date(2025, 2, 20), "120", date(2025, 5, 31), 4),
        ("paib", date(2025, 2, 20), "60", date(2025, 9, 30), 3),
        ("mint", date(2025, 4, 2), "120", date(2025, 6, 30), 4),
        ("minepat", date(2025, 7, 8), "80", date(2025, 9, 30), 4),
        ("paib", date(2025, 7, 8), "75", date(2025, 10, 31), 3),
        ("rawabi", date(2025, 7, 8), "40", date(2025, 12, 31), 2),
    ],
    "counterpart": [
        ("minepat", date(2025, 2, 20), "40", date(2025, 12, 31), 3),
        ("paib", date(2025, 2, 20), "85", date(2025, 9, 30), 4),
        ("acd", date(2025, 3, 18), "85", date(2025, 9, 30), 3),
        ("erm", date(2025, 3, 18), "90", date(2025, 9, 30), 4),
        ("minepat", date(2025, 12, 2), "70", date(2026, 3, 31), 3),
        ("paib", date(2025, 12, 2), "75", date(2026, 3, 31), 3),
        ("erm", date(2025, 12, 2), "75", date(2026, 3, 31), 3),
    ],
    "row": [
        ("valmont_cm", date(2025, 1, 20), "38", date(2025, 6, 30), 4),
        ("mint", date(2025, 1, 20), "20", date(2025, 12, 31), 3),
        ("arcke", date(2025, 4, 22), "0", date(2025, 12, 31), 4),
        ("mint", date(2025, 11, 6), "38", date(2025, 12, 15), 4),
        ("valmont_cm", date(2026, 5, 12), "74", date(2026, 10, 15), 4),
        ("mint", date(2026, 5, 12), "60", date(2026, 12, 31), 3),
    ],
    "crossings": [
        ("edea", date(2025, 6, 3), "24", date(2026, 12, 31), 4),
        ("valmont_cm", date(2025, 6, 3), "12", date(2027, 6, 30), 3),
        ("artf", date(2025, 7, 1), "18", date(2027, 6, 30), 3),
        ("kribi", date(2025, 7, 15), "20", date(2026, 12, 31), 4),
        ("valmont_cm", date(2026, 4, 14), "18", date(2027, 6, 30), 3),
        ("edea", date(2026, 4, 14), "20", date(2027, 6, 30), 3),
    ],
}

# Trust pulses: (title fr, title en, opens, closes, round).
PULSES: list[tuple[str, str, date, date]] = [
    ("Baromètre de confiance n° 1 – mars 2025", "Trust pulse no. 1 – March 2025",
     date(2025, 3, 3), date(2025, 3, 21)),
    ("Baromètre de confiance n° 2 – novembre 2025", "Trust pulse no. 2 – November 2025",
     date(2025, 11, 3), date(2025, 11, 21)),
    ("Baromètre de confiance n° 3 – septembre 2026", "Trust pulse no. 3 – September 2026",
     date(2026, 9, 7), date(2026, 9, 25)),
]  # fmt: skip
# respondent person → parties they rate (their own party first: the self-view of the 360°).
PULSE_RESPONDENTS: dict[str, tuple[str, ...]] = {
    "Paul Mbarga": ("mint", "valmont_cm", "valmont_hq", "paib", "erm"),
    "Jean-Baptiste Onana": ("minepat", "paib", "acd", "valmont_hq"),
    "Roger Nkoulou": ("cfc", "valmont_cm", "artf", "mint"),
    "Sylvie Ngo Nyemb": ("edea", "valmont_cm", "mint", "arcke"),
    "Jacques Mbida": ("arcke", "valmont_cm", "mint", "fdc"),
    "Serge Ekotto": ("sanaga", "valmont_cm", "kls"),
    "Julien Moreau": ("valmont_cm", "mint", "edea", "arcke", "cfc", "sanaga"),
    "Olivier Durand": ("valmont_hq", "mint", "minepat", "artf"),
    "Kwame Mensah": ("paib", "mint", "minepat", "valmont_cm"),
    "Anna Weber": ("erm", "mint", "valmont_cm", "paib"),
    "Isabelle Garnier": ("acd", "minepat", "mint", "valmont_cm"),
    "Rosine Ewodo": ("fdc", "valmont_cm", "mint", "arcke"),
}
# Mean rating by round: (self, same side, across the local / international line).
PULSE_LEVELS = [(5.6, 4.3, 2.7), (5.4, 4.6, 3.9), (5.5, 5.3, 5.1)]
PULSE_COMMENTS: list[list[tuple[str, str]]] = [
    [
        ("Ils promettent beaucoup et écrivent peu.", "They promise a lot and write little."),
        ("Aucune visibilité sur le calendrier réel.", "No visibility on the real schedule."),
        ("Les décisions se prennent à Paris, pas ici.", "Decisions are made in Paris, not here."),
        (
            "We never know who decides at the ministry.",
            "On ne sait jamais qui décide au ministère.",
        ),
    ],
    [
        ("La retraite de Kribi a changé le ton.", "The Kribi retreat changed the tone."),
        ("Progrès réels, mais encore des surprises.", "Real progress, but still surprises."),
        ("Payments are finally moving.", "Les paiements avancent enfin."),
    ],
    [
        ("On se parle avant que les problèmes n'arrivent.", "We talk before problems arise."),
        ("A reliable partner now.", "Un partenaire fiable désormais."),
        ("Ils tiennent leurs dates.", "They keep their dates."),
    ],
]


@dataclass(frozen=True)
class RiskSpec:
    agreement: str
    category: str
    rating: str
    likelihood: int
    impact: int
    owner: str
    fr: str
    en: str
    mitigation: str
    status: str
    created: date
    commitments: tuple[str, ...] = ()


RC, RR = RiskCategory, RiskRating
RISKS: list[RiskSpec] = [
    RiskSpec("concession", RC.POLITICAL, RR.SUBSTANTIAL, 4, 3, "mint",
             "Élection présidentielle d'octobre 2025 : gel des décisions ministérielles",
             "October 2025 presidential election: ministerial decisions frozen",
             "Avancer les signatures critiques avant septembre ; aucun courrier de relance "
             "pendant la campagne.", "closed", date(2025, 2, 19), ("dup", "comp1")),
    RiskSpec("concession", RC.MACROECONOMIC, RR.HIGH, 4, 4, "minepat",
             "Tension budgétaire et retard de la contrepartie nationale",
             "Budget pressure and late national counterpart funding",
             "Inscription pluriannuelle de la contrepartie ; suivi mensuel avec le MINEPAT.",
             "mitigated", date(2025, 1, 20), ("budget25", "budget26")),
    RiskSpec("concession", RC.SECTOR, RR.SUBSTANTIAL, 3, 4, "artf",
             "Désaccord sur la grille tarifaire du fret", "Disagreement on the freight tariff",
             "Groupe de travail conjoint ARTFP–Valmont–CFC-SP avec une étude de coûts "
             "indépendante.", "mitigated", date(2025, 3, 5), ("tariff",)),
    RiskSpec("concession", RC.TECHNICAL, RR.MODERATE, 3, 3, "valmont_cm",
             "Sols compressibles dans la plaine de la Sanaga",
             "Compressible soils in the Sanaga plain",
             "Campagne géotechnique complémentaire et remblais préchargés.", "open",
             date(2025, 6, 10), ("earthworks",)),
    RiskSpec("concession", RC.INSTITUTIONAL, RR.SUBSTANTIAL, 4, 3, "mint",
             "Capacité limitée de l'unité de gestion du projet",
             "Limited capacity of the project implementation unit",
             "Assistance technique financée par l'ACD ; recrutement d'un spécialiste passation.",
             "mitigated", date(2025, 2, 1), ("focal",)),
    RiskSpec("concession", RC.FIDUCIARY, RR.SUBSTANTIAL, 3, 4, "mint",
             "Retards de paiement des décomptes et risque de réclamations",
             "Late payment of works invoices and risk of claims",
             "Circuit de paiement accéléré validé par le MINEPAT ; tableau des décomptes partagé.",
             "open", date(2025, 5, 21), ("invoices",)),
    RiskSpec("concession", RC.ENVIRONMENT_SOCIAL, RR.HIGH, 4, 5, "mint",
             "Réinstallation de 1 240 ménages sur les sections 1 et 2",
             "Resettlement of 1,240 households on sections 1 and 2",
             "Paiement par mobile money, comité de médiation, suivi indépendant des prêteurs.",
             "open", date(2024, 12, 3), ("comp1", "comp2", "row2")),
    RiskSpec("concession", RC.ENVIRONMENT_SOCIAL, RR.SUBSTANTIAL, 3, 4, "valmont_cm",
             "Perturbation de la pêche artisanale à Lolabé",
             "Disruption of small-scale fishing at Lolabé",
             "Débarcadère de substitution conçu avec le collectif des pêcheurs.", "closed",
             date(2025, 3, 12), ("landing",)),
    RiskSpec("concession", RC.STAKEHOLDERS, RR.SUBSTANTIAL, 4, 3, "valmont_cm",
             "Défiance des riverains envers les recrutements",
             "Residents' distrust of hiring practices",
             "Listes de demandeurs d'emploi tenues par les communes ; affichage public des "
             "recrutements.", "mitigated", date(2025, 4, 22), ("hire50",)),
    RiskSpec("concession", RC.OTHER, RR.MODERATE, 2, 3, "valmont_hq",
             "Délais de fret maritime des rails", "Sea freight lead times for rails",
             "Commande anticipée du deuxième lot ; stock tampon à Kribi.", "open",
             date(2025, 9, 15), ("rails",)),
    RiskSpec("loan", RC.FIDUCIARY, RR.MODERATE, 3, 3, "minepat",
             "Procédures de passation non conformes aux règles du prêteur",
             "Procurement not compliant with the lender's rules",
             "Manuel de procédures adopté ; revue a priori des marchés > 1 M EUR.", "mitigated",
             date(2025, 3, 1), ("manual",)),
    RiskSpec("loan", RC.MACROECONOMIC, RR.LOW, 1, 3, "minepat",
             "Risque de change EUR/XAF", "EUR/XAF exchange-rate risk",
             "Parité fixe du franc CFA ; pas de couverture nécessaire.", "open",
             date(2025, 2, 20)),
    RiskSpec("mou", RC.STAKEHOLDERS, RR.MODERATE, 3, 2, "valmont_cm",
             "Tensions entre communes sur la répartition des emplois",
             "Tension between municipalities over the allocation of jobs",
             "Clé de répartition publiée et arbitrée par le comité local.", "mitigated",
             date(2025, 6, 2), ("roster_e", "roster_k")),
]  # fmt: skip


@dataclass(frozen=True)
class RequirementSpec:
    agreement: str
    jurisdiction: str
    authority: str
    instrument: str
    requirement: str
    en: str
    deadline: date | None
    status: str
    commitments: tuple[str, ...] = ()


A = AlignmentStatus
REQUIREMENTS: list[RequirementSpec] = [
    RequirementSpec("concession", "CM", "minepded",
                    "Loi n° 96/12 du 5 août 1996 portant loi-cadre relative à la gestion de "
                    "l'environnement",
                    "Obtenir le certificat de conformité environnementale avant tout démarrage "
                    "des travaux.",
                    "Obtain the environmental compliance certificate before any works start.",
                    date(2025, 4, 30), A.ALIGNED, ("esia", "cce")),
    RequirementSpec("concession", "CM", "minepded",
                    "Décret n° 2013/0171/PM du 14 février 2013 (études d'impact)",
                    "Tenir une audience publique dans chaque commune traversée avant "
                    "l'approbation de l'EIES.",
                    "Hold a public hearing in each municipality crossed before the ESIA is "
                    "approved.", date(2025, 3, 15), A.ALIGNED, ("esia",)),
    RequirementSpec("concession", "CM", "mint",
                    "Loi n° 85/09 du 4 juillet 1985 relative à l'expropriation pour cause "
                    "d'utilité publique",
                    "Indemniser les personnes affectées préalablement à toute prise de "
                    "possession des terrains.",
                    "Compensate affected persons before taking possession of any land.",
                    date(2025, 6, 30), A.PARTIAL, ("dup", "comp1", "comp2")),
    RequirementSpec("concession", "CM", "artf",
                    "Cahier des charges de sécurité ferroviaire de l'ARTFP",
                    "Faire homologuer le système de signalisation avant tout train d'essai.",
                    "Have the signalling system certified before any test train.",
                    date(2026, 11, 25), A.PARTIAL, ("signalling", "testtrain")),
    RequirementSpec("concession", "CM-SU", "kribi",
                    "Arrêté municipal sur les nuisances de chantier",
                    "Aucun travail bruyant entre 20 h et 6 h à moins de 300 m des habitations.",
                    "No noisy works between 8 pm and 6 am within 300 m of homes.",
                    None, A.ALIGNED, ("camp",)),
    RequirementSpec("concession", "CM-LT", "edea",
                    "Délibération du conseil municipal d'Édéa sur l'occupation du domaine public",
                    "Obtenir une autorisation d'occupation pour les dépôts de matériaux.",
                    "Obtain an occupation permit for material depots.",
                    date(2025, 9, 30), A.ALIGNED),
    RequirementSpec("concession", "CM", "paib",
                    "Système de sauvegardes intégré de la PAIB – sauvegarde opérationnelle 5",
                    "Réinstallation au coût intégral de remplacement, avec suivi indépendant.",
                    "Resettlement at full replacement cost, with independent monitoring.",
                    date(2025, 7, 15), A.PARTIAL, ("rap", "comp1")),
    RequirementSpec("concession", "CM", "mint",
                    "Loi n° 2006/012 du 29 décembre 2006 fixant le régime général des contrats "
                    "de partenariat",
                    "Publier au Journal officiel tout avenant modifiant l'équilibre du contrat.",
                    "Publish in the Official Gazette any amendment changing the contract's "
                    "balance.", date(2026, 12, 31), A.GAP, ("oprisk",)),
    RequirementSpec("loan", "CM", "minepat",
                    "Décret n° 2018/366 du 20 juin 2018 portant Code des marchés publics",
                    "Passer les marchés de la contrepartie selon le Code, avec publication des "
                    "attributions.",
                    "Award counterpart-funded contracts under the Code and publish the awards.",
                    date(2025, 12, 31), A.ALIGNED, ("manual",)),
    RequirementSpec("mou", "CM", "mint",
                    "Loi n° 2013/004 du 18 avril 2013 fixant les incitations à l'investissement "
                    "privé",
                    "Emploi prioritaire de nationaux et transfert de compétences.",
                    "Priority employment of nationals and skills transfer.",
                    date(2026, 12, 31), A.PARTIAL, ("centre", "women")),
]  # fmt: skip

QUARTERS = [
    date(2024, 12, 31), date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30),
    date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30),
]  # fmt: skip
# (agreement, kind, name fr, name en, unit, target, target date, quarterly values, source)
INDICATORS: list[tuple[str, str, str, str, str, str, date, list[int], str]] = [
    ("mou", IndicatorKind.LOCAL_HIRES, "Emplois locaux (communes riveraines)",
     "Local jobs (riverside municipalities)", "emplois", "1200", date(2026, 12, 31),
     [0, 85, 140, 210, 330, 560, 780, 960], "Registre du personnel de Valmont Cameroun"),
    ("mou", IndicatorKind.LOCAL_HIRES, "Part des emplois locaux", "Local share of jobs", "%",
     "60", date(2026, 12, 31), [0, 22, 25, 28, 34, 45, 52, 57],
     "Registre du personnel, vérifié par les communes"),
    ("mou", IndicatorKind.LOCAL_PROCUREMENT, "Achats auprès d'entreprises camerounaises",
     "Purchases from Cameroonian firms", "M XAF", "18000", date(2026, 12, 31),
     [0, 450, 1200, 2100, 3500, 6200, 9800, 13400], "Comptabilité fournisseurs de Valmont"),
    ("mou", IndicatorKind.LOCAL_PARTNERS, "Entreprises locales sous contrat",
     "Local firms under contract", "entreprises", "40", date(2026, 12, 31),
     [0, 3, 5, 7, 11, 18, 26, 31], "Registre des fournisseurs locaux"),
    ("mou", IndicatorKind.TRAINING, "Personnes formées aux métiers ferroviaires",
     "People trained in rail trades", "personnes", "800", date(2026, 12, 31),
     [0, 0, 20, 45, 80, 160, 340, 520], "Centre de formation d'Édéa"),
    ("concession", IndicatorKind.LOCAL_HIRES, "Femmes dans les effectifs locaux",
     "Women in the local workforce", "%", "20", date(2027, 6, 30),
     [0, 6, 7, 8, 9, 12, 14, 16], "Registre du personnel"),
]  # fmt: skip

# (reference, agreement, channel, category, complainant, summary, received, days to answer,
#  answered after N days or None, resolved after N days or None, resolution)
G, GC = GrievanceChannel, GrievanceCategory
GRIEVANCES: list[tuple] = [
    ("MGP-2025-001", "concession", G.MEETING, GC.LAND, "Famille Ebongue, Lolabé",
     "Bornage de la parcelle contesté : la borne a été posée dans le champ de cacao.",
     date(2025, 3, 12), 15, 41, 70, "Nouveau bornage contradictoire avec le chef de village."),
    ("MGP-2025-002", "concession", G.HOTLINE, GC.EMPLOYMENT, "Anonyme, Édéa",
     "Des recrutements se feraient contre paiement à un intermédiaire.",
     date(2025, 4, 2), 15, 38, 66, "Enquête interne ; intermédiaire écarté, affichage des offres."),
    ("MGP-2025-003", "concession", G.LETTER, GC.COMPENSATION, "ARCKE",
     "Retard de paiement des indemnités de 214 ménages de la section 1.",
     date(2025, 5, 6), 15, 52, 206, "Paiement par mobile money effectué le 28 novembre 2025."),
    ("MGP-2025-004", "concession", G.INTERMEDIARY, GC.ENVIRONMENT, "FDC pour les riverains",
     "Eau de la Lokoundjé troublée en aval de la zone d'emprunt n° 3.",
     date(2025, 6, 18), 10, 29, 61, "Bassin de décantation installé ; analyses publiées."),
    ("MGP-2025-005", "concession", G.MEETING, GC.SAFETY, "École publique de Lolabé",
     "Camions à grande vitesse aux heures de sortie des classes.",
     date(2025, 8, 27), 10, 24, 40, "Plan de circulation révisé, signaleurs aux heures d'école."),
    ("MGP-2025-006", "concession", G.EMAIL, GC.EMPLOYMENT, "Collectif des jeunes de Kribi 2e",
     "Aucun jeune du quartier recruté malgré les promesses.",
     date(2025, 10, 8), 15, 33, 95, "Intégration à la liste communale ; 23 recrutements."),
    ("MGP-2025-007", "concession", G.HOTLINE, GC.LAND, "M. Ndzana, PK 64",
     "Tombes familiales sur l'emprise non recensées.",
     date(2025, 11, 19), 15, 12, 48, "Relocalisation des tombes avec cérémonie, à la charge du projet."),
    ("MGP-2026-001", "concession", G.MEETING, GC.COMPENSATION, "Pêcheurs de Lolabé",
     "Perte de revenus pendant la construction du débarcadère.",
     date(2026, 1, 14), 15, 9, 30, "Indemnité forfaitaire de perte de revenus versée."),
    ("MGP-2026-002", "concession", G.HOTLINE, GC.SAFETY, "Anonyme, PK 19",
     "Tranchée non balisée près d'un chemin d'accès aux champs.",
     date(2026, 3, 2), 5, 2, 6, "Balisage et garde-corps posés le lendemain."),
    ("MGP-2026-003", "concession", G.LETTER, GC.ENVIRONMENT, "Chefferie de Bipindi",
     "Poussière des camions de ballast sur la route du village.",
     date(2026, 5, 11), 15, 7, 35, "Arrosage quotidien de la piste et bâchage des bennes."),
    ("MGP-2026-004", "mou", G.EMAIL, GC.EMPLOYMENT, "Sanaga TP",
     "Retard de paiement d'une facture de sous-traitance de 92 jours.",
     date(2026, 6, 2), 15, 6, 20, "Facture réglée ; procédure de paiement à 30 jours rappelée."),
    ("MGP-2026-005", "concession", G.INTERMEDIARY, GC.LAND, "ARCKE pour 17 ménages du PK 71",
     "Ménages de la section 2 non informés de la date de libération des emprises.",
     date(2026, 9, 3), 15, 11, None, "Réunion d'information tenue ; calendrier en cours."),
    ("MGP-2026-006", "concession", G.LETTER, GC.COMPENSATION, "Famille Mvogo, PK 83",
     "Montant de l'indemnisation contesté pour une maison en dur.",
     date(2026, 10, 20), 15, None, None, ""),
    ("MGP-2026-007", "concession", G.HOTLINE, GC.OTHER, "Anonyme, Édéa",
     "Bruit des travaux de nuit près du quartier de la gare.",
     date(2026, 11, 12), 15, None, None, ""),
]  # fmt: skip

# (agreement, source, code, fr, en, commitments, indicator names fr)
OBJECTIVES: list[tuple[str, str, str, str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("concession", ObjectiveSource.NATIONAL_PLAN, "SND30 2.1",
     "Développer des infrastructures de transport au service de la transformation structurelle",
     "Develop transport infrastructure serving structural transformation",
     ("track1", "testtrain", "portlink"), ()),
    ("concession", ObjectiveSource.SECTOR_STRATEGY, "PDF-2035 3",
     "Relier le port en eau profonde de Kribi au réseau ferroviaire national",
     "Connect the deep-water port of Kribi to the national rail network",
     ("portlink", "platform", "opauth"), ()),
    ("concession", ObjectiveSource.SDG, "ODD 9.1",
     "Mettre en place une infrastructure de qualité, fiable, durable et résiliente",
     "Develop quality, reliable, sustainable and resilient infrastructure",
     ("track1", "esreport"), ("Femmes dans les effectifs locaux",)),
    ("mou", ObjectiveSource.SDG, "ODD 8.5",
     "Parvenir au plein emploi productif et à un travail décent pour tous",
     "Achieve full and productive employment and decent work for all",
     ("grants", "women", "sessions"),
     ("Emplois locaux (communes riveraines)", "Part des emplois locaux")),
    ("mou", ObjectiveSource.NATIONAL_PLAN, "SND30 3.2",
     "Promouvoir le contenu local et l'emploi des jeunes",
     "Promote local content and youth employment",
     ("registry", "centre", "pay30"),
     ("Achats auprès d'entreprises camerounaises", "Entreprises locales sous contrat",
      "Personnes formées aux métiers ferroviaires")),
]  # fmt: skip

# (agreement, person, confidentiality, text): what the counsellor team knows about people.
PERSON_NOTES: list[tuple[str, str, str, str]] = [
    (
        "concession",
        "Hélène Ngo Bassa",
        "internal",
        "Décide de fait sur tout ce qui passe par le ministère. Préfère les notes courtes, en "
        "français, remises en main propre. Ne jamais la mettre devant le fait accompli en comité.",
    ),
    (
        "concession",
        "Paul Mbarga",
        "internal",
        "Allié sincère du projet mais sans délégation de signature. Fiable sur les délais qu'il "
        "annonce lui-même ; éviter de lui faire porter ceux du secrétariat général.",
    ),
    (
        "concession",
        "Olivier Durand",
        "internal",
        "Pense en trimestres de résultats du groupe. Sa patience s'use quand les courriers restent "
        "sans réponse ; lui expliquer le circuit de la dépense avant chaque comité.",
    ),
    (
        "concession",
        "Kwame Mensah",
        "internal",
        "Direct, exigeant sur les sauvegardes, mais cherche une issue. Apprécie qu'on lui signale "
        "les problèmes avant qu'il ne les découvre dans les rapports.",
    ),
    (
        "concession",
        "Sylvie Ngo Nyemb",
        "internal",
        "Élue en campagne jusqu'en mars 2026 : tout sujet d'emploi est politique. Très attachée à "
        "la liste communale des demandeurs d'emploi.",
    ),
    (
        "concession",
        "Jacques Mbida",
        "internal",
        "Ancien instituteur, très respecté. Tient ses engagements quand on tient les nôtres. Le "
        "paiement de novembre 2025 a changé sa posture.",
    ),
    (
        "loan",
        "Jean-Baptiste Onana",
        "internal",
        "Maîtrise parfaitement le calendrier budgétaire ; passer par lui pour toute question de "
        "contrepartie plutôt que par le MINT.",
    ),
    (
        "loan",
        "Faisal Al-Harbi",
        "internal",
        "Decisions only after the Sunday investment committee; no answers during Ramadan. Prefers "
        "calls to e-mails.",
    ),
    (
        "mou",
        "Mireille Mvondo",
        "internal",
        "Entrepreneure solide, capable de monter en puissance si les paiements sont réguliers.",
    ),
    (
        "concession",
        "Anna Weber",
        "restricted",
        "Pressentie pour prendre la direction régionale de l'ERM à Abidjan en 2027 : relation à "
        "entretenir au-delà du projet.",
    ),
]
