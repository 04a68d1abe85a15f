"""The words the scale generator draws from (``alliance.scenarios.generator``).

Plain strings that are the choices' values (the generator's tests check each one against the
models' choices), so that rows can go straight to ``COPY`` without any conversion.
"""

from __future__ import annotations

import random
from typing import Any

# One shared, never mutated value for "no translations": the common case, and no allocation.
NO_TRANSLATIONS: dict[str, Any] = {}

REP_USERS = 5

HOST_COUNTRIES = (
    "SN", "CI", "KE", "GH", "NG", "MA", "TZ", "ET", "VN", "ID",
    "PE", "CO", "BD", "EG", "RW", "UZ", "KZ", "MZ", "CM", "JO",
)  # fmt: skip
ORIGIN_COUNTRIES = ("FR", "DE", "US", "GB", "JP", "CN", "NL", "IT", "ES", "KR", "TR", "CH", "CA")
# Their working week runs Sunday to Thursday (mask: Monday … Sunday).
SUNDAY_WEEK_COUNTRIES = {"EG", "JO"}

# weight: share of the pool; local: drawn in host countries; cycle: decision cycle in days;
# steps: most approval steps; blackouts: may have blackout periods (elections, budget freeze).
PARTY_KINDS: dict[str, dict[str, Any]] = {
    "government": {
        "weight": 10, "local": True, "abbr": "MIN", "cycle": (30, 90), "steps": 8,
        "blackouts": True,
        "names": ["Ministry of Transport ({country})", "Ministry of Finance ({country})",
                  "Ministry of Energy ({country})", "Ministry of Planning ({country})"],
    },
    "regulator": {
        "weight": 6, "local": True, "abbr": "REG", "cycle": (20, 60), "steps": 5,
        "blackouts": True,
        "names": ["Transport Regulatory Authority ({country})",
                  "Environmental Agency ({country})", "Energy Regulator ({country})"],
    },
    "state_enterprise": {
        "weight": 8, "local": True, "abbr": "SOE", "cycle": (20, 60), "steps": 6,
        "blackouts": True,
        "names": ["National Railways ({country})", "Port Authority ({country})",
                  "National Power Utility ({country})"],
    },
    "local_authority": {
        "weight": 8, "local": True, "abbr": "LA", "cycle": (15, 45), "steps": 4,
        "blackouts": True,
        "names": ["Regional Council ({country})", "Municipality ({country})"],
    },
    "multinational": {
        "weight": 14, "local": False, "abbr": "MNC", "cycle": (5, 15), "steps": 3,
        "blackouts": False,
        "names": ["Global Infrastructure Group ({country})", "Rail Systems Holding ({country})",
                  "Engineering & Construction SA ({country})"],
    },
    "local_firm": {
        "weight": 24, "local": True, "abbr": "LF", "cycle": (3, 10), "steps": 2,
        "blackouts": False,
        "names": ["Construction Services ({country})", "Logistics Partners ({country})",
                  "Civil Works Cooperative ({country})", "Training Institute ({country})"],
    },
    "lender": {
        "weight": 8, "local": False, "abbr": "DFI", "cycle": (15, 45), "steps": 5,
        "blackouts": False,
        "names": ["Development Finance Institution ({country})",
                  "Export Credit Agency ({country})"],
    },
    "multilateral": {
        "weight": 4, "local": False, "abbr": "MDB", "cycle": (30, 75), "steps": 7,
        "blackouts": False,
        "names": ["Multilateral Development Bank ({country})", "Regional Investment Bank"],
    },
    "ngo": {
        "weight": 8, "local": False, "abbr": "NGO", "cycle": (7, 20), "steps": 2,
        "blackouts": False,
        "names": ["Transparency Watch ({country})", "Environmental Defence Fund ({country})"],
    },
    "community": {
        "weight": 10, "local": True, "abbr": "COM", "cycle": (10, 40), "steps": 2,
        "blackouts": False,
        "names": ["Fishermen's Association ({country})", "Residents' Committee ({country})",
                  "Women's Cooperative ({country})"],
    },
}  # fmt: skip
FIELD_OFFICE_KINDS = ("multinational", "lender")
FIELD_OFFICE_SHARE = 0.3
BLACKOUT_REASONS = ("General elections", "Budget freeze", "Year-end closing", "Ramadan")

