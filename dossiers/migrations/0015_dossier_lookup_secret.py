import secrets

from django.db import migrations, models

import dossiers.models

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def fill_existing(apps, schema_editor):
    """Every dossier made before the field gets its own secret (a column default would give
    them all the same one)."""
    Dossier = apps.get_model("dossiers", "Dossier")
    batch = []
    for dossier in Dossier.objects.only("pk").iterator(chunk_size=2000):
        dossier.lookup_secret = "".join(secrets.choice(ALPHABET) for _ in range(6))
        batch.append(dossier)
        if len(batch) >= 2000:
            Dossier.objects.bulk_update(batch, ["lookup_secret"])
            batch = []
    if batch:
        Dossier.objects.bulk_update(batch, ["lookup_secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0014_notification_attempts"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="lookup_secret",
            field=models.CharField(
                default="", editable=False, max_length=12, verbose_name="mã bí mật tra cứu"
            ),
        ),
        migrations.RunPython(fill_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="dossier",
            name="lookup_secret",
            field=models.CharField(
                default=dossiers.models.new_lookup_secret,
                editable=False,
                max_length=12,
                verbose_name="mã bí mật tra cứu",
            ),
        ),
    ]
