"""The relationship part of the demo: interactions (with their follow-ups), expectations,
trust pulses, risks and regulation, local integration, grievances and notes on people.

Each ``build_*`` function takes the :class:`~alliance.scenarios.demo.DemoBuilder` (its seeded
random generator, its users, parties, people, agreements and commitments) and writes through
the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from alliance.engagement import services as es
from alliance.risks import services as rs
from alliance.scenarios import demo_relations as rel
from alliance.scenarios import demo_texts as texts
from alliance.scenarios.demo_agreements import TODAY, YEAR_TWO_STARTS
from alliance.scenarios.demo_parties import LOCAL

if TYPE_CHECKING:
    from alliance.scenarios.demo import DemoBuilder

FIRST_DAY = date(2024, 11, 15)
INTERNATIONAL_ONLY_EN = 0.7  # chance that an exchange among foreigners is logged in English
KINDS_YEAR_ONE = {"meeting": 34, "call": 20, "letter": 24, "site_visit": 10, "workshop": 12}
KINDS_YEAR_TWO = {"meeting": 32, "call": 22, "letter": 12, "site_visit": 16, "workshop": 18}
FOLLOW_UP_CHANCE = {"meeting": 0.3, "workshop": 0.45, "site_visit": 0.25, "call": 0.12,
                    "letter": 0.15}  # fmt: skip
KIND_WORDS = {
    "meeting": ("réunion", "meeting"),
    "call": ("appel", "call"),
    "letter": ("courrier", "letter"),
    "site_visit": ("visite", "site visit"),
    "workshop": ("atelier", "workshop"),
}
EN_MONTHS = "January February March April May June July August September October November December"


@dataclass
class InteractionPlan:
    on: date
    agreement: str
    kind: str
    parties: list[str]
    tone: int
    language: str
    confidentiality: str
    text: str
    translation: str
    people: list[Any] = field(default_factory=list)
    follow_ups: list[tuple[str, str, str, str, list[str], date]] = field(default_factory=list)
    actor: str = "samuel"
    restricted_to: list[str] = field(default_factory=list)


def english_date(day: date) -> str:
    """``4 December 2025``, whatever the active locale."""
    return f"{day.day} {EN_MONTHS.split()[day.month - 1]} {day.year}"


def mean_tone(day: date) -> float:
    """The story's mood: wary start, a hard first year, a turn at the Kribi retreat."""
    month = (day.year - 2024) * 12 + day.month - 11
    if month <= 2:
        return -0.2
    if month <= 6:
        return -0.7
    if month <= 11:
        return -0.9
    if month <= 12:
        return 0.0
    if month <= 16:
        return 0.5
    return 0.9


def tone_class(tone: int) -> str:
    return "tense" if tone < 0 else "neutral" if tone == 0 else "warm"


def _forms(key: str, language: str) -> tuple[str, str, str]:
    le, de, au, en = texts.NAMES[key]
    return (le, de, au) if language == "fr" else (en, f"of {en}", f"to {en}")


def _join(names: list[str], language: str) -> str:
    last = " et " if language == "fr" else " and "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + last + names[-1]


def _fill(template: str, language: str, slots: dict[str, Any], parties: list[str]) -> str:
    a, de_a, au_a = _forms(parties[0], language)
    b, de_b, au_b = _forms(parties[1], language)
    values = dict(slots)
    values.update(
        a=a, A=a[:1].upper() + a[1:], de_a=de_a, au_a=au_a,
        b=b, B=b[:1].upper() + b[1:], de_b=de_b, au_b=au_b,
        parties=_join([_forms(p, language)[0] for p in parties], language),
    )  # fmt: skip
    return template.format(**values)


def _fitting_notes(
    notes: list[tuple], parties: list[str], day: date
) -> list[tuple[tuple[str, str], list[str]]]:
    """The candid notes that fit the parties present, each with the two parties it names."""
    fitting = []
    for fr, en, firsts, seconds, year_two in notes:
        if year_two and day < YEAR_TWO_STARTS:
            continue
        first = [p for p in parties if not firsts or p in firsts]
        second = [p for p in parties if (not seconds or p in seconds) and p not in first[:1]]
        if first and second:
            fitting.append(((fr, en), [first[0], second[0]]))
    return fitting


