"""From the text of an agreement to candidate commitments, each with the words that made it
and the rule that matched: clauses → sentences → obligation rules → parties → time.

Pure Python, no Django: ``extract(document_or_text, parties=[…])`` returns an
``Extraction`` whose ``candidates`` serialise to the JSON of ``alliance extract``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from alliance.extraction.engine import rules as R
from alliance.extraction.engine import timeframes as T
from alliance.extraction.engine.clauses import ARTICLE, ClauseIndex, ClauseMark, find_clauses
from alliance.extraction.engine.documents import Document
from alliance.extraction.engine.language import LANGUAGES, detect
from alliance.extraction.engine.parties import (
    ALL,
    FUNCTION_WORDS,
    Mention,
    PartyRef,
    Resolver,
    others,
    signatories,
)
from alliance.extraction.engine.text import fold, squash, strip_span

ENGINE_VERSION = "1"
MAX_ACTION = 400

# A list item that starts with a verb is an obligation of its own under a lead-in
# ("The Parties shall: (a) exchange …; (b) notify …"); one that starts with a noun is part
# of the lead-in's duty ("accompanied by the following documents: (a) proof of payment").
_ITEM_VERB = {
    "en": re.compile(
        r"^(?:to\s+|not\s+to\s+|not\s+)?(?:ensure|provide|pay|submit|notify|inform|maintain|keep|"
        r"take|make|establish|carry|comply|communicate|send|transmit|report|give|grant|issue|"
        r"promote|monitor|adopt|prepare|review|supply|deliver|allow|permit|facilitate|"
        r"cooperate|co-operate|refrain|use|designate|appoint|set|develop|implement|undertake|"
        r"assist|support|contribute|publish|register|record|return|bear|reimburse|indemnify|"
        r"obtain|apply|respect|observe|follow|hold|meet|consult|exchange|assess|evaluate|"
        r"approve|decide|define|identify|draw|conduct|perform|purchase|sell|market|"
        r"distribute|license|disclose|protect|insure|cause|invest|fund|finance|train|hire|"
        r"employ|procure|construct|build|operate|manage|coordinate|co-ordinate|arrange|"
        r"seek|use|furnish|deposit|repay|collect|verify|certify|audit|test)\b"
    ),
    "fr": re.compile(r"^(?:de\s+|d'|a\s+)?(?:ne\s+pas\s+)?[a-z]+(?:er|ir|re|oir)\b"),
    "de": re.compile(r"^(?!der |die |das |den |dem |des |ein|eine)[a-z]+\b.*\bzu\s+[a-z]+en\b"),
}
_STOP_SUBJECT = re.compile(
    r"^(?:the|a|an|any|all|each|le|la|les|l'|un|une|der|die|das|ein|eine)\s+", re.I
)
# (with the article when the party's name or defined term does not take it: "paid by the
# Joint Venture", "versée par l'Emprunteur")
_AGENT = {
    "en": re.compile(r"\b(?:by|from)\s+(?:the\s+|each\s+)?(?:competent\s+|relevant\s+)?$"),
    "fr": re.compile(r"\b(?:par|de la part d[eu]s?)\s*(?:le\s+|la\s+|les\s+|l')?$"),
    "de": re.compile(r"\b(?:von|durch|seitens)\s+(?:der|dem|den|des)?\s*$"),
}
_WEAK_NEEDS_SUBJECT = 0.7
# Words that cannot open the name of a party: pronouns, prepositions, and the agreement
# itself ("the Protocol shall apply", "un protocole d'application fixera …").
_RECIPROCAL = re.compile(
    r"\b(?:mutuellement|entre elles|entre eux|each other|one another|mutually|gegenseitig|"
    r"einander|se communiquent|se communiqueront|s'informent|se consultent|se concertent|"
    r"se concerteront)\b"
)
_DOCUMENT_SUBJECT = re.compile(
    r"^(?:the |this |le |la |l'|un |une |der |die |das |ce |cet |cette |dieses? )?"
    r"(?:agreement|protocol|annex|convention|accord|protocole|annexe|reglement|"
    r"abkommen|vertrag|protokoll|anlage)\b"
)
# (Demonstratives open a subject like any determiner: "Ce Comité se réunit …".)
_NOT_A_SUBJECT = re.compile(
    r"^(?:it|il|es|dies|"
    r"dans|pour|en|a|au|aux|sur|par|avec|sans|lors|apres|avant|in|for|to|on|at|with|by|"
    r"within|during|under|after|before|bei|fur|mit|nach|zu|von|um|"
    r"(?:the |this |le |la |l'|un |une |der |die |das |ce |cet |cette )?"
    r"(?:agreement|protocol|annex|convention|accord|protocole|annexe|reglement|"
    r"abkommen|vertrag|protokoll|anlage|present|presente))\b"
)
_PRONOUN = re.compile(
    r"^(?:they|it|he|she|ils|elles|il|elle|celles?[ -]ci|ceux[ -]ci|sie|er|diese)\b"
)
# A long subject is named by its head: "Les navires autorisés à pêcher dans …" → up to
# the first preposition or relative word after the noun.
_SUBJECT_CUT = re.compile(
    r"\s(?:of|in|for|from|under|which|who|that|whose|de|du|des|d'|dans|a|au|aux|pour|qui|"
    r"que|dont|sur|en|appartenant|von|vom|im|in|fur|mit|der|die|das|des)\s",
)
# A modal verb followed by a passive ("doit être protégé", "muss … werden" aside): the
# doer is named by "par / by", or known from the context.
_MODAL_PASSIVE = {
    "en": re.compile(
        # ("he" is OCR's "be")
        r"\s+(?:\w+ly\s+)?(?:be|he)\s+(?:\w+ly\s+)?\w+(?:ed|en|id|wn|ne|de|ld|lt|nt|ut|un)\b"
    ),
    "fr": re.compile(
        r"\s+(?:\w+ment\s+)?etre\s+(?:\w+ment\s+)?\w+(?:e|es|s|is|ise|ises|it|ite|its|ites|u|ue|us|ues)\b"
    ),
    # "wird von der KfW … geleistet": the doer follows "von / durch / seitens"
    "de": re.compile(r"(?:\s+[^\s.;,]+){0,6}?\s+(?:von|durch|seitens)\s+(?:der|dem|den)\s"),
}
# Things a duty is about, never the one who owes it: "All Notices shall be in writing",
# "Les paiements doivent …" — the doer is named by "by / par / von", or known.
_THING = re.compile(
    r"^(?:all|any|each|every|the|such|this|these|le|la|les|l'|tout|toute|tous|toutes|"
    r"chaque|ces|ce|cette|der|die|das|jede[rs]?|alle)?\s*[\"']?\s*"
    r"(?:notices?|communications?|payments?|reports?|information|documents?|fees?|amounts?|"
    r"sums?|invoices?|data|records?|accounts?|contributions?|licen[cs]es?|applications?|"
    r"requests?|statements?|certificates?|goods|products?|deliver(?:y|ies)|proceeds|costs?|"
    r"expenses?|taxes|price|decisions?|minutes|budgets?|works|meetings?|sessions?|"
    r"reunions?|sitzung(?:en)?|"
    r"notifications?|paiements?|versements?|rapports?|informations|redevances?|montants?|"
    r"sommes?|factures?|donnees|comptes?|demandes?|declarations?|certificats?|frais|couts?|"
    r"travaux|mitteilungen|mitteilung|zahlungen|zahlung|berichte?|unterlagen|gebuhren|"
    r"gebuhr|betrage?|rechnungen|rechnung|daten|kosten|beitrage?|antrage?|entscheidungen)\b"
)


def _thing_is_subject(folded: str, sentence: _Sentence, trigger: _Trigger) -> bool:
    subject = re.split(r"[,;:]", folded[sentence.start : trigger.start])[-1]
    return bool(_THING.match(subject.strip(" -•*(")))


# A lead-in whose items are the cases it applies in ("… without consent, unless:").
_CONDITION_LEAD = re.compile(
    r"\b(?:unless|if|where|when|provided that|in the event that|except(?: where| if)?|"
    r"sauf si|sauf|si|lorsque|a moins que|falls|wenn|sofern|soweit|es sei denn)\s*:\s*$"
)
# "Neither party shall …", "Aucune des Parties ne …": a negative duty of each.
_NEGATIVE_SUBJECT = re.compile(r"(?:neither|no|none of|aucune?|nul(?:le)?|keine?[rs]?)\b")
# "X shall require / oblige the Party to …": the one required owes the duty.
_REQUIRES = re.compile(
    r"^\s*(?:also\s+)?(?:require|oblige|compel|direct|instruct)s?\s+(?:that\s+)?$"
)
# "Consultations shall take place / auront lieu between the Parties": those who meet.
_BETWEEN = re.compile(r"\b(?:between|among|entre|zwischen)\s+(?:the\s+|les\s+|den\s+)?$")
# "Les chalutiers paient …": a sentence that opens with its subject (a determiner, a few
# words, then the verb) may propose a new party for a weak rule.
_SUBJECT_FIRST = re.compile(
    r"^(?:[a-z]\)\s*)?(?:the|each|all|le|la|les|l'|ce|cette|ces|tout|tous|chaque|der|die|das|"
    r"jede|jeder|alle)\s*[a-z'\-]+(?:\s+[a-z'\-]+){0,4}\s+\S+"
)


@dataclass
class PartyOut:
    name: str  # as written (or the registered name when inferred)
    id: str | None  # a registered party, "*" for every party, None for a party to propose
    how: str  # name, alias, defined term, country, function, generic, inferred, new
    start: int | None = None
    end: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "id": self.id, "how": self.how}


@dataclass
class Candidate:
    """One proposed commitment and the evidence for it."""

    owed_by: PartyOut | None
    owed_to: list[PartyOut]
    action: str
    clause: str
    due: dict[str, Any] | None
    recurrence: str | None
    conditions: list[str]
    span: tuple[int, int]
    rule: str
    rule_description: str
    confidence: float
    negative: bool = False
    anchor_key: str = ""
    # (start, end, what) of the words that made the candidate: trigger, party, time …
    evidence: list[tuple[int, int, str]] = field(default_factory=list)
    sentence: str = ""

    def to_json(self, document: Document | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "owed_by": self.owed_by.to_json() if self.owed_by else None,
            "owed_to": [p.to_json() for p in self.owed_to],
            "action": self.action,
            "clause": self.clause,
            "due": self.due,
            "recurrence": self.recurrence,
            "conditions": self.conditions,
            "span": {"start": self.span[0], "end": self.span[1]},
            "rule": self.rule,
            "confidence": round(self.confidence, 2),
            "negative": self.negative,
            "text": self.sentence,
            "evidence": [{"start": a, "end": b, "what": w} for a, b, w in self.evidence],
        }
        if document is not None:
            data["span"]["page"] = document.page_of(self.span[0])
        return data


@dataclass
class Extraction:
    language: str
    text: str
    candidates: list[Candidate]
    clauses: list[ClauseMark]
    defined_terms: list[dict[str, Any]]
    proposed_parties: list[str]
    proposed_milestones: list[str]
    pages: int = 1
    notes: list[str] = field(default_factory=list)
    sentences: int = 0


@dataclass
class _Sentence:
    start: int
    end: int
    mark: ClauseMark | None
    # The level of the list a lead-in ("Northwind will:") opens right after itself, even
    # when its items are numbered at its own level ("1) … 2) …" under "Section 4(3)").
    opens: int | None = None


def _sentences(text: str, folded: str, marks: list[ClauseMark]) -> list[_Sentence]:
    """Sentences within each clause block (syntok), never across a clause heading."""
    import syntok.segmenter as segmenter

    out: list[_Sentence] = []
    bounds = [(m.body, m) for m in marks]
    starts = [0, *(_body_start(text, m) for _, m in bounds)]
    ends = [m.start for _, m in bounds] + [len(text)]
    owners: list[ClauseMark | None] = [None, *(m for _, m in bounds)]
    for start, end, mark in zip(starts, ends, owners, strict=True):
        if end <= start:
            continue
        block = text[start:end]
        if not block.strip():
            continue
        for paragraph in segmenter.analyze(block):
            for sentence in paragraph:
                if not sentence:
                    continue
                a = start + sentence[0].offset
                b = start + sentence[-1].offset + len(sentence[-1].value)
                a, b = strip_span(text, a, b)
                if b - a < 3:
                    continue
                if out and out[-1].mark is mark and _split_date(folded, out[-1].end, a):
                    out[-1] = _Sentence(out[-1].start, b, mark)  # "bis zum 31." | "März 2008"
                elif out and out[-1].mark is mark and _broken_by_page(text, out[-1].end, a):
                    out[-1] = _Sentence(out[-1].start, b, mark)  # "such item shall be" | "paid"
                else:
                    out.append(_Sentence(a, b, mark))
    for sentence, following in itertools.pairwise(out):
        if (
            following.mark is not None
            and following.mark is not sentence.mark
            and folded[sentence.start : sentence.end].rstrip().endswith(":")
            and not folded[sentence.end : following.mark.start].strip()
        ):
            sentence.opens = following.mark.level
    return out


def _broken_by_page(text: str, end: int, start: int) -> bool:
    """Did a page break (blank lines, a page number) cut the sentence in two: the first
    part ends without punctuation and the second goes on in lower case?"""
    if text[end - 1] in ".;:!?)" or not text[start : start + 1].islower():
        return False
    gap = text[end:start]
    return "\n" in gap and not re.sub(r"\s+|\b\d{1,4}\b|-", "", gap)


def _split_date(folded: str, end: int, start: int) -> bool:
    """Did the segmenter cut a German date after its day ("15." | "März 2005")?"""
    if not re.search(r"(?<![\d.])\d{1,2}\.$", folded[max(0, end - 4) : end]):
        return False
    word = re.match(r"[a-z]+", folded[start : start + 12])
    return bool(word) and word.group(0) in T.month_names()


def _body_start(text: str, mark: ClauseMark) -> int:
    """Where a clause's own words start: after a short heading line ("Art. 2 - Mission")."""
    if mark.level <= ARTICLE:
        line_end = text.find("\n", mark.body)
        line_end = len(text) if line_end < 0 else line_end
        if line_end - mark.start < 100 and not re.search(r"[.;:]\s+\S", text[mark.body : line_end]):
            return line_end
    return mark.body


