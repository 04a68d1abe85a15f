"""Time in an obligation: an absolute deadline ("by 31 March 2012", "au plus tard le 1er
février 2013", "bis zum 15. März 2005" — also with lost accents), a relative timeframe
("within 90 days of the Effective Date", "dans les 60 jours calendaires suivant …",
"innerhalb von acht Jahren nach dem Zusagejahr") with calendar or working days and the
event it counts from, and a recurrence ("each year", "trimestriellement", "jährlich").

Month names come from Babel's CLDR data (folded, so "fevrier" and "Marz" match); number
words are the small closed set agreements spell out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

from alliance.extraction.engine.text import fold

_UNITS = {
    "en": {
        r"(?:calendar\s+)?days?": "days",
        r"(?:working|business|banking|clear)\s+days?": "working_days",
        r"weeks?": "weeks",
        r"(?:calendar\s+)?months?": "months",
        r"(?:calendar\s+)?years?": "years",
    },
    "fr": {
        r"jours?(?:\s+(?:calendaires?|calendriers?|francs?|pleins?))?": "days",
        r"jours?\s+(?:ouvrables?|ouvres?|ouvrés?)": "working_days",
        r"semaines?": "weeks",
        r"mois": "months",
        r"(?:ans?|annees?)(?:\s+civiles?)?": "years",
    },
    "de": {
        r"(?:kalender)?tag(?:e|en)?": "days",
        r"(?:arbeits|werk|bank|geschafts)tag(?:e|en)?": "working_days",
        r"wochen?": "weeks",
        r"monat(?:e|en)?": "months",
        r"jahr(?:e|en)?": "years",
    },
}
_ALL_UNITS = {pattern: unit for table in _UNITS.values() for pattern, unit in table.items()}
# Longest first, so "working days" wins over "days".
_UNIT_RE = "|".join(
    f"(?:{p})" for p in sorted(_ALL_UNITS, key=lambda p: (_ALL_UNITS[p] != "working_days", -len(p)))
)

_NUMBER_WORDS = {
    # English
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "eighteen": 18,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "one hundred": 100,
    "one hundred and twenty": 120,
    "one hundred and eighty": 180,
    "twenty-one": 21,
    "twenty-four": 24,
    "thirty-six": 36,
    "forty-eight": 48,
    # French
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "quinze": 15,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "quarante-cinq": 45,
    "cinquante": 50,
    "soixante": 60,
    "soixante-dix": 70,
    "quatre-vingt": 80,
    "quatre-vingts": 80,
    "quatre-vingt-dix": 90,
    "cent": 100,
    "cent vingt": 120,
    "cent quatre-vingts": 180,
    # German
    "ein": 1,
    "eine": 1,
    "einem": 1,
    "einen": 1,
    "einer": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "funf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "elf": 11,
    "zwolf": 12,
    "vierzehn": 14,
    "funfzehn": 15,
    "zwanzig": 20,
    "dreissig": 30,
    "dreisig": 30,
    "vierzig": 40,
    "funfzig": 50,
    "sechzig": 60,
    "neunzig": 90,
    "hundert": 100,
}
_WORDS_RE = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
# "ninety (90)", "trois (3)", "30", "thirty".
_NUMBER = rf"(?P<num>\d{{1,4}}|(?:{_WORDS_RE}))(?:\s*\(\s*(?P<digits>\d{{1,4}})\s*\))?"

_BEFORE = r"(?:before|prior to|preceding|avant|precedant|vor)"
_AFTER = (
    r"(?:of|after|from|following|following the date of|as from|starting from|since|"
    r"suivant|qui suivent|qui suit|apres|a compter de|a partir de|a dater de|de|du|des|"
    r"nach|ab|seit|vom|von)"
)
_LEAD = (
    r"(?:within|not later than|no later than|at the latest|at least|not less than|"
    r"no less than|in the|during the|"
    r"dans (?:un delai (?:maximum |maximal )?de|les|le delai de)|au plus tard|au moins|"
    r"sous|en|endéans|endeans|"
    r"innerhalb(?: von)?|binnen|spatestens|mindestens|fruhestens|"
    r"for a period of|pendant|durant|"
    r")?"
)
_RELATIVE = re.compile(
    rf"(?P<lead>{_LEAD})\s*{_NUMBER}\s+(?P<unit>{_UNIT_RE})\b"
    rf"(?:\s*,?\s*(?:au plus tard\s+)?(?P<dir>{_BEFORE}|{_AFTER})\b\s*"
    rf"(?P<anchor>[^,;.()]{{3,90}}))?"
)

# Anchors the domain knows how to count from; others are proposed as milestones.
ANCHORS = {
    "effective": (
        r"entry into force|entered into force|effective date|date of effect|commencement date|"
        r"entree en vigueur|prise d'effet|date d'effet|inkrafttreten|in kraft treten"
    ),
    "signed": r"signature|signing|execution of this|date hereof|unterzeichnung|signe",
    "financial_close": (
        r"financial close|bouclage financier|financial closing|finanzierungsabschluss"
    ),
}
_ANCHOR_RES = {key: re.compile(rf"(?<![a-z])(?:{p})") for key, p in ANCHORS.items()}

_RECURRENCES = [
    (
        "semiannual",
        r"every six months|semi-?annual(?:ly)?|half-?yearly|twice (?:a|per|each) year|"
        r"biannual(?:ly)?|tous les six mois|semestriel(?:le)?(?:ment)?|chaque semestre|"
        r"deux fois par an|halbjahrlich|alle sechs monate|zweimal (?:im|pro|jahrlich)",
    ),
    (
        "quarterly",
        r"quarterly|each quarter|every quarter|every three months|per quarter|"
        r"trimestriel(?:le)?(?:ment)?|chaque trimestre|par trimestre|tous les trois mois|"
        r"vierteljahrlich|quartalsweise|jedes quartal|alle drei monate",
    ),
    (
        "monthly",
        r"monthly|each month|every month|per month|each calendar month|mensuel(?:le)?(?:ment)?|"
        r"chaque mois|tous les mois|par mois|fin de chaque mois|monatlich|jeden monat|"
        r"pro monat",
    ),
    (
        "weekly",
        r"weekly|each week|every week|per week|hebdomadaire(?:ment)?|chaque semaine|"
        r"wochentlich|jede woche",
    ),
    (
        "annual",
        r"each year|every year|annually|per annum|yearly|each calendar year|"
        r"each financial year|each fiscal year|once a year|per year|"
        r"annual (?:report|meeting|session|review|statement|accounts|payment|fee|audit)s?|"
        r"chaque annee|tous les ans|annuellement|par an\b|/an\b|chaque exercice|"
        r"(?:rapport|compte|bilan)s? annuels?|(?:reunion|session)s? annuelles?|"
        r"tous les ans|jahrlich|jedes jahr|pro jahr|alljahrlich|jedes kalenderjahr",
    ),
]
_RECURRENCE_RES = [(key, re.compile(rf"\b(?:{p})\b")) for key, p in _RECURRENCES]

_DEADLINE_LEAD = re.compile(
    r"(?:by|before|no later than|not later than|on or before|until|at the latest on|"
    r"au plus tard (?:le|au)|avant le|d'ici le|jusqu'au|pour le|"
    r"bis zum|bis spatestens|spatestens (?:am|zum|bis)|vor dem|bis)\s*$"
)


@functools.lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    """Month names and abbreviations in English, French and German, folded (Babel)."""
    from babel import Locale

    table: dict[str, int] = {}
    for lang in ("en", "fr", "de"):
        locale = Locale(lang)
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in locale.months[context][width].items():
                    key = fold(name).strip(".")
                    if len(key) >= 3:
                        table[key] = number
    table.update({"sept": 9, "fevr": 2, "juil": 7, "decembre": 12, "aout": 8, "marz": 3})
    return table


def month_names() -> dict[str, int]:
    """Month names and abbreviations of the three languages, folded, with their number."""
    return _months()


@functools.lru_cache(maxsize=1)
def _date_re() -> re.Pattern[str]:
    months = "|".join(sorted((re.escape(m) for m in _months()), key=len, reverse=True))
    day = r"(?P<day>[0-3]?\d|1er|ler|ier|1st|2nd|3rd|\d{1,2}th)"
    return re.compile(
        rf"\b(?:{day}\.?\s*(?:of\s+|de\s+)?(?P<month>{months})\.?,?\s+(?P<year>(?:19|20)\d\d)"
        rf"|(?P<month2>{months})\.?\s+(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year2>(?:19|20)\d\d)"
        rf"|(?P<nday>[0-3]?\d)[./](?P<nmonth>[01]?\d)[./](?P<nyear>(?:19|20)\d\d)"
        rf"|(?P<iyear>(?:19|20)\d\d)-(?P<imonth>[01]\d)-(?P<iday>[0-3]\d))\b"
    )


@dataclass(frozen=True)
class Found:
    start: int  # offsets in the whole text
    end: int


@dataclass(frozen=True)
class Deadline(Found):
    on: date


@dataclass(frozen=True)
class Relative(Found):
    value: int
    unit: str  # days, working_days, months, years
    direction: str  # after, before, within
    anchor: str  # as written ("" when the text names none)
    anchor_key: str  # effective, signed, financial_close, or "" (a milestone to propose)
    anchor_start: int = 0


@dataclass(frozen=True)
class Recurrence(Found):
    keyword: str  # annual, semiannual, quarterly, monthly, weekly


def _number(raw: str, digits: str | None) -> int | None:
    if digits:
        return int(digits)
    if raw.isdigit():
        return int(raw)
    return _NUMBER_WORDS.get(raw)


def _day(raw: str) -> int:
    digits = re.sub(r"\D", "", raw)
    return int(digits) if digits else 1


def find_dates(folded: str, offset: int = 0) -> list[tuple[int, int, date]]:
    out = []
    months = _months()
    for match in _date_re().finditer(folded):
        g = match.groupdict()
        try:
            if g["month"]:
                when = date(int(g["year"]), months[g["month"]], _day(g["day"]))
            elif g["month2"]:
                when = date(int(g["year2"]), months[g["month2"]], int(g["day2"]))
            elif g["nmonth"]:
                when = date(int(g["nyear"]), int(g["nmonth"]), int(g["nday"]))
            else:
                when = date(int(g["iyear"]), int(g["imonth"]), int(g["iday"]))
        except (ValueError, KeyError):
            when = _dateparser_fallback(match.group(0))
            if when is None:
                continue
        out.append((offset + match.start(), offset + match.end(), when))
    return out


def _dateparser_fallback(raw: str) -> date | None:
    """An odd writing the table does not know: ask dateparser (offline, no guessing of a
    missing year: it must be in the text)."""
    import dateparser

    parsed = dateparser.parse(
        raw,
        languages=["en", "fr", "de"],
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    return parsed.date() if parsed else None


def anchor_key(anchor: str) -> str:
    for key, pattern in _ANCHOR_RES.items():
        if pattern.search(anchor):
            return key
    return ""


def _clean_anchor(raw: str) -> str:
    anchor = re.split(
        r"\b(?:and shall|and the|provided|unless|subject to|et (?:le|la|les)|sous reserve|"
        r"und (?:die|der|das)|sofern|in accordance|conformement|gemass)\b",
        raw,
    )[0]
    # German puts the object after the anchor: "nach dem Zusagejahr die … Verträge".
    anchor = re.split(r"(?<=\w)\s+(?:die|das)\s+", anchor, maxsplit=1)[0]
    return anchor.strip(" ,;:-")


def find_relative(folded: str, offset: int = 0) -> list[Relative]:
    out = []
    for match in _RELATIVE.finditer(folded):
        value = _number(match.group("num"), match.group("digits"))
        if value is None or value == 0:
            continue
        lead = (match.group("lead") or "").strip()
        unit = _ALL_UNITS[next(p for p in _ALL_UNITS if re.fullmatch(p, match.group("unit")))]
        direction_word = match.group("dir") or ""
        anchor = ""
        if direction_word:
            anchor = _clean_anchor(match.group("anchor") or "")
        if not lead and not direction_word:
            continue  # "two years" alone is a duration, not a timeframe
        if re.fullmatch(_BEFORE, direction_word):
            direction = "before"
        elif lead.startswith(("for a period", "pendant", "durant", "during")):
            continue  # a duration
        else:
            direction = "after"
        if unit == "weeks":
            unit, value = "days", value * 7
        end = match.end("anchor") if anchor else match.end("unit")
        if anchor:
            end = (
                match.start("anchor")
                + len(match.group("anchor").rstrip())
                - (len(match.group("anchor").rstrip()) - len(_raw_anchor_prefix(match, anchor)))
            )
        out.append(
            Relative(
                start=offset + match.start("num") - (len(lead) + 1 if lead else 0),
                end=offset + end,
                value=value,
                unit=unit,
                direction=direction,
                anchor=anchor,
                anchor_key=anchor_key(anchor),
                anchor_start=offset
                + match.start("anchor")
                + max(0, match.group("anchor").find(anchor))
                if anchor
                else 0,
            )
        )
    return out


def _raw_anchor_prefix(match: re.Match[str], anchor: str) -> str:
    raw = match.group("anchor")
    at = raw.find(anchor)
    return raw[: at + len(anchor)] if at >= 0 else raw


# A sum "per year" under a cap ("up to a maximum of EUR 1 million per year", "un montant
# maximal de 3 millions par an") is a limit, not a duty that repeats.
_CAP = re.compile(
    r"\b(?:maximum|up to|not (?:to )?exceed|exceeding|limit|limits|ceiling|plafond|"
    r"plafonnee?s?|maximale?s?|jusqu'a|dans la limite|hochstens|bis zu|hochstbetrag|"
    r"obergrenze)\b[^.;:,]{0,45}$"
)


def find_recurrence(folded: str, offset: int = 0) -> Recurrence | None:
    for key, pattern in _RECURRENCE_RES:
        for match in pattern.finditer(folded):
            if _CAP.search(folded[max(0, match.start() - 80) : match.start()]):
                continue
            return Recurrence(offset + match.start(), offset + match.end(), key)
    return None


def find_deadlines(folded: str, offset: int = 0) -> list[Deadline]:
    """Dates a duty must be done by (a date after "by", "au plus tard le", "bis zum" …)."""
    out = []
    for start, end, when in find_dates(folded):
        lead = folded[max(0, start - 30) : start]
        if _DEADLINE_LEAD.search(lead):
            out.append(Deadline(offset + start, offset + end, when))
    return out
