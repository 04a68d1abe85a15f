"""``demo_code USERNAME``: the second-factor code a demo account's authenticator app would
show now. Only for the demo's accounts while they keep the demo password."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from alliance.scenarios.demo_accounts import current_code, demo_accounts


class Command(BaseCommand):
    help = "Print the current authenticator-app code of a demo account (demo only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = next((u for u in demo_accounts() if u.username == username), None)
        if user is None:
            raise CommandError(
                _("%(name)s is not a demo account with the demo password.") % {"name": username}
            )
        code = current_code(user)
        if code is None:
            raise CommandError(_("%(name)s has no authenticator app.") % {"name": username})
        self.stdout.write(code)