def _operative_start(folded: str, marks: list[ClauseMark]) -> int:
    match = R.OPERATIVE_START.search(folded[:60_000])
    if match:
        return match.end()
    articles = [m.start for m in marks if m.level <= ARTICLE and m.ref]
    return articles[0] if articles else 0


@dataclass
class _Trigger:
    rule: R.Rule
    start: int
    end: int


def _classify(folded: str, a: int, b: int, lang: str) -> list[_Trigger]:
    """The rules that may make the sentence an obligation, in the order they occur; empty
    when it only grants a right, states how the agreement works, or has no binding verb."""
    sentence = folded[a:b]
    statements: list[tuple[int, int]] = []
    found: list[_Trigger] = []
    for rule in R.RULES[lang]:
        for match in rule.pattern.finditer(sentence):
            at, end = a + match.start(), a + match.end()
            if rule.kind == "statement":
                statements.append((at, end))
            elif rule.kind == "right" or not any(s <= at < e for s, e in statements):
                # A rule that reads the subject too ("No Partner shall be authorised")
                # marks its verb as the trigger, so the subject stays the subject.
                verb = a + match.start("verb") if "verb" in rule.pattern.groupindex else at
                found.append(_Trigger(rule, verb, end))
    obligations = [t for t in found if t.rule.kind == "obligation"]
    rights = [t for t in found if t.rule.kind == "right"]
    # A right that covers the same words ("may not", "shall be entitled") wins.
    obligations = [
        t
        for t in obligations
        if t.rule.negative
        or not any(r.start <= t.start < r.end or t.start <= r.start < t.end for r in rights)
    ]
    # A binding verb inside an "if …" clause only sets the condition of what follows.
    obligations = [t for t in obligations if not _in_condition(sentence, t.start - a)]
    # "The Parties agree that Lloyds shall act …", "… agree that each Party shall have the
    # right …": what is agreed binds only through its own verb, found on its own.
    obligations = [
        t
        for t in obligations
        if not (t.rule.name == "en.undertakes" and folded[t.start : t.end].endswith("that"))
    ]
    # One trigger per position: the most specific rule.
    best: dict[int, _Trigger] = {}
    for t in obligations:
        # The longer match is the more specific rule ("shall be paid" over "shall").
        if t.start not in best or (t.end - t.start) > (best[t.start].end - best[t.start].start):
            best[t.start] = t
    return sorted(best.values(), key=lambda t: t.start)


