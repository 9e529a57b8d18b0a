"""Revisions of a story: a readable snapshot, a word-level diff, and a restore.

A revision (django-reversion) holds one ``Version`` per row saved together: the
article, its bylines, its photos in the story (with the photos themselves),
corrections and tagged items. Everything here reads those rows, never the current
database, so an old revision shows the bylines and tags it had.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from .models import Article, ArticlePhoto, Author, Byline, Correction, Photo, Section

# The editorial fields of a story, in the order a revision shows them.
FIELDS = (
    "headline",
    "kicker",
    "standfirst",
    "body",
    "status",
    "published_at",
    "embargo_until",
    "section",
    "agency",
    "dateline",
    "language",
    "slug",
    "import_notes",
)

# The rows a story's revision carries besides the article, as registered with
# reversion in models.py (``Photo`` rows come along through ``ArticlePhoto``).
CHILD_MODELS: tuple[type[models.Model], ...] = (
    Byline,
    ArticlePhoto,
    Correction,
    TaggedItem,
)

Row = dict[str, Any]

# A diff compares words, single punctuation marks and runs of whitespace.
CHUNKS = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two snapshots; ``html`` marks the words."""

    label: str
    old: str
    new: str
    html: SafeString


@dataclass
class StoryRows:
    """The rows of one story in one revision, as plain field dictionaries."""

    article: Row
    bylines: list[Row]
    article_photos: list[Row]
    photos: dict[int, Row]
    corrections: list[Row]
    tagged_items: list[Row]

    @classmethod
    def of(cls, version: Version) -> "StoryRows":
        """Read the story of ``version`` from its revision, in one query."""
        article_type = ContentType.objects.get_for_model(Article)
        if version.content_type_id != article_type.pk:
            raise ValueError(f"Version {version.pk} is not a version of a story.")
        pk = Article._meta.pk.to_python(version.object_id)
        by_model: dict[type[models.Model], list[Row]] = defaultdict(list)
        for other in version.revision.version_set.all():
            if other.pk == version.pk:
                continue
            model = ContentType.objects.get_for_id(other.content_type_id).model_class()
            if model in (*CHILD_MODELS, Photo):
                by_model[model].append(other.field_dict)

        def own(model: type[models.Model]) -> list[Row]:
            # A revision may hold several stories (a bulk save): keep this one's rows.
            rows = [row for row in by_model[model] if row.get("article_id") == pk]
            return sorted(rows, key=lambda row: (row["position"], row["id"]))

        article_photos = own(ArticlePhoto)
        used = {row["photo_id"] for row in article_photos}
        return cls(
            article=version.field_dict,
            bylines=own(Byline),
            article_photos=article_photos,
            photos={row["id"]: row for row in by_model[Photo] if row["id"] in used},
            corrections=sorted(
                (row for row in by_model[Correction] if row["article_id"] == pk),
                key=lambda row: (row["created_at"], row["id"]),
            ),
            tagged_items=[
                row
                for row in by_model[TaggedItem]
                if row["content_type_id"] == article_type.pk and row["object_id"] == pk
            ],
        )


def snapshot(version: Version) -> dict[str, str]:
    """Return a readable, ordered snapshot of one revision of a story.

    Keys are labels ("Headline", …, "Bylines", "Photos", "Corrections", "Tags");
    values are plain text. Names of authors, sections and tags are looked up by id,
    since those rows are not part of the revision; a deleted one reads
    "(deleted author #3)".
    """
    rows = StoryRows.of(version)
    article = rows.article
    values: dict[str, str] = {}
    for name in FIELDS:
        field = Article._meta.get_field(name)
        value = article.get(field.attname)
        if name == "section":
            text = _names(Section, [value], "section")[value] if value else ""
        elif name == "status":
            text = _status_label(value)
        elif isinstance(value, datetime):
            text = _format_time(value)
        else:
            text = "" if value is None else str(value)
        values[_label(field.verbose_name)] = text
    values["Bylines"] = _bylines_text(rows.bylines)
    values["Photos"] = _photos_text(rows.article_photos, rows.photos)
    values["Corrections"] = "\n".join(
        f"{_format_time(row['created_at'])}: {row['text']}" for row in rows.corrections
    )
    names = _names(Tag, [row["tag_id"] for row in rows.tagged_items], "tag")
    values["Tags"] = ", ".join(sorted(names.values(), key=str.casefold))
    return values


