"""Give stories a stored search vector; on PostgreSQL, GIN-index and fill it.

The GIN index is created here, on PostgreSQL only, rather than declared in the
model's Meta: a declared index would be created on SQLite too, which has no GIN.
"""

import re

import django.contrib.postgres.search
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = "articles_article_search_gin"

# A frozen copy of articles.search.CONFIGS as of this migration.
CONFIGS = {
    "ar": "arabic",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
    "ru": "russian",
    "tr": "turkish",
}


def index_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON articles_article USING gin (search_vector)"
    )
    Article = apps.get_model("articles", "Article")
    stories = Article.objects.using(schema_editor.connection.alias)
    languages = stories.order_by().values_list("language", flat=True).distinct()
    for language in list(languages):
        primary = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
        config = CONFIGS.get(primary, "simple")
        stories.filter(language=language).update(
            search_vector=SearchVector("headline", weight="A", config=config)
            + SearchVector("standfirst", weight="B", config=config)
            + SearchVector("body", weight="C", config=config)
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_photo_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, verbose_name="search index"
            ),
        ),
        migrations.RunPython(index_and_fill, drop_index),
    ]
