"""The French and German catalogues: complete, exact, compiled, and used by the pages.

The ``.po`` files are read with a small parser of our own (no gettext tools needed), and the
shipped ``.mo`` files are checked against them entry by entry, so a catalogue edited but not
recompiled (``make messages``) fails here rather than in front of a minister.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

LANGUAGES = ("fr", "de")
LOCALE = Path(settings.LOCALE_PATHS[0])

# Python %-directives (named or not), str.format fields and HTML tags survive translation.
FORMAT_DIRECTIVE = re.compile(
    r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]"
)
OTHER_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|</?[a-zA-Z][^>]*>")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), body)


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header first; obsolete (#~) entries are left out.

    Entries are separated by blank lines, as msgmerge writes them.
    """
    entries = []
    keyword = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$")
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            blocks[-1].append((number, raw.strip()))
        elif blocks[-1]:
            blocks.append([])
    for block in blocks:
        if not block or all(line.startswith("#") for _, line in block):
            continue  # obsolete entries are all comments (#~)
        entry = Entry(line=block[0][0])
        target: tuple[str, int] = ("msgid", 0)
        for number, line in block:
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif match := keyword.match(line):
                word, index, value = match.group(1), match.group(2), _unquote(match.group(3))
                if word.startswith("msgstr"):
                    target = ("msgstr", int(index) if index is not None else 0)
                    entry.msgstr[target[1]] = value
                else:
                    target = (word, 0)
                    setattr(entry, word, value)
            elif line.startswith('"'):
                if target[0] == "msgstr":
                    entry.msgstr[target[1]] += _unquote(line)
                else:
                    setattr(entry, target[0], getattr(entry, target[0]) + _unquote(line))
            else:
                raise AssertionError(f"{path}:{number}: cannot read {line!r}")
        entries.append(entry)
    return entries


def placeholders(text: str, python_format: bool) -> list[str]:
    found = OTHER_PLACEHOLDER.findall(text)
    if python_format:
        # gettext treats %i and %d (and %u) alike.
        found += [re.sub(r"[iu]$", "d", d) for d in FORMAT_DIRECTIVE.findall(text) if d != "%%"]
    return sorted(found)


def catalogue(language: str) -> tuple[Entry, list[Entry]]:
    header, *entries = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert header.msgid == "", "the catalogue starts with its header"
    return header, entries


def nplurals(header: Entry) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr[0])
    assert match, "the header states the plural forms"
    return int(match.group(1))


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    yield
    translation.deactivate()  # LocaleMiddleware leaves the request's language active


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_exactly(language):
    header, entries = catalogue(language)
    forms = nplurals(header)
    assert f"Language: {language}" in header.msgstr[0]
    assert "fuzzy" not in header.flags
    assert len(entries) > 500, "the catalogue covers the product"
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy {entry.where}")
        python_format = "python-format" in entry.flags
        if entry.msgid_plural is None:
            sources = {0: entry.msgid}
        else:
            if sorted(entry.msgstr) != list(range(forms)):
                problems.append(f"{len(entry.msgstr)} plural forms, not {forms}: {entry.where}")
            sources = {i: entry.msgid if i == 0 else entry.msgid_plural for i in entry.msgstr}
        for slot, translated in entry.msgstr.items():
            if not translated.strip():
                problems.append(f"empty msgstr[{slot}] {entry.where}")
                continue
            expected = placeholders(sources[slot], python_format)
            if placeholders(translated, python_format) != expected:
                problems.append(f"placeholders differ in msgstr[{slot}] {entry.where}")
    assert not problems, "\n".join(problems)


def test_french_and_german_hold_the_same_messages():
    fr = {(e.msgctxt, e.msgid) for e in catalogue("fr")[1]}
    de = {(e.msgctxt, e.msgid) for e in catalogue("de")[1]}
    assert fr == de, f"only in fr: {sorted(fr - de)[:5]}; only in de: {sorted(de - fr)[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language):
    """The shipped .mo holds every translation of the .po as it is now."""
    _header, entries = catalogue(language)
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for entry in entries:
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                got = compiled.gettext(entry.msgid)
            else:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
            if got != entry.msgstr[0]:
                stale.append(entry.where)
        else:
            if entry.msgctxt is None:
                one = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
                many = compiled.ngettext(entry.msgid, entry.msgid_plural, 2)
            else:
                one = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
                many = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
            if one != entry.msgstr[0] or many != entry.msgstr[max(entry.msgstr)]:
                stale.append(entry.where)
    assert not stale, "recompile the catalogues (make messages):\n" + "\n".join(stale[:20])


LOGIN_WORDS = {
    "fr": ["Se connecter", "utilisateur", "Mot de passe"],
    "de": ["Anmelden", "Benutzername", "Passwort"],
}
PORTFOLIO_WORDS = {
    "fr": ["Portefeuille", "Nouvel accord", "Se déconnecter", "Engagements ouverts", "Bilatéral"],
    "de": ["Portfolio", "Neue Vereinbarung", "Abmelden", "Offene Verpflichtungen", "Bilateral"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_login_page_speaks_the_browser_language(db, language):
    response = Client().get(reverse("account_login"), headers={"accept-language": language})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'lang="{language}"' in html
    for word in LOGIN_WORDS[language]:
        assert word in html, word
    assert "Log in" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_portfolio_speaks_the_chosen_language(world, language):
    client = Client()
    client.force_login(world.owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("portfolio"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Corridor agreement" in html
    for word in PORTFOLIO_WORDS[language]:
        assert word in html, word
    assert "New agreement" not in html and "Log out" not in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Tone: calm"), ("fr", "Ton\u00a0: calm"), ("de", "Tonlage: calm")],
)
def test_a_label_takes_its_colon_as_the_language_writes_it(language, expected):
    """French puts a (no-break) space before the colon: labels in templates go through the
    ``colon`` filter instead of a colon written after the translated word."""
    from django.template import Context, Template
    from django.utils import translation

    template = Template(
        '{% load i18n alliance %}{% translate "Tone" as label %}{{ label|colon }} calm'
    )
    with translation.override(language):
        assert template.render(Context()) == expected


def test_no_template_writes_a_colon_after_a_translated_word():
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[1] / "templates"
    pattern = re.compile(r'\{% translate "[^"]*" %\}:')
    offenders = [
        f"{path.relative_to(templates)}:{number}"
        for path in templates.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []
