"""``demo_load``: load the demo scenario into an empty database, then show the demo accounts."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from alliance.analytics.services import insights_recompute_history
from alliance.analytics.tasks import recompute_agreement
from alliance.core import clock
from alliance.partnerships.models import Agreement
from alliance.scenarios.demo import demo_is_loaded, demo_users, load_demo
from alliance.scenarios.demo_accounts import (
    demo_accounts,
    enrol_second_factors,
    next_recovery_code,
    totp_secret,
)


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
            self._queue_stale()
        else:
            # One day for the story, its snapshots and every page: the clock's, read once.
            today = clock.today()
            started = time.perf_counter()
            self.stdout.write(
                _("Loading the demo scenario, dated so that its today is %(day)s…")
                % {"day": today.isoformat()}
            )
            created = load_demo(today=today, progress=self._progress)
            seconds = time.perf_counter() - started
            self.stdout.write(
                self.style.SUCCESS(
                    _("Demo scenario loaded in %(seconds).1f s.") % {"seconds": seconds}
                )
            )
            if options["verbosity"] > 1:
                for name, count in created.items():
                    self.stdout.write(f"  {name}: {count}")
            self._compute_insights(today)
        enrol_second_factors()
        self._print_accounts()
        self._print_pulse_link()

    def _print_pulse_link(self) -> None:
        """The personal link of a respondent still waiting in the open round (Paul's), so a
        newcomer can answer a pulse as a respondent would, without logging in."""
        from alliance.engagement import pulse_links
        from alliance.engagement.models import PulseRespondent

        today = clock.today()
        sheet = (
            PulseRespondent.objects.filter(
                submitted_at=None,
                pulse__opens_on__lte=today,
                pulse__closes_on__gte=today,
                pulse__closed_at=None,
            )
            .filter(person__user__username="paul")
            .select_related("person", "pulse")
            .first()
        )
        if sheet is None:
            return
        site = (getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
        url = site + reverse("pulse_answer", args=[pulse_links.current_token(sheet)])
        self.stdout.write("")
        self.stdout.write(
            _("Answer the open trust pulse as %(person)s would, on a phone, with no login:")
            % {"person": sheet.person.name}
        )
        self.stdout.write("  " + url)

    def _queue_stale(self) -> None:
        """Insights last computed before today are queued for the task worker, so a demo
        loaded days ago shows figures of the day (and its stage follows the days)."""
        today = clock.today()
        stale = Agreement.objects.annotate(newest=Max("insight_snapshots__as_of")).exclude(
            newest=today
        )
        for uuid in stale.values_list("uuid", flat=True):
            recompute_agreement.enqueue(str(uuid))
        if stale.exists():
            self.stdout.write(
                _("Insights older than today are queued for the task worker (%(n)d agreements).")
                % {"n": stale.count()}
            )

    def _progress(self, step: str) -> None:
        self.stdout.write(f"  … {step}")
        self.stdout.flush()

    def _compute_insights(self, today: Any) -> None:
        """Store the insights of each agreement at every quarter end of the story and on its
        "today", so the cockpit shows figures, trends and what changed from the start."""
        started = time.perf_counter()
        dates = 0
        for agreement in Agreement.objects.order_by("pk"):
            self._progress(_("insights of %(agreement)s") % {"agreement": agreement.reference})
            dates += len(insights_recompute_history(actor=None, agreement=agreement, until=today))
        self.stdout.write(
            self.style.SUCCESS(
                _("Insights computed at %(dates)d dates in %(seconds).1f s.")
                % {"dates": dates, "seconds": time.perf_counter() - started}
            )
        )

    def _print_accounts(self) -> None:
        rows = demo_users()
        users = {u.username: u for u in demo_accounts()}
        rows = [r for r in rows if r["username"] in users]
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
        self._print_second_factors([users[r["username"]] for r in rows])

    def _print_second_factors(self, users: list[Any]) -> None:
        enrolled = [(u, totp_secret(u), next_recovery_code(u)) for u in users]
        enrolled = [row for row in enrolled if row[1]]
        if not enrolled:
            return
        self.stdout.write("")
        self.stdout.write(
            _(
                "The counsellor team and the administrator log in with a second factor. At the "
                "prompt, type the recovery code below (each works once: the next start shows "
                "the next one), or the code of an authenticator app holding the secret, or the "
                "code printed by `alliance manage demo_code USERNAME`. Tick “trust this "
                "browser” to skip the prompt for 14 days."
            )
        )
        header = (_("username"), _("recovery code"), _("authenticator secret"))
        table = [header, *[(u.username, code or "—", secret) for u, secret, code in enrolled]]
        widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
        for row in table:
            line = "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            )
            self.stdout.write("  " + line.rstrip())
