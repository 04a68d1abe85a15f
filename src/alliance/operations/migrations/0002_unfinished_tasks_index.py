"""An index over the task results still to do, so that "is this agreement being updated?"
(four cockpit tabs ask on every view), the leases' search for running tasks and the
scheduler's check of a run in hand read the few unfinished rows, not every result ever
recorded. Without it PostgreSQL scanned the whole table: 240–760 ms a view with a million
finished results (about a year of one scheduler tick a minute and the writes' recomputes).

The table is django-tasks-db's, so the index is written in SQL. A full index on (status,
task_path) rather than one restricted to the unfinished rows: SQLite uses a partial index only
when the query repeats its condition in literals, and Django binds the statuses as parameters.
With finished results pruned after their keeping time (``alliance.operations.results``) it
stays small."""

from django.db import migrations

INDEX = "alliance_task_status_path"
TABLE = "django_tasks_database_dbtaskresult"


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} (status, task_path)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
