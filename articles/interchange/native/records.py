"""What each row becomes in the newsroom format: plain records, ids left out.

The export writes these records and the import compares against them, so a row
that already matches the document is left alone.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Author, Photo, Section
from articles.storage import originals_storage

FORMAT = "newsroom"
VERSION = 1
PARTS = ("sections", "authors", "tags", "photos", "articles")
Record = dict[str, Any]
# How a restored story remembers the import state it was exported in, while its
# version token is new: ``imported_version`` is derived from that token, so any
# later save (which changes the token) shows as a change made since the import.
EDITED_MARK = uuid.UUID("5d9c4f1e-8b7a-4c55-9a53-1f6a0d2c7e01")
NEVER_IMPORTED_MARK = uuid.UUID("0b3e7c2a-61d4-4f8e-b0a9-9c4d2e5f7a13")


class ExportError(ValueError):
    """The database holds something the format cannot carry faithfully."""


@dataclass(frozen=True)
class NativeDocument:
    """A checked export: lists of records in the shape ``export_native`` writes."""

    sections: list[Record]
    authors: list[Record]
    tags: list[Record]
    photos: list[Record]
    articles: list[Record]


def section_record(section: Section) -> Record:
    return {"slug": section.slug, "name": section.name, "position": section.position}


def author_record(author: Author) -> Record:
    return {
        "slug": author.slug,
        "name": author.name,
        "job_title": author.job_title,
        "bio": author.bio,
    }


def tag_record(tag: Tag) -> Record:
    return {"name": tag.name, "slug": tag.slug}


PHOTO_FIELDS = (
    "caption",
    "credit",
    "alt_text",
    "copyright",
    "focal_x",
    "focal_y",
    "original_filename",
    "embedded_metadata",
    "width",
    "height",
    "source_id",
)


def photo_record(photo: Photo) -> Record:
    return {**photo_fields(photo), "file": _file_record(photo)}


def photo_fields(photo: Photo) -> Record:
    record = {field: getattr(photo, field) for field in PHOTO_FIELDS}
    record["focal_x"], record["focal_y"] = float(photo.focal_x), float(photo.focal_y)
    record["uid"] = str(photo.uid)
    record["created_at"] = utc(photo.created_at)
    return record


ARTICLE_FIELDS = (
    "headline",
    "slug",
    "kicker",
    "standfirst",
    "body",
    "status",
    "dateline",
    "language",
    "agency",
    "source_id",
    "source_text",
    "imported_source_version",
    "import_notes",
    "suggested_tags",
)
ARTICLE_TIMES = (
    "published_at",
    "embargo_until",
    "updated_significantly_at",
    "created_at",
    "updated_at",
)


def article_record(article: Article) -> Record:
    """Return a story as the format writes it (bylines, photos, tags included)."""
    record = {field: getattr(article, field) for field in ARTICLE_FIELDS}
    record.update((field, utc(getattr(article, field))) for field in ARTICLE_TIMES)
    record["section"] = article.section.slug if article.section_id else None
    record["tags"] = sorted(tag.name for tag in article.tags.all())
    record["bylines"] = [
        {"author": byline.author.slug, "role": byline.role, "position": byline.position}
        for byline in article.bylines.all()
    ]
    record["photos"] = [
        {
            "photo": str(use.photo.uid),
            "position": use.position,
            "caption_override": use.caption_override,
            "is_lead": use.is_lead,
        }
        for use in article.article_photos.all()
    ]
    record["corrections"] = [
        {"text": correction.text, "created_at": utc(correction.created_at)}
        for correction in article.corrections.all()
    ]
    record["edited_since_import"] = edited_since_import(article)
    return record


def edited_since_import(article: Article) -> bool | None:
    """Tell whether the story changed since its import; None if never imported."""
    imported = article.imported_version
    if imported is None or imported == marked(article.version, None):
        return None
    return imported != article.version


def marked(version: uuid.UUID, edited: bool | None) -> uuid.UUID:
    """Return the ``imported_version`` that records ``edited`` for ``version``."""
    if edited is False:
        return version
    return uuid.uuid5(EDITED_MARK if edited else NEVER_IMPORTED_MARK, str(version))


def as_imported(article: Article) -> bool:
    """Tell whether the story is as an import left it: nobody saved it since.

    Written by a format import (``imported_version`` is its token) or restored
    from this format (a mark derived from its token). A story made here and never
    imported counts as changed: replacing it would lose an editor's work.
    """
    imported = article.imported_version
    return imported is not None and imported in (
        article.version,
        marked(article.version, True),
        marked(article.version, None),
    )


def story_key(record: Record) -> str:
    """Name a story: its import reference, else its publication day and slug."""
    if record["source_id"]:
        return record["source_id"]
    day = timezone.localtime(record["published_at"]).date()
    return f"{day.isoformat()}/{record['slug']}"


def _file_record(photo: Photo) -> Record | None:
    if not photo.image:
        return None
    try:
        with originals_storage.open(photo.image.name, "rb") as file:
            data = file.read()
    except FileNotFoundError as error:
        raise ExportError(
            f"the file {photo.image.name} of photo {photo.uid} ({photo}) is missing "
            "from the originals storage: upload it again or remove it from the photo"
        ) from error
    return {
        "name": photo.image.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "data": data,
    }


def utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)
