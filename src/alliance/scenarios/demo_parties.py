"""The cast of the demo scenario: parties with their rhythms, their people, the demo users.

The story is set in Cameroon (ISO ``CM``), French-speaking host of a port–rail corridor between
the deep-water port of Kribi and Edéa. Organisation and person names are fictional, apart from
public bodies and places that only set the scene.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from alliance.accounts.choices import Role
from alliance.partnerships.choices import PartyKind, PartyLevel

# The one password of every demo account (a demo, not a deployment).
DEMO_PASSWORD = "alliance-demo"


@dataclass(frozen=True)
class PartySpec:
    """One organisation of the consortium. ``local`` marks the host-country side."""

    key: str
    name: str
    short_name: str
    kind: str
    country: str
    local: bool
    decision_cycle_days: int = 20
    approval_steps: int = 2
    working_week: str = "1111100"
    holiday_country: str = ""
    holiday_subdivision: str = ""
    fiscal_year_start_month: int = 1
    level: str = PartyLevel.HEADQUARTERS
    parent: str | None = None


def _cm(key: str, name: str, short: str, kind: str, cycle: int, steps: int, **extra) -> PartySpec:
    return PartySpec(
        key,
        name,
        short,
        kind,
        "CM",
        True,
        decision_cycle_days=cycle,
        approval_steps=steps,
        holiday_country="CM",
        **extra,
    )


K = PartyKind
PARTIES: list[PartySpec] = [
    _cm("mint", "Ministère des Transports", "MINT", K.GOVERNMENT, 45, 5),
    _cm(
        "minepat",
        "Ministère de l'Économie, de la Planification et de l'Aménagement du Territoire",
        "MINEPAT",
        K.GOVERNMENT,
        60,
        6,
    ),
    _cm(
        "minepded",
        "Ministère de l'Environnement, de la Protection de la Nature et du Développement Durable",
        "MINEPDED",
        K.GOVERNMENT,
        50,
        4,
    ),
    _cm(
        "artf",
        "Autorité de Régulation des Transports Ferroviaires et Portuaires",
        "ARTFP",
        K.REGULATOR,
        30,
        3,
    ),
    _cm(
        "cfc",
        "Chemins de Fer du Cameroun – Société de Patrimoine",
        "CFC-SP",
        K.STATE_ENTERPRISE,
        35,
        4,
    ),
    _cm(
        "pak",
        "Port Autonome de Kribi",
        "PAK",
        K.STATE_ENTERPRISE,
        25,
        3,
        working_week="1111110",
    ),
    _cm("edea", "Commune d'Édéa 1er", "Édéa 1er", K.LOCAL_AUTHORITY, 40, 3),
    _cm("kribi", "Commune de Kribi 2e", "Kribi 2e", K.LOCAL_AUTHORITY, 35, 3),
    PartySpec(
        "valmont_hq",
        "Valmont Rail & Ports SA",
        "Valmont",
        K.MULTINATIONAL,
        "FR",
        False,
        decision_cycle_days=15,
        approval_steps=3,
        holiday_country="FR",
        fiscal_year_start_month=4,
    ),
    PartySpec(
        "valmont_cm",
        "Valmont Rail & Ports – Direction de projet Kribi–Édéa",
        "Valmont Cameroun",
        K.MULTINATIONAL,
        "CM",
        False,
        decision_cycle_days=7,
        approval_steps=2,
        working_week="1111110",
        holiday_country="CM",
        fiscal_year_start_month=4,
        level=PartyLevel.FIELD,
        parent="valmont_hq",
    ),
    _cm(
        "sanaga", "Sanaga Travaux Publics SARL", "STP", K.LOCAL_FIRM, 10, 1, working_week="1111110"
    ),
    _cm("kls", "Kribi Logistique et Services SA", "KLS", K.LOCAL_FIRM, 8, 1),
    _cm("dic", "Douala Ingénierie Conseil", "DIC", K.LOCAL_FIRM, 12, 2),
    PartySpec(
        "acd",
        "Agence de Coopération pour le Développement",
        "ACD",
        K.LENDER,
        "FR",
        False,
        decision_cycle_days=40,
        approval_steps=4,
        holiday_country="FR",
    ),
    PartySpec(
        "erm",
        "Entwicklungsbank Rhein-Main",
        "ERM",
        K.LENDER,
        "DE",
        False,
        decision_cycle_days=35,
        approval_steps=4,
        holiday_country="DE",
        holiday_subdivision="HE",
    ),
    PartySpec(
        "rawabi",
        "Rawabi Infrastructure Development Fund",
        "Rawabi Fund",
        K.LENDER,
        "SA",
        False,
        decision_cycle_days=30,
        approval_steps=3,
        working_week="1111001",  # Sunday to Thursday (numpy weekmask: Monday first)
        holiday_country="SA",
    ),
    PartySpec(
        "paib",
        "Banque Panafricaine pour l'Infrastructure",
        "PAIB",
        K.MULTILATERAL,
        "CI",
        False,
        decision_cycle_days=55,
        approval_steps=6,
        holiday_country="CI",
    ),
    _cm("fdc", "Forêts et Droits des Communautés", "FDC", K.NGO, 15, 2),
    _cm(
        "arcke",
        "Association des riverains du corridor Kribi–Édéa",
        "ARCKE",
        K.COMMUNITY,
        20,
        2,
        working_week="1111110",
    ),
    _cm(
        "lolabe",
        "Collectif des pêcheurs de Lolabé",
        "Pêcheurs de Lolabé",
        K.COMMUNITY,
        15,
        1,
        working_week="0111111",  # the fishers rest on Monday, not on Sunday
    ),
]
PARTY_KEYS = [p.key for p in PARTIES]
LOCAL = {p.key for p in PARTIES if p.local}

# (party, starts, ends, reason): when a party decides nothing.
BLACKOUTS: list[tuple[str, date, date, str]] = [
    (
        "mint",
        date(2025, 9, 27),
        date(2025, 10, 27),
        "Élection présidentielle (campagne et résultats)",
    ),
    ("minepat", date(2025, 9, 27), date(2025, 10, 27), "Élection présidentielle"),
    ("minepat", date(2025, 11, 20), date(2026, 1, 15), "Gel budgétaire de fin d'exercice 2025"),
    ("mint", date(2025, 12, 15), date(2026, 1, 10), "Gel budgétaire et congés de fin d'année"),
    ("edea", date(2026, 2, 16), date(2026, 3, 14), "Campagne des élections municipales"),
    ("kribi", date(2026, 2, 16), date(2026, 3, 14), "Campagne des élections municipales"),
    ("erm", date(2025, 12, 19), date(2026, 1, 6), "Jahresabschluss – Kreditausschuss tagt nicht"),
    ("rawabi", date(2025, 3, 1), date(2025, 3, 31), "Ramadan and Eid al-Fitr"),
    ("rawabi", date(2026, 2, 18), date(2026, 3, 22), "Ramadan and Eid al-Fitr"),
    ("paib", date(2025, 5, 19), date(2025, 5, 30), "Annual meetings of the Board of Governors"),
    ("valmont_hq", date(2025, 8, 1), date(2025, 8, 25), "Fermeture estivale du siège"),
]


@dataclass(frozen=True)
class PersonSpec:
    party: str
    name: str
    role_title: str
    languages: str
    user: str | None = None


PEOPLE: list[PersonSpec] = [
    PersonSpec("mint", "Paul Mbarga", "Directeur des chemins de fer", "fr,en", user="paul"),
    PersonSpec("mint", "Hélène Ngo Bassa", "Secrétaire générale", "fr"),
    PersonSpec("mint", "Emmanuel Tchoffo", "Chef de la cellule de suivi des projets", "fr,en"),
    PersonSpec("minepat", "Jean-Baptiste Onana", "Directeur de la dette publique", "fr,en"),
    PersonSpec("minepat", "Brigitte Essomba", "Cheffe de division des financements", "fr"),
    PersonSpec(
        "minepded", "Martin Abega", "Sous-directeur des évaluations environnementales", "fr"
    ),
    PersonSpec("artf", "Clarisse Fotso", "Directrice de la régulation économique", "fr,en"),
    PersonSpec("artf", "Didier Kamga", "Ingénieur sécurité ferroviaire", "fr"),
    PersonSpec("cfc", "Roger Nkoulou", "Directeur général", "fr"),
    PersonSpec("cfc", "Yvonne Mballa", "Directrice technique", "fr,en"),
    PersonSpec("pak", "Albert Moukoko", "Directeur des opérations portuaires", "fr,en"),
    PersonSpec("edea", "Sylvie Ngo Nyemb", "Maire", "fr"),
    PersonSpec("edea", "Thomas Dikoume", "Secrétaire général de la mairie", "fr"),
    PersonSpec("kribi", "Marcel Bivina", "Maire", "fr"),
    PersonSpec("valmont_hq", "Olivier Durand", "Directeur Afrique", "fr,en"),
    PersonSpec("valmont_hq", "Nathalie Roussel", "Directrice juridique", "fr,en,de"),
    PersonSpec("valmont_cm", "Julien Moreau", "Directeur de projet", "fr,en", user="julien"),
    PersonSpec("valmont_cm", "Fatou Ndiaye", "Responsable environnement et social", "fr,en"),
    PersonSpec("valmont_cm", "Patrick Essono", "Responsable RH et contenu local", "fr"),
    PersonSpec("sanaga", "Serge Ekotto", "Gérant", "fr"),
    PersonSpec("kls", "Mireille Mvondo", "Directrice générale", "fr,en"),
    PersonSpec("dic", "Christian Ngando", "Ingénieur principal", "fr,en"),
    PersonSpec("acd", "Isabelle Garnier", "Cheffe de projet", "fr,en"),
    PersonSpec("acd", "Philippe Baron", "Directeur de l'agence de Yaoundé", "fr"),
    PersonSpec("erm", "Anna Weber", "Portfolio Manager West Africa", "de,en,fr", user="anna"),
    PersonSpec("erm", "Markus Keller", "Umwelt- und Sozialexperte", "de,en"),
    PersonSpec("rawabi", "Faisal Al-Harbi", "Investment Director, Africa", "ar,en"),
    PersonSpec("paib", "Kwame Mensah", "Task Team Leader", "en,fr"),
    PersonSpec("paib", "Aïssata Koné", "Spécialiste principale des sauvegardes sociales", "fr,en"),
    PersonSpec("fdc", "Rosine Ewodo", "Coordinatrice", "fr"),
    PersonSpec("arcke", "Jacques Mbida", "Président", "fr"),
    PersonSpec("arcke", "Bernadette Ngono", "Trésorière", "fr"),
    PersonSpec("lolabe", "Gaston Nlend", "Chef du collectif", "fr"),
]


@dataclass(frozen=True)
class UserSpec:
    """A demo account: its memberships are (agreement key, role, represented party)."""

    username: str
    first_name: str
    last_name: str
    description: str
    memberships: tuple[tuple[str, str, str | None], ...] = ()
    is_staff: bool = False
    is_superuser: bool = False
    email: str = field(default="")


ALL_AGREEMENTS = ("concession", "loan", "mou")
USERS: list[UserSpec] = [
    UserSpec("admin", "Admin", "Alliance", "administrator", is_staff=True, is_superuser=True),
    UserSpec(
        "claire",
        "Claire",
        "Fontaine",
        "alliance manager",
        tuple((a, Role.OWNER, None) for a in ALL_AGREEMENTS),
        is_staff=True,
    ),
    UserSpec(
        "samuel",
        "Samuel",
        "Nkeng",
        "counsellor",
        tuple((a, Role.COUNSELLOR, None) for a in ALL_AGREEMENTS),
    ),
    UserSpec("ines", "Inès", "Kouam", "editor", (("concession", Role.EDITOR, None),)),
    UserSpec(
        "paul",
        "Paul",
        "Mbarga",
        "party representative",
        tuple((a, Role.PARTY_REPRESENTATIVE, "mint") for a in ALL_AGREEMENTS),
    ),
    UserSpec(
        "julien",
        "Julien",
        "Moreau",
        "party representative",
        (
            ("concession", Role.PARTY_REPRESENTATIVE, "valmont_cm"),
            ("mou", Role.PARTY_REPRESENTATIVE, "valmont_cm"),
        ),
    ),
    UserSpec(
        "anna",
        "Anna",
        "Weber",
        "party representative",
        (
            ("concession", Role.PARTY_REPRESENTATIVE, "erm"),
            ("loan", Role.PARTY_REPRESENTATIVE, "erm"),
        ),
    ),
    UserSpec("elise", "Élise", "Tamba", "decision maker", (("concession", Role.VIEWER, None),)),
    UserSpec("guest", "Invité", "Sans accès", "no membership"),
]
