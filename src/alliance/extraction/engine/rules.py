"""The rules that tell an obligation from a right, a statement, a recital or a definition,
in English, French and German. Each rule has a name shown with every candidate it makes, so
a reviewer sees *why* a sentence was proposed.

Every pattern runs on folded text (lower case, no accents): "versera", "Versera" and an OCR
"versera" without its accent are one word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str  # obligation, right, statement
    pattern: re.Pattern[str]
    confidence: float
    negative: bool = False
    description: str = ""


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# After "shall", verbs that state how the agreement works rather than bind anyone.
_EN_STATEMENT_VERBS = (
    r"(?:not\s+)?(?:be\s+)?(?:apply|applies|applicable|enter into force|come into force|"
    r"take effect|have effect|remain|continue in|continue to (?:apply|be|have)|expire|terminate|"
    r"lapse|mean|include|be deemed|deemed|be construed|construed|be interpreted|be governed|"
    r"governed|be binding|binding|be valid|valid|be void|void|be null|null|be authentic|"
    r"authentic|prevail|constitute|form (?:an )?(?:integral )?part|be without prejudice|"
    r"survive|be effective|effective|become effective|be renewed|renewed|resume|be resumed|"
    r"be extended|be in force|in force|cover|consist|be considered|considered|be understood|"
    r"affect|prejudice|be composed|comprise|supersede|be the (?:sole )?property|"
    r"enure|inure|run|commence|begin|end|be automatically|automatically|be tacitly|"
    r"be regarded|be settled by|be referred to|be entitled|entitled|have the right|"
    r"have no|not have|be free|be permitted|be allowed|be authori[sz]ed|be eligible|"
    r"be suspended|be terminated|be amended|be reviewed|be revised|be adjusted|"
    r"be increased|be reduced|be calculated|be determined by (?:reference|the formula)|"
    r"be able|not relieve|relieve|have any (?:obligation|liability|responsibility)|"
    r"be as follows|be equal|amount to|correspond|be limited|be liable to|"
    r"not exceed|exceed|not be (?:more|less|greater|lower|higher) than|"
    # what follows from something, not a duty: "failure to comply shall entail suspension"
    r"entail|result in|lead to|give rise to|"
    # what a thing is: "the fiscal year shall be the calendar year", "the quorum shall be
    # five members", "the security shall be irrevocable"
    r"be the same|be identical|be (?:the )?calendar year|coincide|be irrevocable|be final|"
    r"be conclusive|be (?:one|two|three|four|five|six|seven|eight|nine|ten|\d+)\b)\b"
)
# What a liability clause allocates: "responsible for any damage", "responsable des
# dommages", "verantwortlich für Schäden" (a task one is responsible for is a duty).
_LOSS = (
    r"(?:any\s+|all\s+|the\s+|tous\s+|les\s+|des\s+|de\s+|du\s+|alle\s+|die\s+)?"
    r"(?:direct\s+|indirect\s+|consequential\s+)?"
    r"(?:damages?|loss(?:es)?|injur(?:y|ies)|claims?|harm|dommages?|pertes?|prejudices?|"
    r"sinistres?|schaden|verluste?)\b"
)
# Passives that still bind someone even when the text does not say who ("the report shall
# be submitted", "the contribution shall be paid no later than …").
_EN_DUTY_PARTICIPLES = (
    r"(?:paid|submitted|communicated|notified|sent|transmitted|delivered|provided|"
    r"supplied|issued|returned|published|kept|maintained|made|informed|forwarded|"
    r"dedicated|reimbursed|repaid|deposited|filed|registered|reported|given|granted to|"
    r"carried out|taken|held|transferred|disclosed|presented|prepared|established|"
    r"approved|decided|agreed|audited|distributed|shared|settled|undertaken)\b"
)
_EN_PASSIVE = r"be\s+(?:\w+ly\s+)?\w+(?:ed|en|id|wn|ne|de|ld|lt|nt|ut|un)\b"

RULES: dict[str, list[Rule]] = {
    "en": [
        Rule(
            "en.shall-statement",
            "statement",
            _r(rf"\bshall\s+{_EN_STATEMENT_VERBS}"),
            0.0,
            description="'shall' stating how the agreement works (applies, enters into force…)",
        ),
        Rule(
            "en.shall-passive-statement",
            "statement",
            _r(
                rf"\bshall\s+(?:also\s+|then\s+)?be\s+(?!{_EN_DUTY_PARTICIPLES})"
                r"\w+(?:ed|en|id|wn|ut)\b(?![^.;]*\bby\b)"
            ),
            0.0,
            description="'shall be fixed / managed / increased' with nobody to do it: a statement",
        ),
        Rule(
            "en.shall-aside-right",
            "right",
            # "either Party shall, except as provided below, have authority to …": the
            # words set aside by commas do not hide that a power is granted
            _r(
                r"\bshall,[^,;]{2,80},\s*(?:have|be)\s+(?:the\s+|full\s+|sole\s+)?"
                r"(?:right|authority|power|option|discretion|entitled|authori[sz]ed|free)\b"
            ),
            0.0,
            description="'shall, except …, have the authority to': a right",
        ),
        Rule(
            "en.liability",
            "statement",
            # Who bears a loss is allocated, not a duty to act: "Neither Party shall be
            # liable for …", "The Operator shall be liable for damage caused by …". A duty
            # to pay for it is written as one ("shall indemnify", "shall compensate").
            _r(
                r"\b(?:shall|will|is|are)\s+(?:not\s+)?(?:be\s+)?(?:held\s+)?"
                r"(?:jointly\s+and\s+severally\s+|solely\s+|fully\s+)?liable\b|"
                r"\b(?:shall|will|is|are|remains?)\s+(?:not\s+)?(?:be\s+)?"
                rf"(?:solely\s+|fully\s+|jointly\s+)?responsible\s+for\s+{_LOSS}"
            ),
            0.0,
            description="'shall (not) be liable for': an allocation of liability",
        ),
        Rule(
            "en.no-one-authorised",
            "obligation",
            # "No Partner shall be authorised to pledge …": a prohibition of each
            _r(
                r"\b(?:no|neither)\s+(?:[a-z]+\s+){1,3}?(?P<verb>shall)\s+(?:be\s+)?"
                r"(?:authori[sz]ed|empowered|permitted|allowed)(?:\s+or\s+\w+)?\s+to\s+"
                r"(?!any\b|the\b|an?\b|each\b|such\b)[a-z]+"
            ),
            0.85,
            negative=True,
            description="'No Party shall be authorised to': a prohibition",
        ),
        Rule(
            "en.shall-not",
            "obligation",
            _r(r"\bshall\s+(?:not|neither|never|in no (?:event|case))\b"),
            0.9,
            negative=True,
            description="'shall not': a negative obligation",
        ),
        Rule(
            "en.shall-passive",
            "obligation",
            _r(rf"\bshall\s+(?:also\s+|promptly\s+|further\s+)?{_EN_PASSIVE}"),
            0.75,
            description="'shall be …ed': an obligation whose doer is named by 'by …' or known",
        ),
        Rule("en.shall", "obligation", _r(r"\bshall\b"), 0.9, description="'shall'"),
        Rule(
            "en.must-not",
            "obligation",
            _r(r"\bmust\s+not\b"),
            0.9,
            negative=True,
            description="'must not'",
        ),
        Rule("en.must", "obligation", _r(r"\bmust\b"), 0.85, description="'must'"),
        Rule(
            "en.may-not",
            "obligation",
            _r(
                r"\bmay\s+(?:not|in no (?:event|case)|under no circumstances)\b|"
                r"(?:(?<=\bno party )|(?<=\bneither party )|(?<=\bno parties ))may\b"
            ),
            0.85,
            negative=True,
            description="'may not', 'no Party may': a prohibition",
        ),
        Rule(
            "en.undertakes",
            "obligation",
            _r(
                r"\b(?:undertakes?|undertake|covenants?|commits?|agrees?|agree)\s+"
                r"(?:\w+\s+){0,3}?(?:to|that|not to)\b"
            ),
            0.9,
            description="'undertakes to', 'agrees to', 'covenants to'",
        ),
        Rule(
            "en.responsible",
            "obligation",
            _r(
                r"\b(?:is|are|shall be|will be|remains?|be)\s+(?:solely\s+|fully\s+|jointly\s+)?"
                r"(?:responsible|accountable)\s+for\b"
            ),
            0.85,
            description="'is responsible for'",
        ),
        Rule(
            "en.required",
            "obligation",
            _r(r"\b(?:is|are|be|shall be|will be)\s+(?:required|obliged|obligated|bound)\s+to\b"),
            0.85,
            description="'is required / obliged to'",
        ),
        Rule(
            "en.will",
            "obligation",
            _r(
                r"\bwill\s+(?!be\s+(?:entitled|deemed|governed|effective|valid|exempt|"
                r"free|able|eligible))(?:not\s+)?\w+|"
                # a lead-in whose items carry the verbs: "Northwind will: 1) …"
                r"\bwill\s*:"
            ),
            0.6,
            description="'will' with a party as subject",
        ),
        Rule(
            "en.right",
            "right",
            _r(
                r"\b(?:may|can|is entitled to|are entitled to|shall be entitled|"
                r"shall (?:also )?(?:reserve|retain) the right|shall have the (?:right|option)|"
                r"has the right|have the right|shall have the right|reserves? the right|"
                r"shall have (?:full |sole |the )?(?:authority|power) to|"
                r"is free to|are free to|at (?:its|their) (?:sole )?discretion|"
                r"is authori[sz]ed to|are authori[sz]ed to|may not)\b"
            ),
            0.0,
            description="a right or a permission ('may', 'is entitled to')",
        ),
    ],
    "fr": [
        Rule(
            "fr.situation",
            "statement",
            # where something is or will be: "Le siège est fixé à Niamey", "Le projet sera
            # situé dans la province …" — not a duty to place it
            _r(
                r"\b(?:est|sont|sera|seront)\s+(?:\w+ment\s+)?(?:fixee?s?|situee?s?|localisee?s?|"
                r"implantee?s?)\s+(?:a|au|aux|en|dans|sur)\b"
            ),
            0.0,
            description="where something is or will be ('est situé à', 'sera fixé à')",
        ),
        Rule(
            "fr.responsabilite",
            "statement",
            _r(rf"\b(?:est|sont|sera|seront)\s+(?:\w+\s+)?responsables?\s+{_LOSS}"),
            0.0,
            description="'est responsable des dommages': an allocation of liability",
        ),
        Rule(
            "fr.s-engage",
            "obligation",
            _r(r"\bs'(?:engagen?t?|obligen?t?)\s+(?:a|d'|de|\w+ment a)"),
            0.95,
            description="'s'engage à'",
        ),
        Rule(
            "fr.ne-doit-pas",
            "obligation",
            _r(r"\bne\s+(?:doi(?:t|vent)|devra|devront)\s+(?:pas|jamais|en aucun cas)\b"),
            0.9,
            negative=True,
            description="'ne doit pas'",
        ),
        Rule(
            "fr.s-interdit",
            "obligation",
            _r(r"\bs'(?:interdi(?:t|sent)|abstien(?:t|nent)|abstiendra|abstiendront)\b"),
            0.9,
            negative=True,
            description="'s'interdit de', 's'abstient de'",
        ),
        Rule(
            "fr.doit",
            "obligation",
            _r(r"\b(?:doi(?:t|vent)|devra|devront)\b"),
            0.85,
            description="'doit', 'devra'",
        ),
        Rule(
            "fr.est-tenu",
            "obligation",
            _r(
                r"\b(?:est|sont|sera|seront|demeure|demeurent|reste|restent)\s+(?:\w+\s+)?"
                r"(?:tenue?s?|astreinte?s?|obligee?s?|responsables?|charge(?:e|s|es)?)\s+(?:de|d'|du|des|a)\b"
            ),
            0.85,
            description="'est tenu de', 'est astreint à', 'est chargé de', 'est responsable de'",
        ),
        Rule(
            "fr.mission",
            "obligation",
            _r(r"\b(?:a|ont)\s+(?:notamment\s+|egalement\s+)?pour\s+(?:taches?|missions?|role)\b"),
            0.8,
            description="'a pour tâche', 'a pour mission'",
        ),
        Rule(
            "fr.aura-lieu",
            "obligation",
            _r(r"(?<!n')\b(?:aura|auront)\s+lieu\b"),
            0.6,
            description="'aura lieu': a meeting or consultation that must take place",
        ),
        Rule(
            "fr.veille",
            "obligation",
            _r(r"\bveill(?:e|ent|era|eront)\s+a\b"),
            0.85,
            description="'veille à'",
        ),
        Rule(
            "fr.incombe",
            "obligation",
            _r(r"\bincomb(?:e|ent|era|eront)\s+(?:a|au|aux)\b"),
            0.85,
            description="'il incombe à'",
        ),
        Rule(
            "fr.right",
            "right",
            _r(
                r"\b(?:peu(?:t|vent)|pourra|pourront|pourraient|pourrait|a le droit|ont le droit|"
                r"(?:est|sont|seront|sera) (?:autorisee?s?|habilitee?s?|en droit|libres?)|"
                r"se reserven?t? (?:le|de) droit|a la faculte|ont la faculte|"
                r"(?:a|ont) la possibilite)\b"
            ),
            0.0,
            description="a right or a permission ('peut', 'pourra', 'est autorisé à')",
        ),
        Rule(
            "fr.futur-passif",
            "obligation",
            _r(
                r"\b(?:sera|seront)\s+(?:\w+ment\s+)?(?:verse|paye|communique|transmis|notifie|"
                r"adresse|fourni|remis|soumis|delivre|effectue|accorde|rembourse|presente|"
                r"informe|etabli|designe|nomme|mis a (?:la )?disposition|pris en charge|"
                r"acquitte|envoye|depose|publie|garanti|assure|organise|tenu|fixe|"
                r"tenue|verses|versee|versees|payes|payee|communiques|communiquee|transmise|"
                r"transmises|notifiee|fournis|fournie|remise|remises|soumise|delivree|"
                r"delivrees|delivres|effectues|effectuee|accordee|accordes|presentee|"
                r"etablie|designes|nommee|nommes)\b"
            ),
            0.7,
            description="French legal future, passive ('sera versé par …')",
        ),
        Rule(
            "fr.present-passif",
            "obligation",
            _r(
                r"\b(?:est|sont)\s+(?:\w+ment\s+)?(?:assure|verse|paye|acquitte|transmis|"
                r"communique|notifie|fourni|remis|soumis|delivre|effectue|accorde|designe|"
                r"nomme|pris en charge|tenu|exerce|supporte|rembourse|presente|etabli|"
                r"organise|convoque)(?:e|s|es)?\s+(?:\w+\s+){0,6}?par\b"
            ),
            0.6,
            description="French legal present, passive with its doer ('est assurée par …')",
        ),
        Rule(
            "fr.futur",
            "obligation",
            _r(
                r"\b(?:s'|se\s+|ne\s+|n')?"
                r"(?!(?:sera|seront|aura|auront|pourra|pourront|entrera|entreront|demeurera|"
                r"demeureront|restera|resteront|expirera|expireront|prendra effet|vaudra|"
                r"cessera|cesseront|deviendra|deviendront|suffira|primera|sera|fera foi|"
                r"appliquera|appliqueront|contra|extra|supra|opera|"
                r"para|cadra|sierra|ultra)\b)"
                r"[a-z][a-z.]{1,}(?:era|eront|erout|ira|iront|dra|dront|tra|tront|"
                r"ura|uront|iendra|iendront|fera|feront|ra|ront)\b"
            ),
            0.75,
            description="French legal future ('versera', 'communiquera')",
        ),
        Rule(
            "fr.present",
            "obligation",
            _r(
                r"\b(?:se\s+|s')?(?:verse(?:nt)?|paie(?:nt)?|payent|acquitte(?:nt)?|"
                r"transmet(?:tent)?|communique(?:nt)?|fournit|fournissent|remet(?:tent)?|"
                r"met(?:tent)? a (?:la )?disposition|informe(?:nt)?|notifie(?:nt)?|"
                r"soumet(?:tent)?|adresse(?:nt)?|prend(?:nent)? en charge|assure(?:nt)?|"
                r"designe(?:nt)?|nomme(?:nt)?|tient|tiennent|reunit|reunissent|"
                r"accorde(?:nt)?|delivre(?:nt)?|poursui(?:t|vent)|encourage(?:nt)?|"
                r"execute(?:nt)?|elabore(?:nt)?|supporte(?:nt)?|apporte(?:nt)?|devoluent|"
                r"garanti(?:t|ssent)|rembourse(?:nt)?|indique(?:nt)?|organise(?:nt)?|"
                r"consultent|correspondent|procede(?:nt)?|etablit|etablissent|"
                r"exploite(?:nt)?|autorise(?:nt)?|recrute|negocie|conclut|represente|"
                r"examine|approuve|adopte|supervise|elit|transmettent)\b"
            ),
            0.55,
            description="French legal present with a party as subject ('verse', 'transmet')",
        ),
    ],
    "de": [
        Rule(
            "de.haftung",
            "statement",
            _r(
                r"\b(?:haftet|haften)\b|"
                rf"\b(?:ist|sind)\s+(?:\w+\s+){{0,6}}?verantwortlich\s+fur\s+{_LOSS}"
            ),
            0.0,
            description="'haftet für', 'ist für Schäden verantwortlich': liability allocated",
        ),
        Rule(
            "de.verpflichtet",
            "obligation",
            _r(
                r"\b(?:verpflichte[nt]?\s+sich|(?:ist|sind|bleibt|bleiben)\s+(?:\w+\s+){0,3}?verpflichtet|"
                # (OCR reads "sich" as "slch"; a name may hold commas)
                r"erklar(?:t|en)\s+(?:[\w,.-]+\s+){0,16}?bereit|(?:ist|sind)\s+bereit|"
                r"verpflichte[nt]?\s+s[il1]ch)\b"
            ),
            0.95,
            description="'verpflichtet sich', 'ist verpflichtet'",
        ),
        Rule(
            "de.darf-nicht",
            "obligation",
            _r(r"\b(?:darf|durfen)\s+(?:\w+\s+){0,6}?(?:nicht|keine[nrms]?)\b"),
            0.85,
            negative=True,
            description="'darf nicht'",
        ),
        Rule(
            "de.muss",
            "obligation",
            _r(r"\b(?:muss|mus|mussen|musen)\b"),
            0.85,
            description="'muss'",
        ),
        Rule(
            "de.hat-zu",
            "obligation",
            _r(
                r"\b(?:hat|haben|ist|sind)\b(?:\s+[^\s;]+){1,14}?\s+"
                # "zu leisten", and the separable "vorzulegen", "mitzuteilen"
                r"(?:zu\s+[a-z]+|[a-z]{2,}zu[a-z]{2,})(?:en|ern|eln)\b"
            ),
            0.8,
            description="'hat … zu' + infinitive",
        ),
        Rule(
            "de.obliegt",
            "obligation",
            _r(
                r"\b(?:obliegt|obliegen|(?:ist|sind)\s+(?:\w+\s+){0,10}?(?:zustandig|verantwortlich))\b"
            ),
            0.8,
            description="'obliegt', 'ist zuständig für', 'ist verantwortlich für'",
        ),
        Rule(
            "de.sorgt",
            "obligation",
            _r(
                r"\b(?:sorg(?:t|en)\b(?:\s+[^\s.]+){0,12}?\s+(?:fur|dafur)|"
                r"stell(?:t|en)\b(?:\s+[^\s.]+){0,12}?\s+sicher|gewahrleiste[nt]|tragt\s+dafur)\b"
            ),
            0.85,
            description="'sorgt für', 'stellt sicher', 'gewährleistet'",
        ),
        Rule(
            "de.right",
            "right",
            _r(
                r"\b(?:kann|konnen|darf|durfen|ist berechtigt|sind berechtigt|hat das recht|"
                r"haben das recht|ist befugt|sind befugt)\b"
            ),
            0.0,
            description="a right or a permission ('kann', 'darf', 'ist berechtigt')",
        ),
        Rule(
            "de.wird",
            "obligation",
            _r(r"\b(?:wird|werden)\b"),
            0.75,
            description="German legal 'wird' + infinitive ('wird … garantieren')",
        ),
        Rule(
            "de.praesens",
            "obligation",
            _r(
                r"\b(?:ubernimmt|ubernehmen|gewahrt|gewahren|tragt|tragen|zahlt|zahlen|leistet|"
                r"leisten|teilt|teilen|ubermittelt|ubermitteln|unterrichtet|unterrichten|"
                r"informiert|informieren|erteilt|erteilen|stellt|stellen|schliesst|schlieBt|"
                r"schliessen|liefert|liefern|legt|legen|benennt|benennen|ernennt|ernennen|"
                r"ermoglicht|ermoglichen|uberlasst|uberlassen|trifft|treffen|sorgt|"
                r"erstattet|erstatten|bestimmt|bestimmen|fuhrt|fuhren)\b"
                r"(?!\s+(?:wird|werden|worden|wurde|wurden)\b)"
            ),
            0.55,
            description="German legal present with a party as subject ('übernimmt', 'gewährt')",
        ),
    ],
}

# Sentences of the preamble and definitions are never obligations.
OPERATIVE_START = re.compile(
    r"(?:have agreed as follows|hereby agree as follows|agree as follows|now,? therefore|"
    r"it is (?:hereby )?agreed|"
    r"sont convenus? (?:de ce qui suit|des dispositions suivantes|comme suit)|"
    r"ont convenu de ce qui suit|(?:conviennent|decident|disposent)[^.]{0,40}(?:ce qui suit|:)|"
    r"sind wie folgt ubereingekommen|vereinbaren (?:folgendes|was folgt)|"
    r"haben folgendes vereinbart)"
)
DEFINITION = re.compile(
    r"(?:[\"'][^\"']{1,60}[\"']\s*(?:shall\s+)?(?:means?|shall have the meaning|refers to|"
    r"includes|designe|s'entend|signifie|bezeichnet|bedeutet)\b|"
    r"\b(?:means|shall mean|has the meaning|s'entend(?:ent)? (?:de|par|comme)|"
    r"on entend par|au sens du present|im sinne (?:dieses|des)|bezeichnet der ausdruck)\b)"
)
CONDITION = re.compile(
    r"\b(?:subject to|provided that|provided,? however,? that|on condition that|"
    r"unless|if|in the event (?:that|of)|where|should|as long as|except|"
    r"sous reserve (?:de|du|des|que)|a condition que|pour autant que|si |s'il|sauf|"
    r"en cas de|lorsque|a moins que|dans la mesure ou|"
    r"sofern|soweit|falls|wenn|vorausgesetzt|unter der voraussetzung|es sei denn|"
    r"vorbehaltlich)\b"
)
