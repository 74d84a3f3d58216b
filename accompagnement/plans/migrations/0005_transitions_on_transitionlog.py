"""The status log takes the shared fields of platform.models.TransitionLog (renamed
columns: no data moves)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0004_politique_qualite_axes_action_transitions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("actiontransition", "de", "from_statut"),
        migrations.RenameField("actiontransition", "vers", "to_statut"),
        migrations.RenameField("actiontransition", "par", "user"),
        migrations.AlterField("actiontransition", "from_statut", models.CharField(max_length=20)),
    ]
