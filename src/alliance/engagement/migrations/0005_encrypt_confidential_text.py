"""Interaction summaries and their translations, pulse comments and grievance complainants
are encrypted at rest; the values written before (and notes on people written before 0003)
are encrypted in place."""

import alliance.core.encryption
from django.db import migrations

COLUMNS = [('engagement_interaction', ['summary', 'translations']), ('engagement_trustresponse', ['comment']), ('engagement_grievance', ['complainant']), ('engagement_personnote', ['text'])]


def encrypt_existing(apps, schema_editor):
    for table, columns in COLUMNS:
        alliance.core.encryption.encrypt_columns(schema_editor, table, columns)


def decrypt_existing(apps, schema_editor):
    for table, columns in COLUMNS:
        alliance.core.encryption.decrypt_columns(schema_editor, table, columns)


class Migration(migrations.Migration):

    dependencies = [
        ('engagement', '0004_field_verbose_names'),
    ]

    operations = [
        migrations.AlterField(
            model_name='grievance',
            name='complainant',
            field=alliance.core.encryption.EncryptedTextField(blank=True, max_length=200, verbose_name='complainant'),
        ),
        migrations.AlterField(
            model_name='interaction',
            name='summary',
            field=alliance.core.encryption.EncryptedTextField(verbose_name='summary'),
        ),
        migrations.AlterField(
            model_name='interaction',
            name='translations',
            field=alliance.core.encryption.EncryptedJSONField(blank=True, verbose_name='translations'),
        ),
        migrations.AlterField(
            model_name='trustresponse',
            name='comment',
            field=alliance.core.encryption.EncryptedTextField(blank=True, verbose_name='comment'),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
