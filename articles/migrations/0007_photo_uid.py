import uuid

from django.db import migrations, models


def give_each_photo_its_own_uid(apps, schema_editor):
    """Replace the one default the new column got for every row by a uid per photo."""
    Photo = apps.get_model("articles", "Photo")
    for photo in Photo.objects.only("pk").iterator():
        Photo.objects.filter(pk=photo.pk).update(uid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_import_tracking"),
    ]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_photo_its_own_uid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="photo",
            name="uid",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="Names the photo in exports and fixtures, in every database.",
                unique=True,
                verbose_name="identifier",
            ),
        ),
    ]