# The core cast of an agreement, in the order it is drawn (a second local firm at the end).
CAST = (
    "government", "regulator", "lender", "multinational", "local_firm", "community",
    "state_enterprise", "multilateral", "local_authority", "local_firm", "ngo",
)  # fmt: skip
# A party's usual role in an agreement, and its usual power (0–5).
ROLE_OF_KIND = {
    "government": ("signatory", 5),
    "regulator": ("regulator", 4),
    "state_enterprise": ("signatory", 4),
    "local_authority": ("beneficiary", 2),
    "multinational": ("contractor", 4),
    "local_firm": ("contractor", 2),
    "lender": ("lender", 5),
    "multilateral": ("lender", 5),
    "ngo": ("observer", 1),
    "community": ("beneficiary", 1),
}

FIRST_NAMES = (
    "Awa", "Moussa", "Fatou", "Jean", "Claire", "Amina", "Kwame", "Ngozi", "Hiroshi", "Li",
    "Sofia", "Carlos", "Ines", "Omar", "Leila", "Thomas", "Anna", "Yusuf", "Grace", "Pedro",
)  # fmt: skip
LAST_NAMES = (
    "Diop", "Ndiaye", "Traoré", "Martin", "Dubois", "Mensah", "Okafor", "Tanaka", "Wang",
    "García", "Silva", "Haddad", "Benali", "Schmidt", "Müller", "Kamau", "Mwangi", "Nguyen",
)  # fmt: skip
ROLE_TITLES = (
    "Director", "Project manager", "Legal counsel", "Procurement lead", "Head of E&S",
    "Community liaison", "Financial controller", "Technical adviser",
)  # fmt: skip

AGREEMENT_KINDS = ("bilateral", "concession", "loan", "mou", "consortium")
AGREEMENT_TITLES = {
    "bilateral": ("bilateral agreement", "accord bilatéral"),
    "concession": ("concession", "concession"),
    "loan": ("loan agreement", "accord de prêt"),
    "mou": ("local-content MoU", "protocole sur le contenu local"),
    "consortium": ("consortium agreement", "accord de consortium"),
}
SECTORS = (
    ("Port–rail corridor", "Corridor port–rail"),
    ("Urban water network", "Réseau d'eau urbain"),
    ("Solar power plant", "Centrale solaire"),
    ("Toll highway", "Autoroute à péage"),
    ("Regional airport", "Aéroport régional"),
    ("Hydropower dam", "Barrage hydroélectrique"),
    ("Fibre backbone", "Dorsale en fibre optique"),
)
AGREEMENT_SUMMARY = "Synthetic agreement written by the scale generator for load tests."
STAGES = ("signed", "calibrating", "implementing", "integrated", "alliance")

MILESTONES = (
    ("Financial close", "Bouclage financier"),
    ("Permits obtained", "Permis obtenus"),
    ("Land released", "Libération des emprises"),
    ("Construction start", "Début des travaux"),
    ("Local content plan approved", "Plan de contenu local approuvé"),
    ("Mid-term review", "Revue à mi-parcours"),
    ("Commissioning", "Mise en service"),
    ("First revenue", "Premières recettes"),
)

INTERACTION_KINDS = (
    ("meeting", "call", "letter", "site_visit", "workshop"),
    (40, 30, 15, 8, 7),
)
_SUBJECTS = {
    "en": ("the disbursement schedule", "land acquisition", "local hiring", "the tariff formula",
           "the environmental permit", "the reporting calendar", "the procurement plan"),
    "fr": ("le calendrier de décaissement", "l'acquisition foncière", "l'emploi local",
           "la formule tarifaire", "le permis environnemental", "le calendrier des rapports",
           "le plan de passation des marchés"),
}  # fmt: skip
_KIND_WORDS = {
    "en": {"meeting": "Meeting", "call": "Call", "letter": "Letter", "site_visit": "Site visit",
           "workshop": "Workshop"},
    "fr": {"meeting": "Réunion", "call": "Appel", "letter": "Courrier",
           "site_visit": "Visite de site", "workshop": "Atelier"},
}  # fmt: skip
_OUTCOMES = {
    "en": {-2: "Open disagreement; escalation requested.", -1: "Tense exchange; positions apart.",
           0: "Positions noted; follow-up agreed.", 1: "Constructive; next steps agreed.",
           2: "Warm exchange; issue settled."},
    "fr": {-2: "Désaccord ouvert ; escalade demandée.", -1: "Échange tendu ; positions éloignées.",
           0: "Positions notées ; suivi convenu.", 1: "Constructif ; prochaines étapes convenues.",
           2: "Échange chaleureux ; question réglée."},
}  # fmt: skip


