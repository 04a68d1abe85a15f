"""After the text of existing rows was encrypted in place (engagement 0005, risks 0004, the
audit trail's snapshots in 0007), the clear text they replaced is still in the database's
files: SQLite's free pages and WAL, PostgreSQL's dead row versions. This rewrites them: SQLite
is vacuumed and its WAL truncated; on PostgreSQL the tables that held clear text are rewritten
(``VACUUM FULL``; the append-only trigger is not involved, no row changes). On a new database
it takes no time. What PostgreSQL's own WAL and archives kept of the old rows is for whoever
keeps them to expire (docs/accounts.md).

Not atomic: neither database vacuums inside a transaction.
"""

from django.db import migrations

from alliance.core.files import compact

TABLES = (
    "engagement_interaction",
    "engagement_personnote",
    "engagement_trustresponse",
    "engagement_grievance",
    "risks_earlywarning",
    "accounts_auditevent",
)


def compact_tables(apps, schema_editor):
    compact(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0007_seal_audit_snapshots"),
        ("engagement", "0005_encrypt_confidential_text"),
        ("risks", "0004_encrypt_confidential_text"),
    ]

    operations = [migrations.RunPython(compact_tables, migrations.RunPython.noop)]