_IF = re.compile(
    r"\b(?:if|unless|should|in the event|where|si|lorsque|en cas|falls|wenn|sofern|soweit)\b"
)


def _in_condition(sentence: str, at: int) -> bool:
    head = sentence[:at]
    last = list(_IF.finditer(head))
    # (a comma that OCR read as a full stop still closes the condition)
    return bool(last) and not re.search(r"[,;:]|\.\s+[a-z]", head[last[-1].end() :])


def _german_wird_is_duty(folded: str, trigger: _Trigger, end: int) -> bool:
    """'wird … garantieren' binds; 'wird … umgewandelt' (passive) and 'wird … in Kraft
    treten' only state."""
    previous = re.search(r"([a-z]+)\s*$", folded[max(0, trigger.start - 40) : trigger.start])
    if (
        previous
        and previous.group(1) not in _GERMAN_FINITE
        and (previous.group(1).endswith("t") or previous.group(1).startswith("ge"))
    ):
        return False  # "…, zu denen sie zur Verfügung gestellt werden": a passive
    rest = folded[trigger.end : end]
    clause = re.split(r"[,.;:]", rest, maxsplit=1)[0]
    if _german_infinitive_last(clause):
        return True
    if _MODAL_PASSIVE["de"].match(clause) and not clause.rstrip().endswith(
        ("festgelegt", "geregelt", "bestimmt", "vereinbart")
    ):
        return True  # a passive duty with its doer: "wird von der KfW … geleistet"
    words = re.findall(r"[a-z]+", rest)
    if not words:
        return False
    last = words[-1]
    if " ".join(words[-3:]).endswith(("in kraft treten", "anwendung finden")):
        return False
    if last in ("sein", "werden", "haben"):
        return False
    infinitive_ge = {"gewahren", "gewahrleisten", "gestatten", "gelten", "geben", "genehmigen"}
    if last.startswith("ge") and last not in infinitive_ge:
        return False
    return (last.endswith(("en", "ern", "eln")) and not last.endswith("ten")) or last.endswith(
        ("ieren", "leisten", "richten", "arbeiten", "melden", "bieten", "halten", "treten")
    )


_GERMAN_FINITE = {"ist", "hat", "sind", "wird", "nicht", "selbst", "jedoch", "jetzt", "erst"}


def _german_infinitive_last(clause: str) -> bool:
    words = re.findall(r"[a-z]+", clause)
    if not words:
        return False
    last = words[-1]
    return last.endswith(
        (
            "ieren",
            "leisten",
            "zahlen",
            "stellen",
            "geben",
            "tragen",
            "ubernehmen",
            "erteilen",
            "gewahren",
            "treffen",
            "sorgen",
        )
    )


@dataclass
class _Context:
    text: str
    folded: str
    lang: str
    resolver: Resolver
    index: ClauseIndex
    registered: list[PartyRef]


def _subject(
    ctx: _Context, mentions: list[Mention], sentence: _Sentence, trigger: _Trigger, passive: bool
) -> PartyOut | None:
    before = [m for m in mentions if m.end <= trigger.start]
    after = [m for m in mentions if m.start >= trigger.end]
    if trigger.rule.name == "de.obliegt" and folded_is(ctx, trigger, "oblieg"):
        dative = [m for m in before if m.end > trigger.start - 60] or after
        if dative:
            return _out(ctx, dative[-1] if dative is not after else dative[0])
    if trigger.rule.name == "fr.incombe" and after:
        return _out(ctx, after[0])  # "il incombe au Concédant de …": the one it falls on
    if after and _REQUIRES.match(ctx.folded[trigger.end : after[0].start]):
        return _out(ctx, after[0])  # "… shall require the interested Party to notify …"
    for m in after:
        # "Consultations auront lieu entre les Parties": the ones who meet.
        if _BETWEEN.search(ctx.folded[max(sentence.start, m.start - 25) : m.start]):
            if trigger.rule.name == "fr.aura-lieu" or re.match(
                r"\s*(?:take place|be held)\b", ctx.folded[trigger.end : trigger.end + 20]
            ):
                return _out(ctx, m)
            break
    if _MEETING.match(_subject_words(ctx.folded, sentence, trigger)):
        # "La session aura lieu sur décision des autorités …", "The first meeting shall be
        # held at the request of the Union": whoever calls the meeting owes it.
        for m in after:
            if _INITIATIVE.search(ctx.folded[max(sentence.start, m.start - 40) : m.start]):
                return _out(ctx, m)
    if passive:
        # The doer of a passive duty: "… shall be paid by the Union", "the allocation by
        # Guinea-Bissau … shall be communicated" — in the duty's own clause, not in the
        # next one ("… into an account, the references of which shall be notified by …").
        next_verb = _NEXT_MODAL.search(ctx.folded, trigger.end, sentence.end)
        if next_verb is not None:
            after = [m for m in after if m.start < next_verb.start()]
        for m in after + before:
            lead = ctx.folded[max(sentence.start, m.start - 25) : m.start]
            if _AGENT[ctx.lang].search(lead) or _AGENT_OF.search(
                ctx.folded[max(sentence.start, m.start - 60) : m.start]
            ):
                return _out(ctx, m)
        return None
    if ctx.lang == "de":
        # German puts the subject after the verb too ("Hierfür schließt das Ministerium …"),
        # and not in a condition put first ("Sollte die Gesellschaft …, so sorgt das
        # Ministerium für …").
        condition = _DE_CONDITION_FIRST.match(ctx.folded, sentence.start, trigger.start)
        cut = ctx.folded.rfind(",", sentence.start, trigger.start) if condition else -1
        # (the subject may stand inside the verb's bracket: "sorgt das Ministerium … für")
        inside = [m for m in mentions if trigger.start < m.start < trigger.end]
        pool = [
            m
            for m in before + inside + after
            if not _TO["de"].search(ctx.folded[max(sentence.start, m.start - 25) : m.start])
            and m.start > cut
        ]
        if pool:
            return _out(ctx, pool[0])
    if (
        len(before) >= 2
        and before[-1].party_id
        and before[-2].party_id
        and (before[-1].party_id != before[-2].party_id)
    ):
        between = ctx.folded[before[-2].end : before[-1].start]
        if re.fullmatch(
            r"\s*(?:and|et|und|as well as|ainsi que)\s+"
            r"(?:the\s+|la\s+|le\s+|l'|die\s+|der\s+|das\s+)?",
            between,
        ):
            written = squash(ctx.text[before[-2].start : before[-1].end])
            return PartyOut(written, ALL, "generic", before[-2].start, before[-1].end)
    if before:
        subject_zone = [
            m
            for m in before
            if not _TO[ctx.lang].search(ctx.folded[max(sentence.start, m.start - 25) : m.start])
        ]
        if subject_zone:
            return _out(ctx, subject_zone[-1])
    return None


# What a party owns and so pays or hands over: "its debts shall be paid", "the Union's
# contribution shall be paid", "any balance of the Partnership funds shall be distributed".
# (Not fees, dues or payments: "the fees of the Authority" are paid *to* it.)
_OWNED = (
    r"(?:debts?|funds?|assets?|contributions?|obligations?|liabilities|costs?|expenses?|"
    r"share|books|records|accounts|dettes?|fonds|contributions?|obligations?|frais|"
    r"livres|comptes|"
    r"schulden|mittel|beitrag|beitrage|verbindlichkeiten|kosten)\b"
)
_POSSESSIVE = re.compile(rf"\b(?:its|their|sa|ses|leurs?|seine[nrs]?|ihre[nrs]?)\s+{_OWNED}")