def diff(old: dict[str, str], new: dict[str, str]) -> list[FieldChange]:
    """Return the fields that differ between two snapshots, in snapshot order."""
    labels = list(new) + [label for label in old if label not in new]
    return [
        FieldChange(label, before, after, word_diff(before, after))
        for label in labels
        if (before := old.get(label, "")) != (after := new.get(label, ""))
    ]


def word_diff(old: str, new: str) -> SafeString:
    """Mark removed words with ``<del>`` and added ones with ``<ins>``, escaped.

    Whitespace is kept as typed (render it with ``white-space: pre-wrap``). Only
    words anchor a match, not spaces or commas, so a rewritten phrase reads as one
    change and a reordered list as words moved, not commas kept.
    """
    before, after = _words(old), _words(new)
    matcher = SequenceMatcher(_is_junk, before, after, autojunk=False)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(before[i1:i2])))
            continue
        old_run, new_run = before[i1:i2], after[j1:j2]
        head, tail = _common_ends(old_run, new_run)
        parts.append(escape("".join(old_run[:head])))
        if removed := old_run[head : len(old_run) - tail]:
            parts.append(f"<del>{escape(''.join(removed))}</del>")
        if added := new_run[head : len(new_run) - tail]:
            parts.append(f"<ins>{escape(''.join(added))}</ins>")
        parts.append(escape("".join(old_run[len(old_run) - tail :])))
    return mark_safe("".join(parts))  # every piece is escaped above


def restore(version: Version, *, user: Any) -> Article:
    """Bring the story back to ``version`` and store that as its newest revision.

    The article's fields, bylines, photos in the story (with their caption
    overrides), corrections and tags become those of the revision; rows added
    since are removed. Shared photos are not rewritten: a photo's own caption,
    credit and alt text belong to the photo library and other stories use them.
    A row whose author, photo or tag has since been deleted cannot come back and
    is left out (the revision's comment says so); a deleted section or creator
    becomes empty.

    django-reversion's ``Revision.revert(delete=True)`` is not used: it deletes
    the photos attached since (failing on their protected foreign key) and
    overwrites shared photos.
    """
    rows = StoryRows.of(version)
    when = timezone.localtime(version.revision.date_created)
    comment = f"Restored the revision of {when:%d %b %Y %H:%M}"
    story: list[tuple[type[models.Model], list[Row]]] = [
        (Article, [rows.article]),
        (Byline, rows.bylines),
        (ArticlePhoto, rows.article_photos),
        (Correction, rows.corrections),
        (TaggedItem, rows.tagged_items),
    ]
    pk = rows.article["id"]
    with transaction.atomic(), reversion.create_revision():
        # Hold the story's row so that no editor saves in between.
        list(Article.objects.select_for_update().filter(pk=pk).values("pk"))
        for model in CHILD_MODELS:
            _children(model, pk).delete()
        existing = _existing_targets(story)
        left_out: list[str] = []
        for model, model_rows in story:
            for row in model_rows:
                instance = _build(model, row, existing, left_out)
                if instance is None:
                    continue
                if model is Article:
                    # Through Article.save(): the version token rotates, so copies
                    # opened before the restore are caught as stale.
                    instance.save()
                else:
                    instance.save(force_insert=True)
        if left_out:
            comment += f"; left out {', '.join(left_out)}"
        reversion.set_user(user)
        reversion.set_comment(comment)
    return Article.objects.get(pk=pk)


def _children(model: type[models.Model], pk: int) -> models.QuerySet:
    if model is TaggedItem:
        return TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article), object_id=pk
        )
    return model._default_manager.filter(article_id=pk)


def _targets(model: type[models.Model]) -> list[models.ForeignKey]:
    """Return the foreign keys of a story's row, except the one to the story."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation and field.name != "article"
    ]


def _existing_targets(
    story: list[tuple[type[models.Model], list[Row]]],
) -> set[tuple[type[models.Model], Any]]:
    """Find which rows the story's foreign keys point to still exist, in bulk."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for model, rows in story:
        for field in _targets(model):
            wanted[field.related_model].update(
                row[field.attname] for row in rows if row.get(field.attname)
            )
    return {
        (related, pk)
        for related, pks in wanted.items()
        for pk in related._default_manager.filter(pk__in=pks).values_list(
            "pk", flat=True
        )
    }


