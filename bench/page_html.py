"""Dump the HTML of the cockpit's pages on the demo, for every reader and language, so that two
versions of the code can be compared byte for byte (a change meant to make rendering cheaper must
not change a page).

The CSRF token and the CSP nonce change on every request: both are replaced by a fixed mark.
Everything else is written as the server sent it, one file per (reader, language, page).

    .venv/bin/python bench/page_html.py --src /work/main/src --out /tmp/before
    .venv/bin/python bench/page_html.py --out /tmp/after
    diff -r /tmp/before /tmp/after && echo identical

Needs a database with the demo loaded (``make demo`` once); reads only.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "src"

READERS = {"counsellor": "samuel", "representative": "paul", "viewer": "elise"}
LANGUAGES = ("en", "fr", "de")
VOLATILE = (
    (re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+'), rb"\1CSRF"),
    (re.compile(rb'("X-CSRFToken": ")[^"]+'), rb"\1CSRF"),
    (re.compile(rb'(nonce=")[^"]+'), rb"\1NONCE"),
    (re.compile(rb'(csrf[-_]token"? content=")[^"]+', re.I), rb"\1CSRF"),
)


def _pages(agreement, commitment, party) -> dict[str, str]:
    from django.urls import reverse

    a = [agreement.uuid]
    pages = {
        "overview": reverse("agreement", args=a),
        "commitments": reverse("agreement_commitments", args=a),
        "commitments-overdue": reverse("agreement_commitments", args=a) + "?due=all&page=2",
        "interactions": reverse("agreement_interactions", args=a),
        "interactions-2": reverse("agreement_interactions", args=a) + "?page=2",
        "commitment": reverse("commitment", args=[agreement.uuid, commitment.uuid]),
        "brief": reverse("agreement_brief", args=a),
        "parties": reverse("agreement_parties", args=a),
        "trust": reverse("agreement_trust", args=a),
        "expectations": reverse("agreement_expectations", args=a),
        "risks": reverse("agreement_risks", args=a),
        "local": reverse("agreement_local", args=a),
        "grievances": reverse("agreement_grievances", args=a),
        "portfolio": reverse("portfolio"),
        "inbox": reverse("inbox"),
    }
    if party is not None:
        pages["party"] = reverse("party", args=[party.uuid])
    return pages


def readers_from(given: list[str] | None) -> dict[str, str]:
    """``role=username`` options as a mapping; the demo's readers when none is given."""
    if not given:
        return dict(READERS)
    readers = {}
    for item in given:
        role, sep, username = item.partition("=")
        if not sep or not role or not username:
            raise SystemExit(f"--reader {item!r}: expected ROLE=USERNAME")
        readers[role] = username
    return readers


def client_in(user: object, language: str) -> object:
    """A test client signed in as ``user``, reading in ``language``."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session["alliance_language"] = language
    session.save()
    return client


def _normalise(body: bytes) -> bytes:
    for pattern, mark in VOLATILE:
        body = pattern.sub(mark, body)
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", default=str(HERE), help="the src/ directory of the code to run")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--agreement", default="CONC-CM-2024-017")
    parser.add_argument(
        "--reader",
        action="append",
        metavar="ROLE=USERNAME",
        help="who reads (repeatable; default: the demo's counsellor, representative and viewer)",
    )
    args = parser.parse_args()
    readers = readers_from(args.reader)
    sys.path.insert(0, args.src)
    from alliance.cli import _ensure_demo_secret, _setup_django

    os.environ.setdefault("MFA_REQUIRED_FOR_TEAM", "0")
    _ensure_demo_secret(Path(os.environ.get("ALLIANCE_VAR_DIR", Path.cwd() / "var")))
    _setup_django()
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    import alliance
    from alliance.accounts import policy
    from alliance.partnerships.models import Agreement

    print(f"code from {Path(alliance.__file__).parent}", file=sys.stderr)
    agreement = Agreement.objects.get(reference=args.agreement)
    commitment = agreement.commitments.order_by("due_on", "pk").first()
    users = get_user_model().objects
    count = 0
    for role, username in readers.items():
        user = users.get(username=username)
        party = (
            policy.parties_visible_to(user)
            .filter(participations__agreement=agreement)
            .order_by("pk")
            .first()
        )
        pages = _pages(agreement, commitment, party)
        for language in LANGUAGES:
            client = client_in(user, language)
            for name, url in pages.items():
                for htmx in (False, True):
                    headers = {"HX-Request": "true", "HX-Target": "cockpit"} if htmx else {}
                    response = client.get(url, headers=headers)
                    body = response.content if response.status_code == 200 else b""
                    suffix = "-htmx" if htmx else ""
                    path = args.out / role / language / f"{name}{suffix}.html"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(f"{response.status_code}\n".encode() + _normalise(body))
                    count += 1
            # A form sent back with its errors (an empty quick log: nothing is written).
            log = reverse("interaction_quick_log", args=[agreement.uuid])
            response = client.post(log, {"follow_up-TOTAL_FORMS": "1"})
            body = response.content if response.status_code == 400 else b""
            path = args.out / role / language / "quick-log-errors.html"
            path.write_bytes(f"{response.status_code}\n".encode() + _normalise(body))
            count += 1
    print(f"{count} pages written under {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
