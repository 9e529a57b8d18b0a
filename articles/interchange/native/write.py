"""Store a parsed newsroom document: one transaction, keyed on natural keys."""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import reversion
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    ArticlePhoto,
    Author,
    Byline,
    Correction,
    Photo,
    Section,
)
from articles.storage import originals_storage

from ..writer import ImportRejected
from .records import (
    ARTICLE_FIELDS,
    PHOTO_FIELDS,
    NativeDocument,
    Record,
    article_record,
    author_record,
    photo_fields,
    section_record,
    story_key,
)

# Times an editor sets; created_at and updated_at are restored after saving.
EDITABLE_TIMES = ("published_at", "embargo_until", "updated_significantly_at")


@dataclass(frozen=True)
class StoryOutcome:
    key: str  # the story's import reference, or "YYYY-MM-DD/slug"
    headline: str
    outcome: str  # "created", "updated" or "unchanged"


class _RolledBack(Exception):
    """Carry the outcomes of a dry run out of the atomic block it rolls back."""

    def __init__(self, outcomes: list[StoryOutcome]) -> None:
        super().__init__()
        self.outcomes = outcomes


def write_native(
    document: NativeDocument,
    *,
    dry_run: bool = False,
    source: str = "",
    revisions: bool = True,
) -> list[StoryOutcome]:
    """Store a parsed document in one transaction; return each story's outcome.

    Sections, authors, tags and photos are created or updated first, then every
    story: a story's bylines, photos, corrections and tags become exactly the
    document's. Something that matches the document already is not written at all.
    Any rejection (ImportRejected) leaves the database and the originals storage
    as they were; with ``dry_run`` everything is checked and nothing kept.

    Each story written gets a revision, "Imported from ``source``", so editors see
    where it came from and can go back. ``revisions=False`` skips them: for a bulk
    restore into an empty database, which it makes about twice as fast.
    """
    writer = _Writer(
        document, keep_files=not dry_run, source=source, revisions=revisions
    )
    try:
        with transaction.atomic():
            outcomes = writer.run()
            if dry_run:
                raise _RolledBack(outcomes)
    except _RolledBack as rolled_back:
        return rolled_back.outcomes
    except IntegrityError as error:
        writer.remove_files()
        raise ImportRejected(
            f"the document conflicts with rows already in the database: {error}"
        ) from error
    except BaseException:
        writer.remove_files()
        raise
    return outcomes


