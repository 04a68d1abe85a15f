"""Dump what search answers — the global search page (full and HTMX partial, its results' ids
in order) and an agreement's interaction list searched — for many readers, languages and
words, so that two versions of the search code can be compared byte for byte.

    .venv/bin/python bench/search_html.py --src /work/wt/base/src --out /tmp/search-before
    .venv/bin/python bench/search_html.py --out /tmp/search-after
    diff -r /tmp/search-before /tmp/search-after && echo identical

Readers: the load bench's (``bench/web.py``'s ``_users(20)``) unless ``--reader`` names them.
The CSRF token and the CSP nonce are masked (``page_html``). Reads only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORDS = (
    # bench/web.py's SEARCH_WORDS (one found nowhere), then words with accents and umlauts,
    # a prefix, a word in other case, one word of two letters, and one in no language.
    "permit",
    "tariff",
    "ministry",
    "financial close",
    "water",
    "zzqxv",
    "réunion",
    "reunion",
    "écheance",
    "ÉTÉ",
    "Genehmigung",
    "prüfung",
    "Straße",
    "strasse",
    "PERM",
    "of",
    "€",
)
LANGUAGES = ("en", "fr", "de")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", default=str(HERE.parent / "src"))
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--reader", action="append", metavar="USERNAME")
    parser.add_argument("--word", action="append", help="instead of the built-in words")
    args = parser.parse_args()
    sys.path.insert(0, args.src)
    sys.path.insert(1, str(HERE))
    from alliance.cli import _ensure_demo_secret, _setup_django

    os.environ.setdefault("MFA_REQUIRED_FOR_TEAM", "0")
    _ensure_demo_secret(Path(os.environ.get("ALLIANCE_VAR_DIR", Path.cwd() / "var")))
    _setup_django()
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import translation
    from page_html import _normalise, client_in

    import alliance
    from alliance.accounts import policy
    from alliance.web import party_selectors
    from alliance.web.filters import InteractionFilter

    print(f"code from {Path(alliance.__file__).parent}", file=sys.stderr)
    if args.reader:
        users = [get_user_model().objects.get(username=name) for name in args.reader]
    else:
        from web import _users

        team, reps = _users(20)
        users = list(dict.fromkeys(team + reps))
    words = args.word or WORDS
    count = 0
    for user in users:
        agreement = policy.agreements_visible_to(user).order_by("pk").first()
        ids: dict[str, object] = {}
        for language in LANGUAGES:
            client = client_in(user, language)
            for word in words:
                for htmx in (False, True):
                    headers = {"HX-Request": "true", "HX-Target": "results"} if htmx else {}
                    response = client.get(reverse("search"), {"q": word}, headers=headers)
                    name = f"{word}{'-htmx' if htmx else ''}.html".replace("/", "_")
                    path = args.out / user.username / language / name
                    path.parent.mkdir(parents=True, exist_ok=True)
                    body = f"{response.status_code}\n".encode() + _normalise(response.content)
                    path.write_bytes(body)
                    count += 1
                with translation.override(language):
                    found = party_selectors.search(user, word)
                    listed = policy.interactions_visible_to(user).filter(agreement=agreement)
                    in_list = InteractionFilter({"q": word}, queryset=listed, agreement=agreement)
                    ids[f"{language} {word}"] = {
                        **{key: [row.pk for row in rows] for key, rows in found.items()},
                        "agreement's interactions": [row.pk for row in in_list.qs],
                    }
        path = args.out / user.username / "ids.json"
        path.write_text(json.dumps(ids, indent=1, ensure_ascii=False))
    print(f"{count} pages written under {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
