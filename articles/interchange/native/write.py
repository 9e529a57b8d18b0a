"""Store a parsed newsroom document: one transaction, keyed on natural keys.

The document is written in chunks of ``CHUNK_SIZE`` rows: each chunk's existing
rows are looked up in a few queries, new rows are inserted with ``bulk_create``, and
each chunk's stories get their revisions and search vectors in a few statements
(``stories.py``). The chunks share one transaction, so a document that is rejected
half way leaves nothing behind.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from taggit.models import Tag

from articles.models import Author, Section
from pagecache import invalidate

from ..signals import stories_written
from ..writer import ImportRejected
from .photos import PhotoWriter
from .records import NativeDocument, Record, author_record, section_record
from .stories import StoryWriter, clean

CHUNK_SIZE = 500


@dataclass(frozen=True)
class StoryOutcome:
    key: str  # the story's import reference, or "YYYY-MM-DD/slug"
    headline: str
    outcome: str  # "created", "updated", "unchanged" or "conflict"
    reason: str = ""
    article_id: int | None = None


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
    overwrite: bool = False,
    user: AbstractBaseUser | None = None,
) -> list[StoryOutcome]:
    """Store a parsed document in one transaction; return each story's outcome.

    Sections, authors, tags and photos are created or updated first, then every
    story: a story's bylines, photos, corrections and tags become exactly the
    document's. Something that matches the document already is not written at all.
    A story saved in the newsroom since an import wrote it (or made here and
    never imported) is a "conflict" and stays as it is, unless ``overwrite``. Any
    rejection (ImportRejected) leaves the database and the originals storage as
    they were; with ``dry_run`` everything is checked and nothing kept.

    Each story written gets a revision, "Imported from ``source``", so editors see
    where it came from and can go back. ``revisions=False`` skips them: for a bulk
    restore into an empty database, where there is nothing to go back to.
    """
    photos = PhotoWriter(keep_files=not dry_run)
    try:
        with transaction.atomic():
            outcomes = _write(
                document,
                photos=photos,
                comment=f"Imported from {source or 'a newsroom export'}",
                revisions=revisions,
                overwrite=overwrite,
                user=user,
            )
            if dry_run:
                raise _RolledBack(outcomes)
            written = [
                o.article_id for o in outcomes if o.outcome in ("created", "updated")
            ]
            if written:
                stories_written.send(sender=write_native, article_ids=written)
            # Bulk inserts send no signals: say so to the page cache and the story
            # fragments (docs/caching.md).
            invalidate("content", "library")
    except _RolledBack as rolled_back:
        return rolled_back.outcomes
    except IntegrityError as error:
        photos.remove_files()
        raise ImportRejected(
            f"the document conflicts with rows already in the database: {error}"
        ) from error
    except BaseException:
        photos.remove_files()
        raise
    return outcomes


def _write(
    document: NativeDocument,
    *,
    photos: PhotoWriter,
    comment: str,
    revisions: bool,
    overwrite: bool,
    user,
) -> list[StoryOutcome]:
    tags = _write_tags(document.tags)
    sections = _write_simple(Section, section_record, document.sections, "sections")
    authors = _write_simple(Author, author_record, document.authors, "authors")
    for start in range(0, len(document.photos), CHUNK_SIZE):
        photos.write(document.photos[start : start + CHUNK_SIZE], start)
    stories = StoryWriter(
        sections=sections,
        authors=authors,
        tags=tags,
        photos=photos.written,
        comment=comment,
        revisions=revisions,
        overwrite=overwrite,
        user=user,
    )
    outcomes = []
    for start in range(0, len(document.articles), CHUNK_SIZE):
        chunk = document.articles[start : start + CHUNK_SIZE]
        outcomes += [
            StoryOutcome(*result) for result in stories.write(chunk, start=start)
        ]
    return outcomes


def _write_tags(records: list[Record]) -> dict[str, Tag]:
    """Create or update the document's tags; return them by name.

    New tags whose slug is free are inserted in one statement; a tag whose slug
    another tag has here gets one from taggit, as a new tag would.
    """
    names = [record["name"] for record in records]
    existing = {tag.name: tag for tag in _in_chunks(Tag, "name", names)}
    taken = {tag.slug for tag in existing.values()}
    taken |= {tag.slug for tag in _in_chunks(Tag, "slug", [r["slug"] for r in records])}
    tags, fresh = {}, []
    for n, record in enumerate(records):
        tag = existing.get(record["name"])
        if tag is None or tag.slug != record["slug"]:
            is_new = tag is None
            tag = tag or Tag(name=record["name"])
            if record["slug"] and record["slug"] not in taken:
                tag.slug = record["slug"]
            clean(tag, f"tags[{n}]", exclude=None if tag.slug else ["slug"])
            if is_new and tag.slug:
                fresh.append(tag)
            else:
                tag.save()
            taken.add(tag.slug)
        tags[tag.name] = tag
    Tag.objects.bulk_create(fresh)
    return tags


def _write_simple(
    model: type[Section] | type[Author], to_record, records: list[Record], part: str
) -> dict[str, Section | Author]:
    """Create or update sections or authors; return them by slug."""
    existing = {
        instance.slug: instance
        for instance in _in_chunks(model, "slug", [r["slug"] for r in records])
    }
    written, fresh = {}, []
    for n, record in enumerate(records):
        instance = existing.get(record["slug"])
        if instance is None or to_record(instance) != record:
            is_new = instance is None
            instance = instance or model()
            for field, value in record.items():
                setattr(instance, field, value)
            clean(instance, f"{part}[{n}]")
            if is_new:
                fresh.append(instance)
            else:
                instance.save()
        written[record["slug"]] = instance
    model.objects.bulk_create(fresh)
    return written


def _in_chunks(model, field: str, values: list) -> list:
    """Return the rows whose ``field`` is one of ``values``, a chunk per query
    (SQLite limits the parameters of one statement)."""
    found = []
    for start in range(0, len(values), CHUNK_SIZE):
        chunk = values[start : start + CHUNK_SIZE]
        found += model.objects.filter(**{f"{field}__in": chunk})
    return found