class _Writer:
    def __init__(
        self,
        document: NativeDocument,
        *,
        keep_files: bool,
        source: str,
        revisions: bool,
    ):
        self.document = document
        self.keep_files = keep_files
        self.revisions = revisions
        self.comment = f"Imported from {source or 'a newsroom export'}"
        self.written: list[str] = []
        self.sections: dict[str, Section] = {}
        self.authors: dict[str, Author] = {}
        self.tags: dict[str, Tag] = {}
        self.photos: dict[str, Photo] = {}

    def run(self) -> list[StoryOutcome]:
        for n, record in enumerate(self.document.tags):
            self.tags[record["name"]] = self._tag(record, f"tags[{n}]")
        for n, record in enumerate(self.document.sections):
            self.sections[record["slug"]] = self._simple(
                Section, section_record, record, f"sections[{n}]"
            )
        for n, record in enumerate(self.document.authors):
            self.authors[record["slug"]] = self._simple(
                Author, author_record, record, f"authors[{n}]"
            )
        for n, record in enumerate(self.document.photos):
            self.photos[record["uid"]] = self._photo(record, f"photos[{n}]")
        return [
            self._story(record, f"articles[{n}]")
            for n, record in enumerate(self.document.articles)
        ]

    def remove_files(self) -> None:
        """Delete the files this import wrote: its rows are gone with the rollback."""
        for name in self.written:
            originals_storage.delete(name)
        self.written.clear()

    def _tag(self, record: Record, where: str) -> Tag:
        tag = Tag.objects.filter(name=record["name"]).first()
        if tag is not None and tag.slug == record["slug"]:
            return tag
        tag = tag or Tag(name=record["name"])
        # A slug taken by another tag here: taggit makes one, as for a new tag.
        if record["slug"] and not Tag.objects.filter(slug=record["slug"]).exists():
            tag.slug = record["slug"]
        _clean(tag, where, exclude=None if tag.slug else ["slug"])
        tag.save()
        return tag

    def _simple(
        self,
        model: type[Section] | type[Author],
        to_record: Callable,
        record: Record,
        where: str,
    ) -> Section | Author:
        instance = model.objects.filter(slug=record["slug"]).first()
        if instance is not None and to_record(instance) == record:
            return instance
        instance = instance or model()
        for field, value in record.items():
            setattr(instance, field, value)
        _clean(instance, where)
        instance.save()
        return instance

    def _photo(self, record: Record, where: str) -> Photo:
        photo = Photo.objects.filter(uid=record["uid"]).first()
        if photo is None and record["source_id"]:
            photo = Photo.objects.filter(source_id=record["source_id"]).first()
        if photo is not None and _same_photo(photo, record):
            return photo
        photo = photo or Photo()
        photo.uid = record["uid"]
        for field in PHOTO_FIELDS:
            setattr(photo, field, record[field])
        photo.image = self._store(record["file"])
        _clean(photo, where)
        photo.save()
        if record["created_at"] is not None:
            Photo.objects.filter(pk=photo.pk).update(created_at=record["created_at"])
        return photo

    def _store(self, file: Record | None) -> str:
        """Put a photo's file in the originals storage, under its name if free."""
        if file is None:
            return ""
        name = file["name"]
        if originals_storage.exists(name) and _sha256(name) == file["sha256"]:
            return name  # the very same bytes are there already
        if not self.keep_files:
            return name
        saved = originals_storage.save(name, ContentFile(file["data"]))
        self.written.append(saved)
        return saved

    def _story(self, record: Record, where: str) -> StoryOutcome:
        key = story_key(record)
        where = f"{where} ({key})"
        article = _find_story(record)
        if article is not None and article_record(article) == record:
            return StoryOutcome(key, record["headline"], "unchanged")
        outcome = "updated" if article else "created"
        article = article or Article()
        if not self.revisions:
            self._write_story(article, record, where)
            return StoryOutcome(key, record["headline"], outcome)
        # One revision per story, recorded once everything is written: saves add
        # nothing by themselves, so the relations are followed once, complete.
        with reversion.create_revision(manage_manually=True):
            reversion.set_comment(self.comment)
            self._write_story(article, record, where)
            # The revision reads every related row and names it (str()): fetch
            # them with what their names need in a few queries, not one per row.
            models.prefetch_related_objects(
                [article],
                "bylines__author",
                "article_photos__photo",
                "corrections",
                "tagged_items__tag",
                "tagged_items__content_object",
            )
            reversion.add_to_revision(article)
        return StoryOutcome(key, record["headline"], outcome)

    def _write_story(self, article: Article, record: Record, where: str) -> None:
        for field in (*ARTICLE_FIELDS, *EDITABLE_TIMES):
            setattr(article, field, record[field])
        article.section = self._find(
            self.sections, Section, slug=record["section"], where=where
        )
        authors = [
            self._find(self.authors, Author, slug=byline["author"], where=where)
            for byline in record["bylines"]
        ]
        photos = [
            self._find(self.photos, Photo, uid=use["photo"], where=where)
            for use in record["photos"]
        ]
        tags = [self._tag_named(name, where) for name in record["tags"]]
        _refuse_taken_address(article, where)
        _clean(article, where, exclude=["section", "created_by", "search_vector"])
        existed = article.pk is not None
        article.save()
        Article.objects.filter(pk=article.pk).update(**_restored_times(article, record))
        if existed:
            article.bylines.all().delete()
            article.article_photos.all().delete()
            article.corrections.all().delete()
        Byline.objects.bulk_create(
            Byline(
                article=article, author=author, role=b["role"], position=b["position"]
            )
            for author, b in zip(authors, record["bylines"], strict=True)
        )
        ArticlePhoto.objects.bulk_create(
            ArticlePhoto(
                article=article,
                photo=photo,
                position=use["position"],
                caption_override=use["caption_override"],
                is_lead=use["is_lead"],
            )
            for photo, use in zip(photos, record["photos"], strict=True)
        )
        Correction.objects.bulk_create(
            Correction(article=article, text=c["text"], created_at=c["created_at"])
            for c in record["corrections"]
        )
        if existed:
            article.tags.set(tags)
        else:  # nothing to compare with: one insert instead of one per tag
            TaggedItem.objects.bulk_create(
                TaggedItem(content_object=article, tag=tag) for tag in tags
            )

    def _find(self, cache: dict, model: type[models.Model], *, where: str, **lookup):
        """Return what the document (or else the database) names; None for None."""
        key = next(iter(lookup.values()))
        if key is None:
            return None
        if key not in cache:
            found = model.objects.filter(**lookup).first()
            if found is None:
                raise ImportRejected(
                    f"{where}: {model._meta.verbose_name} {key!r} is neither in the "
                    "document nor in the database"
                )
            cache[key] = found
        return cache[key]

    def _tag_named(self, name: str, where: str) -> Tag:
        if name not in self.tags:
            tag = Tag.objects.filter(name=name).first() or Tag(name=name)
            if tag.pk is None:
                _clean(tag, where, exclude=["slug"])
                tag.save()
            self.tags[name] = tag
        return self.tags[name]


def _find_story(record: Record) -> Article | None:
    if record["source_id"]:
        return Article.objects.filter(source_id=record["source_id"]).first()
    day = timezone.localtime(record["published_at"]).date()
    return Article.objects.filter(
        source_id="", slug=record["slug"], published_at__date=day
    ).first()


def _refuse_taken_address(article: Article, where: str) -> None:
    """Refuse a story whose address (day and slug) another story has."""
    if not article.slug:
        return  # Article.save derives a free one
    day: date = timezone.localtime(article.published_at).date()
    others = Article.objects.filter(slug=article.slug, published_at__date=day)
    if others.exclude(pk=article.pk).exists():
        raise ImportRejected(
            f"{where}: another story has the address {day.isoformat()}/{article.slug}"
        )


def _restored_times(article: Article, record: Record) -> dict[str, Any]:
    """Return the document's timestamps, which saving has just overwritten."""
    times = {
        field: record[field]
        for field in ("created_at", "updated_at")
        if record[field] is not None
    }
    edited = record["edited_since_import"]
    times["imported_version"] = (
        None if edited is None else uuid.uuid4() if edited else article.version
    )
    return times


def _same_photo(photo: Photo, record: Record) -> bool:
    """Compare without reading the file when its name already differs."""
    file = record["file"]
    if (file["name"] if file else "") != photo.image.name:
        return False
    if {**photo_fields(photo), "file": None} != {**record, "file": None}:
        return False
    return file is None or (
        originals_storage.exists(file["name"])
        and _sha256(file["name"]) == file["sha256"]
    )


def _sha256(name: str) -> str:
    digest = hashlib.sha256()
    with originals_storage.open(name, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _clean(instance: models.Model, where: str, exclude: list[str] | None = None):
    """Check field values, so an over-long one is a clear rejection on any database."""
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        reasons = "; ".join(
            f"{field}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
        raise ImportRejected(f"{where}: {reasons}") from error