def _possessor(
    ctx: _Context, mentions: list[Mention], sentence: _Sentence, trigger: _Trigger
) -> PartyOut | None:
    """The owner named in a passive duty's subject pays or hands over what it owns."""
    head = ctx.folded[sentence.start : trigger.start]
    zone_start = sentence.start + max(head.rfind(c) for c in ",;:") + 1
    zone = ctx.folded[zone_start : trigger.start]
    owned = re.search(_OWNED, zone)
    if owned is None:
        return None
    owned_at = zone_start + owned.start()
    for m in mentions:
        if not (zone_start <= m.start and m.end <= owned_at) or m.party_id is None:
            continue
        # "Joint Venture funds", "the Union's contribution", "the funds of the Union"
        between = ctx.folded[m.end : owned_at]
        if re.fullmatch(r"(?:'s|s'|')?\s*(?:[a-z]+\s+)?", between):
            return _out(ctx, m)
    of = re.match(
        r"\s+(?:of|de|du|des|de la|de l'|der|des)\s+", ctx.folded[zone_start + owned.end() :]
    )
    if of is not None:
        at = zone_start + owned.end() + of.end()
        named = [m for m in mentions if m.start - at in (0, 4) and m.party_id is not None]
        if named:
            return _out(ctx, named[0])
    if _POSSESSIVE.search(zone):
        # "On any termination of the Partnership, its debts shall be paid": the party named
        # before the possessive in the sentence.
        named = [m for m in mentions if sentence.start <= m.end <= zone_start + owned.start()]
        if named and named[-1].party_id is not None:
            return _out(ctx, named[-1])
    return None


# "… shall be paid by the vessel owners", "… est versée par l'armateur": a doer the
# agreement does not register, proposed as a new party — not a means, a manner or a date
# ("by fax", "by mutual agreement", "by 31 March", "par voie de", "par décision").
_AGENT_PHRASE = {
    "en": re.compile(
        r"\bby\s+(?:the\s+|each\s+|its\s+|their\s+)?(?P<who>[a-z][a-z'-]+(?:\s+[a-z][a-z'-]+){0,3})"
    ),
    "fr": re.compile(
        r"\bpar\s+(?:le\s+|la\s+|les\s+|l'|chaque\s+)?(?P<who>[a-z][a-z'-]+(?:\s+[a-z][a-z'-]+){0,3})"
    ),
    "de": re.compile(
        r"\b(?:von|durch|seitens)\s+(?:der|dem|den|des)\s+(?P<who>[a-z][a-z'-]+(?:\s+[a-z][a-z'-]+){0,3})"
    ),
}
# "… borne by the competent authorities of Madagascar": the party the institution is of.
_AGENT_OF = re.compile(
    r"\b(?:by|par|von|durch)\s+(?:the\s+|les\s+|le\s+|la\s+|l'|den\s+|der\s+|dem\s+)?"
    r"(?:competent\s+|relevant\s+|competentes?\s+|zustandigen?\s+)?"
    rf"(?:{FUNCTION_WORDS})(?:\s+competentes?)?\s+(?:of|de|du|des|de la|de l'|der|des)\s*"
    r"(?:the\s+)?$"
)
_NOT_AN_AGENT = re.compile(
    r"^(?:fax|telefax|mail|post|e-?mail|telex|letters?|courier|hand|means|way|reference|"
    r"mutual|common|agreement|consensus|virtue|law|laws|decree|end|date|time|deadline|"
    r"following|electronic|registered|transfer|bank|cheque|check|wire|telephone|radio|"
    r"no|not|at|then|which|whom|such|way|ways|operation|application|default|"
    r"courrier|voie|lettre|telecopie|decision|accord|consentement|virement|cheque|"
    r"application|consequent|suite|ailleurs|ecrit|ordre|telegramme|"
    r"post|brief|schreiben|vereinbarung|gesetz|uberweisung|"
    # the rules, documents and codes a thing is governed, proved or identified by
    r"code|codes|category|categories|proof|evidence|legislation|regulations?|rules?|"
    r"provisions?|article|annex|appendix|species|type|month|year|day|reglementation|"
    r"dispositions?|preuve|categorie|rechtsvorschriften|vorschriften)\b"
)
_AGENT_CUT = re.compile(
    r"\s(?:\w+ing|who|which|that|qui|que|of|in|for|to|with|on|at|within|from|and|or|under|"
    r"before|after|by|until|no|not|when|where|if|as|"
    r"de|du|des|a|au|aux|pour|dans|et|ou|sur|avec|avant|apres|dans|des|sous|"
    r"an|fur|mit|und|oder|im|bis|vor|nach|innerhalb)\b"
)


def _unregistered_agent(ctx: _Context, sentence: _Sentence, trigger: _Trigger) -> PartyOut | None:
    next_verb = _NEXT_MODAL.search(ctx.folded, trigger.end, sentence.end)
    end = next_verb.start() if next_verb is not None else sentence.end
    match = _AGENT_PHRASE[ctx.lang].search(ctx.folded, trigger.start, end)
    if match is None or _NOT_AN_AGENT.match(match.group("who")):
        return None
    who = match.group("who")
    cut = _AGENT_CUT.search(who)
    who = who[: cut.start()] if cut else who
    if _THING.match(who) or _THING.match(who.split()[-1]) or len(who) < 4:
        return None
    at = match.start("who")
    return PartyOut(squash(ctx.text[at : at + len(who)]), None, "new", at, at + len(who))


_DE_CONDITION_FIRST = re.compile(
    r"(?:\(?[a-z0-9]{1,3}\)\s*)?(?:sollte[n]?|wenn|falls|sofern|soweit|sobald)\b"
)


def _opens_with_subject(part: str, verb: int) -> bool:
    """Does the sentence — or its main clause, after a condition put first ("En cas de
    litige, le Comité se réunit …") — open with its subject?"""
    if _SUBJECT_FIRST.match(part):
        return True
    if not (R.CONDITION.match(part) or _IF.match(part)):
        return False
    # (OCR often reads the comma that closes the condition as a full stop)
    cuts = [m.end() for m in re.finditer(r"[,;]|\.\s+(?=[a-z])", part[:verb])]
    return bool(cuts) and bool(_SUBJECT_FIRST.match(part[cuts[-1] :].lstrip()))


_MEETING = re.compile(
    r"^(?:the |a |an |this |such |la |le |les |l'|une |un |cette |ce |die |der |eine |diese )?"
    r"(?:\w+ )?(?:meetings?|sessions?|reunions?|consultations?|sitzung(?:en)?|tagung(?:en)?|"
    r"konsultationen)\b"
)
_INITIATIVE = re.compile(
    r"(?:a l'initiative|sur (?:la )?(?:decision|convocation|demande)|a la demande|"
    r"at the (?:request|initiative|invitation)|on the (?:initiative|request)|upon (?:the )?request|"
    r"auf (?:antrag|initiative|verlangen|einladung)|auf beschluss)\s+"
    r"(?:de |d'|du |des |of |von |der |des )?(?:la |le |les |l'|the |der |dem |des )?$"
)
_NEXT_MODAL = re.compile(
    r"\b(?:shall|must|will|doit|doivent|devra|devront|sera|seront|muss|mussen|wird|werden)\b"
)


def folded_is(ctx: _Context, trigger: _Trigger, prefix: str) -> bool:
    return ctx.folded.startswith(prefix, trigger.start)


