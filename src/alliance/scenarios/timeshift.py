"""Move a written story in time: every date and story timestamp of the database by N days.

The demo scenario is written once, on the day its story was told (``demo_agreements.TODAY``),
so its random draws, and hence its figures, are the same on every machine. Loaded on another
day, it is then moved as a whole so that its "today" is the day it is loaded: what was due
"next week" in the story is due next week on the calendar. Moving is generic — every date and
date-time column of Alliance's models and the accounts' ``date_joined`` — so a model added
later moves too. Date-times at or after ``before`` (the moment loading began: audit events,
task rows, anything stamped with the real clock) stay where they are. Dates quoted inside the
audit trail's before / after values move with the columns they copy.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import Q


def shift_story(days: int, *, before: datetime) -> None:
    """Move every date by ``days``, and every date-time earlier than ``before``."""
    if not days:
        return
    for model in _models():
        dates, stamps = _date_columns(model)
        if not dates and not stamps:
            continue
        if _unique_on(model, dates):
            _shift_rows(model, dates, stamps, days, before)
        else:
            _shift_table(model, dates, stamps, days, before)
    _shift_audit_values(days)


def _models() -> list[type[models.Model]]:
    from alliance.accounts.models import AuditEvent

    user = get_user_model()
    # The audit trail's own stamps are the real moments things were written (and PostgreSQL
    # refuses to move them); only the dates it quotes move, in _shift_audit_values.
    return [
        m
        for m in apps.get_models()
        if (m.__module__.startswith("alliance.") or m is user)
        and m._meta.managed
        and not m._meta.proxy
        and m is not AuditEvent
    ]


def _date_columns(model: type[models.Model]) -> tuple[list[models.Field], list[models.Field]]:
    fields = model._meta.concrete_fields
    stamps = [f for f in fields if isinstance(f, models.DateTimeField)]
    dates = [f for f in fields if isinstance(f, models.DateField) and f not in stamps]
    return dates, stamps


def _unique_on(model: type[models.Model], dates: list[models.Field]) -> bool:
    """Whether a unique constraint covers a date: PostgreSQL checks it row by row during an
    UPDATE, so moving every row at once could collide with a row not yet moved."""
    names = {f.name for f in dates}
    together = [
        set(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)
    ]
    together += [set(t) for t in model._meta.unique_together]
    return any(group & names for group in together) or any(f.unique for f in dates)


def _shift_table(model, dates, stamps, days: int, before: datetime) -> None:
    """One UPDATE per column kind (dates all rows, date-times the story's)."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    with connection.cursor() as cursor:
        if dates:
            sets = ", ".join(
                f"{q(f.column)} = {_plus_days(q(f.column), days, False)}" for f in dates
            )
            cursor.execute(f"UPDATE {table} SET {sets}")
        for f in stamps:
            column = q(f.column)
            cursor.execute(
                f"UPDATE {table} SET {column} = {_plus_days(column, days, True)} "
                f"WHERE {column} < %s",
                [connection.ops.adapt_datetimefield_value(before)],
            )


def _plus_days(column: str, days: int, with_time: bool) -> str:
    if connection.vendor == "sqlite":
        if with_time:  # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]"
            return f"strftime('%Y-%m-%d %H:%M:%f', {column}, '{days:+d} days')"
        return f"date({column}, '{days:+d} days')"
    if with_time:
        return f"{column} + make_interval(days => {days:d})"
    return f"{column} + {days:d}"


def _shift_rows(model, dates, stamps, days: int, before: datetime) -> None:
    """Row by row, the row furthest in the direction of the move first (no collision)."""
    delta = timedelta(days=days)
    order = [f"-{dates[0].name}" if days > 0 else dates[0].name]
    names = [f.name for f in (*dates, *stamps)]
    for row in model._default_manager.order_by(*order).only("pk", *names):
        changed = {}
        for f in dates:
            value = getattr(row, f.name)
            if value is not None:
                changed[f.name] = value + delta
        for f in stamps:
            value = getattr(row, f.name)
            if value is not None and value < before:
                changed[f.name] = value + delta
        if changed:
            model._default_manager.filter(pk=row.pk).update(**changed)


def _shift_audit_values(days: int) -> None:
    """Dates copied into the audit trail's before / after values move with their columns."""
    from alliance.accounts.audit import rewriting_content
    from alliance.accounts.models import AuditEvent

    delta = timedelta(days=days)
    changed = []
    quoted = ~Q(before={}) | ~Q(after={})
    for event in AuditEvent.objects.filter(quoted).only("pk", "before", "after").iterator():
        before, after = _moved(event.before, delta), _moved(event.after, delta)
        if before != event.before or after != event.after:
            event.before, event.after = before, after
            changed.append(event)
    # The one rewrite PostgreSQL's append-only trail allows (snapshots only).
    with rewriting_content():
        AuditEvent.objects.bulk_update(changed, ["before", "after"], batch_size=500)


def _moved(values: Any, delta: timedelta) -> Any:
    if not isinstance(values, dict):
        return values
    return {key: _moved_value(value, delta) for key, value in values.items()}


def _moved_value(value: Any, delta: timedelta) -> Any:
    if not isinstance(value, str) or len(value) < 10 or value[4:5] != "-" or value[7:8] != "-":
        return value
    try:
        if len(value) == 10:
            return (date.fromisoformat(value) + delta).isoformat()
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    separator = "T" if "T" in value else " "
    return (moment + delta).isoformat(sep=separator)
