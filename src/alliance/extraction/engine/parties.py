"""Who a sentence names: the agreement's registered parties (by name, short name, alias or
country), the terms the text defines for them ("hereinafter referred to as the
Concessionaire", "ci-après dénommé « le Concessionnaire »", "im Folgenden „Auftragnehmer"
genannt"), "each Party" / "the Parties", and institutions named by their function
("the Ministry", "the Union", "die Regierung")."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from alliance.extraction.engine.text import fold

ALL = "*"  # "each Party", "the Parties": every registered party


@dataclass(frozen=True)
class PartyRef:
    """A registered party of the agreement, as the extractor may recognise it."""

    id: str
    name: str
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    kind: str = ""  # the domain's PartyKind (government, lender …)
    country: str = ""  # ISO 3166 alpha-2
    role: str = ""  # the domain's ParticipationRole ("signatory", "lender" …)


SIGNATORY = "signatory"


def signatories(parties: list[PartyRef] | tuple[PartyRef, ...]) -> list[str]:
    """The ids of the parties bound by the agreement as its signatories: those registered
    with the role "signatory", else (no role given) every registered party. An organ the
    agreement sets up (a Joint Committee, a public body) or a lender named in it is a
    party of the register, not one of those the agreement's duties are owed to by default.
    """
    marked = [p.id for p in parties if p.role == SIGNATORY]
    return marked or [p.id for p in parties]


def others(parties: list[PartyRef] | tuple[PartyRef, ...], owing: str | None) -> list[str]:
    """Who a duty is owed to when the text names nobody: the signatories other than the
    one owing (for a bilateral agreement, the other party; for an organ or an actor that
    is no signatory, every signatory)."""
    return [p for p in signatories(parties) if p != owing]


@dataclass(frozen=True)
class Mention:
    start: int  # offsets in the whole text
    end: int
    written: str
    party_id: str | None  # a registered party, ALL, or None (a new party to propose)
    how: str  # name, alias, defined term, country, function, generic


@dataclass
class DefinedTerm:
    term: str
    start: int
    end: int
    party_id: str | None
    refers_to: str  # the words the term stands for


_ROLE_ADJECTIVES = (
    r"(?:other|interested|requesting|requested|notifying|notified|defaulting|non-defaulting|"
    r"affected|disclosing|receiving|injured|relevant|terminating|breaching|first|second|"
    r"andere[n]?|betroffene[n]?|"
    r"ersuchende[n]?|ersuchte[n]?)"
)
# "each Party", "the Parties", "beide Vertragsparteien" …
_GENERIC = re.compile(
    r"\b(?:l'autre\s+partie|(?:la|l')\s*partie\s+(?:concernee|interessee|requerante|defaillante|"
    r"lesee))\b|"
    r"\b(?:each|either|neither|no|both|the two|the contracting|the|all|les deux|chacune des|chaque|"
    r"aucune des|aucune|keine der|keine|"
    r"l'une des|l'une ou l'autre des|les|des|aux|beide[nr]?|jede|die)\s+"
    r"(?:contracting\s+|high contracting\s+|deux\s+)?"
    # a party named by the role it takes in one clause: "the interested Party", "the
    # defaulting Party", "l'autre Partie", "die ersuchende Vertragspartei" — any of them
    rf"(?:{_ROLE_ADJECTIVES}\s+)?"
    r"(?:parties|party|partie|parties contractantes|partie contractante|vertragsparteien|"
    r"vertragspartei|gouvernements|gouvernement|regierungen|etats|etat|staaten|signatories|"
    r"pays|countries)\b"
    r"(?:\s+contractantes?|\s+concerned)?"
)
# Institutions named by their function, with the party kinds they usually are.
_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "government": ("government",),
    "gouvernement": ("government",),
    "regierung": ("government",),
    "bundesregierung": ("government",),
    "ministry": ("government",),
    "minister": ("government",),
    "ministere": ("government",),
    "ministre": ("government",),
    "ministerium": ("government",),
    "bundesministerium": ("government",),
    "state": ("government",),
    "etat": ("government",),
    "authorities": ("government", "regulator"),
    "authority": ("regulator", "government"),
    "autorites": ("government", "regulator"),
    "autorite": ("regulator", "government"),
    "behorde": ("regulator", "government"),
    "behorden": ("regulator", "government"),
    "regulator": ("regulator",),
    "union": ("multilateral",),
    "community": ("multilateral",),
    "communaute": ("multilateral",),
    "commission": ("multilateral",),
    "bank": ("lender",),
    "banque": ("lender",),
    "lender": ("lender",),
    "lenders": ("lender",),
    "preteur": ("lender",),
    "bailleur": ("lender",),
    "concessionaire": ("multinational", "local_firm", "state_enterprise"),
    "concessionnaire": ("multinational", "local_firm", "state_enterprise"),
    "contractor": ("multinational", "local_firm"),
    "company": ("multinational", "local_firm", "state_enterprise"),
    "societe": ("multinational", "local_firm", "state_enterprise"),
    "gesellschaft": ("multinational", "local_firm", "state_enterprise"),
}


def _ocr_tolerant(word: str) -> str:
    """OCR reads "i" as "l" or "1" ("Mlnlsterlum" for "Ministerium")."""
    return word.replace("i", "[il1]")


_FUNCTION_WORDS = "|".join(_ocr_tolerant(w) for w in sorted(_FUNCTIONS, key=len, reverse=True))
FUNCTION_WORDS = _FUNCTION_WORDS
_FUNCTION_EXACT = {w: re.compile(_ocr_tolerant(w)) for w in _FUNCTIONS}


def _function_noun(written: str) -> str:
    """The function word OCR may have misread."""
    if written in _FUNCTIONS:
        return written
    return next((w for w, p in _FUNCTION_EXACT.items() if p.fullmatch(written)), written)


_FUNCTION = re.compile(
    r"\b(?:the|le|la|les|l'|der|die|das|den|dem|des)\s*"
    r"(?:competent\s+|relevant\s+|competentes?\s+|national(?:e|es)?\s+|zustandige[nr]?\s+)?"
    # a qualifier that names whose institution it is: "the European Commission"
    r"(?:(?P<qualifier>[a-z][a-z-]+)\s+)?"
    rf"(?P<noun>{_FUNCTION_WORDS})\b"
)

_DEFINED = [
    # hereinafter (referred to as / called) "the X" / the "X"
    re.compile(
        r"(?:hereinafter|herein|below)\s*(?:,\s*)?(?:referred to as|called|designated as|"
        r"known as|defined as|the)?\s*(?:the\s+)?[\"']\s*(?:the\s+)?"
        r"(?P<term>[^\"'\n]{2,60}?)\s*[\"']"
    ),
    re.compile(
        r"ci[- ]?(?:apres|dessous)\s+(?:denomme(?:e|s|es)?|designe(?:e|s|es)?|appele(?:e|s|es)?|"
        r"nomme(?:e|s|es)?)?\s*(?:\"\s*|<<\s*)(?:l['e]\s*|la\s+|les\s+)?(?P<term>[^\"<>\n]{2,60}?)"
        r"\s*(?:\"|>>)"
    ),
    re.compile(
        r"(?:im\s+folgenden|nachstehend|nachfolgend)\s+(?:als\s+)?(?:\"|,,|\")\s*"
        r"(?:der\s+|die\s+|das\s+)?(?P<term>[^\"\n]{2,60}?)\s*(?:\"|'')\s*(?:genannt|bezeichnet)?"
    ),
    # (the "X") / ("X") right after a name
    # ("GRC" or "the Company"): a second name for the same party
    re.compile(
        r"\(\s*[\"'][^\"'\n]{2,40}[\"']\s*or\s+(?:the\s+)?[\"']\s*(?:the\s+)?"
        r"(?P<term>[^\"'\n]{2,40}?)\s*[\"']\s*\)"
    ),
    # ('"Acme" and, together with …'): the term opens the parenthesis
    re.compile(
        r"\(\s*(?:the\s+|le\s+|la\s+|l')?[\"']\s*(?P<term>[^\"'\n]{2,40}?)\s*[\"']\s*"
        r"(?:\)|[,;]|and\b|et\b|und\b)"
    ),
]


# A term defined right after "each Party" stands for each party.
_GENERIC_END = re.compile(
    r"\b(?:each|either|any|chaque|chacune des|jede)\s+(?:contracting\s+)?"
    r"(?:party|partie|vertragspartei)\s*$"
)
# A role defined as any party: '"Recipient" shall mean each Party', '« Partie
# divulgatrice » désigne chaque Partie', '„Empfänger" bezeichnet jede Vertragspartei'.
_ROLE_TERM = re.compile(
    r"[\"']\s*(?:the\s+|la\s+|le\s+|l')?(?P<term>[^\"'\n]{2,40}?)\s*[\"']\s*"
    r"(?:shall\s+mean|means|has the meaning of|refers to|designe|s'entend de|bezeichnet|"
    r"bedeutet|ist)\s+(?:each|either|any|a|chaque|toute|l'une des|jede|eine)\s+"
    r"(?:contracting\s+)?(?:party|partie|vertragspartei)\b"
)

_CONNECTORS = {
    "of",
    "the",
    "de",
    "du",
    "des",
    "la",
    "le",
    "l'",
    "der",
    "und",
    "and",
    "et",
    "for",
    "fur",
    "für",
    "d'",
    "dem",
    "chaque",
    "chacun",
    "deux",
    "each",
    "both",
    "either",
    "jede",
    "jeder",
    "beide",
    "beiden",
    "two",
}


# An institution or a side named by the nationality that follows it (French word order).
_DEMONYM_AFTER = re.compile(
    r"\b(?:(?:la|les|l'|des|aux|du|de la|de l')\s*"
    r"(?:partie|autorites?|administrations?|delegation|gouvernement|etat)|(?:die|der|den)\s+(?:seite|delegation))\s+(?:competentes?\s+)?"
    r"(?P<adj>[a-z]{4,})\b"
    r"(?:\s+(?:et|und)\s+(?P<adj2>[a-z]{4,}))?"
)


def _proper_of(text: str, at: int) -> str:
    """The name after a function ("Government *of the Kingdom of Morocco*"), as written:
    capitalised words and their connectors, starting with 'of', 'de', 'der' …"""
    match = re.match(r"\s+(?:(?:of|de la|des|der|du|de)\s+|d')", text[at : at + 12], re.I)
    if not match:
        return ""
    out = match.group(0)
    rest = text[at + len(out) : at + len(out) + 120]
    words = re.findall(r"\S+\s*", rest)
    taken = ""
    for word in words:
        bare = word.strip().strip(",.;:()")
        if not bare:
            break
        if bare[0].isupper() or bare.lower() in _CONNECTORS:
            taken += word
            if word.strip() != bare:
                break
        else:
            break
    taken = re.sub(
        r"(?:\s+(?:of|the|de|du|des|la|le|der|und|and|et|dem))+\s*$", "", taken.rstrip(" ,.;:()")
    )
    return (out + taken) if taken else ""


# The legal form at the end of a company's name, which the text often leaves out once the
# parties are introduced ("Northwind Logistics Ltd" → "Northwind Logistics will: …").
_LEGAL_FORM = re.compile(
    r"[,\s]+(?:inc|incorporated|corp|corporation|ltd|limited|llc|llp|plc|l\.?p|"
    r"s\.?a|s\.?a\.?r\.?l|s\.?a\.?s|gmbh|ag|kg|a\.?s|n\.?v|b\.?v|s\.?p\.?a|pty|"
    r"sarl|sas)\.?$",
    re.IGNORECASE,
)


def without_legal_form(name: str) -> str:
    """The name without its legal form ("Acme Widgets, Inc." → "Acme Widgets"), or ""
    when it has none or too little would remain to name anyone."""
    bare = _LEGAL_FORM.sub("", name.strip())
    if bare == name.strip() or len(bare) < 6 or len(bare.split()) < 2:
        return ""
    return bare


# A parenthesis that defines terms for the parties together or for any one of them:
# '(each a "Party" and together the "Parties")', '(the "Partners" if referred to
# collectively, or a "Partner" singularly)', '(ensemble les « Parties »)'.
_COLLECTIVE = re.compile(
    r"\((?=[^()]{0,300}?\b(?:collectively|together|jointly|individually|singularly|"
    r"severally|each(?:,)? (?:a|an)|ensemble|conjointement|individuellement|chacune|"
    r"gemeinsam|zusammen|einzeln|jeweils)\b)[^()]{0,300}?\)"
)
_ALONGSIDE = re.compile(r"\b(?:together with|ensemble avec|zusammen mit)\b")
_QUOTED = re.compile(r"\"\s*(?:the\s+|a\s+|an\s+|les?\s+|la\s+|l')?([^\"\n]{2,40}?)\s*\"")


def _alias_pattern(alias: str, plural: bool = False) -> re.Pattern[str] | None:
    folded = fold(alias).strip()
    if len(folded) < 2:
        return None
    words = [re.escape(w) for w in re.split(r"\s+", folded) if w]
    if plural and words[-1].isalpha() and len(words[-1]) > 3:
        # A defined role is written in the singular and the plural ("Joint Venturer" /
        # "No Joint Venturer", "Parties" / "each Party").
        last = words[-1]
        if last.endswith("ies"):
            last = last[:-3] + "(?:y|ies)"
        elif last.endswith("y"):
            last = last[:-1] + "(?:y|ies)"
        else:
            last = last.removesuffix("s") + "s?"
        words[-1] = last
    body = r"\s+".join(words)
    return re.compile(rf"(?<![\w]){body}(?![\w])")


@functools.lru_cache(maxsize=256)
def _country_names(code: str) -> tuple[str, ...]:
    """The country's name in English, French and German (from Babel's CLDR data)."""
    from babel import Locale

    names = []
    for lang in ("en", "fr", "de"):
        name = Locale(lang).territories.get(code.upper())
        if name:
            names.append(fold(name))
    return tuple(dict.fromkeys(names))


@dataclass
class Resolver:
    """Finds and resolves the parties a span of text names."""

    parties: list[PartyRef]
    defined: list[DefinedTerm] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._patterns: list[tuple[re.Pattern[str], str, str]] = []
        for party in self.parties:
            for alias, how in (
                (party.name, "name"),
                (party.short_name, "short name"),
                *((a, "alias") for a in party.aliases),
            ):
                for variant in (alias, without_legal_form(alias)) if alias else ():
                    pattern = _alias_pattern(variant) if variant else None
                    if pattern is not None:
                        self._patterns.append((pattern, party.id, how))
        self._by_id = {p.id: p for p in self.parties}

    def add_defined_terms(self, folded: str, text: str) -> None:
        """Read the terms the text defines and tie each to the party it names."""
        collective: list[tuple[int, int]] = []
        for group in _COLLECTIVE.finditer(folded[:60_000]):
            # '(each a "Party", together the "Parties")': every term in it is any party —
            # when it follows the names of two parties (not '(each, a "Compound")').
            named = self._named_parties(folded[max(0, group.start() - 400) : group.start()])
            if len(named) < 2:
                continue
            start = group.start()
            alongside = _ALONGSIDE.search(folded, group.start(), group.end())
            if alongside:
                # '("Lloyds" and, together with Acme, the "Parties")': the first term is
                # one party's own; only what follows "together with" names them all.
                start = alongside.end()
            collective.append((start, group.end()))
            for match in _QUOTED.finditer(folded, start, group.end()):
                term = match.group(1).strip(" ,.;:")
                if term and len(term.split()) <= 4:
                    self._add_term(text, match, term, ALL, "", group_start=match.start(1))
        for pattern in _DEFINED:
            for match in pattern.finditer(folded):
                term = match.group("term").strip(" ,.;:")
                if not term or len(term.split()) > 6:
                    continue
                if any(a <= match.start("term") < b for a, b in collective):
                    continue
                before = folded[max(0, match.start() - 200) : match.start()]
                # The party a term stands for is named in the same line or clause (a
                # legal form's full stop, "Acme, Inc. (", does not end it).
                before = re.split(r"[;\n]|(?<!\binc)(?<!corp)(?<!\bltd)(?<!\bco)\.\s", before)[-1]
                party_id = self._resolve_phrase(before, nearest=True)
                if party_id is None and _GENERIC_END.search(before):
                    party_id = ALL  # 'each Party (the "Relevant Party")'
                self._add_term(text, match, term, party_id, before)
        for match in _ROLE_TERM.finditer(folded):
            # '"Recipient" shall mean each Party …': a role any party may take.
            self._add_term(text, match, match.group("term").strip(" ,.;:"), ALL, "")

    def _add_term(
        self,
        text: str,
        match: re.Match[str],
        term: str,
        party_id: str | None,
        before: str,
        group_start: int | None = None,
    ) -> None:
        at = match.start("term") if group_start is None else group_start
        written = text[at : at + len(term)]
        self.defined.append(
            DefinedTerm(written, match.start(), match.end(), party_id, before[-80:])
        )
        pattern_term = _alias_pattern(term, plural=party_id == ALL)
        if pattern_term is not None and party_id is not None:
            self._patterns.append((pattern_term, party_id, "defined term"))

    def _named_parties(self, phrase: str) -> set[str]:
        return {
            party_id
            for pattern, party_id, _how in self._patterns
            if party_id != ALL and pattern.search(phrase)
        }

    def _resolve_phrase(self, phrase: str, nearest: bool = False) -> str | None:
        """The registered party a phrase names (the last one named when ``nearest``)."""
        found: list[tuple[int, str]] = []
        for pattern, party_id, _how in self._patterns:
            for match in pattern.finditer(phrase):
                found.append((match.end(), party_id))
        for party in self.parties:
            for name in _country_names(party.country) if party.country else ():
                at = phrase.rfind(name)
                if at >= 0:
                    found.append((at + len(name), party.id))
        if not found:
            return None
        found.sort()
        return found[-1][1] if nearest else found[0][1]

    def mentions(self, folded: str, start: int, end: int, text: str) -> list[Mention]:
        """Every party named between ``start`` and ``end`` (offsets in the text)."""
        span = folded[start:end]
        out: list[Mention] = []
        taken: list[tuple[int, int]] = []

        def add(a: int, b: int, party_id: str | None, how: str) -> None:
            if any(a < y and x < b for x, y in taken):
                return
            taken.append((a, b))
            out.append(Mention(start + a, start + b, text[start + a : start + b], party_id, how))

        for match in _GENERIC.finditer(span):
            add(match.start(), match.end(), ALL, "generic")
        for pattern, party_id, how in sorted(
            self._patterns, key=lambda item: -len(item[0].pattern)
        ):
            for match in pattern.finditer(span):
                add(match.start(), match.end(), party_id, how)
        for match in _DEMONYM_AFTER.finditer(span):
            # "les autorités béninoises et nigériennes", "la Partie mauritanienne"
            ids = {self._by_demonym(w) for w in match.group("adj", "adj2") if w}
            if None not in ids and ids:
                party_id = ids.pop() if len(ids) == 1 else ALL
                add(match.start(), match.end(), party_id, "demonym")
        for match in _FUNCTION.finditer(span):
            qualifier = match.group("qualifier")
            if qualifier and not text[start + match.start("qualifier")].isupper():
                continue  # "the annual commission": not a name
            first = match.start("qualifier") if qualifier else match.start("noun")
            of = _proper_of(text, start + match.end("noun"))
            noun = _function_noun(match.group("noun"))
            party_id, how = self._by_function(noun, fold(of))
            # "das Ministerium für Umwelt … der Tschechischen Republik": when the function
            # fits several parties, the country its phrase names decides.
            ahead = re.split(r"[.;:()]", span[match.end("noun") : match.end("noun") + 120])[0]
            party_id = self._by_country_ahead(noun, ahead) or party_id
            if party_id is None or qualifier:
                party_id = self._by_qualifier(text, start + match.start("noun")) or party_id
            if qualifier and party_id is None:
                party_id = self._by_demonym(fold(qualifier))  # "the Moroccan authorities"
            add(first, match.end("noun") + len(of), party_id, how)
        for party in self.parties:
            for name in _country_names(party.country) if party.country else ():
                for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", span):
                    add(match.start(), match.end(), party.id, "country")
        out.sort(key=lambda m: m.start)
        return out

    def _by_function(self, noun: str, of: str) -> tuple[str | None, str]:
        """ "the Government of Morocco" → the party of Morocco; "the Ministry" → the one
        government party; else a new party to propose."""
        if of and _GENERIC.search(of):
            return ALL, "generic"
        if of:
            named = self._resolve_phrase(of)
            if named:
                return named, "function"
        named = [p for p in self.parties if re.search(rf"\b{noun}\b", fold(p.name))]
        if len(named) == 1:
            return named[0].id, "function"
        kinds = _FUNCTIONS.get(noun, ())
        for kind in kinds:
            fitting = [p for p in self.parties if p.kind == kind]
            if len(fitting) == 1:
                return fitting[0].id, "function"
        return None, "function"

    def _by_demonym(self, word: str) -> str | None:
        """The party whose country an adjective of nationality names ("sénégalaises",
        "Moroccan", "tschechische"): it shares the country name's stem."""
        found = set()
        for party in self.parties:
            for name in _country_names(party.country) if party.country else ():
                name = name.split()[0]
                stem = min(len(name) - 1, 5)
                if stem >= 3 and word != name and word[:stem] == name[:stem]:
                    found.add(party.id)
        return found.pop() if len(found) == 1 else None

    def side_of(self, word: str) -> str | None:
        """The party whose country a word names or qualifies ("senegal", "senegalais",
        "madagascar", "moroccan"), if exactly one."""
        found = set()
        for party in self.parties:
            for name in _country_names(party.country) if party.country else ():
                name = name.split()[0]
                stem = min(len(name) - 1, 5)
                if stem >= 4 and word[:stem] == name[:stem]:
                    found.add(party.id)
        return found.pop() if len(found) == 1 else None

    def _by_country_ahead(self, noun: str, ahead: str) -> str | None:
        fitting = [p for p in self.parties if noun in fold(p.name) and p.country]
        if len(fitting) < 2:
            return None
        named = [
            p.id
            for p in fitting
            if any(
                re.search(rf"(?<!\w){re.escape(n)}(?!\w)", ahead) for n in _country_names(p.country)
            )
        ]
        return named[0] if len(named) == 1 else None

    def _by_qualifier(self, text: str, at: int) -> str | None:
        """ "the European Commission", "the competent Guinea-Bissau authorities": the word
        before the function names one registered party."""
        words = re.findall(r"[\w-]+", text[max(0, at - 40) : at])
        if not words or not words[-1][:1].isupper():
            return None
        word = fold(words[-1])
        named = [
            p.id
            for p in self.parties
            if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", fold(f"{p.name} {p.short_name}"))
        ]
        return named[0] if len(named) == 1 else None

    def party(self, party_id: str | None) -> PartyRef | None:
        return self._by_id.get(party_id or "")
