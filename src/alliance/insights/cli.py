"""Command line for the insights engine: read a portable JSON file, print JSON results.

    python -m alliance.insights.cli schedule docs/examples/schedule.json --iterations 5000

The same engine the web application uses, for analysts and for checking Alliance
against other tools. The input formats are documented in ``docs/insights.md``.
Each subcommand is a :class:`Subcommand` in :data:`SUBCOMMANDS`; a model adds
its own with :func:`register` (see the hooks at the end of this module).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO


@dataclass(frozen=True)
class Subcommand:
    """One ``alliance insights <name>`` command: its arguments and what it runs."""

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    # Takes the parsed arguments, returns JSON-ready data (raise ValueError on bad input).
    run: Callable[[argparse.Namespace], Any]


SUBCOMMANDS: dict[str, Subcommand] = {}


def register(name: str, help: str, add_arguments, run) -> None:
    """Add a subcommand (the registration hook for every model)."""
    SUBCOMMANDS[name] = Subcommand(help, add_arguments, run)


def read_json(path: str, stdin: TextIO | None = None) -> Any:
    """A JSON document from a file, or from standard input when ``path`` is ``-``."""
    if path == "-":
        return json.load(stdin or sys.stdin)
    with Path(path).open(encoding="utf-8") as handle:
        return json.load(handle)


# --------------------------------------------------------------------------
# schedule
# --------------------------------------------------------------------------


def _schedule_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="schedule input as JSON ('-' for standard input)")
    parser.add_argument("--iterations", type=int, help="Monte Carlo iterations")
    parser.add_argument("--seed", type=int, help="random seed (same seed, same result)")


def _schedule_run(args: argparse.Namespace) -> dict:
    # Imported here so that `--help` and other subcommands stay fast.
    from alliance.insights.parameters import SCHEDULE
    from alliance.insights.schedule import (
        forecast_schedule,
        result_as_dict,
        schedule_input_from_dict,
    )

    document = read_json(args.file)
    overrides = document.get("parameters", {})
    known = {f.name for f in dataclasses.fields(SCHEDULE)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"unknown schedule parameters: {', '.join(unknown)}")
    if "quantiles" in overrides:
        overrides = {**overrides, "quantiles": tuple(overrides["quantiles"])}
    parameters = dataclasses.replace(SCHEDULE, **overrides)
    result = forecast_schedule(
        schedule_input_from_dict(document), parameters, iterations=args.iterations, seed=args.seed
    )
    return result_as_dict(result)


register(
    "schedule",
    "schedule risk: P50/P80/P95 dates, on-time odds, criticality, delay cascade",
    _schedule_arguments,
    _schedule_run,
)

# --------------------------------------------------------------------------
# Registration hooks: add `trust`, `alignment`... below, the way `schedule` is
# added above: an `_<name>_arguments(parser)` and a `_<name>_run(args)` that
# imports its model inside the function and returns JSON-ready data, then
#     register("<name>", "<one-line help>", _<name>_arguments, _<name>_run)
# --------------------------------------------------------------------------

# --------------------------------------------------------------------------
# trust and alignment (one agreement per file, format in docs/insights.md)
# --------------------------------------------------------------------------


def _agreement_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="agreement input as JSON ('-' for standard input)")
    parser.add_argument("--as-of", help="evaluation date YYYY-MM-DD (default: the file's as_of)")


def _agreement_document(args: argparse.Namespace) -> tuple[dict, Any, range]:
    """The agreement part of the file, its evaluation date and the holiday years around it."""
    from datetime import date

    document = dict(read_json(args.file))
    stated = document.pop("as_of", None)
    if not (args.as_of or stated):
        raise ValueError("no evaluation date: give 'as_of' in the file or --as-of")
    as_of = date.fromisoformat(args.as_of or stated)
    return document, as_of, range(as_of.year - 5, as_of.year + 6)


def _trust_run(args: argparse.Namespace) -> dict:
    from alliance.insights.inputs import agreement_from_dict
    from alliance.insights.trust import trust_report

    document, as_of, years = _agreement_document(args)
    return trust_report(agreement_from_dict(document, years=years), as_of)


def _alignment_arguments(parser: argparse.ArgumentParser) -> None:
    _agreement_arguments(parser)
    parser.add_argument("--since", help="report gaps widened since this date (or file 'since')")


def _alignment_run(args: argparse.Namespace) -> dict:
    from datetime import date

    from alliance.insights.alignment import alignment_report
    from alliance.insights.inputs import agreement_from_dict, calendar_from_dict

    document, as_of, years = _agreement_document(args)
    since = args.since or document.pop("since", None)
    document.pop("since", None)
    spec = document.pop("calendar", None)
    calendar = calendar_from_dict(spec, years) if spec else None
    return alignment_report(
        agreement_from_dict(document, years=years),
        as_of,
        date.fromisoformat(since) if since else None,
        calendar=calendar,
    )


register(
    "trust",
    "trust per directed pair and per agreement: index, interval, evidence, trend",
    _agreement_arguments,
    _trust_run,
)
register(
    "alignment",
    "expectation alignment: score, party x topic matrix, gaps, widening since a date",
    _alignment_arguments,
    _alignment_run,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alliance insights",
        description="Run an Alliance insights model on a JSON file and print JSON results.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in SUBCOMMANDS.items():
        command.add_arguments(subparsers.add_parser(name, help=command.help))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: 0 on success, 2 on bad input (the message goes to standard error)."""
    args = build_parser().parse_args(argv)
    try:
        output = SUBCOMMANDS[args.command].run(args)
    except (OSError, ValueError, KeyError, TypeError) as error:
        # JSONDecodeError and the models' input errors are ValueErrors.
        print(f"alliance insights {args.command}: {error}", file=sys.stderr)
        return 2
    json.dump(output, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
