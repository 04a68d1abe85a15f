"""Who an organisation in a published file is: its identity (a valid organisation identifier,
else its normalised name and country), its country (from the identifier, never from the
activity it appears in) and its kind (from the IATI organisation type)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

from alliance.interchange.values import _country_names, country_code
from alliance.partnerships.choices import PartyKind

# org-id.guide identifiers: a list prefix (an ISO country or XI / XM, then the register's
# code, e.g. GB-COH, US-EIN, CA-CRA_ACR, XM-DAC, XI-IATI) then the id within the list; the
# older IATI agency form (country-agency, e.g. CA-3, GB-GOV-1, SE-0) is accepted too.
ORG_ID = re.compile(r"^(?P<country>[A-Z]{2})-(?P<rest>[A-Za-z0-9_]+(?:-[^\s]+)?)$")
# DAC channel / donor codes written bare (World Bank: 44001); codes ending in 000 are
# categories of organisation (51000: universities), not one organisation.
DAC_CODE = re.compile(r"^\d{1,6}$")
INTERNATIONAL = {"XI", "XM"}
# DAC donor codes → the donor's country (bilateral agencies: XM-DAC-12-1 is the UK's).
DAC_DONORS = {
    "1": "AT", "2": "BE", "3": "DK", "4": "FR", "5": "DE", "6": "IT", "7": "NL", "8": "NO",
    "9": "PT", "10": "SE", "11": "CH", "12": "GB", "18": "FI", "20": "IS", "21": "IE",
    "22": "LU", "40": "GR", "50": "ES", "61": "SI", "68": "CZ", "69": "SK", "75": "HU",
    "76": "PL", "84": "LT", "301": "CA", "302": "US", "701": "JP", "742": "KR", "801": "AU",
    "820": "NZ",
}  # fmt: skip
# Where an organisation belongs when it is not a country's: the EU institutions and the UN
# system (Babel names both territories); other multilaterals are international (ZZ).
EU, UN, NOWHERE = "EU", "UN", "ZZ"

# IATI OrganisationType → party kind.
ORG_KIND = {
    "10": PartyKind.GOVERNMENT,
    "11": PartyKind.LOCAL_AUTHORITY,
    "15": PartyKind.STATE_ENTERPRISE,
    "21": PartyKind.NGO,
    "22": PartyKind.NGO,
    "23": PartyKind.NGO,
    "24": PartyKind.NGO,
    "30": PartyKind.MULTINATIONAL,
    "40": PartyKind.MULTILATERAL,
    "60": PartyKind.NGO,
    "70": PartyKind.MULTINATIONAL,
    "71": PartyKind.MULTINATIONAL,
    "72": PartyKind.LOCAL_FIRM,
    "73": PartyKind.MULTINATIONAL,
    "80": PartyKind.NGO,
    "90": PartyKind.NGO,
}


# Classification schemes that carry the IATI organisation type (written in several ways).
TYPE_SCHEMES = {"iatiorganisationtype", "organisationtype", "organizationtype", "iatiorgtype"}
# EU public procurement's contracting authority types (TED), as OCDS publishers give them.
TED_KIND = {
    "ministry": PartyKind.GOVERNMENT,
    "national_agency": PartyKind.GOVERNMENT,
    "regional_authority": PartyKind.LOCAL_AUTHORITY,
    "regional_agency": PartyKind.LOCAL_AUTHORITY,
    "eu_institution": PartyKind.MULTILATERAL,
    "body_public": PartyKind.STATE_ENTERPRISE,
}


def coded_kind(classifications: Any) -> tuple[str, str] | None:
    """The party kind and the code that says it, from an OCDS / OC4IDS party's
    classifications (an IATI organisation type, a TED authority type), or None."""
    for item in classifications if isinstance(classifications, list) else []:
        if not isinstance(item, dict):
            continue
        scheme = re.sub(r"[^a-z]", "", fold(str(item.get("scheme") or "")))
        code = str(item.get("id") or "").strip()
        if scheme in TYPE_SCHEMES and code in ORG_KIND:
            return ORG_KIND[code], f"IATI {code}"
        if scheme.startswith("ted") and code.lower() in TED_KIND:
            return TED_KIND[code.lower()], f"TED {code}"
    return None


def valid_identifier(ref: str) -> bool:
    """Whether ``ref`` names one organisation: an org-id.guide-shaped identifier whose list
    prefix is a country or XI / XM, or a specific DAC code (not a category like 51000)."""
    ref = ref.strip()
    if DAC_CODE.match(ref):
        return not ref.endswith("000") and ref != "0"
    found = ORG_ID.match(ref)
    if found is None:
        return False
    prefix = found["country"]
    return prefix in INTERNATIONAL or country_code(prefix) is not None


def _dac_country(code: str) -> str | None:
    donor = code.split("-", 1)[0]
    if donor in DAC_DONORS:
        return DAC_DONORS[donor]
    if donor.startswith("41") or donor in {"928", "951", "966", "974", "988"}:
        return UN  # UN agencies, funds and programmes (41xxx), WFP, WHO-like codes
    if donor in {"918", "42001", "42003", "42004"}:
        return EU  # EU institutions, EIB
    return None


def identifier_country(ref: str) -> str | None:
    """The country an identifier says (GB-COH-… → GB, XM-DAC-12-1 → GB, XM-DAC-41114 → UN,
    XI-IATI-EC_ECHO → EU), or None."""
    ref = ref.strip()
    if DAC_CODE.match(ref):
        return _dac_country(ref) or (NOWHERE if valid_identifier(ref) else None)
    found = ORG_ID.match(ref)
    if found is None:
        return None
    prefix, rest = found["country"], found["rest"]
    if prefix == "XM" and rest.startswith("DAC-"):
        return _dac_country(rest[4:]) or NOWHERE
    if prefix == "XI" and rest.upper().startswith(("IATI-EC_", "IATI-EU")):
        return EU
    if prefix in INTERNATIONAL:
        return NOWHERE
    return country_code(prefix)


@cache
def _country_pattern() -> re.Pattern[str]:
    names = sorted(
        (n for n in _country_names() if len(n) > 3), key=len, reverse=True
    )  # longest first: "Papua New Guinea" before "Guinea"
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")


def name_country(name: str) -> str | None:
    """The country an organisation's name names ("Government of Ghana", "Hashemite Kingdom
    of Jordan", "Ministère des Finances du Sénégal"), or None."""
    found = _country_pattern().search(fold(name))
    return _country_names()[found.group(1)] if found else None


