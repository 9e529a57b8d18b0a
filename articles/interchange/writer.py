"""Write parsed stories to the database: the one place imports touch models.

Every import is keyed on ``Article.source_id``, so running it again updates the same
story instead of copying it, and an unchanged file writes nothing at all. A story an
editor saved since its last import is not overwritten: the import reports a
conflict (and writes nothing) unless it is told to overwrite.

The document's own version is kept too (``imported_source_version``): a copy older
than the one imported last is skipped, even with ``overwrite``, which is about
editors' changes, not about going back in time. Plain text carries no identity
but its words, so a plain-text story whose normalised text was imported before,
under whatever file name, is that story again ("unchanged"); a file name seen
before with other text is the same story updated.
"""

from dataclasses import dataclass
from datetime import datetime

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Version
from taggit.models import Tag

from articles.models import (
    Article,
    ArticlePhoto,
    Author,
    Byline,
    Photo,
    Section,
    StaleEdit,
)
from articles.revisions import FieldChange, diff

from .data import ParsedByline, ParsedStory
from .names import suggest_names, tags_in_text
from .versions import HASH_PREFIX, is_older

SOURCE_ID_MAX = 255
TAG_MAX = 100
IMPORT_COMMENT = "Imported from "
CONFLICT_REASON = "changed in the newsroom since the last import; not overwritten"
OUTCOMES = ("created", "updated", "unchanged", "conflict", "skipped")
OLDER_REASON = "older version, skipped"


class ImportRejected(ValueError):
    """The story cannot be stored as it is; the message tells the importer why."""


@dataclass(frozen=True)
class ImportResult:
    """What importing one story did (or, in a dry run, would do)."""

    outcome: str  # one of OUTCOMES
    article_id: int | None
    headline: str
    reason: str = ""
    changes: tuple[FieldChange, ...] = ()  # field by field, for updates and conflicts