def _compose(
    b: DemoBuilder, parties: list[str], kind: str, tone: int, day: date, confidentiality: str,
    subject: tuple,
) -> tuple[str, str, list[str]]:  # fmt: skip
    """The French and English summaries of one routine interaction, with the parties in the
    order the text names them."""
    rng = b.rng
    subject_fr, subject_en, _agreements, _parties = subject
    cls = tone_class(tone)
    if confidentiality == "shared":
        bodies = texts.LETTER_BODIES if kind == "letter" else texts.BODIES
        closings = {"letter": texts.LETTER_CLOSINGS, "call": texts.CALL_CLOSINGS}.get(
            kind, texts.CLOSINGS
        )
        middle, closing = rng.choice(bodies[cls]), rng.choice(closings[cls])
    else:
        notes = texts.INTERNAL_NOTES if confidentiality == "internal" else texts.RESTRICTED_NOTES
        middle, lead = rng.choice(_fitting_notes(notes, parties, day))
        parties = lead + [p for p in parties if p not in lead]  # the text names them first
        closing = ("", "")
    km = rng.randint(3, 98)
    place_fr, place_en = texts.PLACES[rng.choice(texts.VENUES.get(parties[0], (2, 6)))]
    person = rng.choice(b.people_of[parties[0]])
    pct = rng.randint(18, 32) if day < YEAR_TWO_STARTS else rng.randint(40, 62)
    numbers = {
        "km": km, "km2": km + rng.randint(4, 15), "n": rng.randint(12, 180),
        "n2": rng.randint(7, 19), "pct": pct,
    }  # fmt: skip
    slots = {"person": person.name, "org": b.parties[parties[0]].short_name, **numbers}
    opening = rng.choice(texts.OPENINGS[kind])
    out = []
    for index, language in enumerate(("fr", "en")):
        about = (subject_fr, subject_en)[index].format(**numbers)
        place = (place_fr, place_en)[index]
        text = " ".join(p for p in (opening[index], middle[index], closing[index]) if p)
        out.append(_fill(text, language, {**slots, "subject": about, "place": place}, parties))
    return out[0], out[1], parties


