"""The numbered structure of an agreement: which clause every character belongs to.

Headings are recognised at the start of a line in every drafting style the agreements use —
"Article 5", "ARTICLE ler" (OCR for "1er"), "Art. 5.2", "Article premier", "Artikel 1",
"§ 3", "Section 4", "5.2.1", "(1)", "(a)", "a)", "(iii)", "Annex I", "Chapitre II" — and the
clause reference is the path of the enclosing levels: "Article 5(2)(a)", "Section 5.2.1",
"Annex I, Chapter III(2)".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# Levels, outermost first.
CONTAINER, CHAPTER, ARTICLE, PARAGRAPH, LETTER, ROMAN = range(6)

_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_WORD_NUMBERS = {
    "premier": 1,
    "first": 1,
    "1er": 1,
    "ler": 1,
    "ier": 1,
    "unique": 1,
    "erster": 1,
}

# OCR turns "I" into "!", "1" or "l": ART!CLE, ART1CLE, ARTlCLE.
_ARTICLE = r"(?:art[i!1l|]c[l1i]e|artikel|articolo|art[i!1l]?\s?\.|arti\.|art(?=\s+\d))"
_NUMBER = r"(?:\d+(?:\s?\.\s?\d+)*|premier|1er|ler|ier|unique|[ivxlc]+\b)"
_HEADINGS: list[tuple[int, str, re.Pattern[str]]] = [
    (
        CONTAINER,
        "annex",
        re.compile(
            r"(?:annex(?:e|es)?|appendix|anlage|anhang|schedule|protocol[e]?|protokoll)"
            r"(?:\s+(?P<num>[ivxlc]+|\d+|[a-z])\b)?(?=[\s:.\-–—]|$)"
        ),
    ),
    (
        CHAPTER,
        "chapter",
        re.compile(
            r"(?:chap(?:ter|itre)|kapitel|titre|title|teil|part(?:ie)?)\s+"
            r"(?P<num>[ivxlc]+|\d+|premier|[a-z])\b"
        ),
    ),
    (ARTICLE, "article", re.compile(_ARTICLE + r"\s*(?P<num>" + _NUMBER + r")")),
    # "II - EMBARQUEMENT DES MARINS": a Roman numeral before a title in capitals.
    (CHAPTER, "part", re.compile(r"(?P<num>[ivx]{1,4}|ill)\s*[-–.]\s+(?=[a-z])")),
    (ARTICLE, "section", re.compile(r"(?:section|sect\.|sec\.)\s*(?P<num>\d+(?:\.\d+)*)")),
    (ARTICLE, "§", re.compile(r"§\s*(?P<num>\d+[a-z]?)")),
    (ARTICLE, "decimal", re.compile(r"(?P<num>\d{1,2}(?:\.\d{1,2}){1,3})\.?(?=\s+[^\s\d%])")),
    (
        PARAGRAPH,
        "paragraph",
        re.compile(r"(?:\((?P<num>\d{1,2})\)|(?P<num2>\d{1,2})[.)](?=\s+\D))"),
    ),
    (LETTER, "letter", re.compile(r"(?:\((?P<num>[a-z]{1,2})\)|(?P<num2>[a-z])\))(?=\s)")),
    (ROMAN, "roman", re.compile(r"\((?P<num>[ivx]{1,5})\)(?=\s)")),
]
# A heading starts a line (after blanks, a dash or an OCR speck).
_LINE_START = re.compile(r"(?m)^[ \t\-–•*·]*")
# Contracts filed as text often lose their line breaks: a list item then follows a run of
# spaces ("…as follows:     1)   Obtain any licenses …     2)   Prepare …").
_INLINE_ITEM = re.compile(
    r"(?<=\S)[ \t]{3,}(?=(?:\d{1,2}\)|\([a-z]{1,4}\)|\(\d{1,2}\)|[a-z]\))[ \t])"
)


@dataclass(frozen=True)
class ClauseMark:
    start: int  # where the clause's heading starts
    body: int  # where its text starts (after the heading's number)
    ref: str  # "Article 5(2)(a)"
    level: int
    heading: str  # the heading's line, as written


def _number(raw: str) -> str:
    raw = re.sub(r"\s+", "", raw.lower())
    if raw in _WORD_NUMBERS:
        return str(_WORD_NUMBERS[raw])
    return raw


def _roman_value(text: str) -> int | None:
    if not text or not _ROMAN.match(text):
        return None
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    total = 0
    for a, b in zip(text, text[1:] + " ", strict=True):
        value = values[a]
        total += -value if b != " " and values.get(b, 0) > value else value
    return total


class _Path:
    """The open levels while reading the text top to bottom."""

    def __init__(self, language: str) -> None:
        self.levels: dict[int, tuple[str, str]] = {}
        self.language = language
        self.seen_article = False
        self.styles: dict[int, str] = {}

    def open(self, level: int, kind: str, num: str) -> None:
        for deeper in [lvl for lvl in self.levels if lvl >= level]:
            del self.levels[deeper]
        self.levels[level] = (kind, num)

    def ref(self) -> str:
        parts: list[str] = []
        words = {"en": "Article", "fr": "Article", "de": "Artikel"}
        chapter_word = {"en": "Chapter", "fr": "Chapitre", "de": "Kapitel"}
        annex_word = {"en": "Annex", "fr": "Annexe", "de": "Anlage"}
        head = ""
        if CONTAINER in self.levels:
            kind, num = self.levels[CONTAINER]
            word = kind.capitalize() if kind != "annex" else annex_word[self.language]
            parts.append(f"{word} {num.upper()}".strip())
        if CHAPTER in self.levels and ARTICLE not in self.levels:
            parts.append(f"{chapter_word[self.language]} {self.levels[CHAPTER][1].upper()}")
        if ARTICLE in self.levels:
            kind, num = self.levels[ARTICLE]
            if kind == "section":
                head = f"Section {num}"
            elif kind == "§":
                head = f"§ {num}"
            elif kind == "decimal":
                head = num
            else:
                head = f"{words[self.language]} {num}"
        tail = "".join(
            f"({self.levels[lvl][1]})" for lvl in (PARAGRAPH, LETTER, ROMAN) if lvl in self.levels
        )
        if head:
            parts.append(head + tail)
        elif tail:
            if parts:
                parts[-1] += tail
            else:
                parts.append(tail)
        return ", ".join(parts)


def _decimal_parent(num: str) -> str:
    return num.split(".")[0]


def find_clauses(text: str, folded: str, language: str = "en") -> list[ClauseMark]:
    """Every clause heading of the text, in order, with its full reference."""
    marks: list[ClauseMark] = []
    path = _Path(language)
    last_letter = ""
    top_numbered = not re.search(r"(?m)^[ \t]*" + _ARTICLE + r"\s*" + _NUMBER, folded)
    inline = {m.end() for m in _INLINE_ITEM.finditer(folded)}
    starts = sorted({m.end() for m in _LINE_START.finditer(folded)} | inline)
    for at in starts:
        if at >= len(folded) or folded[at] == "\n":
            continue
        found = _match_heading(folded, at)
        if found is None:
            continue
        level, kind, num, end = found
        if at in inline and kind not in ("paragraph", "letter", "roman"):
            continue
        if kind == "letter" and _roman_value(num) and last_letter not in _previous_letters(num):
            kind, level = "roman", ROMAN
        if kind == "paragraph" and top_numbered and not path.levels.get(ARTICLE):
            # Contracts without "Article" headings number their sections "1.", "2." …
            level, kind = ARTICLE, "decimal"
        if kind == "decimal" and not top_numbered and ARTICLE in path.levels:
            # "2.1" inside "Article 2" is its paragraph 1.
            parent = path.levels[ARTICLE][1]
            if _decimal_parent(num) == parent and path.levels[ARTICLE][0] != "decimal":
                level, kind, num = PARAGRAPH, "paragraph", num.split(".", 1)[1]
        if (
            kind == "paragraph"
            and PARAGRAPH in path.levels
            and path.styles.get(PARAGRAPH) == "("
            and folded[at] != "("
        ):
            # "1." items inside paragraph "(2)": a numbered list of that paragraph.
            level, kind = LETTER, "item"
        if kind == "letter":
            last_letter = num
        if level == ARTICLE:
            last_letter = ""
        path.open(level, kind, num)
        path.styles[level] = folded[at]
        line_end = folded.find("\n", at)
        line_end = len(folded) if line_end < 0 else line_end
        if at in inline:
            line_end = min(line_end, at + 120)
        marks.append(
            ClauseMark(
                start=at,
                body=end,
                ref=path.ref(),
                level=level,
                heading=text[at:line_end].strip()[:120],
            )
        )
    return marks


def _previous_letters(num: str) -> set[str]:
    """The letter that would come just before ``num`` if it were a letter, not a numeral."""
    if len(num) == 1 and num > "a":
        return {chr(ord(num) - 1)}
    return set()


def _match_heading(folded: str, at: int) -> tuple[int, str, str, int] | None:
    window = folded[at : at + 80]
    for level, kind, pattern in _HEADINGS:
        match = pattern.match(window)
        if not match:
            continue
        raw = match.groupdict().get("num") or match.groupdict().get("num2") or ""
        if kind == "annex":
            word = re.match(r"[a-z]+", window).group(0)  # type: ignore[union-attr]
            kind = "annex" if word.startswith(("annex", "anlage", "anhang")) else word
        num = _number(raw)
        if kind == "article" and not _plausible_article(num):
            continue
        if kind == "annex" and not _plausible_annex(window, match.end()):
            continue
        if kind == "chapter" and level == CHAPTER and not _plausible_heading_line(window):
            continue
        if kind == "paragraph" and (int(num) > 60 or _MONTH_AFTER.match(window, match.end())):
            continue
        if kind == "part" and not _capitals(window):
            continue
        if kind == "part" and num == "ill":
            num = "iii"
        if kind in ("chapter", "annex") and _roman_value(num):
            num = num.upper()
        return level, kind, num, at + match.end()
    return None


_MONTH_AFTER = re.compile(
    r"\s*(?:jan|feb|fev|mar|apr|avr|may|mai|jun|jui|jul|aug|aou|sep|oct|okt|nov|dec|dez)"
)


def _capitals(window: str) -> bool:
    """A heading line written in capitals (the window is folded: look for its letters'
    case in the original is not possible here, so demand a short line)."""
    line = window.split("\n", 1)[0]
    return len(line) < 80


def _plausible_article(num: str) -> bool:
    if num.replace(".", "").isdigit():
        return int(num.split(".")[0]) < 400
    return _roman_value(num) is not None


def _plausible_annex(window: str, end: int) -> bool:
    """ "Annex I" as a heading, not "Annex I of this Agreement sets out …" mid-sentence."""
    rest = window[end:].split("\n", 1)[0]
    return len(rest.strip()) < 70 and not re.match(r"\s+(to|of|au|a la|zu|zum)\b", rest)


def _plausible_heading_line(window: str) -> bool:
    return len(window.split("\n", 1)[0]) < 90


class ClauseIndex:
    """Which clause holds a given offset."""

    def __init__(self, marks: list[ClauseMark]) -> None:
        self.marks = marks
        self._starts = [m.start for m in marks]

    def at(self, offset: int) -> ClauseMark | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        return self.marks[i] if i >= 0 else None

    def ref(self, offset: int) -> str:
        mark = self.at(offset)
        return mark.ref if mark else ""


_REF_NOISE = {
    "article",
    "art",
    "artikel",
    "section",
    "paragraph",
    "para",
    "par",
    "abs",
    "absatz",
    "clause",
    "alinea",
}


def ref_key(ref: str) -> tuple[str, ...]:
    """A clause reference reduced to its numbers and letters, to compare two writings of
    the same reference ("Article 2(3)", "Art. 2.3", "Artikel 2 Absatz 3")."""
    tokens = re.findall(r"\d+|[a-z]+", ref.lower().replace("§", " "))
    out = []
    for token in tokens:
        if token in _REF_NOISE:
            continue
        if token in ("annex", "annexe", "anlage", "appendix"):
            token = "annex"
        elif token in ("chapter", "chapitre", "kapitel"):
            token = "chapter"
        elif token in _WORD_NUMBERS:
            token = str(_WORD_NUMBERS[token])
        out.append(token)
    return tuple(out)