def _build(
    model: type[models.Model],
    row: Row,
    existing: set[tuple[type[models.Model], Any]],
    left_out: list[str],
) -> models.Model | None:
    """Make an unsaved instance from a version's row, minding deleted targets.

    A foreign key to a deleted row becomes empty if it may; otherwise the row is
    left out and ``None`` returned. Either way ``left_out`` says what was lost.
    """
    values = {
        field.attname: row[field.attname]
        for field in model._meta.concrete_fields
        if field.attname in row
    }
    for field in _targets(model):
        target = values.get(field.attname)
        if target is None or (field.related_model, target) in existing:
            continue
        if not field.null:
            left_out.append(
                f"a {model._meta.verbose_name} whose {field.verbose_name} was deleted"
            )
            return None
        values[field.attname] = None
        left_out.append(f"the {field.verbose_name} (deleted since)")
    instance = model(**values)
    # The row existed: keep its auto_now_add times (created) as the revision has them.
    instance._state.adding = False
    return instance


def _label(verbose_name: Any) -> str:
    text = str(verbose_name)
    return text[:1].upper() + text[1:]


def _status_label(value: Any) -> str:
    try:
        return str(Article.Status(value).label)
    except ValueError:
        return str(value or "")


def _format_time(value: datetime | None) -> str:
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value:%d %b %Y %H:%M}"


def _names(model: type[models.Model], ids: list[Any], noun: str) -> dict[Any, str]:
    """Map ids to names in one query; a deleted row reads "(deleted tag #3)"."""
    wanted = {pk for pk in ids if pk is not None}
    found = dict(model._default_manager.filter(pk__in=wanted).values_list("pk", "name"))
    return {pk: found.get(pk, f"(deleted {noun} #{pk})") for pk in wanted}


def _bylines_text(bylines: list[Row]) -> str:
    """Write bylines as readers see them: "By Ann and Bob; With Cy"."""
    names = _names(Author, [row["author_id"] for row in bylines], "author")
    groups: list[tuple[str, list[str]]] = []
    for row in bylines:
        if groups and groups[-1][0] == row["role"]:
            groups[-1][1].append(names[row["author_id"]])
        else:
            groups.append((row["role"], [names[row["author_id"]]]))
    return "; ".join(f"{role} {_and_list(authors)}" for role, authors in groups)


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _photos_text(article_photos: list[Row], photos: dict[int, Row]) -> str:
    """Write one line per photo: caption — credit — alt text, the lead one marked."""
    missing = [
        row["photo_id"] for row in article_photos if row["photo_id"] not in photos
    ]
    if missing:
        # Not expected (photos are followed into the revision); read them as now.
        current = Photo.objects.filter(pk__in=missing).values(
            "id", "caption", "credit", "alt_text"
        )
        photos = {**photos, **{row["id"]: row for row in current}}
    lines = []
    for row in article_photos:
        photo = photos.get(row["photo_id"])
        if photo is None:
            line = f"(deleted photo #{row['photo_id']})"
        else:
            caption = row["caption_override"] or photo["caption"] or "(no caption)"
            credit = photo["credit"] or "(no credit)"
            alt_text = photo["alt_text"] or "(no alt text)"
            line = f"{caption} — {credit} — {alt_text}"
        lines.append(f"Lead: {line}" if row["is_lead"] else line)
    return "\n".join(lines)


def _words(text: str) -> list[str]:
    """Split text into words, punctuation marks and whitespace, losing nothing.

    A word keeps its combining marks (Arabic vowel signs, accents), which the
    regular-expression word class would split off.
    """
    tokens: list[str] = []
    for chunk in CHUNKS.findall(text):
        if chunk.isspace():
            tokens.append(chunk)
            continue
        word = ""
        for char in chunk:
            if _is_mark(char):
                if word:
                    tokens.append(word)
                    word = ""
                tokens.append(char)
            else:
                word += char
        if word:
            tokens.append(word)
    return tokens


def _is_mark(char: str) -> bool:
    """Tell punctuation and symbols (Unicode categories P* and S*) from letters."""
    return unicodedata.category(char)[0] in "PS"


def _common_ends(old: list[str], new: list[str]) -> tuple[int, int]:
    """Count the tokens two changed runs share at their start and at their end.

    Spaces and marks cannot anchor a match, so a replaced phrase may begin or end
    with the same ones on both sides ("noon." → "wording."): those stay unmarked.
    """
    shorter = min(len(old), len(new))
    head = 0
    while head < shorter and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < shorter - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def _is_junk(token: str) -> bool:
    return token.isspace() or _is_mark(token[0])
