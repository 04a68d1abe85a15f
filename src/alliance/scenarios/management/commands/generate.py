"""``manage.py generate --agreements N [--seed S]``: a synthetic portfolio for benchmarks.

See ``alliance.scenarios.generator`` for what is generated and how it stays fast.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.scenarios import generator


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Generate N synthetic agreements (1 to 10,000) with parties, commitments, interactions "
        "and the rest, for benchmarks and load tests. Appends; the seed fixes the data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agreements", type=int, required=True, help="1 to 10,000")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same data")
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=generator.DEFAULT_CHUNK_SIZE,
            help="agreements per transaction (default %(default)s)",
        )
        parser.add_argument(
            "--method",
            choices=generator.METHODS,
            default="auto",
            help="copy (PostgreSQL only) or orm (bulk_create); auto picks copy on PostgreSQL",
        )
        parser.add_argument(
            "--counsellors",
            type=int,
            default=0,
            help="a firm's counsellors gen-counsellor-1…N, one per agreement in turn",
        )
        parser.add_argument(
            "--representatives",
            type=int,
            default=0,
            help="party representatives gen-representative-1…N, two per agreement in turn",
        )
        parser.add_argument(
            "--parties", type=int, default=None, help="parties per agreement (default 8 to 12)"
        )
        parser.add_argument(
            "--history-days",
            type=int,
            default=None,
            help="days from signature to --as-of (default 60 to 1,460)",
        )
        parser.add_argument(
            "--commitments",
            type=int,
            default=None,
            help="commitments per agreement (default 40 to 60)",
        )
        parser.add_argument(
            "--plan-days",
            type=int,
            default=generator.Shape.plan_days,
            help="commitments start within this many days of the signature (default %(default)s)",
        )
        parser.add_argument(
            "--as-of",
            default=generator.DEFAULT_AS_OF.isoformat(),
            help="the generated history ends on this date (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 0

        def progress(message: str) -> None:
            if verbose:
                self.stderr.write(message)

        try:
            result = generator.generate(
                agreements=options["agreements"],
                seed=options["seed"],
                chunk_size=options["chunk_size"],
                method=options["method"],
                as_of=_date(options["as_of"]),
                progress=progress,
                counsellors=options["counsellors"],
                representatives=options["representatives"],
                shape=generator.Shape(
                    parties=options["parties"],
                    history_days=options["history_days"],
                    commitments=options["commitments"],
                    plan_days=options["plan_days"],
                ),
            )
        except generator.GeneratorError as error:
            raise CommandError(str(error)) from error
        if verbose:
            self.stderr.write(
                f"generated {result.agreements:,} agreements (seed {result.seed}, "
                f"{result.method}): {result.total_rows:,} rows in {result.seconds:.1f} s, "
                f"{result.total_rows / max(result.seconds, 1e-9):,.0f} rows/s. "
                f"Users gen-owner, gen-counsellor, gen-editor, gen-viewer, gen-rep-1…"
                f"{generator.V.REP_USERS}; password: {generator.GENERATED_PASSWORD}"
            )
