"""GIN indexes for the global search on PostgreSQL (``alliance.core.fulltext``): one per
searched model, over exactly the document the search compares. Nothing on SQLite, where the
search matches substrings."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from alliance.core.fulltext import document

# model -> (fields, translated): alliance.web.party_selectors.SEARCH_FIELDS
INDEXES = {
    "agreement": (("title", "reference"), True),
    "party": (("name", "short_name"), False),
    "person": (("name", "role_title", "email"), False),
    "commitment": (("title", "clause"), True),
}


def _index(model_name):
    fields, translated = INDEXES[model_name]
    return GinIndex(document(fields, translated=translated), name=f"search_{model_name}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.add_index(apps.get_model("partnerships", name), _index(name))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.remove_index(apps.get_model("partnerships", name), _index(name))


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0008_person_archived_from")]
    operations = [migrations.RunPython(create, drop)]