class _RolledBack(Exception):
    """Carry the result out of the atomic block so that everything is rolled back."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__(result.outcome)
        self.result = result


def write_story(
    story: ParsedStory,
    *,
    source_id: str,
    section_slug: str | None = None,
    publish: bool = False,
    published_at: datetime | None = None,
    dry_run: bool = False,
    overwrite: bool = False,
) -> str:
    """Import ``story``; return one of ``OUTCOMES``."""
    return import_story(
        story,
        source_id=source_id,
        section_slug=section_slug,
        publish=publish,
        published_at=published_at,
        dry_run=dry_run,
        overwrite=overwrite,
    ).outcome


def import_story(
    story: ParsedStory,
    *,
    source_id: str,
    section_slug: str | None = None,
    publish: bool = False,
    published_at: datetime | None = None,
    dry_run: bool = False,
    overwrite: bool = False,
    user=None,
) -> ImportResult:
    """Create or update the article imported as ``source_id``, in one transaction.

    ``published_at`` (the importer's choice) wins over the document's own time. A
    story changed since its last import is a "conflict" and stays as it is, unless
    ``overwrite``. With ``dry_run`` the work is done and rolled back, so the
    outcome, the field-by-field changes and any rejection are the real ones.
    """
    if not source_id or len(f"{source_id}#photo-{len(story.photos)}") > SOURCE_ID_MAX:
        raise ImportRejected(f"import reference empty or too long: {source_id!r}")
    try:
        with transaction.atomic(), reversion.create_revision():
            result = _write(
                story,
                source_id=source_id,
                section_slug=section_slug,
                publish=publish,
                published_at=published_at,
                overwrite=overwrite,
                user=user,
            )
            if result.outcome in ("conflict", "skipped") or dry_run:
                raise _RolledBack(result)
            if user is not None and user.is_authenticated:
                reversion.set_user(user)
    except _RolledBack as rolled_back:
        return rolled_back.result
    return result


def _write(
    story: ParsedStory,
    *,
    source_id: str,
    section_slug: str | None,
    publish: bool,
    published_at: datetime | None,
    overwrite: bool,
    user,
) -> ImportResult:
    """Store the story under ``source_id``; the caller owns the transaction."""
    # Hold the row (PostgreSQL) so that no editor saves between check and write.
    article = _imported(Article).select_for_update().filter(source_id=source_id).first()
    if article is None and (same := _same_plain_text(story)) is not None:
        reason = f"same text as {same.source_id}, imported before"
        return ImportResult("unchanged", same.pk, story.headline, reason)
    if article is not None and is_older(
        story.source_version, article.imported_source_version
    ):
        reason = (
            f"{OLDER_REASON}: version {story.source_version} arrived after version "
            f"{article.imported_source_version}, which stays"
        )
        return ImportResult("skipped", article.pk, story.headline, reason)
    edited = article is not None and article.version != article.imported_version
    if article and _is_unchanged(
        article, story, section_slug, publish, published_at, edited
    ):
        if not (edited and overwrite):
            reason = "same as the last import"
            if edited:
                reason += "; the changes made in the newsroom since are kept"
            return ImportResult("unchanged", article.pk, story.headline, reason)
    before = editorial_fields(article) if article else {}
    outcome = "updated" if article else "created"
    comment = f"{IMPORT_COMMENT}{source_id}"
    if edited and overwrite:
        comment += " (overwrote the changes made since the last import)"
    reversion.set_comment(comment)
    if article is None:
        article = Article(source_id=source_id, published_at=timezone.now())
        if user is not None and user.is_authenticated:
            article.created_by = user
    expected_version = article.version if article.pk else None
    # Plain text is matched against every existing tag: one query, names only.
    existing_tags = (
        list(Tag.objects.values_list("name", flat=True))
        if story.format == "plain"
        else []
    )
    _fill(article, story, section_slug, publish, published_at, existing_tags)
    try:
        article.save(expected_version=expected_version)
    except StaleEdit:
        # An editor saved in between (SQLite has no row lock): theirs stands.
        return ImportResult("conflict", article.pk, story.headline, CONFLICT_REASON)
    Article.objects.filter(pk=article.pk).update(imported_version=article.version)
    article.imported_version = article.version
    _link_photos(article, story, source_id)
    _set_bylines(article, story.bylines)
    article.tags.set(_tag_names(story, existing_tags))
    # Again, now that bylines, photos and tags are in place, so the revision has
    # them all (rows created in bulk send no signal to reversion).
    reversion.add_to_revision(article)
    changes = tuple(diff(before, editorial_fields(article))) if before else ()
    if edited and not overwrite:
        reason = CONFLICT_REASON + last_saved_by(article)
        return ImportResult("conflict", article.pk, story.headline, reason, changes)
    reason = "overwrote the changes made in the newsroom" if edited else ""
    return ImportResult(outcome, article.pk, story.headline, reason, changes)


def _same_plain_text(story: ParsedStory) -> Article | None:
    """Return the plain-text story imported last with the very same text, if any."""
    if story.format != "plain" or not story.source_version.startswith(HASH_PREFIX):
        return None
    return (
        _imported(Article)
        .filter(
            source_id__startswith="plain:",
            imported_source_version=story.source_version,
        )
        .only("pk", "source_id")
        .first()
    )


def _imported(model: type[Article] | type[Photo]):
    """Return the imported rows of ``model``: the ones its partial unique index on
    ``source_id`` covers. Saying so lets SQLite use that index (it cannot tell by
    itself that ``source_id = 'x'`` implies ``source_id != ''``), instead of reading
    the whole table for every file of a batch."""
    return model.objects.exclude(source_id="")


def _fill(
    article: Article,
    story: ParsedStory,
    section_slug: str | None,
    publish: bool,
    published_at: datetime | None,
    existing_tags: list[str],
) -> None:
    """Set the article's fields from the story and the importer's options."""
    article.headline = story.headline
    article.standfirst = story.standfirst
    article.body = "\n\n".join(story.paragraphs)
    article.language = story.language
    article.source_text = story.text
    article.imported_source_version = story.source_version
    article.import_notes = "\n\n".join(_notes(story))
    # A format without kicker or dateline never erases an editor's.
    article.kicker = story.kicker or article.kicker
    article.dateline = story.dateline or article.dateline
    # The agency credit stands in for a byline only while nobody has added one.
    if article.pk is None or not article.bylines.exists():
        article.agency = story.agency
    if publish:
        article.status = Article.Status.PUBLISHED
    when = published_at or story.published_at
    if when is not None:
        aware = timezone.is_aware(when)
        article.published_at = when if aware else timezone.make_aware(when)
    if section_slug:
        article.section = _section(section_slug)
    article.suggested_tags = (
        suggest_names(_story_texts(story), known=existing_tags)
        if story.format == "plain"
        else []
    )
    _validate(article)


def _is_unchanged(
    article: Article,
    story: ParsedStory,
    section_slug: str | None,
    publish: bool,
    published_at: datetime | None,
    edited: bool,
) -> bool:
    """Tell whether importing again would bring nothing new, so nothing is written.

    The document is the one imported last; unless an editor changed the story
    since, its text must also still be the one that import wrote (a parser may keep
    only part of a document in ``text``).
    """
    return (
        article.source_text == story.text
        and (
            edited
            or (
                article.headline == story.headline
                and article.standfirst == story.standfirst
                and article.body == "\n\n".join(story.paragraphs)
            )
        )
        and (not section_slug or _section_slug(article) == section_slug)
        and (not publish or article.status == Article.Status.PUBLISHED)
        and (published_at is None or article.published_at == published_at)
    )


DERIVED_HEADLINE_NOTE = (
    "[Importer] The file had no headline line: the headline was taken from the "
    "opening sentence. Write a real one."
)


def _notes(story: ParsedStory) -> list[str]:
    """Return the text that fitted nowhere, plus what an editor must check."""
    notes = list(story.leftovers)
    if story.headline_derived:
        notes.append(DERIVED_HEADLINE_NOTE)
    for n, photo in enumerate(story.photos, start=1):
        if photo.href:
            notes.append(
                f"[Importer] The picture of photo {n} is at {photo.href}: "
                f"attach it to the photo."
            )
    long_tags = [name for name in story.tags if len(name.strip()) > TAG_MAX]
    if long_tags:
        notes.append("[Importer] Subjects too long for a tag: " + "; ".join(long_tags))
    return notes


def _story_texts(story: ParsedStory) -> list[str]:
    """The text readers get, headline aside (a Title Case headline is all capitals)."""
    return [
        story.standfirst,
        *(photo.caption for photo in story.photos),
        *story.paragraphs,
    ]


def _tag_names(story: ParsedStory, existing_tags: list[str]) -> list[str]:
    """Return the document's subjects, plus for plain text the existing tags it
    names; one of each, whatever the case."""
    names = [name.strip() for name in story.tags]
    if story.format == "plain":
        names += tags_in_text("\n".join(_story_texts(story)), existing_tags)
    unique: dict[str, str] = {}
    for name in names:
        if name and len(name) <= TAG_MAX:
            unique.setdefault(name.casefold(), name)
    return list(unique.values())


def _section_slug(article: Article) -> str | None:
    return article.section.slug if article.section_id else None


def _section(slug: str) -> Section:
    """Return the section with ``slug``, creating it (named after the slug)."""
    section = Section.objects.filter(slug=slug).first()
    if section is None:
        section = Section(slug=slug, name=slug.replace("-", " ").title())
        _validate(section)
        section.save()
    return section


def _validate(instance: Article | Section | Author | Photo | Byline) -> None:
    """Run field validation, so an over-long value is a clear rejection everywhere.

    SQLite does not enforce lengths; PostgreSQL would fail with a bare DataError.
    """
    try:
        instance.full_clean(exclude=["slug"] if isinstance(instance, Article) else None)
    except ValidationError as error:
        reasons = "; ".join(
            f"{field}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
        raise ImportRejected(reasons) from error


def _link_photos(article: Article, story: ParsedStory, source_id: str) -> None:
    """Create or update the imported captions and attach them to the article.

    Caption and credit come from the file; alt text and copyright from the file
    fill empty fields only. An image, alt text or placement an editor added later
    survives re-imports.
    """
    photo_ids = []
    for n, parsed in enumerate(story.photos, start=1):
        reference = f"{source_id}#photo-{n}"
        photo = _imported(Photo).filter(source_id=reference).first()
        photo = photo or Photo(source_id=reference)
        photo.caption, photo.credit = parsed.caption, parsed.credit
        photo.alt_text = photo.alt_text or parsed.alt_text
        photo.copyright = photo.copyright or parsed.copyright
        _validate(photo)
        photo.save()
        ArticlePhoto.objects.get_or_create(
            article=article,
            photo=photo,
            defaults={"position": n - 1, "is_lead": n == 1},
        )
        photo_ids.append(photo.pk)
    stale = article.article_photos.filter(
        photo__source_id__startswith=f"{source_id}#photo-"
    ).exclude(photo_id__in=photo_ids)
    stale_photo_ids = list(stale.values_list("photo_id", flat=True))
    stale.delete()
    # A dropped caption goes too, unless it is used elsewhere or an editor gave it
    # an image.
    Photo.objects.filter(pk__in=stale_photo_ids, uses__isnull=True, image="").delete()


def _set_bylines(article: Article, bylines: list[ParsedByline]) -> None:
    """Make the document's bylines the story's; without any, keep the story's own."""
    wanted = [
        (_author(byline.name), (byline.role or "By").strip())
        for byline in bylines
        if byline.name.strip()
    ]
    if not wanted:
        return
    current = [(b.author_id, b.role) for b in article.bylines.order_by("position")]
    if current == [(author.pk, role) for author, role in wanted]:
        return
    article.bylines.all().delete()
    for position, (author, role) in enumerate(wanted):
        byline = Byline(article=article, author=author, role=role, position=position)
        _validate(byline)
        byline.save()


def _author(name: str) -> Author:
    """Find the author by the slug of ``name``, or create them."""
    name = " ".join(name.split())
    slug = slugify(name, allow_unicode=True)[:200] or "author"
    author = Author.objects.filter(slug=slug).first()
    if author is None:
        author = Author(name=name, slug=slug)
        _validate(author)
        author.save()
    return author


def last_saved_by(article: Article) -> str:
    """Say who saved the story last and when, from its newest revision."""
    version = (
        Version.objects.get_for_object(article)
        .select_related("revision__user")
        .exclude(revision__comment__startswith=IMPORT_COMMENT)
        .first()
    )
    if version is None:
        return ""
    revision = version.revision
    when = timezone.localtime(revision.date_created)
    who = f" by {revision.user}" if revision.user else ""
    return f" (saved{who} {when:%d %b %Y %H:%M})"


def editorial_fields(article: Article) -> dict[str, str]:
    """Return the story as editors read it: labels to plain text, in form order.

    The same shape as ``articles.revisions.snapshot``, so ``revisions.diff`` compares
    the story before and after an import.
    """
    values = {}
    for name in (
        "headline", "kicker", "standfirst", "body", "status", "published_at",
        "section", "agency", "dateline", "language", "import_notes",
    ):  # fmt: skip
        field = Article._meta.get_field(name)
        value = getattr(article, name)
        if name == "status":
            value = article.get_status_display()
        elif isinstance(value, datetime):
            value = f"{timezone.localtime(value):%d %b %Y %H:%M}"
        label = str(field.verbose_name)
        values[label[:1].upper() + label[1:]] = "" if value is None else str(value)
    bylines = article.bylines.select_related("author").order_by("position")
    values["Bylines"] = "; ".join(f"{b.role} {b.author.name}" for b in bylines)
    uses = article.article_photos.select_related("photo").order_by("position")
    values["Photos"] = "\n".join(
        f"{use.caption} — {use.photo.credit or '(no credit)'}" for use in uses
    )
    values["Tags"] = ", ".join(
        sorted(article.tags.values_list("name", flat=True), key=str.casefold)
    )
    return values
