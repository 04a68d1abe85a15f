"""Text helpers that keep offsets: a folded copy of the text of the same length, so every
match found on the folded copy points at the same characters of the original.

Folding lowers case and drops accents ("Février" → "fevrier", "März" → "marz"), which also
makes the rules indifferent to accents lost by OCR. It never changes the length: ß becomes
"s", ligatures their first letter, so a span on the folded text is a span on the original.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Characters OCR and typesetting use for quotes and dashes, folded to plain ones.
_SPECIAL = {
    "ß": "s",
    "œ": "o",
    "æ": "a",
    "ﬁ": "f",
    "ﬂ": "f",
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "`": "'",
    "´": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "‹": '"',
    "›": '"',
    "–": "-",
    "—": "-",
    "‑": "-",
    "\u00a0": " ",
    "\u202f": " ",
    "\t": " ",
    # Scanned French agreements turn accented letters into "~" (p~che, d~cision).
    "~": "e",
}


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    low = ch.lower()
    if len(low) != 1:
        return ch
    if low.isascii():
        return low
    base = unicodedata.normalize("NFD", low)[0]
    return base if len(base) == 1 else low


def fold(text: str) -> str:
    """Lower-case, accent-free, same length as ``text`` (``len(fold(t)) == len(t)``)."""
    if text.isascii():
        return text.lower().replace("\t", " ").replace("`", "'").replace("~", "e")
    return "".join(_fold_char(ch) for ch in text)


def squash(text: str) -> str:
    """One line, single spaces: how a span of the text is quoted in a candidate."""
    return re.sub(r"\s+", " ", text).strip()


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without its surrounding blanks."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
