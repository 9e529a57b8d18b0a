"""Write the whole newsroom as one document, byte for byte the same each time."""

import base64
import json
from datetime import UTC, datetime
from typing import Any

from taggit.models import Tag

from articles.models import Article, Author, Photo, Section

from .records import (
    FORMAT,
    PARTS,
    VERSION,
    ExportError,
    Record,
    article_record,
    author_record,
    photo_record,
    section_record,
    story_key,
    tag_record,
)


def export_native() -> bytes:
    """Return every section, author, tag, photo and story as one JSON document."""
    stories = sorted(
        (
            article_record(article)
            for article in Article.objects.with_relations()
            .prefetch_related("corrections")
            .iterator(chunk_size=2000)
        ),
        key=lambda record: (record["published_at"], story_key(record)),
    )
    _refuse_shared_keys(stories)
    document = {
        "sections": [section_record(s) for s in Section.objects.order_by("slug")],
        "authors": [author_record(a) for a in Author.objects.order_by("slug")],
        "tags": [tag_record(t) for t in Tag.objects.order_by("name")],
        "photos": [photo_record(p) for p in Photo.objects.order_by("uid")],
        "articles": stories,
    }
    return dumps(document)


def dumps(document: dict[str, list[Record]]) -> bytes:
    """Encode a document: the format line first, then keys sorted, UTF-8 as is."""
    body = {"format": FORMAT, "version": VERSION}
    body.update((part, _sorted_keys(document[part])) for part in PARTS)
    text = json.dumps(body, ensure_ascii=False, indent=2, default=_encode)
    return text.encode() + b"\n"


def _refuse_shared_keys(stories: list[Record]) -> None:
    """Refuse two stories with one key: importing would merge them into one."""
    seen: dict[str, str] = {}
    for record in stories:
        key = story_key(record)
        if key in seen:
            raise ExportError(
                f"two stories are both {key}: {seen[key]!r} and "
                f"{record['headline']!r}; give one of them another slug"
            )
        seen[key] = record["headline"]


def _encode(value: object) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot write {type(value).__name__} in the newsroom format")


def _sorted_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value
