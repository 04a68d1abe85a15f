"""Benchmark of the interchange importers: end-to-end import throughput (parse + map +
checks + policy + audit + database writes through the domain services) against the
database's own speed for the same rows: every row the import wrote, written again with
plain ``bulk_create`` and no checks (in a transaction rolled back), measured in the same
run on the same database. The parse floor of the file (``json.load``, lxml ``iterparse``,
openpyxl read-only rows) is printed beside it. Every timing is given as wall-clock and
process CPU seconds, and the ratio both ways.

The command line's fixed cost, paid once before the first row of any import is read, is
stated apart on each database: ``alliance import --help`` and the preview of a one-project
file, each in a process of its own. An importer's modules are loaded before it is timed
(they are part of that fixed cost, not of its throughput).

Goal (issue 13): import throughput ≥ 40 % of the ``bulk_create`` floor's.

    .venv/bin/python bench/interchange.py [--projects 300] [--activities 400] [--rows 100000]
        [--inputs oc4ids,oc4ids-thin,iati,xlsx] [--databases sqlite,postgres]
        [--postgres postgres://postgres@127.0.0.1:5432]

Inputs: ``oc4ids`` is a package of projects shaped like published ones (the standard's
worked example and real Nuevo León projects, about 40 KB each); ``oc4ids-thin`` packs
many small objects in few bytes (4 KB projects with 32 objects each: a stress test of
the writes more than a realistic file); ``iati`` repeats the real World Bank activity
(64 KB, 25 objects); ``xlsx`` is one sheet of parties.

Each database runs in its own process on a fresh database (SQLite in a temporary folder;
PostgreSQL in a database created for the run and dropped after it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = next(
    (p for p in (ROOT / ".." / "shared" / "data", ROOT / ".." / ".." / "shared" / "data")
     if p.is_dir()),
    ROOT / ".." / "shared" / "data",
)  # fmt: skip
# One database per run (its pid): runs of several people on one server do not collide.
# ALLIANCE_BENCH_DB names it instead (the database a person was given).
BENCH_DB = os.environ.get("ALLIANCE_BENCH_DB") or f"alliance_bench_interchange_{os.getpid()}"


# ----- generated inputs -----


# Roles of public bodies: they recur from project to project in a real portfolio.
PUBLIC_ROLES = {"procuringEntity", "buyer", "payer", "publicAuthority", "funder",
                "administrativeEntity", "reviewBody"}  # fmt: skip


def make_oc4ids_published(path: Path, projects: int) -> None:
    """A package of ``projects`` projects shaped like published ones: the standard's
    worked example and the five real Nuevo León projects in turn (documents, locations,
    contracting processes and all, about 40 KB each), each copy with its own project id
    and its own firms (suppliers, tenderers), while public bodies recur as they do."""
    example = json.loads((DATA / "oc4ids" / "example-fictional-m75.json").read_text("utf-8"))
    sources = [json.dumps(example["projects"][0])]
    for source in sorted((DATA / "oc4ids").glob("nuevo-leon-project-*.json")):
        sources.append(json.dumps(json.loads(source.read_text("utf-8"))))
    with path.open("w", encoding="utf-8") as out:
        head = {k: v for k, v in example.items() if k != "projects"}
        out.write(json.dumps(head)[:-1] + ', "projects": [')
        for i in range(projects):
            text = sources[i % len(sources)]
            project = json.loads(text)
            renames = {project["id"]: f"{project['id']}-{i}"}
            for party in project.get("parties", []):
                if not PUBLIC_ROLES & set(party.get("roles", [])):
                    renames[party["id"]] = f"{party['id']}-{i}"
                    renames[party["name"]] = f"{party['name']} {i}"
                    # its organisation identifier too: a firm is one party by it
                    ident = (party.get("identifier") or {}).get("id")
                    if ident:
                        renames[ident] = f"{ident}-{i}"
            for old, new in renames.items():
                text = text.replace(json.dumps(old), json.dumps(new))
            out.write(("," if i else "") + text)
        out.write("]}")


def make_oc4ids(path: Path, projects: int) -> None:
    """A package of ``projects`` thin projects (4 KB each), each with 6 parties and 20
    milestones owed by its firms: many objects per byte, a stress test of the writes."""
    items = []
    for p in range(projects):
        parties = [
            {"id": f"GOV-{p}", "name": f"Ministry {p}", "roles": ["publicAuthority"],
             "address": {"countryName": "Senegal"}},
            {"id": "XM-DAC-44000", "name": "World Bank", "roles": ["funder"]},
            *({"id": f"FIRM-{p}-{f}", "name": f"Builder {p}-{f}", "roles": ["supplier"]}
              for f in range(4)),
        ]  # fmt: skip
        milestones = [
            {"id": str(m), "title": f"Milestone {m} of project {p}", "type": "delivery",
             "status": "scheduled", "dueDate": f"20{26 + m % 4}-0{1 + m % 9}-15T00:00:00Z",
             "x_owedBy": {"id": f"FIRM-{p}-{m % 4}"}, "x_owedTo": [{"id": f"GOV-{p}"}]}
            for m in range(20)
        ]  # fmt: skip
        items.append({
            "id": f"oc4ids-bench-{p}", "title": f"Road section {p}",
            "period": {"startDate": "2024-01-01T00:00:00Z", "endDate": "2030-12-31T00:00:00Z"},
            "budget": {"amount": {"amount": 1_000_000 + p, "currency": "XOF"}},
            "parties": parties, "milestones": milestones,
        })  # fmt: skip
    package = {"uri": "https://example.org/p.json", "publishedDate": "2025-01-01T00:00:00Z",
               "publisher": {"name": "bench"}, "version": "0.9", "projects": items}  # fmt: skip
    path.write_text(json.dumps(package), encoding="utf-8")


def make_iati(path: Path, activities: int) -> None:
    """``activities`` copies of the World Bank activity, each with its own identifier."""
    text = (DATA / "iati" / "worldbank-activity.xml").read_text(encoding="utf-8")
    body = text[text.index("<iati-activity ") : text.index("</iati-activities>")]
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n')
        for i in range(activities):
            out.write(body.replace("44000-P175662", f"44000-B{i:07d}"))
        out.write("</iati-activities>\n")


def make_xlsx(path: Path, rows: int) -> None:
    """A workbook with one sheet of ``rows`` parties, dates and numbers in French style."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("parties")
    sheet.append(["name", "short_name", "kind", "country", "decision_cycle_days", "working_week"])
    kinds = ["government", "lender", "local_firm", "multinational", "ngo"]
    for i in range(rows):
        sheet.append([f"Organisation {i:06d}", f"O{i}", kinds[i % 5], "SN", 10 + i % 50, "1111100"])
    book.save(path)


