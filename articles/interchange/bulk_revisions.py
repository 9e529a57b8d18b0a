"""Record one revision per story for many stories at once, as reversion would.

``reversion.create_revision()`` around each story costs about 17 SQL statements a
story: it re-reads every followed row, checks model by model that the rows still
exist, then inserts the revision and its versions. An import that has just written
a chunk of stories knows they exist, so here the chunk's relations are read in a
few queries, and all its revisions and versions are inserted with two
``bulk_create`` calls.

The rows are the ones reversion writes: one ``Revision`` per story (so reverting
one story never reverts another), and a ``Version`` of the story and of every row
its registration follows (bylines, photo uses and their photos, corrections,
tagged items), serialized with the fields and format of that registration.
``tests/test_native_conflicts.py`` checks them against reversion's own.
"""

import json
from collections.abc import Iterator, Mapping, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from reversion.models import Revision, Version
from reversion.revisions import _get_content_type, _get_options

from articles.models import Article

from .inserts import insert_rows

# What the revision of a story reads: its registration's follows, with what the
# names (str()) of those rows need.
RELATIONS = (
    "bylines__author",
    "article_photos__photo",
    "corrections",
    "tagged_items__tag",
)
JSON_FORMAT = "json"


def record_revisions(
    articles: Sequence[Article],
    *,
    comment: str,
    user: AbstractBaseUser | None = None,
    rows: Mapping[int, Sequence[models.Model]] | None = None,
    using: str = "default",
) -> None:
    """Give each of ``articles`` (saved, with their relations) one revision.

    ``rows`` may give, by story id, every row the story's revision holds besides
    the story itself, as the import has just written them (their related objects
    attached): those stories are not read again.
    """
    if not articles:
        return
    rows = rows or {}
    unknown = [article for article in articles if article.pk not in rows]
    if unknown:
        models.prefetch_related_objects(unknown, *RELATIONS)
        for article in unknown:
            for item in article.tagged_items.all():
                item.content_object = article  # its name reads the story: no query
    user = user if user is not None and user.is_authenticated else None
    now = timezone.now()
    revisions = Revision.objects.using(using).bulk_create(
        Revision(date_created=now, user=user, comment=comment) for _ in articles
    )
    held = [
        (revision, instance)
        for revision, article in zip(revisions, articles, strict=True)
        for instance in (
            [article, *rows[article.pk]] if article.pk in rows else _followed(article)
        )
    ]
    data = _serialized([instance for _, instance in held])
    kinds = {
        model: (_get_content_type(model, using).pk, _get_options(model))
        for model in {type(instance) for _, instance in held}
    }
    # Most of an import's rows (seven or eight a story): building a Version for
    # each, then compiling it into SQL, cost more than the rest of the import.
    insert_rows(
        Version,
        VERSION_COLUMNS,
        [
            (
                revision.pk,
                kinds[type(instance)][0],
                str(getattr(instance, kinds[type(instance)][1].object_id_field)),
                using,
                kinds[type(instance)][1].format,
                serialized,
                str(instance),
            )
            for (revision, instance), serialized in zip(held, data, strict=True)
        ],
        using,
    )


VERSION_COLUMNS = (
    "revision",
    "content_type",
    "object_id",
    "db",
    "format",
    "serialized_data",
    "object_repr",
)


def _followed(instance: models.Model) -> Iterator[models.Model]:
    """Yield ``instance`` and every row its registration follows, each once."""
    seen: set[tuple[type, object]] = set()
    stack = [instance]
    while stack:
        current = stack.pop()
        key = (type(current), current.pk)
        if key in seen:
            continue
        seen.add(key)
        yield current
        for name in _get_options(type(current)).follow:
            related = getattr(current, name)
            if isinstance(related, models.Model):
                stack.append(related)
            elif related is not None:
                stack.extend(related.all())


def _serialized(instances: list[models.Model]) -> list[str]:
    """Serialize each instance as reversion does, one serializer call per model.

    For the JSON format that is what ``serializers.serialize("json", (row,))``
    writes for each row: the Python serializer's record, as a JSON list of one.
    """
    by_model: dict[type, list[int]] = {}
    for n, instance in enumerate(instances):
        by_model.setdefault(type(instance), []).append(n)
    data: list[str] = [""] * len(instances)
    python = serializers.get_serializer("python")()
    for model, positions in by_model.items():
        options = _get_options(model)
        rows = [instances[n] for n in positions]
        if options.format == JSON_FORMAT:
            records = python.serialize(
                rows,
                fields=options.fields,
                use_natural_foreign_keys=options.use_natural_foreign_keys,
            )
            encoded = [
                json.dumps([record], cls=DjangoJSONEncoder, ensure_ascii=False)
                for record in records
            ]
        else:
            encoded = [
                serializers.serialize(
                    options.format,
                    (row,),
                    fields=options.fields,
                    use_natural_foreign_keys=options.use_natural_foreign_keys,
                )
                for row in rows
            ]
        for n, text in zip(positions, encoded, strict=True):
            data[n] = text
    return data
