"""The options of ``alliance brief``, importable before Django starts (``--help`` needs no
database and no secret key)."""

from __future__ import annotations

import argparse

# The languages a brief is written in (the site's languages).
BRIEF_LANGUAGES = ("en", "fr", "de")

HELP = (
    "Write the brief of an agreement for a decision maker, or with --party the brief before "
    "meeting one of its parties, as PDF (--pdf) or HTML (--html). The brief holds what --user "
    "may see (default: the agreement's owner) and is marked accordingly."
)


def add_brief_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("agreement", metavar="AGREEMENT", help="the agreement's reference or UUID")
    parser.add_argument(
        "--party",
        default=None,
        metavar="PARTY",
        help='the party brief ("before you meet…") for this party of the agreement: '
        "its name, short name or UUID",
    )
    parser.add_argument(
        "--lang", default="en", choices=BRIEF_LANGUAGES, help="the brief's language (default en)"
    )
    parser.add_argument("--pdf", default=None, metavar="FILE", help="write the PDF here")
    parser.add_argument("--html", default=None, metavar="FILE", help="write the HTML here")
    parser.add_argument(
        "--user",
        default=None,
        metavar="USERNAME",
        help="write the brief as this user sees the agreement (default: its owner)",
    )
