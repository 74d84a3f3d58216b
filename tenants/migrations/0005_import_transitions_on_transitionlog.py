"""The import's status log takes the shared fields of platform.models.TransitionLog
(renamed columns: no data moves)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0004_invitations_audit_imports"),
    ]

    operations = [
        migrations.RenameField("importtransition", "de", "from_statut"),
        migrations.RenameField("importtransition", "vers", "to_statut"),
        migrations.RenameField("importtransition", "par", "user"),
        migrations.RenameField("importtransition", "created_at", "at"),
        migrations.AlterField("importtransition", "from_statut", models.CharField(max_length=20)),
        migrations.AlterField(
            "importtransition", "user",
            models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                              to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterModelOptions("importtransition", options={"ordering": ["at", "pk"]}),
    ]
