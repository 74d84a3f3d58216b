"""The status log takes the shared fields of platform.models.TransitionLog (renamed
columns: no data moves)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("livrables", "0003_livrable_transitions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("livrabletransition", "de", "from_statut"),
        migrations.RenameField("livrabletransition", "vers", "to_statut"),
        migrations.RenameField("livrabletransition", "par", "user"),
        migrations.AlterField("livrabletransition", "from_statut", models.CharField(max_length=20)),
    ]