def _new_party(ctx: _Context, sentence: _Sentence, trigger: _Trigger) -> PartyOut | None:
    """No registered party fits: propose the subject's words as a new party."""
    raw = ctx.text[sentence.start : trigger.start]
    # A comma ends what comes before the subject; OCR often reads it as a full stop.
    raw = re.split(r"[,;:]|\.\s+(?=[a-z])", raw)[-1]
    words = raw.split()
    if not words or len(words) > 14:
        return None
    folded = fold(" ".join(words))
    if R.CONDITION.match(folded) or _NOT_A_SUBJECT.match(folded) or _PRONOUN.match(folded):
        return None
    if len(words) > 6:
        # A long subject is named by its head ("Les navires autorisés à pêcher dans …").
        cut = _SUBJECT_CUT.search(folded, len(words[0]) + 1)
        if cut is None:
            return None
        words = " ".join(words)[: cut.start()].split()
        if not words or len(words) > 6:
            return None
    name = _STOP_SUBJECT.sub("", " ".join(words)).strip(" -–")
    if len(name) < 3 or not re.search(r"[A-Za-zÀ-ÿ]", name):
        return None
    return PartyOut(
        name,
        None,
        "new",
        sentence.start + ctx.text[sentence.start : trigger.start].find(words[0]),
        trigger.start,
    )


def _out(ctx: _Context, m: Mention) -> PartyOut:
    return PartyOut(squash(m.written), m.party_id, m.how, m.start, m.end)


# The one a duty is performed for, named by a preposition: "to the Lender", "for the
# benefit of", "in favour of", "à la Partie", "au profit de", "vis-à-vis de", "gegenüber
# der KfW", "zugunsten", "an die Regierung", the German dative "dem / den".
_TO = {
    "en": re.compile(
        r"\b(?:to|towards|for|with|vis-a-vis|in favou?r of|on behalf of|"
        r"for the (?:sole |exclusive )?(?:benefit|account) of|to the order of|"
        # "submitted to and examined by the Joint Committee"
        r"to and \w+ by)\s+(?:the\s+)?$"
    ),
    "fr": re.compile(
        r"\b(?:a|au|aux|a l'|a la|aupres d[eu]s?|aupres de la|envers|au profit d[eu]s?|"
        r"au profit de la|en faveur d[eu]s?|en faveur de la|au benefice d[eu]s?|"
        r"au benefice de la|vis-a-vis d[eu]s?|vis-a-vis de la|a l'egard d[eu]s?|"
        r"a l'egard de la|a l'intention d[eu]s?|a l'intention de la|pour)\s*(?:l')?$"
    ),
    "de": re.compile(
        r"\b(?:an|gegenuber|fur|zugunsten|zu gunsten)\s+(?:der|dem|den|des|die)?\s*$|"
        r"\w\s+(?:dem|den)\s+$"
    ),
}
# Markers strong enough to name a beneficiary that is not registered ("au profit du Canton
# du Jura", "for the benefit of the Municipality", "zugunsten der Stadt Ústí"): the
# capitalised words after them are proposed as a new party.
_BENEFIT = {
    "en": re.compile(r"\b(?:for the (?:sole |exclusive )?benefit of|in favou?r of)\s+(?:the\s+)?"),
    "fr": re.compile(r"\b(?:au profit|en faveur|au benefice)\s+(?:du\s+|des\s+|de la\s+|de l'|d')"),
    "de": re.compile(r"\b(?:zugunsten|zu gunsten)\s+(?:der|des|dem|den)?\s*"),
}
# Between a verb and its direct object ("shall notify the Commission", "doit informer la
# Commission", "ermöglicht es der Regierung"): a few words, none a preposition. A party
# named further on, or inside a phrase ("in the territory of", "en territoire suisse",
# "von der KfW", "the waters of Guinea-Bissau"), is not the one the duty is owed to.
_OBJECT_GAP = re.compile(r"^[\s,]*(?:[a-z'-]+[\s,]+){0,8}$")
# A party followed by its own verb is the subject of the next clause ("… and that
# Lightbridge shall have …"), not an object.
_OWN_VERB = re.compile(r"^\s*(?:\w+\s+)?(?:shall|will|must|may|is|are|doit|doivent|wird|muss)\b")
_PREPOSITION = re.compile(
    r"\b(?:of|in|on|at|from|by|within|into|under|between|among|through|via|than|"
    r"de|du|des|d'|en|dans|sur|par|entre|sous|chez|que|"
    r"von|vom|aus|im|in|bei|zwischen|durch|als)\b"
)
# A lead-in whose list names the side it applies to ("Les redevances pour les navires
# sénégalais sont fixées au barème suivant: a) Les chalutiers paient …").
_LEAD_END = re.compile(
    r"(?::|\bsuivante?s?|\bsuivan\w*|\bas follows|\bthe following|\bfolgende[nrs]?|"
    r"\bwie folgt)\s*[.]?\s*$"
)


def _direct_object(ctx: _Context, trigger: _Trigger, m: Mention) -> bool:
    gap = ctx.folded[trigger.end : m.start]
    return (
        bool(_OBJECT_GAP.match(gap))
        and not _PREPOSITION.search(gap)
        and not _OWN_VERB.match(ctx.folded, m.end)
    )


def _unmarked_owed(
    ctx: _Context, sentence: _Sentence, trigger: _Trigger, m: Mention, owed_by: PartyOut | None
) -> bool:
    """A registered party named after the verb without "to / à / an": owed when it is the
    verb's direct object ("shall notify the Commission", "ermöglicht es der Regierung");
    not the doer or the source ("par", "by", "von der KfW"), nor a party named further on
    or inside a phrase ("en territoire suisse", "in the waters of Guinea-Bissau",
    "the business of the Joint Venture"). An actor that is no party (a master, a
    shipowner, an inspector) owes the signatory in whose waters, port or hands it acts
    ("the port indicated by the Moroccan authorities", "in Madagascar's fishing zone")."""
    if m.party_id in (None, ALL):
        return False
    if owed_by is not None and owed_by.id is None and m.party_id in signatories(ctx.registered):
        # (even after "by": "the port indicated by the Moroccan authorities")
        return not _OWN_VERB.match(ctx.folded, m.end)
    if _AGENT[ctx.lang].search(ctx.folded[max(sentence.start, m.start - 30) : m.start]):
        return False
    return _direct_object(ctx, trigger, m)


def _beneficiaries(ctx: _Context, sentence: _Sentence, trigger: _Trigger) -> list[PartyOut]:
    """Actors the text names after "au profit de", "for the benefit of", "zugunsten" that
    are not registered: new parties to propose."""
    out: list[PartyOut] = []
    for match in _BENEFIT[ctx.lang].finditer(ctx.folded, trigger.end, sentence.end):
        words = re.match(
            r"(?:[A-ZÀ-Ý][\w'’-]*(?:\s+(?:du|de|des|de la|of|the|der|des|and|et)\s+|\s+)?)+",
            ctx.text[match.end() : min(sentence.end, match.end() + 80)],
        )
        name = words.group(0).strip() if words else ""
        name = re.sub(r"\s+(?:du|de|des|de la|of|the|der|and|et)$", "", name)
        if len(name) > 2:
            # "for the benefit of Entrust": a shorter name of a registered party is that party.
            known = [p for p in ctx.registered if fold(name) in fold(f"{p.name} {p.short_name}")]
            party_id = known[0].id if len(known) == 1 else None
            out.append(
                PartyOut(name, party_id, "beneficiary", match.end(), match.end() + len(name))
            )
    return out


def _side(ctx: _Context, phrase: str) -> str | None:
    """The one signatory an actor belongs to, named by nationality ("les navires
    sénégalais", "vessels flying the flag of Madagascar"), if exactly one."""
    if re.search(r"\b(?:and|or|et|ou|und|oder)\b", phrase):
        return None  # "the CSCP of the flag State and/or the Moroccan CSCP": both sides
    signed = set(signatories(ctx.registered))
    found = {
        party
        for word in re.findall(r"[a-z]{4,}", phrase)
        if (party := ctx.resolver.side_of(word)) is not None and party in signed
    }
    return found.pop() if len(found) == 1 else None


