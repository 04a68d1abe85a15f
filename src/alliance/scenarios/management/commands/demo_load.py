"""``demo_load``: load the demo scenario into an empty database, then show the demo accounts."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from alliance.scenarios.demo import TODAY, demo_is_loaded, demo_users, load_demo


class Command(BaseCommand):
    # A plain string: argparse formats it (a lazy one crashes `manage help`).
    help = (
        "Load the demo scenario (a port–rail corridor consortium in Cameroon) if the database "
        "has no agreement yet, then print the demo accounts."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_is_loaded():
            self.stdout.write(
                _(
                    "Demo scenario already loaded (or the database holds other agreements): "
                    "nothing to do."
                )
            )
        else:
            started = time.perf_counter()
            created = load_demo()
            seconds = time.perf_counter() - started
            self.stdout.write(
                self.style.SUCCESS(
                    _("Demo scenario loaded in %(seconds).1f s.") % {"seconds": seconds}
                )
            )
            if options["verbosity"] > 1:
                for name, count in created.items():
                    self.stdout.write(f"  {name}: {count}")
            self._compute_insights()
        self._print_accounts()

    def _compute_insights(self) -> None:
        """Store the insights of each agreement at every quarter end of the story and on its
        "today", so the cockpit shows figures, trends and what changed from the start."""
        from alliance.analytics.services import insights_recompute_history
        from alliance.partnerships.models import Agreement

        started = time.perf_counter()
        dates = 0
        for agreement in Agreement.objects.order_by("pk"):
            dates += len(insights_recompute_history(actor=None, agreement=agreement, until=TODAY))
        self.stdout.write(
            self.style.SUCCESS(
                _("Insights computed at %(dates)d dates in %(seconds).1f s.")
                % {"dates": dates, "seconds": time.perf_counter() - started}
            )
        )

    def _print_accounts(self) -> None:
        rows = demo_users()
        usernames = set(
            get_user_model()
            .objects.filter(username__in=[r["username"] for r in rows])
            .values_list("username", flat=True)
        )
        rows = [r for r in rows if r["username"] in usernames]
        if not rows:
            return
        self.stdout.write(_("Demo accounts (same password for all):"))
        header = (_("username"), _("password"), _("role"), _("party"), _("agreements"))
        table = [header, *[tuple(r.values()) for r in rows]]
        widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
        for row in table:
            line = "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            )
            self.stdout.write("  " + line.rstrip())
