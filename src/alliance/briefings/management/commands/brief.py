"""``brief``: write an agreement brief, or a party brief ("before you meet…"), as PDF or HTML.

alliance brief CONC-CM-2024-017 --lang fr --pdf brief.pdf
alliance brief 0790d110-… --user elise --lang en --html brief.html
alliance brief CONC-CM-2024-017 --party MINT --lang fr --pdf before-you-meet-mint.pdf

The options live in ``alliance.briefings.options``, which ``alliance.cli`` parses before
Django starts (so ``--help`` needs no database and no key).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import translation

from alliance.accounts import policy
from alliance.accounts.choices import Role
from alliance.briefings import rendering
from alliance.briefings.options import HELP, add_brief_arguments
from alliance.briefings.selectors import agreement_brief
from alliance.core import clock
from alliance.partnerships.models import Agreement, Party


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def find_agreement(value: str) -> Agreement:
    lookup = Q(uuid=value) if _is_uuid(value) else Q(reference__iexact=value)
    found = list(Agreement.objects.filter(lookup)[:2])
    if len(found) != 1:
        raise CommandError(f"No single agreement has the reference or UUID {value!r}.")
    return found[0]


def find_party(agreement: Agreement, value: str) -> Party:
    """A party of the agreement by its UUID, name or short name (case does not matter)."""
    value = value.strip()
    parties = Party.objects.filter(participations__agreement=agreement)
    if _is_uuid(value):
        found = list(parties.filter(uuid=value))
    else:
        found = list(parties.filter(short_name__iexact=value)[:2]) or list(
            parties.filter(name__iexact=value)[:2]
        )
    if len(found) != 1:
        names = ", ".join(sorted(str(p) for p in parties))
        raise CommandError(
            f"No single party of {agreement.reference or agreement.uuid} is named {value!r} "
            f"(its parties: {names})."
        )
    return found[0]


def find_reader(agreement: Agreement, username: str | None) -> Any:
    users = get_user_model().objects
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is named {username!r}.")
    else:
        user = (
            users.filter(memberships__agreement=agreement, memberships__role=Role.OWNER)
            .order_by("pk")
            .first()
        )
        if user is None:
            raise CommandError("The agreement has no owner: name a reader with --user.")
    if not policy.can_see(user, agreement):
        raise CommandError(f"{user} may not see this agreement.")
    return user


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        add_brief_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["pdf"] and not options["html"]:
            raise CommandError("Say where to write the brief: --pdf FILE and/or --html FILE.")
        agreement = find_agreement(options["agreement"])
        party = find_party(agreement, options["party"]) if options.get("party") else None
        reader = find_reader(agreement, options["user"])
        if party is not None and not policy.can_see(reader, party):
            raise CommandError(f"{reader} may not see {party}.")
        today = clock.today()
        language = options["lang"]
        if party is not None:
            pdf = lambda: rendering.party_pdf(reader, agreement, party, today, language)  # noqa: E731
            html = lambda: rendering.party_html(reader, agreement, party, today, language)  # noqa: E731
        else:
            pdf = lambda: rendering.agreement_pdf(reader, agreement, today, language)  # noqa: E731
            html = lambda: self._agreement_html(reader, agreement, today, language)  # noqa: E731
        for target, make, binary in ((options["pdf"], pdf, True), (options["html"], html, False)):
            if not target:
                continue
            content = make()
            path = Path(target)
            if binary:
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            self.stdout.write(f"{path} ({path.stat().st_size:,} bytes)")

    @staticmethod
    def _agreement_html(reader: Any, agreement: Agreement, today: Any, language: str) -> str:
        with translation.override(language):
            brief = agreement_brief(reader, agreement, today)
            context = rendering.agreement_context(brief)
            return rendering.html_document(
                "briefings/partials/agreement_body.html", context, title=brief.title
            )
