"""``recompute``: compute the insights of every agreement (or some) and store the snapshots.

alliance recompute                                   every agreement, today, skipping those
                                                     whose snapshots of today are up to date
alliance recompute --full                            every agreement, even unchanged ones
alliance recompute --agreement UUID --as-of 2026-06-30
alliance recompute --history quarterly               every quarter end since signature
"""

from __future__ import annotations

import time
import uuid
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance.analytics.choices import History
from alliance.analytics.services import (
    RecomputeReport,
    insights_recompute_history,
    insights_recompute_portfolio,
)
from alliance.partnerships.models import Agreement

# What changed since an agreement's snapshots of that date (``services.fingerprint``).
REASONS = {
    "full": gettext_lazy("--full"),
    "missing": gettext_lazy("never computed"),
    "date": gettext_lazy("new date"),
    "as_of": gettext_lazy("new date"),
    "inputs": gettext_lazy("data changed"),
    "parameters": gettext_lazy("model parameters changed"),
    "history": gettext_lazy("earlier snapshots changed"),
    "warnings": gettext_lazy("warnings changed"),
    "stage": gettext_lazy("stage changed"),
    "effects": gettext_lazy("warnings and stage now written"),
    "version": gettext_lazy("new fingerprint format"),
}


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--as-of must be a date as YYYY-MM-DD, not %(value)r.") % {"value": value}
        ) from None


class Command(BaseCommand):
    # Plain strings: argparse formats them, and Django's own commands are in English too.
    help = (
        "Compute the insights (trust, alignment, schedule, network, maturity, warnings) of "
        "every agreement, or of those named, and store them as dated snapshots."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--agreement",
            action="append",
            default=[],
            metavar="UUID",
            help="an agreement's public identifier (repeat for several)",
        )
        parser.add_argument(
            "--as-of",
            type=_date,
            default=None,
            help="the date the figures describe (default: today)",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="recompute every agreement, even those whose snapshots of that date were "
            "computed from the same data (by default they are skipped)",
        )
        parser.add_argument(
            "--history",
            choices=History.values,
            default=None,
            help="also store a snapshot at every period end since signature",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agreements = self._agreements(options["agreement"])
        started = time.perf_counter()
        if options["history"]:
            verbose = options["verbosity"] > 1
            self._history(agreements, options["as_of"], options["history"], verbose)
        else:
            report = insights_recompute_portfolio(
                as_of=options["as_of"], agreements=agreements, incremental=not options["full"]
            )
            self._report(report)
            for uuid, error in report.failed.items():
                self.stderr.write(_("%(uuid)s failed: %(error)s") % {"uuid": uuid, "error": error})
            if report.failed:
                raise CommandError(
                    _("%(n)d agreements could not be recomputed.") % {"n": len(report.failed)}
                )
        self.stdout.write(
            _("Recomputed %(n)d agreements in %(seconds).1f s.")
            % {"n": len(agreements), "seconds": time.perf_counter() - started}
        )

    def _report(self, report: RecomputeReport) -> None:
        self.stdout.write(
            _(
                "%(done)d agreements recomputed, %(skipped)d skipped "
                "(unchanged since their snapshots of that date)."
            )
            % {"done": report.agreements, "skipped": report.skipped}
        )
        if report.reasons:
            why = ", ".join(
                f"{REASONS.get(name, name)}: {n}" for name, n in sorted(report.reasons.items())
            )
            self.stdout.write(_("Recomputed because of (agreements): %(why)s") % {"why": why})

    def _agreements(self, uuids: list[str]) -> list[Agreement]:
        if not uuids:
            return list(Agreement.objects.order_by("pk"))
        try:
            wanted = [str(uuid.UUID(value)) for value in uuids]
        except ValueError:
            raise CommandError(_("Give agreements by their UUID.")) from None
        found = {str(a.uuid): a for a in Agreement.objects.filter(uuid__in=wanted)}
        missing = [u for u in wanted if u not in found]
        if missing:
            raise CommandError(_("No agreement %(uuids)s.") % {"uuids": ", ".join(missing)})
        return [found[u] for u in wanted]

    def _history(
        self, agreements: list[Agreement], until: date | None, every: str, verbose: bool
    ) -> None:
        for agreement in agreements:
            dates = insights_recompute_history(
                actor=None, agreement=agreement, until=until, every=every
            )
            if verbose:
                self.stdout.write(
                    f"  {agreement.reference or agreement.uuid}: "
                    + ", ".join(d.isoformat() for d in dates)
                )