def _weighted(rng: Any, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _routine_plan(b: DemoBuilder, day: date) -> InteractionPlan:
    rng = b.rng
    available = [a for a in ("concession", "loan", "mou") if b.agreements[a].signed_on <= day]
    weights = {"concession": 62, "loan": 16, "mou": 22}
    agreement = _weighted(rng, {a: weights[a] for a in available})
    kinds = KINDS_YEAR_ONE if day < YEAR_TWO_STARTS else KINDS_YEAR_TWO
    roll = rng.random()
    confidentiality = "internal" if roll < 0.07 else "restricted" if roll < 0.09 else "shared"
    # Candid notes come from calls and small meetings, never from letters or workshops.
    kind = _weighted(rng, kinds) if confidentiality == "shared" else rng.choice(["call", "meeting"])
    members = sorted(b.members[agreement])
    subject = rng.choice([s for s in texts.SUBJECTS if agreement in s[2]])
    core = [p for p in subject[3] if p in b.members[agreement]]
    rng.shuffle(core)
    size = {"call": 2, "letter": 2, "workshop": rng.randint(3, 5)}.get(kind, rng.randint(2, 4))
    parties = core[:size]
    while len(parties) < size:
        extra = rng.choice(members)
        if extra not in parties:
            parties.append(extra)
    tone = max(-2, min(2, round(mean_tone(day) + rng.gauss(0, 0.85))))
    if confidentiality == "restricted" and not _fitting_notes(texts.RESTRICTED_NOTES, parties, day):
        confidentiality = "internal"
    fr, en, parties = _compose(b, parties, kind, tone, day, confidentiality, subject)
    foreign = not any(p in LOCAL for p in parties)
    english = (foreign or agreement == "loan") and rng.random() < INTERNATIONAL_ONLY_EN
    language = "en" if english or (rng.random() < 0.12) else "fr"
    text, translation = (en, fr) if language == "en" else (fr, en)
    plan = InteractionPlan(day, agreement, kind, parties, tone, language, confidentiality, text,
                           translation)  # fmt: skip
    plan.people = _people_present(b, parties, kind)
    plan.actor = (
        "ines"
        if agreement == "concession" and rng.random() < 0.15
        else ("claire" if rng.random() < 0.2 else "samuel")
    )
    if confidentiality == "restricted":
        plan.actor = "samuel"
        plan.restricted_to = ["claire"]
    if confidentiality == "shared" and rng.random() < FOLLOW_UP_CHANCE[kind]:
        plan.follow_ups = _follow_ups(b, plan)
    return plan


def _people_present(b: DemoBuilder, parties: list[str], kind: str) -> list[Any]:
    rng, people = b.rng, []
    for index, party in enumerate(parties):
        staff = b.people_of[party]
        if kind == "letter" and index > 0:
            break
        count = 2 if kind in ("meeting", "workshop") and rng.random() < 0.3 else 1
        people.extend(rng.sample(staff, min(count, len(staff))))
    return people


def _follow_ups(b: DemoBuilder, plan: InteractionPlan) -> list[tuple]:
    rng, out = b.rng, []
    wanted = 2 if rng.random() < 0.12 else 1
    candidates = [t for t in texts.FOLLOW_UPS if any(p in plan.parties for p in t[3])]
    for fr, en, category, owers, days in rng.sample(candidates, min(wanted, len(candidates))):
        owed_by = rng.choice([p for p in owers if p in plan.parties])
        owed_to = [p for p in plan.parties if p != owed_by]
        due = plan.on + timedelta(days=days + rng.randint(-3, 10))
        out.append((fr, en, category, owed_by, owed_to, due))
    return out


def _key_event_plans(b: DemoBuilder) -> list[InteractionPlan]:
    plans = []
    for day, agreement, kind, parties, tone, language, confidentiality, fr, en in texts.KEY_EVENTS:
        text, translation = (fr, en) if language == "fr" else (en, fr)
        plan = InteractionPlan(day, agreement, kind, list(parties), tone, language,
                               confidentiality, text, translation)  # fmt: skip
        plan.people = _people_present(b, list(parties), kind)
        plan.actor = "claire" if confidentiality == "shared" else "samuel"
        plans.append(plan)
    return plans


def _routine_plans(b: DemoBuilder) -> list[InteractionPlan]:
    plans = []
    monday = FIRST_DAY - timedelta(days=FIRST_DAY.weekday())
    while monday <= TODAY:
        quiet = (monday.month == 8 and monday.day < 22) or (
            (monday.month, monday.day) >= (12, 20) or (monday.month, monday.day) <= (1, 4)
        )
        count = b.rng.choice([3, 4, 4, 4, 5, 5]) - (2 if quiet else 0)
        for _ in range(count):
            day = monday + timedelta(days=b.rng.randrange(5))
            if FIRST_DAY <= day <= TODAY:
                plans.append(_routine_plan(b, day))
        monday += timedelta(days=7)
    return plans


def _follow_up_title(title: str, kind: str, day: date, language: str) -> str:
    if language == "fr":
        return f"{title} ({KIND_WORDS[kind][0]} du {day:%d/%m/%Y})"
    return f"{title} ({KIND_WORDS[kind][1]} of {english_date(day)})"


def build_interactions(b: DemoBuilder) -> None:
    """Log the key events and some 400 routine exchanges, in date order."""
    from alliance.scenarios.demo import at

    plans = _key_event_plans(b) + _routine_plans(b)
    plans.sort(key=lambda p: p.on)
    other = {"fr": "en", "en": "fr"}
    for number, plan in enumerate(plans):
        agreement = b.agreements[plan.agreement]
        created = at(plan.on, 17, number % 60)
        follow_ups = []
        for fr, en, category, owed_by, owed_to, due in plan.follow_ups:
            shown = plan.on + b.shift  # text says the day the data will say
            title = _follow_up_title(fr if plan.language == "fr" else en, plan.kind, shown,
                                     plan.language)  # fmt: skip
            translated = _follow_up_title(en if plan.language == "fr" else fr, plan.kind,
                                          shown, other[plan.language])  # fmt: skip
            follow_ups.append(
                {
                    "title": title,
                    "category": category,
                    "owed_by": b.parties[owed_by],
                    "owed_to": [b.parties[p] for p in owed_to],
                    "due_on": due,
                    "translations": {other[plan.language]: {"title": translated}},
                    "created_at": created,
                }
            )
        interaction = es.interaction_log(
            actor=b.users[plan.actor],
            agreement=agreement,
            parties=[b.parties[p] for p in plan.parties],
            people=plan.people,
            restricted_to=[b.users[u] for u in plan.restricted_to],
            follow_ups=follow_ups,
            kind=plan.kind,
            occurred_on=plan.on,
            summary=plan.text,
            tone=plan.tone,
            language=plan.language,
            confidentiality=plan.confidentiality,
            translations={other[plan.language]: {"summary": plan.translation}},
            created_at=created,
        )
        if follow_ups:
            for commitment in interaction.follow_ups.order_by("pk"):
                b.plan_follow_up(commitment, plan.agreement, plan.on)


def _statement(topic: rel.TopicSpec, value: str | None, target: date | None, lang: str) -> str:
    template = topic.statement_fr if lang == "fr" else topic.statement_en
    if target is None:
        when = ""
    elif lang == "fr":
        when = f"{target:%d/%m/%Y}"
    else:
        when = english_date(target)
    return template.format(v=value or "", d=when)


def build_expectations(b: DemoBuilder) -> None:
    """Topics and what each party expects on them, re-recorded as positions move."""
    from alliance.scenarios.demo import at

    samuel = b.users["samuel"]
    for spec in rel.TOPICS:
        agreement = b.agreements[spec.agreement]
        translations = {"en": {"name": spec.en}}
        if spec.de:
            translations["de"] = {"name": spec.de}
        topic = es.topic_create(
            actor=samuel,
            agreement=agreement,
            name=spec.fr,
            target_unit=spec.unit,
            translations=translations,
            created_at=at(agreement.signed_on + timedelta(days=5)),
        )
        for party, recorded_on, value, target, priority in rel.EXPECTATIONS[spec.key]:
            language = "en" if party in ("erm", "rawabi") else "fr"
            other = "fr" if language == "en" else "en"
            es.expectation_record(
                actor=samuel,
                topic=topic,
                party=b.parties[party],
                statement=_statement(spec, value, b.shifted(target), language),
                target_date=target,
                priority=priority,
                target_value=Decimal(value) if value is not None else None,
                recorded_on=recorded_on,
                translations={
                    other: {"statement": _statement(spec, value, b.shifted(target), other)}
                },
                created_at=at(recorded_on, 18),
            )


def _rating(b: DemoBuilder, round_index: int, respondent: str, about: str, dim: str) -> int:
    own, same, across = rel.PULSE_LEVELS[round_index]
    level = (
        own
        if respondent == about
        else same
        if (respondent in LOCAL) == (about in LOCAL)
        else across
    )
    if about in ("mint", "minepat") and dim in ("predictability", "communication"):
        level -= 0.6 if round_index < 2 else 0.2
    if about.startswith("valmont") and dim == "ability":
        level += 0.5
    if about.startswith("valmont") and dim == "benevolence" and round_index == 0:
        level -= 0.5
    return max(1, min(7, round(level + b.rng.gauss(0, 0.7))))


def build_pulses(b: DemoBuilder) -> None:
    """Three trust pulses on the concession, answered from both sides of the local line."""
    from alliance.engagement.choices import TRUST_DIMENSIONS
    from alliance.scenarios.demo import at

    agreement = b.agreements["concession"]
    reps = {p.user_id: p for p in b.people.values() if p.user_id}
    for index, (fr, en, opens, closes) in enumerate(rel.PULSES):
        pulse = es.trust_pulse_open(
            actor=b.users["samuel"],
            agreement=agreement,
            title=fr,
            opens_on=opens,
            closes_on=closes,
            translations={"en": {"title": en}},
            created_at=at(opens - timedelta(days=3)),
        )
        for name, abouts in rel.PULSE_RESPONDENTS.items():
            person = b.people[name]
            respondent = next(k for k, people in b.people_of.items() if person in people)
            submitted = opens + timedelta(days=b.rng.randint(0, (closes - opens).days))
            actor = person.user if person.user_id in reps else b.users["samuel"]
            for about in abouts:
                answers = {d: _rating(b, index, respondent, about, d) for d in TRUST_DIMENSIONS}
                comment = ""
                if about != respondent and b.rng.random() < 0.25:
                    fr_comment, en_comment = b.rng.choice(rel.PULSE_COMMENTS[index])
                    comment = (
                        en_comment
                        if person.languages.startswith(("en", "de", "ar"))
                        else fr_comment
                    )
                es.trust_response_submit(
                    actor=actor,
                    pulse=pulse,
                    respondent=person,
                    about_party=b.parties[about],
                    comment=comment,
                    submitted_on=submitted,
                    created_at=at(submitted, 12),
                    **answers,
                )


def build_risks_and_regulation(b: DemoBuilder) -> None:
    """The risk register in the lenders' categories and the regulatory requirements."""
    from alliance.scenarios.demo import at

    samuel = b.users["samuel"]
    for risk in rel.RISKS:
        rs.risk_create(
            actor=samuel,
            agreement=b.agreements[risk.agreement],
            commitments=[b.commitments[k] for k in risk.commitments],
            title=risk.fr,
            translations={"en": {"title": risk.en}},
            category=risk.category,
            rating=risk.rating,
            likelihood=risk.likelihood,
            impact=risk.impact,
            owner=b.parties[risk.owner],
            mitigation=risk.mitigation,
            status=risk.status,
            created_at=at(risk.created, 15),
        )
    for req in rel.REQUIREMENTS:
        agreement = b.agreements[req.agreement]
        rs.regulatory_requirement_create(
            actor=samuel,
            agreement=agreement,
            commitments=[b.commitments[k] for k in req.commitments],
            jurisdiction=req.jurisdiction,
            authority=b.parties[req.authority],
            instrument=req.instrument,
            requirement=req.requirement,
            translations={"en": {"requirement": req.en}},
            deadline=req.deadline,
            alignment_status=req.status,
            created_at=at(agreement.signed_on + timedelta(days=12), 11),
        )


def build_local_integration(b: DemoBuilder) -> None:
    """Local indicators with their quarterly observations, and the strategic objectives."""
    from alliance.scenarios.demo import at

    samuel = b.users["samuel"]
    indicators = {}
    for agreement_key, kind, fr, en, unit, target, target_on, values, source in rel.INDICATORS:
        agreement = b.agreements[agreement_key]
        indicator = rs.local_indicator_create(
            actor=samuel,
            agreement=agreement,
            kind=kind,
            name=fr,
            unit=unit,
            target=Decimal(target),
            target_on=target_on,
            translations={"en": {"name": en}},
            created_at=at(agreement.signed_on + timedelta(days=6)),
        )
        indicators[fr] = indicator
        for quarter, value in zip(rel.QUARTERS, values, strict=True):
            if quarter >= agreement.signed_on:
                rs.indicator_observe(
                    actor=samuel,
                    indicator=indicator,
                    observed_on=quarter,
                    value=Decimal(value),
                    source=source,
                )
    from alliance.partnerships.services import strategic_objective_create

    for agreement_key, source, code, fr, en, commitments, indicator_names in rel.OBJECTIVES:
        agreement = b.agreements[agreement_key]
        strategic_objective_create(
            actor=b.users["claire"],
            agreement=agreement,
            commitments=[b.commitments[k] for k in commitments],
            indicators=[indicators[n] for n in indicator_names],
            source=source,
            code=code,
            title=fr,
            translations={"en": {"title": en}},
            created_at=at(agreement.signed_on + timedelta(days=20)),
        )


def build_grievances(b: DemoBuilder) -> None:
    """Complaints from the corridor, answered late in year one and on time after."""
    from alliance.scenarios.demo import at

    samuel = b.users["samuel"]
    for row in rel.GRIEVANCES:
        (reference, agreement_key, channel, category, complainant, summary, received, days,
         answered, resolved, resolution) = row  # fmt: skip
        grievance = es.grievance_register(
            actor=samuel,
            agreement=b.agreements[agreement_key],
            reference=reference,
            channel=channel,
            category=category,
            complainant=complainant,
            summary=summary,
            received_on=received,
            response_due_on=received + timedelta(days=days),
            created_at=at(received, 14),
        )
        if answered is not None:
            es.grievance_respond(
                actor=samuel,
                grievance=grievance,
                on=received + timedelta(days=answered),
                resolution=resolution if resolved is None else "",
            )
        if resolved is not None:
            es.grievance_respond(
                actor=samuel,
                grievance=grievance,
                on=received + timedelta(days=resolved),
                resolution=resolution,
                resolved=True,
            )


def build_notes(b: DemoBuilder) -> None:
    """What the counsellor team knows about people: internal, one restricted."""
    for agreement_key, name, confidentiality, text in rel.PERSON_NOTES:
        es.person_note_add(
            actor=b.users["samuel"],
            agreement=b.agreements[agreement_key],
            person=b.people[name],
            text=text,
            confidentiality=confidentiality,
            restricted_to=[b.users["claire"]] if confidentiality == "restricted" else [],
        )


# The open round of the concession: who answered already (before the demo's today) and who
# still holds a pending personal link (the demo's representatives among them).
OPEN_PULSE = (
    "Baromètre de confiance n° 4 – décembre 2026",
    "Trust pulse no. 4 – December 2026",
)
OPEN_PULSE_ANSWERED = ("Olivier Durand", "Isabelle Garnier", "Roger Nkoulou", "Rosine Ewodo")
OPEN_PULSE_PENDING = (
    "Paul Mbarga",
    "Julien Moreau",
    "Anna Weber",
    "Kwame Mensah",
    "Jean-Baptiste Onana",
    "Sylvie Ngo Nyemb",
    "Jacques Mbida",
)
# Who rates whom in the open round, where it differs from the earlier rounds: the riverside
# association also rates the ministry whose delivery it is asked to confirm.
OPEN_PULSE_PAIRS = {"Jacques Mbida": ("arcke", "minepat", "valmont_cm", "mint")}


def build_open_pulse(today: date) -> Any:
    """A fourth pulse round on the concession, open on the day the demo is loaded: some
    respondents answered through their links, the others (Paul among them) have a link
    waiting. Written after the story is moved to its day, dated from ``today``."""
    import random

    from django.contrib.auth import get_user_model

    from alliance.core import clock
    from alliance.engagement.choices import TRUST_DIMENSIONS
    from alliance.partnerships.models import Agreement, Party, Person

    agreement = Agreement.objects.get(reference="CONC-CM-2024-017")
    samuel = get_user_model().objects.get(username="samuel")
    people = {p.name: p for p in Person.objects.filter(party__participations__agreement=agreement)}
    parties = {p.key: p for p in _keyed_parties(Party)}
    respondents = []
    for name in OPEN_PULSE_ANSWERED + OPEN_PULSE_PENDING:
        keys = OPEN_PULSE_PAIRS.get(name, rel.PULSE_RESPONDENTS[name])
        about = [parties[k] for k in keys if k in parties]
        respondents.append({"person": people[name], "about_parties": about})
    opened = today - timedelta(days=4)
    pulse = es.pulse_round_open(
        actor=samuel,
        agreement=agreement,
        title=OPEN_PULSE[0],
        opens_on=opened,
        closes_on=today + timedelta(days=10),
        remind_before_days=3,
        respondents=respondents,
        translations={"en": {"title": OPEN_PULSE[1]}},
    )
    # Invited on the opening day, answered on the days the answers were given: the moments
    # are the story's (services stamp the real time, which would read the load day). The
    # e-mails themselves are the worker's (its daily pulse job), not the loader's.
    pulse.respondents.update(invited_at=_story_moment(opened, hour=9))
    rng = random.Random("demo-open-pulse")
    for sheet in pulse.respondents.filter(person__name__in=OPEN_PULSE_ANSWERED):
        ratings = {
            str(p.uuid): {d: rng.randint(4, 6) for d in TRUST_DIMENSIONS}
            for p in sheet.about_parties.all()
        }
        answered = today - timedelta(days=rng.randint(1, 3))
        with clock.frozen(answered):
            es.pulse_answers_submit(sheet=sheet, ratings=ratings)
        moment = _story_moment(answered, hour=rng.randint(8, 18), minute=rng.randint(0, 59))
        type(sheet).objects.filter(pk=sheet.pk).update(submitted_at=moment)
    return pulse


def _story_moment(day: date, *, hour: int, minute: int = 0) -> datetime:
    """A moment of ``day`` in the site's time zone."""
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _keyed_parties(party_model: Any) -> list[Any]:
    """The demo's parties with their cast key (``Party.key`` is not a field: read it from
    the cast by name)."""
    from alliance.scenarios import demo_parties as cast

    by_name = {spec.name: spec.key for spec in cast.PARTIES}
    found = []
    for party in party_model.objects.all():
        if party.name in by_name:
            party.key = by_name[party.name]
            found.append(party)
    return found
