from django.db import migrations, models

IMPORT_COMMENT = "Imported from "


def mark_untouched_imports(apps, schema_editor):
    """Record the version of stories nobody changed since they were imported.

    A story whose newest revision is an import has not been edited since (editors
    save through the admin, which records a revision), so its current version is
    the imported one. Every other imported story keeps no imported version: a
    re-import reports a conflict for it rather than overwrite an editor's work.
    """
    Article = apps.get_model("articles", "Article")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    content_type = ContentType.objects.filter(
        app_label="articles", model="article"
    ).first()
    if content_type is None:
        return
    imported = Article.objects.exclude(source_id="").only("pk", "version")
    for article in imported.iterator():
        newest = (
            Version.objects.filter(content_type=content_type, object_id=str(article.pk))
            .order_by("-revision__date_created", "-pk")
            .values_list("revision__comment", flat=True)
            .first()
        )
        if newest and newest.startswith(IMPORT_COMMENT):
            Article.objects.filter(pk=article.pk).update(
                imported_version=article.version
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_article_search_vector"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="imported_version",
            field=models.UUIDField(
                editable=False,
                help_text=(
                    "The version token right after the last import saved the story: "
                    "if the version differs now, someone changed the story since, "
                    "and a re-import reports a conflict instead of overwriting it."
                ),
                null=True,
                verbose_name="version at the last import",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="suggested_tags",
            field=models.JSONField(
                blank=True,
                db_default=models.Value([], output_field=models.JSONField()),
                default=list,
                editable=False,
                help_text=(
                    "Names the importer found often in the text; offered to "
                    "editors, never applied by themselves."
                ),
                verbose_name="suggested tags",
            ),
        ),
        migrations.RunPython(mark_untouched_imports, migrations.RunPython.noop),
    ]