def interaction_summary(r: random.Random, language: str, kind: str, names: str, tone: int) -> str:
    """A one-line summary in the interaction's language: who, on what, how it went."""
    about = "on" if language == "en" else "sur"
    subject = r.choice(_SUBJECTS[language])
    return f"{_KIND_WORDS[language][kind]} {names} {about} {subject}. {_OUTCOMES[language][tone]}"


COMMITMENT_CATEGORIES = (
    "regulatory", "financial", "technical", "local_content", "reporting", "governance",
)  # fmt: skip
COMMITMENT_TITLES = {
    "regulatory": ("Obtain the environmental permit", "File the land-use application",
                   "Publish the resettlement action plan", "Secure the operating licence"),
    "financial": ("Disburse the loan tranche", "Open the escrow account",
                  "Pay the concession fee", "Provide the performance bond"),
    "technical": ("Deliver the detailed design", "Complete the geotechnical survey",
                  "Commission the signalling system", "Hand over the works site"),
    "local_content": ("Hire local workers for the works", "Award subcontracts to local firms",
                      "Run the vocational training programme", "Publish local supplier list"),
    "reporting": ("Submit the progress report", "Submit the E&S monitoring report",
                  "Submit audited financial statements", "Report on local content"),
    "governance": ("Convene the steering committee", "Appoint the independent engineer",
                   "Adopt the grievance procedure", "Approve the annual work plan"),
}  # fmt: skip
EVIDENCE = "Confirmed by the counterpart in writing; document on file."

TOPICS = (
    ("Local hiring quota", "Quota d'emploi local", "%"),
    ("Tariff indexation", "Indexation des tarifs", "%"),
    ("Land acquisition timeline", "Calendrier d'acquisition foncière", ""),
    ("Environmental permit", "Permis environnemental", ""),
    ("Disbursement schedule", "Calendrier de décaissement", ""),
    ("Local procurement share", "Part des achats locaux", "%"),
    ("Training places", "Places de formation", "people"),
)
EXPECTATION_STATEMENT = "Expects clear progress on {topic} by the target date."

RISKS = (
    ("political", "Change of government after the elections"),
    ("macroeconomic", "Currency depreciation raises debt service"),
    ("sector", "Tariff reform delayed"),
    ("technical", "Ground conditions worse than surveyed"),
    ("institutional", "Implementing agency understaffed"),
    ("fiduciary", "Procurement complaints delay awards"),
    ("environment_social", "Resettlement disputes"),
    ("stakeholders", "Community opposition to the works"),
    ("other", "Supply-chain disruption"),
)
RISK_RATINGS = ("low", "moderate", "substantial", "high")
MITIGATION = "Monitor monthly; escalate to the steering committee if it materialises."

REQUIREMENTS = (
    ("Environmental Code ({year})", "Environmental and social impact assessment approved."),
    ("Public Procurement Decree ({year})", "Competitive tender for works above the threshold."),
    ("Local Content Act ({year})", "Minimum share of local staff and suppliers."),
    ("Land Tenure Law ({year})", "Compensation paid before land is occupied."),
)
ALIGNMENT_STATUSES = ("not_assessed", "gap", "partial", "aligned")
WARNING_EXPLANATION = "The due date has passed and no delivery has been recorded."

INDICATORS = (
    ("local_hires", "Local hires", "people", 1200),
    ("local_procurement", "Local procurement", "% of spend", 35),
    ("local_partners", "Local partners engaged", "firms", 40),
    ("training", "People trained", "people", 600),
)
OBJECTIVES = (
    ("national_plan", "NDP-2.3", "Integrated regional transport network"),
    ("sector_strategy", "SEC-4", "Universal access to reliable power"),
    ("sdg", "9.1", "Quality, reliable, sustainable and resilient infrastructure"),
    ("sdg", "8.5", "Full and productive employment and decent work"),
)

GRIEVANCE_CHANNELS = ("hotline", "meeting", "letter", "email", "intermediary")
GRIEVANCE_CATEGORIES = ("land", "employment", "environment", "safety", "compensation", "other")
GRIEVANCE_SUMMARY = {
    "land": "Fence built on a family plot without notice.",
    "employment": "Local applicants turned away at the site gate.",
    "environment": "Dust from the works affects the market.",
    "safety": "Trucks drive fast through the school zone.",
    "compensation": "Compensation for crops not yet paid.",
    "other": "Noise at night near the camp.",
}
COMPLAINANTS = ("Village committee", "Anonymous", "Market traders", "Parents' association")
RESOLUTION = "Met the complainants, agreed a remedy and confirmed it in writing."
