"""Reading values the way people write them: text in UTF-8 (with or without BOM) or Latin-1,
dates and numbers in French, English and German formats, countries by code or name."""

from __future__ import annotations

import csv
import re
import unicodedata
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from alliance.interchange.errors import ImportRefused

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

MONTHS = {
    # English
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    # French
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    "janv": 1,
    "fevr": 2,
    "fev": 2,
    "avr": 4,
    "juil": 7,
    "déc": 12,
    # German
    "januar": 1,
    "februar": 2,
    "marz": 3,
    "juni": 6,
    "juli": 7,
    "oktober": 10,
    "dezember": 12,
    "jan.": 1,
    "mrz": 3,
    "okt": 10,
    "dez": 12,
    "jänner": 1,
    "janner": 1,
}

_NUMERIC_DATE = re.compile(r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})$")
_WORDS_DATE = re.compile(
    r"^(?:(\d{1,2})(?:er)?\.?\s+([^\W\d]+)\.?\s+(\d{4})|([^\W\d]+)\.?\s+(\d{1,2}),?\s+(\d{4}))$"
)
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def decode_text(data: bytes, *, name: str = "") -> str:
    """Text from bytes in UTF-8 (BOM or not), UTF-16 with a BOM, or Latin-1 / Windows-1252.

    Refuses bytes that are none of these (binary files, UTF-16 without BOM) with a message.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportRefused(
                _("The file says UTF-16 but is not valid UTF-16."), file=name
            ) from exc
    if b"\x00" in data[:65536]:
        raise ImportRefused(
            _(
                "The file contains NUL bytes: it is not UTF-8 or Latin-1 text "
                "(binary, or UTF-16 without a byte-order mark)."
            ),
            file=name,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            _("The file is neither UTF-8 nor Latin-1 text (byte %(byte)s at position %(pos)s).")
            % {"byte": hex(data[exc.start]), "pos": exc.start},
            file=name,
        ) from exc


def _fold(text: str) -> str:
    """Lower case without accents ("Février" → "fevrier")."""
    normal = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in normal if not unicodedata.combining(c))


def parse_date(value: object) -> date | None:
    """A date from a cell: a date object, ISO 8601 (with or without time), day-first numeric
    dates (31/12/2025, 31.12.2025, 31-12-2025; month-first when the day-first reading is
    impossible), or words in French, English or German (1 mars 2025, March 1, 2025, 1. März
    2025). Empty gives None; anything else raises ``ValueError`` with the reason."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        return _iso_date(text)
    match = _NUMERIC_DATE.match(text)
    if match:
        try:
            return _numeric_date(*match.groups())
        except ValueError as exc:  # said with the value as typed, not rearranged
            raise ValueError(_("“%(value)s” is not a valid date.") % {"value": text[:40]}) from exc
    match = _WORDS_DATE.match(text)
    if match:
        day, month, year = (
            (match[1], match[2], match[3]) if match[1] else (match[5], match[4], match[6])
        )
        number = MONTHS.get(_fold(month).rstrip("."))
        if number is None:
            raise ValueError(_("“%(month)s” is not a month name.") % {"month": month})
        try:
            return _make_date(int(year), number, int(day))
        except ValueError as exc:
            raise ValueError(_("“%(value)s” is not a valid date.") % {"value": text[:40]}) from exc
    raise ValueError(
        _("“%(value)s” is not a date (write it as 2025-03-31 or 31/03/2025).")
        % {"value": text[:40]}
    )


def _iso_date(text: str) -> date:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise ValueError(_("“%(value)s” is not a valid date.") % {"value": text[:40]}) from exc


def _numeric_date(first: str, second: str, third: str) -> date:
    a, b, c = int(first), int(second), int(third)
    if len(first) == 4:  # 2025/03/31
        return _make_date(a, b, c)
    year = c + 2000 if len(third) == 2 else c
    try:
        return _make_date(year, b, a)  # day first (fr, de, en-GB)
    except ValueError:
        return _make_date(year, a, b)  # month first (en-US) when day first is impossible


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(
            _("%(y)04d-%(m)02d-%(d)02d is not a valid date.") % {"y": year, "m": month, "d": day}
        ) from exc