# ----- parse floors -----


class Timer:
    """Wall-clock and process CPU seconds of a block. CPU time is this process's only:
    SQLite's work is in it, the PostgreSQL server's is not (another process)."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    @property
    def both(self) -> tuple[float, float]:
        return self.wall, self.cpu


def floor_json(path: Path) -> tuple[float, float]:
    with Timer() as timer, path.open("rb") as handle:
        json.load(handle)
    return timer.both


def floor_iterparse(path: Path) -> tuple[float, float]:
    from lxml import etree

    with Timer() as timer:
        for _event, element in etree.iterparse(str(path), events=("end",), tag="iati-activity"):
            element.clear()
    return timer.both


def floor_xlsx(path: Path) -> tuple[float, float]:
    from openpyxl import load_workbook

    with Timer() as timer:
        book = load_workbook(path, read_only=True, data_only=True)
        for sheet in book.worksheets:
            for _row in sheet.iter_rows(values_only=True):
                pass
        book.close()
    return timer.both


FLOORS = {"oc4ids": floor_json, "iati": floor_iterparse, "xlsx": floor_xlsx}
# Each input: the importer it goes through, its file name, and how it is made.
INPUTS = {
    "oc4ids": ("oc4ids", "package.json", lambda p, a: make_oc4ids_published(p, a.projects)),
    "oc4ids-thin": ("oc4ids", "thin.json", lambda p, a: make_oc4ids(p, a.projects)),
    "iati": ("iati", "activities.xml", lambda p, a: make_iati(p, a.activities)),
    "xlsx": ("xlsx", "parties.xlsx", lambda p, a: make_xlsx(p, a.rows)),
}  # fmt: skip


# ----- one database -----


def _domain_models() -> list:
    """The models an import writes, parents before children (foreign keys), with the
    automatic many-to-many tables."""
    from django.apps import apps

    models = [
        model
        for app in ("partnerships", "engagement", "risks", "accounts", "interchange")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]
    ordered, seen = [], set()

    def visit(model) -> None:
        if model in seen or model not in models:
            return
        seen.add(model)
        for field in model._meta.concrete_fields:
            if field.many_to_one and field.related_model is not model:
                visit(field.related_model)
        ordered.append(model)

    for model in models:
        visit(model)
    return ordered


def _snapshot() -> dict:
    """The primary keys in every domain table, to find what an import wrote."""
    return {m: set(m._base_manager.values_list("pk", flat=True)) for m in _domain_models()}


def bulk_floor(before: dict) -> tuple[float, float, int]:
    """Seconds (wall, CPU) to write the rows the import wrote with plain ``bulk_create`` (no
    validation, policy, audit logic or signals; the same columns and keys), and how many
    rows: the rows are read, removed and written back in one transaction, rolled back.
    Audit events are append-only (PostgreSQL refuses their deletion): copies of them are
    inserted instead, which is the same write."""
    from django.db import connection, transaction

    from alliance.accounts.models import AuditEvent

    rows = {}
    for model in _domain_models():
        new = set(model._base_manager.values_list("pk", flat=True)) - before.get(model, set())
        if new:
            rows[model] = list(model._base_manager.filter(pk__in=new).order_by("pk"))
    count = sum(len(objs) for objs in rows.values())
    with transaction.atomic():
        for model in reversed(list(rows)):
            if model is not AuditEvent:
                model._base_manager.filter(pk__in=[o.pk for o in rows[model]])._raw_delete(
                    connection.alias
                )
        for objs in (rows.get(AuditEvent, []),):
            for obj in objs:
                obj.pk = None
        with Timer() as timer:
            for model, objs in rows.items():
                model._base_manager.bulk_create(objs, batch_size=1000)
        transaction.set_rollback(True)
    return timer.wall, timer.cpu, count


def _command_cost(args: list[str]) -> tuple[float, float]:
    """Best of 3 (wall, CPU seconds) of ``alliance`` with ``args``, in a process of its own
    (CPU: the child's user + system time)."""
    alliance = Path(sys.executable).parent / "alliance"
    best: tuple[float, float] | None = None
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([str(alliance), *args], check=True, capture_output=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = (wall, cpu) if best is None or wall < best[0] else best
    return best or (0.0, 0.0)


def make_minimal(path: Path) -> None:
    """The smallest real import: one OC4IDS project with two parties and one milestone."""
    project = {
        "id": "oc4ids-minimal", "title": "Bridge", "updated": "2025-01-01T00:00:00Z",
        "period": {"startDate": "2024-01-01T00:00:00Z", "endDate": "2030-12-31T00:00:00Z"},
        "parties": [{"id": "GOV", "name": "Ministry of Works", "roles": ["publicAuthority"],
                     "address": {"countryName": "Senegal"}},
                    {"id": "FIRM", "name": "Builder", "roles": ["supplier"]}],
        "milestones": [{"id": "1", "title": "Opening", "dueDate": "2027-01-15T00:00:00Z",
                        "x_owedBy": {"id": "FIRM"}, "x_owedTo": [{"id": "GOV"}]}],
    }  # fmt: skip
    path.write_text(json.dumps({"version": "0.9", "projects": [project]}), encoding="utf-8")


def cli_fixed_cost(minimal: Path) -> dict[str, tuple[float, float]]:
    """What the command line costs before the first row of any import is read: starting
    ``alliance import --help`` (the interpreter, Django, the command's imports), and a
    preview of a one-project file (that, plus settings, the database connection, the
    importer's own modules and one transaction), each (wall, CPU seconds)."""
    return {
        "alliance import --help": _command_cost(["import", "--help"]),
        "alliance import minimal.json --dry-run": _command_cost(
            ["import", str(minimal), "--dry-run", "--user", "bench", "--verbosity", "0"]
        ),
    }


def run_one_database(files: dict[str, Path]) -> list[dict]:
    """Migrate a fresh database, then time each import (floor measured alongside)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from alliance.interchange.engine import _importer, run_import

    call_command("migrate", verbosity=0)
    admin = get_user_model().objects.create_user("bench", is_staff=True, is_superuser=True)
    minimal = Path(os.environ["ALLIANCE_VAR_DIR"]) / "minimal.json"
    make_minimal(minimal)
    fixed = cli_fixed_cost(minimal)
    # Each importer's modules are loaded once per process, before its first row: part of
    # the fixed cost above, not of an import's throughput (loaded here, untimed).
    for name in files:
        _importer(INPUTS[name][0])
    results = []
    for name, path in files.items():
        fmt = INPUTS[name][0]
        floor = min(FLOORS[fmt](path) for _ in range(3))
        before = _snapshot()
        with Timer() as timer:
            report = run_import(path, actor=admin, fmt=fmt, dry_run=False)
        if not report.ok:
            raise SystemExit("\n".join(report.lines()[:20]))
        objects = sum(row["created"] for row in report.counts.values())
        bulk, bulk_cpu, rows = min(bulk_floor(before) for _ in range(2))
        results.append({"format": name, "db": connection.vendor, "size": path.stat().st_size,
                        "fixed": fixed,
                        "objects": objects, "rows": rows, "floor": floor[0],
                        "floor_cpu": floor[1], "bulk": bulk, "bulk_cpu": bulk_cpu,
                        "import": timer.wall, "import_cpu": timer.cpu})  # fmt: skip
    return results


def child(args: argparse.Namespace) -> None:
    files = json.loads(args.child)
    print(json.dumps(run_one_database({k: Path(v) for k, v in files.items()})))


# ----- driver -----


def database_url(kind: str, folder: Path, postgres: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    return f"{postgres.rstrip('/')}/{BENCH_DB}"


def postgres_admin(postgres: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{postgres.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def run_database(kind: str, files: dict[str, Path], folder: Path, postgres: str) -> list[dict]:
    if kind == "postgres":
        postgres_admin(postgres, f"DROP DATABASE IF EXISTS {BENCH_DB}")
        postgres_admin(postgres, f"CREATE DATABASE {BENCH_DB}")
    env = {**os.environ, "DATABASE_URL": database_url(kind, folder, postgres),
           "ALLIANCE_TESTING": "1", "ALLIANCE_VAR_DIR": str(folder)}  # fmt: skip
    payload = json.dumps({k: str(v) for k, v in files.items()})
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", payload],
            env=env, check=False, capture_output=True, text=True,
        )  # fmt: skip
        if out.returncode:
            raise SystemExit(f"the {kind} run failed:\n{out.stderr[-4000:]}")
    finally:
        if kind == "postgres":
            postgres_admin(postgres, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(rows: list[dict]) -> str:
    header = (f"{'input':<12} {'db':<10} {'MB':>5} {'objects':>7} {'rows':>7}"
              f" {'parse s':>7} {'cpu':>6} {'bulk s':>6} {'cpu':>6} {'import s':>8} {'cpu':>7}"
              f" {'objects/s':>9} {'rows/s':>7} {'bulk rows/s':>11} {'ratio':>6}"
              f" {'cpu ratio':>9}")  # fmt: skip
    lines = [header, "-" * len(header)]
    for r in rows:
        mb = r["size"] / 2**20
        lines.append(
            f"{r['format']:<12} {r['db']:<10} {mb:>5.1f} {r['objects']:>7} {r['rows']:>7}"
            f" {r['floor']:>7.2f} {r['floor_cpu']:>6.2f} {r['bulk']:>6.2f} {r['bulk_cpu']:>6.2f}"
            f" {r['import']:>8.2f} {r['import_cpu']:>7.2f}"
            f" {r['objects'] / r['import']:>9,.0f} {r['rows'] / r['import']:>7,.0f}"
            f" {r['rows'] / r['bulk']:>11,.0f} {100 * r['bulk'] / r['import']:>5.1f}%"
            f" {100 * r['bulk_cpu'] / max(r['import_cpu'], 1e-9):>8.1f}%"
        )
    lines.append(
        "objects = domain objects the import created (agreements, parties, commitments …);"
        " rows = every row written (with links, source identifiers, audit events, history)"
    )
    lines.append(
        "ratio = import throughput / bulk_create throughput of the same rows, same run"
        " (goal ≥ 40 %); cpu ratio = the same with this process's CPU seconds"
    )
    lines.append(
        "cpu = CPU seconds of the benchmark process (SQLite works inside it; the PostgreSQL"
        " server's own CPU is not counted); wall − cpu ≈ waiting (server, disk, other load)"
    )
    return "\n".join(lines)


def fixed_table(rows: list[dict]) -> str:
    """The command line's fixed cost on each database (measured in that database's run)."""
    lines = ["CLI fixed cost before the first row is read (best of 3, own process):"]
    seen = set()
    for r in rows:
        if r["db"] in seen:
            continue
        seen.add(r["db"])
        for what, (wall, cpu) in r["fixed"].items():
            lines.append(f"  {r['db']:<10} {what:<42} {wall:>5.2f} s wall {cpu:>5.2f} s cpu")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--activities", type=int, default=400)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--inputs", default=",".join(INPUTS), help="among: " + ", ".join(INPUTS))
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    if args.child:
        child(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {name: folder / INPUTS[name][1] for name in args.inputs.split(",")}
        for name, path in files.items():
            INPUTS[name][2](path, args)
        kinds = args.databases.split(",")
        if unknown := set(kinds) - {"sqlite", "postgres"}:
            raise SystemExit(f"--databases: sqlite and/or postgres, not {', '.join(unknown)}")
        rows = []
        for kind in kinds:
            rows.extend(run_database(kind, files, folder, args.postgres))
        print(table(rows))
        print(fixed_table(rows))


if __name__ == "__main__":
    main()
