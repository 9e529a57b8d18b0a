"""Store the stories of a newsroom document, a chunk at a time.

A chunk's stories already in the database are found with one query per kind of
key, their relations prefetched; new stories, their bylines, photo uses,
corrections and tags are inserted in a few statements per model (``inserts``),
a new story's PostgreSQL search vector in its own INSERT; revisions are written
per chunk, not per story. A changed story is saved one by one, through
``Article.save`` and its version check (which refreshes its search vector).
"""

import uuid
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models
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
    StaleEdit,
    normalise_newlines,
)
from articles.search import document_vector_sql, search_config

from ..bulk_revisions import record_revisions
from ..inserts import insert_new
from ..writer import CONFLICT_REASON, ImportRejected, last_saved_by
from .records import (
    ARTICLE_FIELDS,
    Record,
    article_record,
    as_imported,
    marked,
    story_key,
)

# Times an editor sets; created_at and updated_at are restored after saving.
EDITABLE_TIMES = ("published_at", "embargo_until", "updated_significantly_at")
RESTORED_TIMES = ("created_at", "updated_at")
NOT_CHECKED = ["section", "created_by", "search_vector"]
Result = tuple[str, str, str, str, int | None]  # key, headline, outcome, reason, id


@dataclass
class _Story:
    """A story of the chunk, checked and ready to be written."""

    article: Article
    record: Record
    authors: list[Author]
    photos: list[Photo]
    tags: list[Tag]


class StoryWriter:
    def __init__(
        self,
        *,
        sections: dict[str, Section],
        authors: dict[str, Author],
        tags: dict[str, Tag],
        photos: dict[str, Photo],
        comment: str,
        revisions: bool,
        overwrite: bool,
        user,
    ) -> None:
        self.sections, self.authors, self.tags = sections, authors, tags
        self.photos = photos
        self.comment, self.revisions, self.user = comment, revisions, user
        self.overwrite = overwrite
        self.addresses: set[tuple[str, date]] = set()  # claimed by this document

    def write(self, records: list[Record], *, start: int) -> list[Result]:
        """Write one chunk of stories; return each one's result, in order."""
        found = _find_stories(records)
        taken = _addresses_taken(records)
        results: list[Result] = []
        fresh: list[tuple[int, _Story]] = []
        written: list[Article] = []
        held: dict[int, list[models.Model]] = {}  # what each revision holds
        for n, record in enumerate(records, start=start):
            key, headline = story_key(record), record["headline"]
            where = f"articles[{n}] ({key})"
            article = found.get(key)
            if article is None:
                story = self._checked(Article(), record, where, taken)
                fresh.append((len(results), story))
                results.append((key, headline, "created", "", None))
                continue
            if article_record(article) == record:
                results.append((key, headline, "unchanged", "", article.pk))
                continue
            reason = ""
            if not as_imported(article):
                if not self.overwrite:
                    reason = CONFLICT_REASON + last_saved_by(article)
                    results.append((key, headline, "conflict", reason, article.pk))
                    continue
                reason = "overwrote the changes made in the newsroom"
            story = self._checked(article, record, where, taken)
            rows = _update(story)
            if rows is None:
                results.append((key, headline, "conflict", CONFLICT_REASON, article.pk))
                continue
            held.update(rows)
            written.append(article)
            results.append((key, headline, "updated", reason, article.pk))
        held.update(_insert([story for _, story in fresh]))
        for index, story in fresh:
            results[index] = (*results[index][:4], story.article.pk)
        written += [story.article for _, story in fresh]
        if self.revisions:
            record_revisions(written, comment=self.comment, user=self.user, rows=held)
        return results

    def _checked(
        self, article: Article, record: Record, where: str, taken: set
    ) -> _Story:
        """Set the story's fields from ``record`` and check them all; no write."""
        for field in (*ARTICLE_FIELDS, *EDITABLE_TIMES):
            setattr(article, field, record[field])
        for field in ("standfirst", "body", "import_notes"):
            setattr(article, field, normalise_newlines(getattr(article, field)))
        article.section = _find(
            self.sections, Section, "slug", record["section"], where
        )
        story = _Story(
            article,
            record,
            authors=[
                _find(self.authors, Author, "slug", byline["author"], where)
                for byline in record["bylines"]
            ],
            photos=[
                _find(self.photos, Photo, "uid", use["photo"], where)
                for use in record["photos"]
            ],
            tags=[self._tag_named(name, where) for name in record["tags"]],
        )
        if not article.slug:
            article.slug = article.unique_slug()
        address = (article.slug, timezone.localtime(article.published_at).date())
        if address in self.addresses or (
            address in taken if article.pk is None else _taken_by_another(article)
        ):
            raise ImportRejected(
                f"{where}: another story has the address "
                f"{address[1].isoformat()}/{address[0]}"
            )
        self.addresses.add(address)
        clean(article, where, exclude=NOT_CHECKED)
        return story

    def _tag_named(self, name: str, where: str) -> Tag:
        if name not in self.tags:
            tag = Tag.objects.filter(name=name).first() or Tag(name=name)
            if tag.pk is None:
                clean(tag, where, exclude=["slug"])
                tag.save()
            self.tags[name] = tag
        return self.tags[name]


def _find(written: dict, model, field: str, key: str | None, where: str):
    """Return what the document (or else the database) names; None for None."""
    if key is None:
        return None
    if key not in written:
        found = model.objects.filter(**{field: key}).first()
        if found is None:
            raise ImportRejected(
                f"{where}: {model._meta.verbose_name} {key!r} is neither in the "
                "document nor in the database"
            )
        written[key] = found
    return written[key]