def _lead_in(ctx: _Context, sentences: list[_Sentence], index: int) -> _Sentence | None:
    """The lead-in of the list the sentence at ``index`` is an item of, in its article."""
    sentence = sentences[index]
    if sentence.mark is None or sentence.mark.level <= ARTICLE:
        return None
    if sentence.start - sentence.mark.body > 4:
        return None  # not the opening of its item
    for before in reversed(sentences[max(0, index - 8) : index]):
        if _LEAD_END.search(ctx.folded[before.start : before.end]):
            return before
        if before.mark is None or before.mark.level != sentence.mark.level:
            return None  # only the items of the same list lie between
    return None


def _owed_to(
    ctx: _Context,
    mentions: list[Mention],
    trigger: _Trigger,
    owed_by: PartyOut | None,
    sentence: _Sentence,
    sentences: list[_Sentence] | None = None,
    index: int = 0,
) -> list[PartyOut]:
    """The parties a duty is owed to: those the text names after "to / à / gegenüber …" or
    as the verb's direct object; else the other signatories (`*`) — for an actor that is
    no party but belongs to one side ("les navires sénégalais"), the other side."""
    after = [
        m
        for m in mentions
        if m.start >= trigger.end
        and (owed_by is None or m.party_id != owed_by.id or m.party_id is None)
        and not (owed_by and owed_by.start == m.start)
    ]
    marked = [
        m
        for m in after
        if _TO[ctx.lang].search(ctx.folded[max(sentence.start, m.start - 30) : m.start])
    ]
    if owed_by is not None and owed_by.id == ALL:
        # "The Parties shall submit a report to the Joint Committee": the organ or third
        # party named (a signatory named there is one of "the Parties", already owed);
        # else each owes the others ("the Parties shall consult", "each other").
        signed = signatories(ctx.registered)
        named = [m for m in marked if m.party_id not in (None, ALL, *signed)]
        out = [_out(ctx, m) for m in named]
        return _unique(out) or [PartyOut(owed_by.name, ALL, "generic")]
    chosen = marked
    if not marked:
        previous: tuple[int, bool] = (-10, False)  # the end of the last mention, and if owed
        for m in after:
            # "von der KfW Bankengruppe (KfW)": the acronym goes with the name before it.
            owed = (
                previous[1]
                if re.fullmatch(r"\s*\(\s*", ctx.folded[previous[0] : m.start])
                else _unmarked_owed(ctx, sentence, trigger, m, owed_by)
            )
            previous = (m.end, owed)
            if owed:
                chosen.append(m)
    out = [_out(ctx, m) for m in chosen]
    taken = [(p.start, p.end) for p in out]
    for party in _beneficiaries(ctx, sentence, trigger):
        if not any(a <= (party.start or 0) < b for a, b in taken):
            out.append(party)
    out = _unique(out)
    if out:
        return out
    body = _body_of_organ(ctx, owed_by) if owed_by is not None else None
    if body is not None:
        # "Le conseil d'administration arrête le budget": an organ of a body owes it.
        return [PartyOut(body.name, body.id, "organ of")]
    if owed_by is not None and owed_by.id is None and sentences is not None:
        # An actor that signs nothing but stands on one side ("Les navires sénégalais
        # paient une redevance", an item under "Les redevances pour les navires sénégalais
        # sont fixées au barème suivant:") owes the other side.
        lead = _lead_in(ctx, sentences, index)
        side = _side(ctx, fold(owed_by.name))
        if side is None and lead is not None:
            side = _side(ctx, ctx.folded[lead.start : lead.end])
        owed = [ctx.resolver.party(i) for i in others(ctx.registered, side)] if side else []
        if owed:
            return [PartyOut(p.name, p.id, "other side") for p in owed if p is not None]
    # Nothing written: owed to the other signatories of the agreement.
    return [PartyOut("", ALL, "inferred")]


# The organs of a company or public body: their duties are owed to the body they are
# organs of (a joint commission of the parties is not one: it owes the signatories).
_ORGAN = re.compile(
    r"\b(?:board(?: of directors)?|directors|managing director|general manager|"
    r"chief executive(?: officer)?|officers|management committee|executive committee|"
    r"general meeting|shareholders'? meeting|"
    r"conseil d'administration|directeur general|direction generale|directrice generale|"
    r"comite de direction|comite de gestion|assemblee generale|commissaires? aux comptes|"
    r"agent comptable|vorstand|geschaftsfuhrer|geschaftsfuhrung|aufsichtsrat|verwaltungsrat|"
    r"gesellschafterversammlung)\b"
)
_BODY_KINDS = ("state_enterprise", "local_firm", "multinational")


def _body_of_organ(ctx: _Context, owed_by: PartyOut) -> PartyRef | None:
    """The registered body a new actor is an organ of ("the Board", "le directeur
    général"): the one its name names, else the only registered party that signs nothing
    and is a company or public body (the joint venture, the établissement public)."""
    organ = owed_by.id is None and bool(_ORGAN.search(fold(owed_by.name)))
    if owed_by.how == "defined term":
        # "IMPCO shall designate … the Managing Director ('MD') of the JVC": the term
        # names the organ, not the party named before it.
        organ = any(
            d.term == owed_by.name and _ORGAN.search(fold(d.refers_to)[-40:])
            for d in ctx.resolver.defined
        )
    if not organ:
        return None
    named = ctx.resolver._resolve_phrase(fold(owed_by.name))
    signed = signatories(ctx.registered)
    if named is not None and named != ALL and named not in signed:
        return ctx.resolver.party(named)
    bodies = [p for p in ctx.registered if p.id not in signed and p.kind in _BODY_KINDS]
    return bodies[0] if len(bodies) == 1 and len(signed) < len(ctx.registered) else None


def _unique(parties: list[PartyOut]) -> list[PartyOut]:
    out: list[PartyOut] = []
    for party in parties:
        if party.id is not None and any(o.id == party.id for o in out):
            continue
        out.append(party)
    return out


def _conditions(ctx: _Context, sentence: _Sentence) -> tuple[list[str], list[tuple[int, int]]]:
    out, spans = [], []
    part = ctx.folded[sentence.start : sentence.end]
    for match in R.CONDITION.finditer(part):
        start = sentence.start + match.start()
        stop = re.search(r"[,;]|$", part[match.end() :])
        end = sentence.start + match.end() + (stop.start() if stop else 0)
        words = squash(ctx.text[start:end])
        if len(words) > 6 and len(words) < 300:
            out.append(words)
            spans.append((start, end))
    return out[:3], spans[:3]


def _time(ctx: _Context, sentence: _Sentence, trigger: _Trigger):
    part = ctx.folded[sentence.start : sentence.end]
    relative = T.find_relative(part, sentence.start)
    deadlines = T.find_deadlines(part, sentence.start)
    recurrence = T.find_recurrence(part, sentence.start)
    due: dict[str, Any] | None = None
    anchor_key = ""
    evidence: list[tuple[int, int, str]] = []
    # An explicit date beats a timeframe that names no event ("within 9 months at most,
    # that is, no later than 15 March 2012").
    if deadlines and relative and all(not r.anchor for r in relative):
        relative = []
    if relative:
        best = min(relative, key=lambda r: abs(r.start - trigger.end))
        due = {"within": {"value": best.value, "unit": best.unit}}
        key = "before" if best.direction == "before" else "after"
        due[key] = (
            squash(ctx.text[best.anchor_start : best.anchor_start + len(best.anchor)])
            if best.anchor
            else None
        )
        anchor_key = best.anchor_key
        evidence.append((best.start, best.end, "time"))
    elif deadlines:
        best = min(deadlines, key=lambda d: abs(d.start - trigger.end))
        due = {"date": best.on.isoformat()}
        evidence.append((best.start, best.end, "time"))
    if recurrence:
        evidence.append((recurrence.start, recurrence.end, "recurrence"))
    return due, (recurrence.keyword if recurrence else None), anchor_key, evidence


def _action(ctx: _Context, sentence: _Sentence, trigger: _Trigger) -> str:
    if trigger.rule.name.endswith(("present", "praesens", "futur")) or ctx.lang == "de":
        start = sentence.start
    else:
        start = trigger.start
    words = squash(ctx.text[start : sentence.end])
    return words[:MAX_ACTION]


