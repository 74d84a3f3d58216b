"""The outbox table, created by the ``platform`` app before the kernel moved to ``core``.

A database migrated before the move already has the table (and ``platform.0001`` in its
history): the table is created only where it is missing, so both kinds of database end in
the same state.
"""

from django.db import migrations, models


def _create_outbox_if_missing(apps, schema_editor):
    model = apps.get_model("core", "OutboxMessage")
    if model._meta.db_table not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(model)


def _drop_outbox(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("core", "OutboxMessage"))


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=255, unique=True)),
                        ("kind", models.CharField(default="email", max_length=30)),
                        ("schema_name", models.CharField(default="public", max_length=63)),
                        ("payload", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                    ],
                    options={
                        "db_table": "platform_outboxmessage",
                        "indexes": [models.Index(fields=["sent_at", "created_at"], name="outbox_pending_idx")],
                    },
                ),
            ],
        ),
        migrations.RunPython(_create_outbox_if_missing, _drop_outbox),
    ]
