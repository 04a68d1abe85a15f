# ruff: noqa: E501 -- prose data: a line follows its sentence, not the ruler
"""The three agreements of the demo, their milestones and the commitments written in them.

Each commitment carries its *outcome* in the story, as a short code that the loader turns
into a dated status history:

- ``ontime:N`` delivered N days before its due date;
- ``late:N`` delivered N days after its due date (marked late on the way);
- ``dispute:N`` disputed while in progress, then delivered N days after its due date;
- ``waived:N`` waived N days after its due date (negative: before);
- ``overdue`` past its due date and still not delivered (status late);
- ``disputed`` disputed and still open;
- ``open`` not due yet (planned, or in progress once started);
- ``ongoing`` a recurring obligation in progress (its due date is the next occurrence).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from alliance.partnerships.choices import (
    AgreementKind,
    CommitmentCategory,
    MaturityStage,
    ParticipationRole,
)

# The story's "today": the last date anything happens in the scenario.
TODAY = date(2026, 11, 20)
# One year after the main agreement's signature: the boundary between distrust and recovery.
YEAR_TWO_STARTS = date(2025, 11, 14)


@dataclass(frozen=True)
class AgreementSpec:
    key: str
    kind: str
    title: str
    translations: dict[str, dict[str, str]]
    reference: str
    summary: str
    signed_on: date
    effective_on: date | None
    ends_on: date | None
    countries: list[str]
    value: Decimal | None
    currency: str
    stage: str
    # party key → (role, power, legitimacy, urgency, interest)
    participations: dict[str, tuple[str, int, int, int, int]]


R = ParticipationRole
AGREEMENTS: list[AgreementSpec] = [
    AgreementSpec(
        key="concession",
        kind=AgreementKind.CONCESSION,
        title="Convention de concession du corridor ferroviaire Port de Kribi – Édéa",
        translations={
            "en": {
                "title": "Concession agreement for the Kribi Port – Edéa rail corridor",
                "summary": "Design, construction, financing and 30-year operation of a 112 km "
                "standard-gauge freight line linking the deep-water port of Kribi to the "
                "national network at Edéa, under the 2024 Cameroon–France "
                "intergovernmental framework agreement.",
            },
            "de": {
                "title": "Konzessionsvertrag für den Bahnkorridor Hafen Kribi – Edéa",
                "summary": "Planung, Bau, Finanzierung und 30-jähriger Betrieb einer 112 km "
                "langen Güterbahn in Normalspur zwischen dem Tiefwasserhafen Kribi und dem "
                "nationalen Netz in Edéa.",
            },
        },
        reference="CONC-CM-2024-017",
        summary="Conception, construction, financement et exploitation pendant 30 ans d'une "
        "ligne de fret à écartement standard de 112 km reliant le port en eau profonde de "
        "Kribi au réseau national à Édéa, dans le cadre de l'accord-cadre "
        "intergouvernemental Cameroun–France de 2024.",
        signed_on=date(2024, 11, 14),
        effective_on=date(2025, 1, 6),
        ends_on=date(2054, 12, 31),
        countries=["CM", "FR", "DE", "SA", "CI"],
        value=Decimal("845000000.00"),
        currency="EUR",
        stage=MaturityStage.IMPLEMENTING,
        participations={
            "mint": (R.SIGNATORY, 5, 5, 4, 5),
            "minepat": (R.SIGNATORY, 4, 5, 3, 3),
            "minepded": (R.REGULATOR, 3, 5, 3, 3),
            "artf": (R.REGULATOR, 4, 5, 2, 3),
            "cfc": (R.BENEFICIARY, 3, 4, 4, 5),
            "pak": (R.BENEFICIARY, 3, 4, 3, 4),
            "edea": (R.BENEFICIARY, 2, 4, 4, 5),
            "kribi": (R.BENEFICIARY, 2, 4, 3, 4),
            "valmont_hq": (R.SIGNATORY, 4, 4, 3, 5),
            "valmont_cm": (R.CONTRACTOR, 4, 4, 5, 5),
            "sanaga": (R.CONTRACTOR, 1, 3, 3, 4),
            "kls": (R.CONTRACTOR, 1, 3, 2, 4),
            "dic": (R.CONTRACTOR, 1, 3, 2, 3),
            "acd": (R.LENDER, 4, 4, 2, 3),
            "erm": (R.LENDER, 4, 4, 2, 3),
            "rawabi": (R.LENDER, 3, 3, 2, 3),
            "paib": (R.LENDER, 5, 5, 3, 4),
            "fdc": (R.OBSERVER, 1, 3, 4, 4),
            "arcke": (R.BENEFICIARY, 1, 4, 5, 5),
            "lolabe": (R.BENEFICIARY, 1, 4, 4, 5),
        },
    ),
    AgreementSpec(
        key="loan",
        kind=AgreementKind.LOAN,
        title="Loan agreement – Kribi–Edéa rail corridor (phase 1)",
        translations={
            "fr": {
                "title": "Accord de prêt – Corridor ferroviaire Kribi–Édéa (phase 1)",
                "summary": "Prêt syndiqué de 620 M EUR mené par la PAIB avec l'ACD, l'ERM et le "
                "Fonds Rawabi, au bénéfice de la République du Cameroun (MINEPAT), pour la "
                "contrepartie publique des travaux et l'indemnisation des personnes affectées.",
            },
            "de": {
                "title": "Darlehensvertrag – Bahnkorridor Kribi–Edéa (Phase 1)",
                "summary": "Konsortialdarlehen über 620 Mio. EUR unter Führung der PAIB mit ACD, "
                "ERM und dem Rawabi-Fonds an die Republik Kamerun (MINEPAT).",
            },
        },
        reference="PAIB-L-CM-2025-03",
        summary="EUR 620 million syndicated loan led by PAIB with ACD, ERM and the Rawabi Fund "
        "to the Republic of Cameroon (MINEPAT), financing the public share of the works and "
        "the compensation of affected persons.",
        signed_on=date(2025, 2, 20),
        effective_on=date(2025, 6, 12),
        ends_on=date(2045, 6, 30),
        countries=["CM", "CI", "FR", "DE", "SA"],
        value=Decimal("620000000.00"),
        currency="EUR",
        stage=MaturityStage.IMPLEMENTING,
        participations={
            "minepat": (R.SIGNATORY, 5, 5, 3, 4),
            "mint": (R.BENEFICIARY, 4, 5, 4, 5),
            "minepded": (R.REGULATOR, 2, 4, 2, 2),
            "cfc": (R.BENEFICIARY, 2, 3, 2, 3),
            "paib": (R.LENDER, 5, 5, 3, 4),
            "acd": (R.LENDER, 4, 4, 2, 3),
            "erm": (R.LENDER, 4, 4, 2, 3),
            "rawabi": (R.LENDER, 3, 3, 2, 3),
            "valmont_hq": (R.OBSERVER, 2, 3, 3, 4),
        },
    ),
    AgreementSpec(
        key="mou",
        kind=AgreementKind.MOU,
        title="Protocole d'accord sur le contenu local du corridor Kribi–Édéa",
        translations={
            "en": {
                "title": "Memorandum of understanding on local content – Kribi–Edéa corridor",
                "summary": "Local hiring, local procurement, training and support to local "
                "firms along the corridor, monitored by a joint committee with the "
                "municipalities and the riverside communities.",
            },
            "de": {
                "title": "Absichtserklärung zur lokalen Wertschöpfung – Korridor Kribi–Edéa",
                "summary": "Lokale Beschäftigung, lokale Beschaffung, Ausbildung und "
                "Unterstützung lokaler Unternehmen entlang des Korridors.",
            },
        },
        reference="PA-CL-2025-001",
        summary="Emploi local, achats locaux, formation et appui aux entreprises locales le long "
        "du corridor, suivis par un comité conjoint avec les communes et les riverains.",
        signed_on=date(2025, 3, 27),
        effective_on=date(2025, 4, 1),
        ends_on=date(2028, 12, 31),
        countries=["CM", "FR"],
        value=None,
        currency="",
        stage=MaturityStage.INTEGRATED,
        participations={
            "valmont_cm": (R.SIGNATORY, 4, 4, 4, 5),
            "valmont_hq": (R.SIGNATORY, 4, 4, 2, 3),
            "mint": (R.SIGNATORY, 4, 5, 3, 4),
            "edea": (R.SIGNATORY, 3, 5, 4, 5),
            "kribi": (R.SIGNATORY, 3, 5, 4, 5),
            "sanaga": (R.BENEFICIARY, 1, 3, 4, 5),
            "kls": (R.BENEFICIARY, 1, 3, 4, 5),
            "dic": (R.BENEFICIARY, 1, 3, 3, 4),
            "arcke": (R.BENEFICIARY, 1, 4, 5, 5),
            "lolabe": (R.BENEFICIARY, 1, 4, 4, 5),
            "fdc": (R.OBSERVER, 1, 3, 3, 4),
            "pak": (R.OBSERVER, 2, 3, 2, 3),
        },
    ),
]


@dataclass(frozen=True)
class MilestoneSpec:
    key: str
    agreement: str
    fr: str
    en: str
    due_on: date
    reached_on: date | None
    de: str = ""


MILESTONES: list[MilestoneSpec] = [
    MilestoneSpec("cp", "concession", "Conditions suspensives levées",
                  "Conditions precedent satisfied", date(2025, 3, 31), date(2025, 6, 30),
                  "Aufschiebende Bedingungen erfüllt"),
    MilestoneSpec("esia", "concession", "EIES approuvée", "ESIA approved",
                  date(2025, 4, 30), date(2025, 8, 22), "UVP genehmigt"),
    MilestoneSpec("row1", "concession", "Emprises de la section 1 libérées",
                  "Section 1 right of way released", date(2025, 7, 31), date(2025, 12, 15)),
    MilestoneSpec("works", "concession", "Démarrage des travaux de la section 1",
                  "Section 1 works start", date(2025, 9, 1), date(2026, 1, 12), "Baubeginn Abschnitt 1"),
    MilestoneSpec("track1", "concession", "Pose de voie achevée sur la section 1",
                  "Section 1 track-laying complete", date(2026, 9, 30), date(2026, 9, 18)),
    MilestoneSpec("test", "concession", "Premier train d'essai Kribi–Lolabé",
                  "First test train Kribi–Lolabé", date(2026, 11, 30), None, "Erster Testzug Kribi–Lolabé"),
    MilestoneSpec("cod", "concession", "Mise en service commerciale",
                  "Commercial operation date", date(2027, 6, 30), None, "Kommerzielle Inbetriebnahme"),
    MilestoneSpec("effect", "loan", "Entrée en vigueur du prêt", "Loan effectiveness",
                  date(2025, 4, 30), date(2025, 6, 12), "Inkrafttreten des Darlehens"),
    MilestoneSpec("disb1", "loan", "Premier décaissement", "First disbursement",
                  date(2025, 7, 31), date(2025, 10, 20), "Erste Auszahlung"),
    MilestoneSpec("mtr", "loan", "Revue à mi-parcours", "Mid-term review",
                  date(2026, 10, 31), date(2026, 10, 27), "Halbzeitüberprüfung"),
    MilestoneSpec("lcp", "mou", "Plan de contenu local adopté", "Local content plan adopted",
                  date(2025, 6, 30), date(2025, 9, 10)),
    MilestoneSpec("registry", "mou", "Registre des fournisseurs locaux opérationnel",
                  "Local supplier registry live", date(2025, 10, 31), date(2026, 1, 20)),
    MilestoneSpec("centre", "mou", "Centre de formation ferroviaire ouvert",
                  "Rail training centre opened", date(2026, 6, 30), date(2026, 6, 15),
                  "Eisenbahn-Ausbildungszentrum eröffnet"),
]  # fmt: skip


@dataclass(frozen=True)
class CommitmentSpec:
    key: str
    agreement: str
    clause: str
    category: str
    owed_by: str
    owed_to: tuple[str, ...]
    fr: str
    en: str
    due: date | tuple[str, int]
    outcome: str
    depends_on: tuple[str, ...] = ()
    milestone: str | None = None
    recurrence: str = "none"
    de: str = ""
    durations: tuple[int, int, int] | None = None


C = CommitmentCategory
LENDERS = ("paib", "acd", "erm", "rawabi")
D = date


def _c(*args, **kwargs) -> CommitmentSpec:
    return CommitmentSpec(*args, **kwargs)


COMMITMENTS: list[CommitmentSpec] = [
    # --- concession: set-up and governance -------------------------------------------------
    _c("spv", "concession", "art. 5.1", C.GOVERNANCE, "valmont_hq", ("mint", "minepat"),
       "Constituer la société de projet et notifier la répartition de son capital",
       "Incorporate the project company and notify its shareholding",
       ("effective", 45), "late:21", durations=(15, 25, 45)),
    _c("copil", "concession", "art. 5.3", C.GOVERNANCE, "mint", ("valmont_hq", "valmont_cm"),
       "Installer le comité de pilotage conjoint", "Set up the joint steering committee",
       ("effective", 30), "late:14", de="Gemeinsamen Lenkungsausschuss einrichten"),
    _c("focal", "concession", "art. 5.4", C.GOVERNANCE, "mint", ("valmont_cm", "paib"),
       "Nommer le point focal interministériel du projet",
       "Appoint the inter-ministerial project focal point", ("signed", 60), "late:91"),
    _c("resident", "concession", "art. 5.5", C.GOVERNANCE, "valmont_hq", ("mint",),
       "Nommer un directeur de projet résident au Cameroun",
       "Appoint a resident project director in Cameroon", ("effective", 15), "ontime:4"),
    _c("bond", "concession", "art. 8.4", C.FINANCIAL, "valmont_hq", ("mint", "paib"),
       "Fournir la garantie de bonne exécution", "Provide the performance bond",
       ("effective", 30), "ontime:2", de="Erfüllungsgarantie stellen"),
    _c("equity", "concession", "art. 8.5", C.FINANCIAL, "valmont_hq", ("mint", "paib", "acd"),
       "Boucler le financement en fonds propres", "Close the equity financing",
       D(2025, 3, 31), "late:45", depends_on=("spv",), milestone="cp"),
    _c("budget25", "concession", "art. 8.1", C.FINANCIAL, "minepat", ("valmont_hq", "paib"),
       "Inscrire la contrepartie nationale 2025 au budget de l'État",
       "Budget the 2025 national counterpart funding", D(2025, 1, 31), "late:89",
       milestone="cp"),
    _c("budget26", "concession", "art. 8.1", C.FINANCIAL, "minepat", ("valmont_hq", "paib"),
       "Inscrire la contrepartie nationale 2026 au budget de l'État",
       "Budget the 2026 national counterpart funding", D(2026, 1, 31), "ontime:9"),
    _c("invoices", "concession", "art. 8.3", C.FINANCIAL, "mint", ("valmont_hq",),
       "Régler les décomptes mensuels de travaux sous 60 jours",
       "Pay the monthly works invoices within 60 days", D(2026, 12, 15), "ongoing",
       recurrence="monthly"),
    _c("oprisk", "concession", "art. 9.2", C.GOVERNANCE, "mint", ("valmont_hq", "artf"),
       "Signer l'avenant n° 1 sur le partage du risque trafic",
       "Sign amendment no. 1 on traffic risk sharing", D(2025, 10, 31), "disputed",
       de="Nachtrag Nr. 1 zur Verkehrsrisikoteilung unterzeichnen"),
    _c("tariff", "concession", "art. 9.1", C.GOVERNANCE, "artf", ("valmont_hq", "mint", "cfc"),
       "Publier la grille tarifaire de référence du fret",
       "Publish the reference freight tariff schedule", D(2025, 9, 30), "dispute:182"),
    # --- concession: environment, land and resettlement --------------------------------------
    _c("esia", "concession", "art. 6.2", C.REGULATORY, "valmont_cm", ("minepded", "paib"),
       "Soumettre l'étude d'impact environnemental et social (EIES)",
       "Submit the environmental and social impact assessment (ESIA)", D(2025, 3, 15),
       "late:66", milestone="esia", de="Umwelt- und Sozialverträglichkeitsstudie einreichen"),
    _c("cce", "concession", "art. 6.3", C.REGULATORY, "minepded", ("valmont_cm", "paib"),
       "Délivrer le certificat de conformité environnementale",
       "Issue the environmental compliance certificate", D(2025, 4, 30), "late:114",
       depends_on=("esia",), milestone="esia"),
    _c("biodiv", "concession", "art. 6.4", C.REGULATORY, "valmont_cm", ("minepded", "fdc"),
       "Réaliser l'inventaire de biodiversité du tronçon forestier de la Lokoundjé",
       "Run the biodiversity baseline of the Lokoundjé forest stretch", D(2025, 5, 31),
       "waived:40"),
    _c("dup", "concession", "art. 6.5", C.REGULATORY, "mint", ("valmont_cm", "arcke", "lolabe"),
       "Prendre le décret de déclaration d'utilité publique",
       "Issue the public-interest declaration decree", D(2025, 3, 31), "late:66"),
    _c("rap", "concession", "art. 6.6", C.TECHNICAL, "valmont_cm", ("mint", "paib"),
       "Finaliser le plan d'action de réinstallation (PAR)",
       "Finalise the resettlement action plan (RAP)", D(2025, 4, 15), "late:66"),
    _c("census", "concession", "art. 6.6", C.TECHNICAL, "mint", ("arcke", "lolabe", "valmont_cm"),
       "Valider le recensement des personnes affectées de la section 1",
       "Validate the census of affected persons on section 1", D(2025, 4, 30), "late:52",
       depends_on=("dup",)),
    _c("comp1", "concession", "art. 6.7", C.FINANCIAL, "mint", ("arcke", "lolabe", "edea", "kribi"),
       "Verser les indemnisations de la section 1 aux personnes affectées",
       "Pay section 1 compensation to affected persons", D(2025, 6, 30), "late:151",
       depends_on=("census", "rap"), de="Entschädigungen für Abschnitt 1 auszahlen"),
    _c("sites", "concession", "art. 6.8", C.LOCAL_CONTENT, "edea", ("valmont_cm", "arcke"),
       "Désigner les sites de réinstallation à Édéa", "Designate resettlement sites in Edéa",
       D(2025, 5, 31), "late:122"),
    _c("row1", "concession", "art. 6.9", C.TECHNICAL, "mint", ("valmont_cm",),
       "Libérer les emprises de la section 1 (Kribi–Lolabé)",
       "Hand over the section 1 right of way (Kribi–Lolabé)", D(2025, 7, 31), "late:137",
       depends_on=("comp1",), milestone="row1"),
    _c("grm", "concession", "art. 12.1", C.GOVERNANCE, "valmont_cm", ("fdc", "arcke", "lolabe"),
       "Mettre en place le mécanisme de gestion des plaintes",
       "Set up the grievance mechanism", ("effective", 60), "late:84"),
    _c("landing", "concession", "art. 12.2", C.LOCAL_CONTENT, "valmont_cm", ("lolabe", "pak"),
       "Aménager le débarcadère de substitution des pêcheurs de Lolabé",
       "Build the replacement landing site for the Lolabé fishers", D(2026, 3, 31), "ontime:6"),
    _c("comp2", "concession", "art. 6.7", C.FINANCIAL, "mint", ("arcke", "edea"),
       "Verser les indemnisations de la section 2 (Lolabé–Édéa)",
       "Pay section 2 compensation (Lolabé–Edéa)", D(2026, 7, 31), "ontime:7",
       depends_on=("comp1",)),
    _c("row2", "concession", "art. 6.9", C.TECHNICAL, "mint", ("valmont_cm",),
       "Libérer les emprises de la section 2 (Lolabé–Édéa)",
       "Hand over the section 2 right of way (Lolabé–Edéa)", D(2026, 10, 15), "overdue",
       depends_on=("comp2",)),
    _c("roads", "concession", "art. 12.6", C.LOCAL_CONTENT, "valmont_cm", ("edea", "kribi"),
       "Réhabiliter les pistes d'accès dégradées par les engins",
       "Repair the access tracks damaged by heavy machinery", D(2026, 8, 31), "overdue"),
    _c("permits", "concession", "art. 12.5", C.REGULATORY, "kribi", ("valmont_cm",),
       "Délivrer les permis de bâtir de la base vie de Lolabé",
       "Issue the building permits for the Lolabé camp", D(2025, 6, 30), "late:51"),
    # --- concession: technical -----------------------------------------------------------------
    _c("apd", "concession", "art. 7.1", C.TECHNICAL, "valmont_cm", ("mint", "cfc"),
       "Remettre l'avant-projet détaillé (APD) de la voie",
       "Deliver the detailed design of the track", D(2025, 4, 30), "ontime:2",
       de="Entwurfsplanung des Gleises übergeben"),
    _c("opdata", "concession", "art. 7.2", C.TECHNICAL, "cfc", ("valmont_cm",),
       "Transmettre les données d'exploitation de la ligne existante",
       "Hand over the operating data of the existing line", D(2025, 3, 31), "late:92"),
    _c("norms", "concession", "art. 7.3", C.TECHNICAL, "artf", ("valmont_cm", "cfc"),
       "Approuver les normes techniques de la voie (charge à l'essieu)",
       "Approve the track technical standards (axle load)", D(2025, 6, 15), "dispute:109",
       depends_on=("apd",)),
    _c("camp", "concession", "art. 7.4", C.TECHNICAL, "valmont_cm", ("mint",),
       "Mobiliser les équipements et installer la base vie de Lolabé",
       "Mobilise equipment and set up the Lolabé camp", D(2025, 8, 31), "late:45",
       depends_on=("permits",)),
    _c("earthworks", "concession", "art. 7.5", C.TECHNICAL, "valmont_cm", ("mint", "cfc"),
       "Achever les terrassements de la section 1", "Complete the section 1 earthworks",
       D(2026, 4, 30), "late:8", depends_on=("row1", "camp", "norms"), milestone="works"),
    _c("rails", "concession", "art. 7.6", C.TECHNICAL, "valmont_hq", ("valmont_cm", "mint"),
       "Livrer les rails et traverses du premier lot", "Deliver the first lot of rails and sleepers",
       D(2026, 2, 28), "ontime:8"),
    _c("track1", "concession", "art. 7.7", C.TECHNICAL, "valmont_cm", ("mint", "cfc"),
       "Poser la voie de la section 1 (Kribi–Lolabé, 38 km)",
       "Lay the section 1 track (Kribi–Lolabé, 38 km)", D(2026, 9, 30), "ontime:12",
       depends_on=("earthworks", "rails"), milestone="track1",
       de="Gleis im Abschnitt 1 verlegen (Kribi–Lolabé, 38 km)"),
    _c("platform", "concession", "art. 7.8", C.TECHNICAL, "pak", ("valmont_cm",),
       "Mettre à disposition la plateforme du terminal ferroviaire portuaire",
       "Make the port rail terminal platform available", D(2025, 12, 31), "late:10"),
    _c("portlink", "concession", "art. 7.9", C.TECHNICAL, "valmont_cm", ("cfc", "pak"),
       "Construire le raccordement ferroviaire au terminal du port",
       "Build the rail connection to the port terminal", D(2026, 10, 31), "overdue",
       depends_on=("platform", "earthworks")),
    _c("signalling", "concession", "art. 7.10", C.TECHNICAL, "valmont_cm", ("artf", "cfc"),
       "Faire homologuer le système de signalisation de la section 1",
       "Have the section 1 signalling system certified", D(2026, 11, 25), "open",
       depends_on=("track1",)),
    _c("testtrain", "concession", "art. 7.11", C.TECHNICAL, "valmont_cm", ("mint", "artf", "cfc"),
       "Réaliser les essais dynamiques et le premier train d'essai",
       "Run the dynamic tests and the first test train", D(2026, 11, 30), "open",
       depends_on=("track1", "signalling"), milestone="test",
       de="Dynamische Tests und ersten Testzug durchführen"),
    _c("crews", "concession", "art. 7.12", C.LOCAL_CONTENT, "cfc", ("valmont_cm",),
       "Recruter et former les équipes de conduite", "Recruit and train the train crews",
       D(2027, 3, 31), "open"),
    _c("opauth", "concession", "art. 7.13", C.REGULATORY, "artf", ("valmont_cm", "cfc"),
       "Délivrer l'autorisation de mise en exploitation",
       "Grant the operating authorisation", D(2027, 5, 31), "open",
       depends_on=("testtrain",), milestone="cod"),
    # --- concession: reporting and local content ---------------------------------------------
    _c("monthly", "concession", "art. 10.1", C.REPORTING, "valmont_cm", ("mint", "paib", "acd", "erm"),
       "Rapport mensuel d'avancement des travaux", "Monthly construction progress report",
       D(2026, 12, 10), "ongoing", recurrence="monthly",
       de="Monatlicher Baufortschrittsbericht"),
    _c("esreport", "concession", "art. 10.2", C.REPORTING, "valmont_cm", ("paib", "acd", "erm", "minepded"),
       "Rapport trimestriel de suivi environnemental et social",
       "Quarterly environmental and social monitoring report", D(2027, 1, 15), "ongoing",
       recurrence="quarterly"),
    _c("govreport", "concession", "art. 10.3", C.REPORTING, "mint", ("paib", "acd", "erm"),
       "Rapport semestriel du Gouvernement sur l'avancement du projet",
       "Government's semi-annual project progress report", D(2027, 1, 31), "ongoing",
       recurrence="semiannual"),
    _c("grmreport", "concession", "art. 10.4", C.REPORTING, "valmont_cm", ("fdc", "arcke"),
       "Publier le bilan annuel des plaintes", "Publish the annual grievance report",
       D(2027, 1, 31), "ongoing", recurrence="annual"),
    _c("artfreport", "concession", "art. 10.5", C.REPORTING, "artf", ("mint",),
       "Publier le rapport annuel de régulation 2025", "Publish the 2025 annual regulatory report",
       D(2026, 4, 30), "late:20"),
    _c("hire50", "concession", "art. 11.1", C.LOCAL_CONTENT, "valmont_cm", ("mint", "edea", "kribi"),
       "Recruter localement 50 % des ouvriers non qualifiés",
       "Hire 50% of unskilled workers locally", D(2025, 12, 31), "late:74",
       de="50 % der ungelernten Arbeitskräfte lokal einstellen"),
    _c("sub20", "concession", "art. 11.2", C.LOCAL_CONTENT, "valmont_cm", ("sanaga", "kls", "dic"),
       "Attribuer 20 % des sous-traitances à des entreprises camerounaises",
       "Award 20% of subcontracts to Cameroonian firms", D(2026, 6, 30), "ontime:10"),
    # --- loan agreement ------------------------------------------------------------------------
    _c("legalop", "loan", "s. 4.01(a)", C.GOVERNANCE, "minepat", LENDERS,
       "Fournir l'avis juridique du ministère de la Justice",
       "Deliver the legal opinion of the Ministry of Justice", D(2025, 3, 31), "late:58",
       milestone="effect"),
    _c("account", "loan", "s. 4.01(b)", C.FINANCIAL, "minepat", LENDERS,
       "Ouvrir le compte désigné du projet", "Open the project designated account",
       D(2025, 4, 15), "late:45", milestone="effect"),
    _c("piu", "loan", "s. 5.02", C.GOVERNANCE, "mint", LENDERS,
       "Doter l'unité de gestion du projet d'un comptable et d'un spécialiste de la passation",
       "Staff the project implementation unit with an accountant and a procurement specialist",
       D(2025, 4, 30), "late:76"),
    _c("effective", "loan", "s. 4.02", C.FINANCIAL, "paib", ("minepat", "mint"),
       "Déclarer l'entrée en vigueur du prêt", "Declare the loan effective", D(2025, 4, 30),
       "late:43", depends_on=("legalop", "account"), milestone="effect",
       de="Inkrafttreten des Darlehens erklären"),
    _c("manual", "loan", "s. 5.03", C.REGULATORY, "minepat", LENDERS,
       "Adopter le manuel de procédures administratives, financières et comptables",
       "Adopt the administrative, financial and accounting procedures manual",
       D(2025, 5, 31), "late:90"),
    _c("iec", "loan", "s. 5.06", C.REGULATORY, "erm", ("paib", "acd", "rawabi", "minepat"),
       "Recruter le consultant indépendant E&S des prêteurs",
       "Appoint the lenders' independent E&S consultant", D(2025, 5, 31), "ontime:4",
       de="Unabhängigen E&S-Berater der Kreditgeber beauftragen"),
    _c("rawabi", "loan", "s. 2.04", C.FINANCIAL, "rawabi", ("minepat", "paib"),
       "Signer l'accord de cofinancement du Fonds Rawabi",
       "Sign the Rawabi Fund co-financing agreement", D(2025, 6, 30), "late:76"),
    _c("nobjection", "loan", "s. 5.07", C.REGULATORY, "paib", ("minepat", "mint"),
       "Émettre l'avis de non-objection sur le plan de réinstallation",
       "Issue the no-objection on the resettlement plan", D(2025, 7, 15), "late:21"),
    _c("disb1", "loan", "s. 2.06", C.FINANCIAL, "paib", ("minepat", "mint"),
       "Effectuer le premier décaissement", "Make the first disbursement", D(2025, 7, 31),
       "late:81", depends_on=("effective", "nobjection"), milestone="disb1",
       de="Erste Auszahlung vornehmen"),
    _c("ifr", "loan", "s. 5.09", C.REPORTING, "mint", LENDERS,
       "Transmettre les rapports financiers intermédiaires non audités (RFI)",
       "Submit the interim unaudited financial reports (IFR)", D(2027, 1, 15), "ongoing",
       recurrence="quarterly"),
    _c("counterpart", "loan", "s. 3.03", C.FINANCIAL, "minepat", ("paib", "acd"),
       "Verser la contrepartie nationale au compte désigné",
       "Pay the counterpart funds into the designated account", D(2025, 12, 31), "late:58",
       depends_on=("account",)),
    _c("signal_acd", "loan", "s. 2.05", C.FINANCIAL, "acd", ("minepat",),
       "Cofinancer le lot signalisation (tranche ACD)",
       "Co-finance the signalling lot (ACD tranche)", D(2026, 3, 31), "ontime:19",
       depends_on=("disb1",)),
    _c("stock_erm", "loan", "s. 2.05", C.FINANCIAL, "erm", ("minepat",),
       "Décaisser la tranche ERM pour le matériel roulant",
       "Disburse the ERM tranche for rolling stock", D(2026, 9, 30), "ontime:1",
       depends_on=("disb1",), de="ERM-Tranche für das rollende Material auszahlen"),
    _c("audit25", "loan", "s. 5.10", C.REPORTING, "minepat", LENDERS,
       "Transmettre les états financiers audités du projet pour 2025",
       "Submit the project's audited financial statements for 2025", D(2026, 6, 30), "ontime:4"),
    _c("mtr", "loan", "s. 5.12", C.GOVERNANCE, "paib", ("minepat", "mint"),
       "Conduire la revue à mi-parcours", "Conduct the mid-term review", D(2026, 10, 31),
       "ontime:4", milestone="mtr", de="Halbzeitüberprüfung durchführen"),
    _c("fee", "loan", "s. 2.08", C.FINANCIAL, "minepat", ("paib",),
       "Payer la commission d'engagement semestrielle", "Pay the semi-annual commitment fee",
       D(2027, 1, 15), "ongoing", recurrence="semiannual"),
    _c("techaudit", "loan", "s. 5.11", C.REPORTING, "mint", LENDERS,
       "Faire réaliser l'audit technique indépendant annuel",
       "Commission the annual independent technical audit", D(2026, 12, 31), "open",
       recurrence="annual"),
    # --- local-content memorandum -------------------------------------------------------------
    _c("lcplan", "mou", "§ 3.1", C.LOCAL_CONTENT, "valmont_cm", ("mint", "edea", "kribi"),
       "Adopter le plan de contenu local", "Adopt the local content plan", D(2025, 6, 30),
       "late:72", milestone="lcp", de="Plan zur lokalen Wertschöpfung verabschieden"),
    _c("committee", "mou", "§ 2.2", C.GOVERNANCE, "mint", ("valmont_cm", "edea", "kribi"),
       "Désigner le comité local de suivi du contenu local",
       "Designate the local content monitoring committee", D(2025, 5, 31), "late:60"),
    _c("roster_e", "mou", "§ 3.3", C.LOCAL_CONTENT, "edea", ("valmont_cm", "arcke"),
       "Établir la liste des demandeurs d'emploi riverains d'Édéa",
       "Compile the roster of local job seekers in Edéa", D(2025, 7, 31), "late:66"),
    _c("roster_k", "mou", "§ 3.3", C.LOCAL_CONTENT, "kribi", ("valmont_cm", "lolabe"),
       "Établir la liste des demandeurs d'emploi riverains de Kribi",
       "Compile the roster of local job seekers in Kribi", D(2025, 7, 31), "late:28"),
    _c("registry", "mou", "§ 4.1", C.LOCAL_CONTENT, "valmont_cm", ("sanaga", "kls", "dic"),
       "Ouvrir le registre des fournisseurs locaux", "Open the local supplier registry",
       D(2025, 10, 31), "late:81", depends_on=("lcplan",), milestone="registry"),
    _c("sessions", "mou", "§ 3.4", C.LOCAL_CONTENT, "valmont_cm", ("arcke", "lolabe"),
       "Tenir une séance d'information sur les recrutements dans chaque village",
       "Hold a hiring information session in each village", D(2026, 12, 31), "ongoing",
       recurrence="quarterly"),
    _c("fundcentre", "mou", "§ 5.1", C.FINANCIAL, "valmont_hq", ("mint", "edea"),
       "Financer le centre de formation ferroviaire d'Édéa",
       "Fund the Edéa rail training centre", D(2026, 3, 31), "ontime:11"),
    _c("centre", "mou", "§ 5.2", C.LOCAL_CONTENT, "valmont_cm", ("mint", "edea"),
       "Ouvrir le centre de formation ferroviaire d'Édéa", "Open the Edéa rail training centre",
       D(2026, 6, 30), "ontime:15", depends_on=("fundcentre",), milestone="centre",
       de="Eisenbahn-Ausbildungszentrum Edéa eröffnen"),
    _c("iso45001", "mou", "§ 4.3", C.TECHNICAL, "sanaga", ("valmont_cm",),
       "Obtenir la certification ISO 45001 (santé et sécurité au travail)",
       "Obtain ISO 45001 certification (occupational health and safety)", D(2026, 5, 31),
       "late:40"),
    _c("trucks", "mou", "§ 4.4", C.TECHNICAL, "kls", ("valmont_cm",),
       "Mettre en service la flotte de camions de ravitaillement",
       "Put the supply truck fleet into service", D(2026, 1, 31), "ontime:6"),
    _c("geotech", "mou", "§ 4.5", C.TECHNICAL, "dic", ("valmont_cm",),
       "Livrer les études géotechniques des ouvrages d'art",
       "Deliver the geotechnical studies of the structures", D(2025, 8, 31), "late:42"),
    _c("lcreport", "mou", "§ 6.1", C.REPORTING, "valmont_cm", ("mint", "edea", "kribi", "fdc"),
       "Publier le rapport semestriel de contenu local", "Publish the semi-annual local content report",
       D(2027, 1, 31), "ongoing", recurrence="semiannual"),
    _c("liaisons", "mou", "§ 6.3", C.GOVERNANCE, "fdc", ("arcke", "lolabe"),
       "Former les relais communautaires au mécanisme de plaintes",
       "Train community liaisons on the grievance mechanism", D(2025, 9, 30), "ontime:8"),
    _c("pay30", "mou", "§ 4.2", C.FINANCIAL, "valmont_cm", ("sanaga", "kls", "dic"),
       "Payer les sous-traitants locaux sous 30 jours", "Pay local subcontractors within 30 days",
       D(2026, 12, 20), "ongoing", recurrence="monthly"),
    _c("portaccess", "mou", "§ 4.6", C.LOCAL_CONTENT, "pak", ("kls", "sanaga"),
       "Accorder un accès prioritaire au port aux fournisseurs locaux agréés",
       "Grant approved local suppliers priority access to the port", D(2026, 2, 28), "disputed"),
    _c("grants", "mou", "§ 5.3", C.LOCAL_CONTENT, "valmont_cm", ("edea", "arcke"),
       "Attribuer 30 bourses d'apprentissage aux jeunes d'Édéa",
       "Award 30 apprenticeship grants to young people from Edéa", D(2026, 12, 31), "open"),
    _c("women", "mou", "§ 3.5", C.LOCAL_CONTENT, "valmont_cm", ("edea", "kribi", "fdc"),
       "Porter à 15 % la part des femmes dans les effectifs locaux",
       "Raise the share of women in the local workforce to 15%", D(2026, 9, 30), "late:35"),
]  # fmt: skip