def _taken_by_another(article: Article) -> bool:
    """Tell whether another story has the address (day and slug) of ``article``."""
    day = timezone.localtime(article.published_at).date()
    others = Article.objects.filter(slug=article.slug, published_at__date=day)
    return others.exclude(pk=article.pk).exists()


def _find_stories(records: list[Record]) -> dict[str, Article]:
    """Return the chunk's stories already here, by key, relations prefetched.

    On PostgreSQL the rows are locked until the import commits, so no editor
    saves between the comparison and the write.
    """
    stories = (
        Article.objects.select_related("section")
        .prefetch_related(
            models.Prefetch("bylines", Byline.objects.select_related("author")),
            models.Prefetch(
                "article_photos", ArticlePhoto.objects.select_related("photo")
            ),
            "corrections",
            "tags",
        )
        .select_for_update(of=("self",))
    )
    references = [r["source_id"] for r in records if r["source_id"]]
    slugs = [r["slug"] for r in records if not r["source_id"]]
    found: dict[str, Article] = {}
    if references:
        found.update((a.source_id, a) for a in stories.filter(source_id__in=references))
    if slugs:
        for article in stories.filter(source_id="", slug__in=slugs):
            day = timezone.localtime(article.published_at).date()
            found.setdefault(f"{day.isoformat()}/{article.slug}", article)
    return found


def _addresses_taken(records: list[Record]) -> set[tuple[str, date]]:
    """Return the addresses (slug, day) of stories here that the chunk's slugs use."""
    slugs = {record["slug"] for record in records if record["slug"]}
    if not slugs:
        return set()
    return {
        (slug, timezone.localtime(published_at).date())
        for slug, published_at in Article.objects.filter(slug__in=slugs).values_list(
            "slug", "published_at"
        )
    }


def insert_as_given(
    model: type[models.Model], rows: list, computed: dict | None = None
) -> None:
    """Insert ``rows`` of ``model``, times and all exactly as set (a restore's)."""
    insert_new(model, rows, as_given=True, computed=computed)


def _insert(stories: list[_Story]) -> dict[int, list[models.Model]]:
    """Insert new stories and all they hold: one statement per model.

    Return, by story id, the rows each story's revision holds besides itself.
    """
    if not stories:
        return {}
    now = timezone.now()
    for story in stories:
        article = story.article
        article.version = uuid.uuid4()
        article.imported_version = marked(
            article.version, story.record["edited_since_import"]
        )
        for field in RESTORED_TIMES:
            setattr(article, field, story.record[field] or now)
    if connection.vendor != "postgresql":
        insert_as_given(Article, [story.article for story in stories])
        return _add_relations(stories)
    by_config: dict[str, list[Article]] = {}
    for story in stories:
        config = search_config(story.article.language)
        by_config.setdefault(config, []).append(story.article)
    for config, articles in by_config.items():
        vector = {"search_vector": document_vector_sql(config)}
        insert_as_given(Article, articles, computed=vector)
    return _add_relations(stories)


def _update(story: _Story) -> dict[int, list[models.Model]] | None:
    """Save a changed story and make its relations the document's; return what
    its revision holds, or None if an editor saved it meanwhile (SQLite has no
    row lock)."""
    article, record = story.article, story.record
    try:
        article.save(expected_version=article.version)
    except StaleEdit:
        return None
    times = {f: record[f] for f in RESTORED_TIMES if record[f] is not None}
    times["imported_version"] = marked(article.version, record["edited_since_import"])
    Article.objects.filter(pk=article.pk).update(**times)
    for field, value in times.items():
        setattr(article, field, value)
    article.bylines.all().delete()
    article.article_photos.all().delete()
    article.corrections.all().delete()
    article.tagged_items.all().delete()
    article._prefetched_objects_cache = {}
    return _add_relations([story])


def _add_relations(stories: list[_Story]) -> dict[int, list[models.Model]]:
    """Insert the stories' bylines, photo uses, corrections and tagged items.

    Return, by story id, what its revision holds besides the story: the rows just
    written and the photos they use, each with the objects its name reads.
    """
    content_type = ContentType.objects.get_for_model(Article)
    held: dict[int, list[models.Model]] = {}
    bylines, uses, corrections, tagged = [], [], [], []
    for s in stories:
        article = s.article
        mine = [
            Byline(
                article=article, author=author, role=b["role"], position=b["position"]
            )
            for author, b in zip(s.authors, s.record["bylines"], strict=True)
        ]
        bylines += mine
        photo_uses = [
            ArticlePhoto(
                article=article,
                photo=photo,
                position=use["position"],
                caption_override=use["caption_override"],
                is_lead=use["is_lead"],
            )
            for photo, use in zip(s.photos, s.record["photos"], strict=True)
        ]
        uses += photo_uses
        fixes = [
            Correction(article=article, text=c["text"], created_at=c["created_at"])
            for c in s.record["corrections"]
        ]
        corrections += fixes
        items = [
            TaggedItem(content_type=content_type, object_id=article.pk, tag=tag)
            for tag in dict.fromkeys(s.tags)
        ]
        for item in items:
            item.content_object = article
        tagged += items
        photos = list({use.photo_id: use.photo for use in photo_uses}.values())
        held[article.pk] = [*mine, *photo_uses, *photos, *fixes, *items]
    insert_new(Byline, bylines)
    insert_new(ArticlePhoto, uses)
    insert_new(Correction, corrections)
    insert_new(TaggedItem, tagged)
    return held


def clean(instance: models.Model, where: str, exclude: list[str] | None = None):
    """Check field values, so an over-long one is a clear rejection on any database."""
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        reasons = "; ".join(
            f"{field}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
        raise ImportRejected(f"{where}: {reasons}") from error