def fold(text: str) -> str:
    text = text.strip().lower()
    if text.isascii():  # most names: nothing to decompose
        return text
    normal = unicodedata.normalize("NFKD", text)
    return "".join(c for c in normal if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def normalised_name(name: str) -> str:
    """A name as compared: case, accents, punctuation and spacing ignored (the same few
    organisations recur in every project of a file: computed once per name)."""
    return " ".join(NOT_WORD.sub(" ", fold(name)).split())


NOT_WORD = re.compile(r"[^\w]+")


# Identifier schemes that OCDS / OC4IDS publishers write by name instead of the
# org-id.guide list code.
SCHEME_CODES = {
    "rfc": "MX-RFC",
    "registro federal de contribuyentes": "MX-RFC",
}
ALPHA3_PREFIX = re.compile(r"^(?P<code>[A-Za-z]{3})-")


def scheme_ref(scheme: str, ident: str, party_id: str = "") -> str:
    """The organisation identifier an OCDS / OC4IDS party gives: its ``identifier``'s
    scheme and id ("GB-COH" + "0123" → "GB-COH-0123"; "RFC" → "MX-RFC-…"), else its
    party ``id`` when that is a valid identifier (publishers often use one), else ""."""
    scheme, ident = " ".join(scheme.split()), " ".join(ident.split())
    code = SCHEME_CODES.get(fold(scheme), scheme)
    ref = f"{code}-{ident}" if code and ident else ident
    if valid_identifier(ref):
        return ref
    party_id = " ".join(party_id.split())
    if party_id and valid_identifier(party_id):
        return party_id
    return ref


def stated_country(ref: str, name: str) -> str | None:
    """The country an identifier or a name states, or None (not ZZ) when neither does:
    org-id.guide prefixes (GB-COH → GB), a three-letter ISO prefix as some publishers
    write (NGA-BPP → NG), or a country in the name."""
    found = identifier_country(ref)
    if found is None and ALPHA3_PREFIX.match(ref.strip()):
        found = country_code(ALPHA3_PREFIX.match(ref.strip())["code"].upper())
    return found or name_country(name)


def identity(ref: str, name: str, country: str | None) -> str:
    """The key one organisation has across files: its identifier when valid, else its
    normalised name and country."""
    ref = " ".join(ref.split())
    if ref and valid_identifier(ref):
        return ref
    return f"name:{normalised_name(name)}|{country or NOWHERE}"


def country_of(ref: str, name: str) -> str:
    """An organisation's country: from its identifier, else its name, else unknown (ZZ)."""
    return identifier_country(ref) or name_country(name) or NOWHERE


# Words that say what an organisation without a type code is (English, French, Spanish,
# German, Portuguese): a ministry or government, a local authority.
GOVERNMENT_WORDS = re.compile(
    r"\b(ministry|ministere|ministerio|ministerium|bundesministerium|government|gouvernement"
    r"|gobierno|governo|regierung|republic|republique|republica|kingdom|royaume|presidency"
    r"|presidence|secretaria|secretariat d etat|treasury|tresor)\b"
)
LOCAL_WORDS = re.compile(
    r"\b(municipality|municipalite|municipio|municipal|city of|ville de|commune|county"
    r"|district council|prefecture|gemeinde|stadt|region of|regional government)\b"
)


def name_kind(name: str) -> str | None:
    """The kind an organisation's name says when its type is not given, or None."""
    text = normalised_name(name)
    if LOCAL_WORDS.search(text):
        return PartyKind.LOCAL_AUTHORITY
    if GOVERNMENT_WORDS.search(text):
        return PartyKind.GOVERNMENT
    return None
