"""On PostgreSQL the audit trail is append-only at the database level: a trigger refuses every
UPDATE and DELETE of an audit row, whoever sends it (the application, the admin, a shell).

One narrow exception, for re-encrypting snapshots with a new key or redacting text that should
never have been stored in clear: ``before``, ``after`` and ``object_repr`` — and nothing else:
not who, when, which object or what action — may be rewritten inside a transaction that has
set ``alliance.audit_rewrite_content`` to ``on`` (``SET LOCAL``; see
``alliance.accounts.audit.rewriting_content``). No row can be deleted. TRUNCATE is not refused: it needs the
table's owner and is how test databases are emptied. SQLite has no such trigger (an embedded
single-user database; its file is protected by the file system).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND current_setting('alliance.audit_rewrite_content', true) = 'on'
        AND NEW.id = OLD.id
        AND NEW.at = OLD.at
        AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
        AND NEW.agreement_id IS NOT DISTINCT FROM OLD.agreement_id
        AND NEW.object_type = OLD.object_type
        AND NEW.object_id = OLD.object_id
        AND NEW.action = OLD.action
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % of an audit event is refused.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_invitations_profiles_immutable_audit")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