def extract(
    source: Document | str,
    *,
    language: str = "auto",
    parties: list[PartyRef] | tuple[PartyRef, ...] = (),
) -> Extraction:
    """Candidate commitments of a document, with their evidence."""
    document = source if isinstance(source, Document) else Document(source)
    text = document.text
    folded = fold(text)
    lang = detect(folded) if language == "auto" else language
    if lang not in LANGUAGES:
        raise ValueError(f"language must be auto, en, fr or de, not {language!r}")
    marks = find_clauses(text, folded, lang)
    resolver = Resolver(list(parties))
    resolver.add_defined_terms(folded, text)
    ctx = _Context(text, folded, lang, resolver, ClauseIndex(marks), list(parties))
    operative = _operative_start(folded, marks)
    sentences = _sentences(text, folded, marks)
    candidates: list[Candidate] = []
    lead: tuple[_Sentence, _Trigger, PartyOut | None] | None = None
    condition_lead: _Sentence | None = None
    proposed_parties: dict[str, None] = {}
    proposed_milestones: dict[str, None] = {}
    for index, sentence in enumerate(sentences):
        if sentence.end <= operative:
            continue
        part = folded[sentence.start : sentence.end]
        if R.DEFINITION.search(part[:200]) and not re.search(r"\b(?:shall|doit|muss)\b", part[:40]):
            continue
        triggers = [
            t
            for t in _classify(folded, sentence.start, sentence.end, lang)
            if t.rule.name != "de.wird" or _german_wird_is_duty(folded, t, sentence.end)
        ]
        if (
            condition_lead is not None
            and _is_item_of(condition_lead, sentence, lists=False)
            and sentence.mark is not None
            and sentence.start - sentence.mark.body < 4
        ):
            continue  # an item of "… unless:" is a condition, not a duty
        if _CONDITION_LEAD.search(part):
            condition_lead = sentence
        elif condition_lead is not None and not _is_item_of(condition_lead, sentence, lists=False):
            condition_lead = None
        trigger = triggers[0] if triggers else None
        inherited = False
        if (
            trigger is None
            and lead is not None
            and _is_item_of(lead[0], sentence)
            and _is_verb_item(folded, lead[0], sentence, lang)
        ):
            trigger, inherited = lead[1], True
        if trigger is None:
            if not (lead and _is_item_of(lead[0], sentence)):
                lead = None
            continue
        mentions = resolver.mentions(folded, sentence.start, sentence.end, text)
        passive = (
            "passive" in trigger.rule.name
            or "passif" in trigger.rule.name
            or bool(_MODAL_PASSIVE[lang].match(folded, trigger.end))
            or _thing_is_subject(folded, sentence, trigger)
        )
        owed_by = (
            lead[2]  # type: ignore[index]
            if inherited
            else _subject(ctx, mentions, sentence, trigger, passive)
        )
        if owed_by is None and not inherited and passive:
            owed_by = _possessor(ctx, mentions, sentence, trigger) or _unregistered_agent(
                ctx, sentence, trigger
            )
        if owed_by is None and not inherited and not passive:
            owed_by = _new_party(ctx, sentence, trigger)
        if passive and owed_by is None and not inherited:
            # No doer named: the party the article's heading names ("Article 5 —
            # Obligations of the Concessionaire"), else …
            owed_by = _heading_party(ctx, sentence)
        if passive and owed_by is None and candidates:
            # … the party of the article's previous duty ("A detailed annual
            # report shall be submitted …" after "Guinea-Bissau shall be responsible …").
            previous = candidates[-1]
            if previous.owed_by is not None and _article(previous.clause) == _article(
                sentence.mark.ref if sentence.mark else ""
            ):
                owed_by = PartyOut(previous.owed_by.name, previous.owed_by.id, "context")
        if passive and owed_by is None and not inherited and len(ctx.registered) > 1:
            # Nobody named and nothing before in the article: a duty the agreement puts on
            # its parties ("The decision shall be taken …", "L'habitat … doit être protégé").
            owed_by = PartyOut("", ALL, "implied")
        if (owed_by is None or owed_by.id is None) and _RECIPROCAL.search(part):
            # "Les autorités … se communiquent mutuellement …": every party, to the others.
            owed_by = PartyOut(owed_by.name if owed_by else "", ALL, "reciprocal")
        subject_words = _subject_words(folded, sentence, trigger)
        relative = _RELATIVE.search(subject_words)
        if relative and not inherited:
            # "… soumis aux Ministres des deux pays, qui prendront les mesures": the one
            # the relative pronoun stands for, named just before it.
            at = trigger.start - len(subject_words) + relative.start()
            named = [m for m in mentions if sentence.start <= m.end <= at and at - m.end < 60]
            if named:
                owed_by = _out(ctx, named[-1])
        if _PRONOUN.match(subject_words) and (
            owed_by is None
            or owed_by.how == "new"
            # "Il est le chef de l'administration de l'EPIM, à ce titre, il recrute …":
            # the pronoun right before the verb is the subject, not a name before it.
            or (owed_by.start is not None and owed_by.start < trigger.start - len(subject_words))
        ):
            # "They shall inform …": the subject of the sentence before, in the same
            # article (even when that sentence only granted a right), else the party of
            # the article's previous duty.
            named = owed_by
            owed_by = (
                _subject_of_first_clause(ctx, sentence, trigger.start - len(subject_words))
                or _antecedent(ctx, sentences, index)
                or _heading_party(ctx, sentence)
            )
            if owed_by is None and candidates:
                previous = candidates[-1]
                if previous.owed_by is not None and _article(previous.clause) == _article(
                    sentence.mark.ref if sentence.mark else ""
                ):
                    owed_by = PartyOut(
                        previous.owed_by.name, previous.owed_by.id, "pronoun", None, None
                    )
            owed_by = owed_by or named
        if _DOCUMENT_SUBJECT.match(_subject_words(folded, sentence, trigger)):
            continue  # "Un protocole d'application fixera …": the agreement is no party
        if trigger.rule.name == "fr.present-passif" and owed_by is None:
            continue  # "est assurée par …" binds only when it names a party
        weak = trigger.rule.confidence < _WEAK_NEEDS_SUBJECT and not passive
        if (
            weak
            and not inherited
            and (
                owed_by is None
                or (
                    owed_by.how == "new"
                    and not _opens_with_subject(part, trigger.start - sentence.start)
                )
            )
        ):
            continue
        if part.rstrip().endswith(":") and not inherited:
            lead = (sentence, trigger, owed_by)
            if _has_verb_items(folded, sentences, sentence, lang):
                continue
        elif not inherited:
            lead = None
        owed_to = _owed_to(ctx, mentions, trigger, owed_by, sentence, sentences, index)
        conditions, condition_spans = _conditions(ctx, sentence)
        due, recurrence, anchor_key, time_evidence = _time(ctx, sentence, trigger)
        evidence = [] if inherited else [(trigger.start, trigger.end, "rule")]
        if owed_by and owed_by.start is not None:
            evidence.append((owed_by.start, owed_by.end or owed_by.start, "owed by"))
        evidence += [(p.start, p.end, "owed to") for p in owed_to if p.start is not None]  # type: ignore[misc]
        evidence += [(a, b, "condition") for a, b in condition_spans]
        evidence += time_evidence
        confidence = trigger.rule.confidence
        if owed_by is None or owed_by.id is None:
            confidence *= 0.8
        if owed_by is not None and owed_by.id is None:
            proposed_parties[owed_by.name] = None
        if due and "within" in due and not anchor_key and (due.get("after") or due.get("before")):
            proposed_milestones[due.get("after") or due.get("before")] = None
        candidates.append(
            Candidate(
                owed_by=owed_by,
                owed_to=owed_to,
                action=_action(ctx, sentence, trigger),
                clause=sentence.mark.ref if sentence.mark else "",
                due=due,
                recurrence=recurrence,
                conditions=conditions,
                span=(sentence.start, sentence.end),
                rule=trigger.rule.name + ("+item" if inherited else ""),
                rule_description=trigger.rule.description,
                confidence=min(confidence, 0.99),
                negative=trigger.rule.negative
                or bool(_NEGATIVE_SUBJECT.match(_subject_words(folded, sentence, trigger))),
                anchor_key=anchor_key,
                evidence=sorted(evidence),
                sentence=squash(text[sentence.start : sentence.end])[:1000],
            )
        )
    return Extraction(
        language=lang,
        text=text,
        candidates=candidates,
        clauses=marks,
        defined_terms=[
            {"term": d.term, "party": d.party_id, "start": d.start, "end": d.end}
            for d in resolver.defined
        ],
        proposed_parties=list(proposed_parties),
        proposed_milestones=list(proposed_milestones),
        pages=document.pages,
        notes=list(document.notes),
        sentences=len(sentences),
    )


