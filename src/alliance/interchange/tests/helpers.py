"""Shared test helpers: where the real sample files are, row counts, running an import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps

from alliance.interchange.engine import run_import
from alliance.interchange.report import ImportReport

REPO = Path(__file__).resolve().parents[4]
# ../shared/data beside the checkout (a worktree one level deeper finds it one level up).
DATA = next(
    (
        p
        for p in (REPO / ".." / "shared" / "data", REPO / ".." / ".." / "shared" / "data")
        if p.is_dir()
    ),
    REPO / ".." / "shared" / "data",
)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOMAIN_APPS = ("partnerships", "engagement", "risks", "accounts", "interchange")


def row_counts() -> dict[str, int]:
    """Rows in every domain table: a refused import must leave all of them unchanged."""
    return {
        model._meta.label: model._default_manager.count()
        for app in DOMAIN_APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.label != "interchange.ImportBatch"
    }


def load(path: Path | str, actor: Any, **options: Any) -> ImportReport:
    """Import for real (not a dry run) and return the report."""
    return run_import(path, actor=actor, dry_run=False, **options)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def empty_database() -> Any:
    """Delete every agreement, party and person; return a fresh administrator to import."""
    from django.contrib.auth import get_user_model

    from alliance.interchange.models import SourceIdentifier
    from alliance.partnerships.models import Agreement, Party, Person

    Agreement.objects.all().delete()
    Person.objects.all().delete()
    Party.objects.all().delete()
    SourceIdentifier.objects.all().delete()
    return get_user_model().objects.create_user("importer", is_staff=True, is_superuser=True)