def parse_datetime(value: object) -> datetime | None:
    """A moment (for ``created_at``): ISO 8601 with or without zone (UTC assumed), or a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        day = parse_date(text)
        return datetime.combine(day, time(), tzinfo=UTC) if day else None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_decimal(value: object) -> Decimal | None:
    """A number written in French (1 234,56), German (1.234,56), English (1,234.56) or plain
    (1234.56) style. A single separator followed by exactly three digits (1,234 or 1.234)
    is ambiguous and refused with a message rather than guessed."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(_("Expected a number, not a yes/no value."))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = _SPACES.sub("", str(value)).strip().removesuffix("€").removeprefix("$")
    if not text:
        return None
    text = _normalise_separators(text)
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": str(value)[:40]}) from exc
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": str(value)[:40]})
    return number


def _normalise_separators(text: str) -> str:
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        return text.replace(thousands, "").replace(decimal_sep, ".")
    sep = "," if commas else "." if dots else ""
    if not sep:
        return text
    count = commas or dots
    head, _sep, tail = text.rpartition(sep)
    if count > 1:  # 1.234.567 or 1,234,567: grouping only
        if all(len(g) == 3 for g in text.split(sep)[1:]):
            return text.replace(sep, "")
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text[:40]})
    digits = head.lstrip("+-")
    if len(tail) == 3 and digits not in {"", "0"}:
        raise ValueError(
            _("“%(value)s” is ambiguous: write 1234 or use two decimals (1234,00 or 1234.00).")
            % {"value": text[:40]}
        )
    return f"{head}.{tail}"


def parse_int(value: object) -> int | None:
    number = parse_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
    return int(number)


def parse_bool(value: object) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = _fold(str(value))
    if text in {"1", "true", "yes", "y", "oui", "ja", "vrai", "wahr", "x"}:
        return True
    if text in {"0", "false", "no", "n", "non", "nein", "faux", "falsch"}:
        return False
    raise ValueError(_("“%(value)s” is not yes or no.") % {"value": str(value)[:40]})


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    with (SCHEMA_DIR / "country.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names[_fold(row["Title"])] = row["Code"]
    # A few names as sources in our formats write them.
    extra = {
        "mexico": "MX",
        "mexique": "MX",
        "united states": "US",
        "etats-unis": "US",
        "usa": "US",
        "uk": "GB",
        "united kingdom": "GB",
        "great britain": "GB",
        "royaume-uni": "GB",
        "deutschland": "DE",
        "allemagne": "DE",
        "senegal": "SN",
        "cote d'ivoire": "CI",
        "ivory coast": "CI",
        "espana": "ES",
        "nigeria": "NG",
        "jordanie": "JO",
        "jordan": "JO",
        "canada": "CA",
        "france": "FR",
    }
    names.update(extra)
    return names


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(_country_names().values())


@cache
def _country_lookup() -> dict[str, str]:
    """Country names and ISO alpha-3 codes → alpha-2: the standards' list, then every
    country's name in English, French, German, Spanish and Portuguese and its alpha-3
    code from Babel's CLDR data (as the rest of the project names countries)."""
    from babel import Locale
    from babel.core import get_global

    names = dict(_country_names())
    codes = set(names.values())
    for lang in ("en", "fr", "de", "es", "pt"):
        for code, name in Locale(lang).territories.items():
            if code in codes:
                names.setdefault(_fold(name), code)
    for alias, replacement in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and replacement and replacement[0] in codes:
            names.setdefault(alias.lower(), replacement[0])
    return names


def country_code(value: object) -> str | None:
    """An ISO 3166 alpha-2 code from a code ("mx", "MEX") or a name in English, French,
    German, Spanish or Portuguese ("México", "United Kingdom", "Allemagne"); None when
    it cannot be told."""
    if not value:
        return None
    text = str(value).strip()
    if len(text) == 2 and text.isalpha():
        code = text.upper()
        return code if code in _country_codes() else None
    folded = _fold(text)
    # The standards' list first; Babel's names (slow to load) only for what it lacks.
    return _country_names().get(folded) or _country_lookup().get(folded)


def clean_text(value: object, limit: int | None = None) -> str:
    """Text from a cell: stripped, ``None`` as empty; ``limit`` cuts to the field's size."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text[:limit] if limit else text


def when(version: str) -> datetime | None:
    """A source's date-time (``2024-01-10``, ``2024-01-10T08:00:00Z``, with an offset or
    none: then UTC), or None."""
    text = version.strip().replace("Z", "+00:00") if version else ""
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