def _antecedent(ctx: _Context, sentences: list[_Sentence], index: int) -> PartyOut | None:
    """The subject of the sentence before ``index`` in the same article: who a pronoun
    ("they", "ils", "sie") stands for."""
    if index == 0:
        return None
    sentence = sentences[index]
    ref = sentence.mark.ref if sentence.mark else ""
    # A chain of pronouns ("Le directeur général est … Il exécute … Il négocie …") goes
    # back to the sentence that names its subject, within the article.
    for before in sentences[max(0, index - 4) : index][::-1]:
        if _article(before.mark.ref if before.mark else "") != _article(ref):
            return None
        verb = _first_verb(ctx, before, before.end)
        if verb is None:
            return None
        words = _subject_words(ctx.folded, before, verb)
        if _PRONOUN.match(words):
            continue
        if words and (_THING.match(words) or _THING.match(words.split()[-1])):
            return None  # "The report … It shall …": a duty's doer is no report
        return _named_subject(ctx, before, verb)
    return None


def _heading_party(ctx: _Context, sentence: _Sentence) -> PartyOut | None:
    """The one registered party the heading of the sentence's article names ("Article 5 —
    Obligations of the Union", "Art. 7\nEngagements du Concessionnaire")."""
    if sentence.mark is None:
        return None
    article = next(
        (m for m in reversed(ctx.index.marks) if m.start <= sentence.start and m.level <= ARTICLE),
        None,
    )
    if article is None:
        return None
    start = article.body
    end = ctx.text.find("\n", start)
    end = len(ctx.text) if end < 0 else end
    if not ctx.text[start:end].strip(" -–—.:\t"):
        # The heading on the line after the number ("Article 5\nObligations of …").
        nxt = ctx.text.find("\n", end + 1)
        end = len(ctx.text) if nxt < 0 else nxt
    if end - start > 100 or end > sentence.start or _NEXT_MODAL.search(ctx.folded, start, end):
        return None  # no heading: the article's text starts on its number's line
    ids = {
        m.party_id: m
        for m in ctx.resolver.mentions(ctx.folded, start, end, ctx.text)
        if m.party_id not in (None, ALL)
    }
    if len(ids) != 1:
        return None
    m = next(iter(ids.values()))
    return PartyOut(squash(m.written), m.party_id, "heading")


def _first_verb(ctx: _Context, sentence: _Sentence, upto: int) -> _Trigger | None:
    """The sentence's first binding, permitting or (failing those) describing verb."""
    part = ctx.folded[sentence.start : upto]
    verbs = [
        m.start() for rule in R.RULES[ctx.lang] if (m := rule.pattern.search(part)) is not None
    ]
    if not verbs and (first := _FINITE.search(part)) is not None:
        verbs.append(first.start())
    if not verbs:
        return None
    at = sentence.start + min(verbs)
    return _Trigger(R.RULES[ctx.lang][0], at, at)


def _named_subject(ctx: _Context, sentence: _Sentence, verb: _Trigger) -> PartyOut | None:
    mentions = ctx.resolver.mentions(ctx.folded, sentence.start, sentence.end, ctx.text)
    found = _subject(ctx, mentions, sentence, verb, passive=False) or _new_party(
        ctx, sentence, verb
    )
    if found is None:
        return None
    return PartyOut(found.name, found.id, "pronoun", None, None)


def _subject_of_first_clause(ctx: _Context, sentence: _Sentence, upto: int) -> PartyOut | None:
    """ "The Recipient agrees that, before any disclosure, it will inform …": a pronoun
    stands for the subject of the sentence's first clause, when that is not a pronoun."""
    verb = _first_verb(ctx, sentence, upto)
    if verb is None or _PRONOUN.match(_subject_words(ctx.folded, sentence, verb)):
        return None
    return _named_subject(ctx, sentence, verb)


# The verb "to be" / "to have", which opens a sentence that only describes its subject
# ("Le directeur général est l'exécutif de l'EPIM.") — still the antecedent of "il".
_FINITE = re.compile(r"\b(?:is|are|has|have|was|est|sont|a|ont|ist|sind|hat|haben)\b(?=\s)")
# A relative pronoun as the subject of the verb ("… the Committee, which shall meet").
_RELATIVE = re.compile(r"(?:^|\s)(?:qui|who|which|that|welche[rs]?)$")


def _article(ref: str) -> str:
    return ref.split("(")[0]


def _subject_words(folded: str, sentence: _Sentence, trigger: _Trigger) -> str:
    return re.split(r"[,;:]", folded[sentence.start : trigger.start])[-1].strip()


def _is_item_of(lead: _Sentence, sentence: _Sentence, lists: bool = True) -> bool:
    """Is ``sentence`` a list item under the lead-in ``lead`` (a deeper clause that follows
    it, or with ``lists`` one of the list the lead opens at its own level — only for a
    duty's lead-in, which the next duty of its own ends)?"""
    if sentence.mark is None or sentence.start < lead.end:
        return False
    if lists and lead.opens is not None and sentence.mark is not lead.mark:
        return sentence.mark.level >= lead.opens
    if lead.mark is None:
        return sentence.mark.level > ARTICLE
    return sentence.mark.level > lead.mark.level or (
        sentence.mark.level == lead.mark.level
        and sentence.mark is not lead.mark
        and lead.mark.level > ARTICLE
        and False
    )


def _item_words(folded: str, sentence: _Sentence) -> str:
    return folded[sentence.start : sentence.start + 120].lstrip(" -–•*")


def _has_verb_items(folded: str, sentences: list[_Sentence], lead: _Sentence, lang: str) -> bool:
    """Do the items under a lead-in start with verbs (each its own obligation)?"""
    following = [s for s in sentences if s.start >= lead.end][:3]
    items = [s for s in following if _is_item_of(lead, s)]
    return bool(items) and all(_is_verb_item(folded, lead, s, lang) for s in items)


# A lead-in that stops on its modal ("Northwind will:", "The Parties shall:", "s'engage
# à :") leaves the verb to each item: whatever word an item starts with, it is a verb.
_MODAL_LEAD = re.compile(
    r"\b(?:shall|will|must|undertakes? to|agrees? to|covenants? to|s'engagen?t? a|doi(?:t|vent)|"
    r"devra|devront|verpflichte[nt]? sich(?:,)?(?: zu)?)\s*:\s*$"
)
# An item may open with a phrase of manner before its verb ("3) In concert with the
# Authority, appoint …", "b) à cet effet, de désigner …").
_ITEM_OPENING = re.compile(r"^(?:in [^,;]{2,60}|where [^,;]{2,60}|a cet effet|to that end),\s*")


def _is_verb_item(folded: str, lead: _Sentence, item: _Sentence, lang: str) -> bool:
    if _MODAL_LEAD.search(folded[lead.start : lead.end]):
        return True
    words = _item_words(folded, item)
    words = _ITEM_OPENING.sub("", words, count=1)
    return bool(_ITEM_VERB[lang].match(words))


def to_json(extraction: Extraction, document: Document | None = None) -> list[dict[str, Any]]:
    return [c.to_json(document) for c in extraction.candidates]
