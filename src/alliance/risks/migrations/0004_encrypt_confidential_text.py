"""Early warnings' what, why and evidence are encrypted at rest; the values written before
are encrypted in place."""

import alliance.core.encryption
from django.db import migrations

COLUMNS = [('risks_earlywarning', ['title', 'explanation', 'evidence'])]


def encrypt_existing(apps, schema_editor):
    for table, columns in COLUMNS:
        alliance.core.encryption.encrypt_columns(schema_editor, table, columns)


def decrypt_existing(apps, schema_editor):
    for table, columns in COLUMNS:
        alliance.core.encryption.decrypt_columns(schema_editor, table, columns)


class Migration(migrations.Migration):

    dependencies = [
        ('risks', '0003_warning_messages'),
    ]

    operations = [
        migrations.AlterField(
            model_name='earlywarning',
            name='evidence',
            field=alliance.core.encryption.EncryptedJSONField(blank=True, default=list, verbose_name='evidence'),
        ),
        migrations.AlterField(
            model_name='earlywarning',
            name='explanation',
            field=alliance.core.encryption.EncryptedTextField(blank=True, verbose_name='why'),
        ),
        migrations.AlterField(
            model_name='earlywarning',
            name='title',
            field=alliance.core.encryption.EncryptedTextField(blank=True, max_length=300, verbose_name='what'),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
