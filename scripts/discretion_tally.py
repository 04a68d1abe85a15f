"""What the discretion checks try, and how often: run their tests on SQLite and on PostgreSQL
with ``ALLIANCE_TALLY_FILE`` set, and print a Markdown table of the counts.

Each test calls ``alliance.testing.tally(check)`` where it tries something (a request made
as one role, a file scanned, a login attempt, a zip bomb refused...); this script runs the
tests (pytest-xdist, ``-n`` workers), sums the tallies per check and reads each test's
outcome from pytest's JUnit report:

    nice -n 10 .venv/bin/python scripts/discretion_tally.py -n 2 \\
        --postgresql postgres://postgres@127.0.0.1:5432/mydb

A count of "—" means that the check's tests do not run on that database (they are skipped,
the reason is in the notes under the table); a count of 0 beside a passed test would be a
bug of the tally, and the script says so.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
T = "src/alliance"


@dataclass(frozen=True)
class Check:
    key: str  # what the tests pass to tally()
    name: str
    tried: str
    tests: tuple[str, ...]  # fnmatch patterns of "path::function" (parameters stripped)


CHECKS = [
    Check(
        "pages.route_role",
        "Route walker (pages)",
        "a page, tab, HTMX partial or export of the agreement (and of an agreement the actor "
        "is not in) requested as one of 7 roles; status as the policy says, 404 otherwise",
        (f"{T}/web/tests/test_routes.py::test_*",),
    ),
    Check(
        "pages.anonymous",
        "Signed-out requests",
        "a page of the agreement requested without signing in: sent to log in",
        (f"{T}/web/tests/test_routes.py::test_anonymous_*",),
    ),
    Check(
        "pages.scan",
        "Confidential markers (pages)",
        "a page, HTMX partial, search result or portfolio received by a representative or "
        "viewer, scanned for the internal and the restricted marker texts",
        (f"{T}/web/tests/test_discretion.py::test_no_internal_*",),
    ),
    Check(
        "pages.team",
        "Who of the team reads what",
        "a page read by a team member or an outsider of the team: internal text for the team, "
        "restricted text for the named counsellor only, a person's internal note",
        (
            f"{T}/web/tests/test_discretion.py::test_team_*",
            f"{T}/web/tests/test_discretion.py::test_internal_note_*",
        ),
    ),
    Check(
        "pages.counts",
        "Counts of hidden items",
        "the portfolio's count of open warnings read as a role: it counts only what the role "
        "may see",
        (f"{T}/web/tests/test_discretion.py::test_portfolio_*",),
    ),
    Check(
        "pulse.role",
        "Three-answer rule (pulses)",
        'a role\'s trust page, trust "why?" or policy list of answers: no mean or point '
        "of fewer than 3 answers outside the team",
        (
            f"{T}/web/tests/test_discretion.py::test_*pulses*",
            f"{T}/web/tests/test_discretion.py::test_viewer_reads_aggregates_*",
            f"{T}/web/tests/test_pulse_anonymity.py::test_*",
        ),
    ),
    Check(
        "ni.pages",
        "Non-interference (pages)",
        "a page or tab a representative or viewer can open, compared byte for byte before and "
        "after internal and restricted items are added, changed and deleted",
        (f"{T}/web/tests/test_non_interference.py::test_hidden_items_change_nothing_*",),
    ),
    Check(
        "ni.exports",
        "Non-interference (exports)",
        "an export (CSV of each entity, XLSX, OCDS, IATI, calendar), PDF brief (2 languages), "
        "portfolio, search or inbox, compared the same way (cells, PDF text)",
        (f"{T}/web/tests/test_non_interference.py::test_hidden_items_change_no_export_*",),
    ),
    Check(
        "ni.api",
        "Non-interference (API)",
        "an API read with the role's token, compared the same way (body and ETag)",
        (f"{T}/web/tests/test_non_interference.py::test_hidden_items_change_no_export_*",),
    ),
    Check(
        "api.route_role",
        "Route walker (API)",
        "an API operation called with a token of one of 7 roles (writes rolled back); status "
        "as the policy says, 404 otherwise",
        (f"{T}/api/tests/test_routes.py::test_every_operation_answers_*",),
    ),
    Check(
        "api.scan",
        "Confidential markers (API)",
        "an API answer to a representative or viewer scanned for the marker texts",
        (f"{T}/api/tests/test_routes.py::test_nothing_internal_*",),
    ),
    Check(
        "api.fuzz",
        "API fuzzing (Schemathesis)",
        "a generated request (8 per operation, owner's token): no server error, status, media "
        "type and body within the schema",
        (f"{T}/api/tests/test_schemathesis.py::test_*",),
    ),
    Check(
        "delete.preview",
        "Delete: what will go",
        "a delete confirmation page: it lists only what the actor may see, or refuses",
        (f"{T}/web/tests/test_deletion_policy.py::test_*",),
    ),
    Check(
        "delete.attempt",
        "Delete and its cascade",
        "a delete (person, party, commitment with a hidden warning, agreement, user): nothing "
        "of another agreement or hidden from the actor destroyed, each cascaded row audited, "
        "the audit trail kept",
        (
            f"{T}/web/tests/test_deletion_policy.py::test_*",
            f"{T}/accounts/tests/test_audit_log.py::test_deleting_an_agreement_*",
            f"{T}/accounts/tests/test_audit_log.py::test_postgresql_deletes_*",
        ),
    ),
    Check(
        "at_rest.texts",
        "At rest: texts looked for",
        "an internal or restricted text of the demo (8 kinds, written through the real "
        "`alliance` command) looked for in the raw bytes, in UTF-8 and JSON-escaped",
        (f"{T}/core/tests/test_at_rest.py::test_*",),
    ),
    Check(
        "at_rest.files",
        "At rest: files scanned",
        "a raw file scanned for those texts: SQLite database, WAL, shared memory, uploads, "
        "`dumpdata` backup; on PostgreSQL a `pg_dump`",
        (f"{T}/core/tests/test_at_rest.py::test_*",),
    ),
    Check(
        "at_rest.modes",
        "At rest: owner-only",
        "a database file, folder, upload or backup checked to be its owner's only (0600/0700)",
        (f"{T}/core/tests/test_at_rest.py::test_*sqlite*",),
    ),
    Check(
        "at_rest.tables",
        "At rest: stored rows",
        "a table of the demo's PostgreSQL database read back row by row as text and scanned",
        (f"{T}/core/tests/test_at_rest.py::test_*pg_dump*",),
    ),
    Check(
        "at_rest.heap",
        "At rest: heap files",
        "a table's heap and TOAST files read from the server after a CHECKPOINT and scanned",
        (f"{T}/core/tests/test_at_rest.py::test_*pg_dump*",),
    ),
    Check(
        "encrypted.column",
        "Encrypted columns",
        "an encrypted column read raw from the database: a Fernet token, not the text",
        (
            f"{T}/core/tests/test_confidential_at_rest.py::test_each_*",
            f"{T}/core/tests/test_confidential_at_rest.py::test_empty_*",
            f"{T}/core/tests/test_confidential_at_rest.py::test_dumpdata_*",
            f"{T}/core/tests/test_confidential_at_rest.py::test_the_migrations_*",
        ),
    ),
    Check(
        "encrypted.audit",
        "Audit snapshots encrypted",
        "an audit event's snapshots scanned for the clear texts",
        (f"{T}/core/tests/test_confidential_at_rest.py::test_the_audit_trail_*",),
    ),
    Check(
        "encrypted.backup",
        "Backup encrypted",
        "a `dumpdata` backup scanned for the clear texts, then restored and read",
        (f"{T}/core/tests/test_confidential_at_rest.py::test_dumpdata_*",),
    ),
    Check(
        "encrypted.rotated",
        "Key rotation",
        "an audit value opened with the new key alone after a rotation",
        (f"{T}/core/tests/test_confidential_at_rest.py::test_rotation_*",),
    ),
    Check(
        "encrypted.search",
        "Search of encrypted text",
        "a search page or interaction list read by a role: an internal summary found for the "
        "team only",
        (f"{T}/core/tests/test_confidential_at_rest.py::test_search_*",),
    ),
    Check(
        "encrypted.compact",
        "Compaction",
        "a table rewritten after encryption in place: no replaced clear text left in the SQLite "
        "files or the PostgreSQL heap",
        (f"{T}/core/tests/test_confidential_at_rest.py::test_compacting_*",),
    ),
    Check(
        "zip.refused",
        "XLSX zip bombs",
        "a workbook bomb refused: from the archive's directory (900 MB in 1 MB), over the "
        "member size, by the reader's memory limit, by its CPU limit, through the upload page",
        (
            f"{T}/interchange/tests/test_zip_bombs.py::test_a_bomb_*",
            f"{T}/interchange/tests/test_zip_bombs.py::test_a_member_*",
            f"{T}/interchange/tests/test_zip_bombs.py::test_the_reading_process_*",
        ),
    ),
    Check(
        "zip.queued",
        "Large workbooks leave the request",
        "a small upload that unpacks large: handed to the worker, not parsed in the request",
        (f"{T}/interchange/tests/test_zip_bombs.py::test_a_web_request_*",),
    ),
    Check(
        "zip.ordinary",
        "Ordinary workbooks pass",
        "a real 20,000-row workbook: passes the archive checks",
        (f"{T}/interchange/tests/test_zip_bombs.py::test_an_ordinary_*",),
    ),
    Check(
        "doc.refused",
        "Document bombs",
        "a DOCX or ODT bomb, or an archive of too many parts, refused before inflating",
        (f"{T}/extraction/tests/test_documents.py::test_*",),
    ),
    Check(
        "login.attempt",
        "Login throttling",
        "a login attempt (wrong or right password; many usernames, many addresses, forged "
        "or proxied X-Forwarded-For) against the per-address and per-account limits",
        (f"{T}/accounts/tests/test_login_throttling.py::test_*",),
    ),
    Check(
        "mfa.refused",
        "Second factor",
        "a request or code refused without a valid second factor (team without one, wrong or "
        "reused code, reused recovery code, session around it, admin login)",
        (f"{T}/accounts/tests/test_two_factor.py::test_*",),
    ),
    Check(
        "session.check",
        "Sessions",
        "a browser checked signed in or out after signing out one, others or everywhere, "
        "another user's attempt, or a password change",
        (
            f"{T}/accounts/tests/test_sessions_and_passwords.py::test_*sign*",
            f"{T}/accounts/tests/test_sessions_and_passwords.py::test_nobody_*",
            f"{T}/accounts/tests/test_sessions_and_passwords.py::test_a_new_password_*",
        ),
    ),
    Check(
        "session.idle",
        "Idle timeout",
        "a request at 0, 29 and 31 idle minutes: the session ends after 30",
        (f"{T}/accounts/tests/test_transport_security.py::test_an_idle_*",),
    ),
    Check(
        "password.weak",
        "Password policy",
        "a weak password (short, common, breached, keyboard walk, the user's name...) refused "
        "offline",
        (
            f"{T}/accounts/tests/test_sessions_and_passwords.py::test_the_password_policy_refuses_*",
            f"{T}/accounts/tests/test_sessions_and_passwords.py::test_the_policy_needs_no_network",
        ),
    ),
    Check(
        "password.strong",
        "Password policy (accepts)",
        "a long unguessable password accepted",
        (f"{T}/accounts/tests/test_sessions_and_passwords.py::test_*accepts*",),
    ),
    Check(
        "transport.response",
        "CSP nonce, no-store",
        "a page, export, feed or login page checked for a fresh CSP nonce or "
        "`Cache-Control: no-store`",
        (
            f"{T}/accounts/tests/test_transport_security.py::test_pages_*",
            f"{T}/accounts/tests/test_transport_security.py::test_every_page_*",
        ),
    ),
    Check(
        "transport.deploy",
        "check --deploy",
        "`check --deploy` run in the production profile (clean) and without HTTPS settings (warns)",
        (f"{T}/accounts/tests/test_transport_security.py::test_check_deploy_*",),
    ),
    Check(
        "csp.page",
        "CSP in Chromium",
        "a page loaded in Chromium as the counsellor (charts, Gantt, HTMX, 404): strict CSP "
        "header, no `securitypolicyviolation`, no console error",
        (f"{T}/web/tests/test_browser_csp.py::test_*",),
    ),
    Check(
        "audit.role",
        "Audit page: who opens it",
        "the audit page opened by a role, the administrator, or another agreement's owner "
        "naming this agreement",
        (f"{T}/accounts/tests/test_audit_log.py::test_only_owners_*",),
    ),
    Check(
        "audit.scan",
        "Audit page: no restricted text",
        "the audit page or its CSV export read by an owner not named on a restricted item, "
        "scanned for its text",
        (f"{T}/accounts/tests/test_audit_log.py::test_restricted_*",),
    ),
    Check(
        "audit.refused",
        "Audit append-only",
        "an UPDATE or DELETE of an audit event (SQL and ORM, inside and outside the rewrite "
        "window) refused by the database's trigger",
        (
            f"{T}/accounts/tests/test_audit_log.py::test_postgresql_refuses_*",
            f"{T}/accounts/tests/test_audit_log.py::test_postgresql_lets_*",
        ),
    ),
]

TESTS = [
    f"{T}/web/tests/test_routes.py",
    f"{T}/web/tests/test_discretion.py",
    f"{T}/web/tests/test_pulse_anonymity.py",
    f"{T}/web/tests/test_non_interference.py",
    f"{T}/web/tests/test_deletion_policy.py",
    f"{T}/web/tests/test_browser_csp.py",
    f"{T}/api/tests/test_routes.py",
    f"{T}/api/tests/test_schemathesis.py",
    f"{T}/core/tests/test_at_rest.py",
    f"{T}/core/tests/test_confidential_at_rest.py",
    f"{T}/interchange/tests/test_zip_bombs.py",
    f"{T}/extraction/tests/test_documents.py::test_a_zip_bomb_is_refused_before_it_is_inflated",
    f"{T}/extraction/tests/test_documents.py::test_an_archive_of_too_many_parts_is_refused",
    f"{T}/accounts/tests/test_login_throttling.py",
    f"{T}/accounts/tests/test_two_factor.py",
    f"{T}/accounts/tests/test_sessions_and_passwords.py",
    f"{T}/accounts/tests/test_transport_security.py",
    f"{T}/accounts/tests/test_audit_log.py",
]


@dataclass
class Run:
    backend: str
    counts: Counter[str]
    tallied_by: dict[str, set[str]]  # check -> tests that tallied it
    outcomes: dict[str, str]  # "path::function[params]" -> passed / failed / skipped
    wall: float
    cpu: float
    returncode: int


def run(backend: str, database_url: str | None, workers: int, out: Path) -> Run:
    tally_file = out / f"tally-{backend}.tsv"
    junit = out / f"junit-{backend}.xml"
    env = {**os.environ, "ALLIANCE_TALLY_FILE": str(tally_file)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [
        sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
        "-n", str(workers), f"--junitxml={junit}", *TESTS,
    ]  # fmt: skip
    print(f"[{backend}] {' '.join(command[2:])}", file=sys.stderr, flush=True)
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    # The processor time of pytest and its workers alone (another run may go on beside it).
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return collect(backend, tally_file, junit, time.monotonic() - started, cpu, process.returncode)


def collect(backend: str, tally_file: Path, junit: Path, wall: float, cpu: float, code: int) -> Run:
    """The tallies and outcomes of one run, from its files."""
    counts: Counter[str] = Counter()
    tallied_by: dict[str, set[str]] = defaultdict(set)
    if tally_file.exists():
        for line in tally_file.read_text(encoding="utf-8").splitlines():
            check, n, test = line.split("\t")
            counts[check] += int(n)
            tallied_by[check].add(test)
    return Run(backend, counts, tallied_by, outcomes(junit), wall, cpu, code)


def outcomes(junit: Path) -> dict[str, str]:
    """Each test case's outcome from pytest's JUnit report, by "path::name[params]"."""
    found: dict[str, str] = {}
    if not junit.exists():
        return found
    for case in ET.parse(junit).getroot().iter("testcase"):
        path = case.get("classname", "").replace(".", "/") + ".py"
        tags = {child.tag for child in case}
        outcome = "passed"
        if tags & {"failure", "error"}:
            outcome = "failed"
        elif "skipped" in tags:
            outcome = "skipped"
        node = f"{path}::{case.get('name')}"
        # An error in teardown adds a second entry for a test that passed: keep the worst.
        if found.get(node) != "failed":
            found[node] = outcome
    return found


def results_of(check: Check, result: Run) -> Counter[str]:
    return Counter(
        outcome
        for node, outcome in result.outcomes.items()
        if any(fnmatch.fnmatchcase(node.split("[")[0], pattern) for pattern in check.tests)
    )


def summary(counted: Counter[str]) -> str:
    if not counted:
        return "not run"
    order = ("failed", "passed", "skipped")
    return ", ".join(f"{counted[k]} {k}" for k in order if counted[k])


def cell(check: Check, result: Run | None) -> str:
    if result is None:
        return "not run"
    counted = results_of(check, result)
    if counted and set(counted) == {"skipped"}:
        return "—"
    return f"{result.counts.get(check.key, 0):,}"


def table(runs: dict[str, Run | None]) -> str:
    lines = [
        "| Check | What is tried (one count) | SQLite | PostgreSQL | Result |",
        "|---|---|---:|---:|---|",
    ]
    for check in CHECKS:
        parts = []
        for label, backend in (("SQLite", "sqlite"), ("PostgreSQL", "postgresql")):
            result = runs.get(backend)
            if result is not None:
                parts.append(f"{label}: {summary(results_of(check, result))}")
        lines.append(
            f"| {check.name} | {check.tried} | {cell(check, runs.get('sqlite'))} | "
            f"{cell(check, runs.get('postgresql'))} | {'; '.join(parts)} |"
        )
    return "\n".join(lines)


def problems(runs: dict[str, Run | None]) -> list[str]:
    """What would make the table lie: a check counted 0 while its tests passed, a tally by a
    test that no check names, a tally key no check knows."""
    found = []
    keys = {c.key for c in CHECKS}
    for result in runs.values():
        if result is None:
            continue
        for check in CHECKS:
            counted = results_of(check, result)
            if counted.get("passed") and not result.counts.get(check.key):
                found.append(f"{result.backend}: {check.key} passed but counted nothing")
            for test in result.tallied_by.get(check.key, ()):
                if not any(fnmatch.fnmatchcase(test.split("[")[0], p) for p in check.tests):
                    found.append(f"{result.backend}: {check.key} tallied by {test}, not listed")
        for key in set(result.counts) - keys:
            found.append(f"{result.backend}: unknown check {key}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--workers", type=int, default=2)
    parser.add_argument(
        "--postgresql",
        default="postgres://postgres@127.0.0.1:5432/alliance_tally",
        help="DATABASE_URL of the PostgreSQL run (the test runner creates test_<name>)",
    )
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument(
        "--together", action="store_true", help="run both databases at once, not one by one"
    )
    parser.add_argument("--keep", help="folder for the tally files and JUnit reports")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="print the table again from the files of an earlier run in --keep, run nothing",
    )
    args = parser.parse_args()
    out = Path(args.keep or tempfile.mkdtemp(prefix="discretion-tally-"))
    out.mkdir(parents=True, exist_ok=True)
    runs: dict[str, Run | None] = {"sqlite": None, "postgresql": None}
    wanted = [
        (backend, url)
        for backend, url in (("sqlite", None), ("postgresql", args.postgresql))
        if args.only in (None, backend)
    ]
    if args.report_only:
        for backend, _url in wanted:
            files = (out / f"tally-{backend}.tsv", out / f"junit-{backend}.xml")
            if files[1].exists():
                runs[backend] = collect(backend, *files, wall=0, cpu=0, code=0)
        wanted = []
    # Side by side (each with its own workers) or one after the other.
    with ThreadPoolExecutor(max_workers=max(len(wanted), 1) if args.together else 1) as pool:
        futures = {b: pool.submit(run, b, url, args.workers, out) for b, url in wanted}
        for backend, future in futures.items():
            runs[backend] = future.result()
    print(f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, `-n {args.workers}`.\n")
    print(table(runs))
    print()
    for result in runs.values():
        if result is not None:
            states = Counter(result.outcomes.values())
            timing = (
                f", wall {result.wall:.0f} s, CPU {result.cpu:.0f} s, pytest exit "
                f"{result.returncode}"
                if not args.report_only
                else " (from an earlier run's files)"
            )
            print(
                f"- {result.backend}: {len(result.outcomes)} test cases ({summary(states)}), "
                f"{sum(result.counts.values()):,} tries{timing}"
            )
            for node, outcome in sorted(result.outcomes.items()):
                if outcome == "failed":
                    print(f"  - failed: `{node}`")
    found = problems(runs)
    for problem in found:
        print(f"- tally problem: {problem}")
    failed = any(
        r is not None and (r.returncode != 0 or "failed" in r.outcomes.values())
        for r in runs.values()
    )
    return 1 if failed or found else 0


if __name__ == "__main__":
    sys.exit(main())
