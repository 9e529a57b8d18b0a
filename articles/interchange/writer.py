"""Write parsed stories to the database: the one place imports touch models.

Every import is keyed on ``Article.source_id``, so running it again updates the same
story instead of copying it, and an unchanged file writes nothing at all.
"""

from datetime import datetime

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticlePhoto, Photo, Section

from .plaintext import ParsedStory

SOURCE_ID_MAX = 255


class ImportRejected(ValueError):
    """The story cannot be stored as it is; the message tells the importer why."""


class _DryRun(Exception):
    """Carry the outcome out of the atomic block so that everything is rolled back."""

    def __init__(self, outcome: str) -> None:
        super().__init__(outcome)
        self.outcome = outcome


def write_story(
    story: ParsedStory,
    *,
    source_id: str,
    section_slug: str | None = None,
    publish: bool = False,
    published_at: datetime | None = None,
    dry_run: bool = False,
) -> str:
    """Create or update the article imported as ``source_id``, in one transaction.

    Return "created", "updated" or "unchanged". With ``dry_run`` the work is done
    and rolled back, so the outcome (and any rejection) is the real one.
    """
    try:
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment(f"Imported from {source_id}")
            outcome = _write(
                story,
                source_id=source_id,
                section_slug=section_slug,
                publish=publish,
                published_at=published_at,
            )
            if dry_run:
                raise _DryRun(outcome)
    except _DryRun as rolled_back:
        return rolled_back.outcome
    return outcome


def _write(
    story: ParsedStory,
    *,
    source_id: str,
    section_slug: str | None,
    publish: bool,
    published_at: datetime | None,
) -> str:
    """Store the story under ``source_id``; the caller owns the transaction."""
    if not source_id or len(f"{source_id}#photo-{len(story.photos)}") > SOURCE_ID_MAX:
        raise ImportRejected(f"import reference empty or too long: {source_id!r}")
    article = Article.objects.filter(source_id=source_id).first()
    if article and _is_unchanged(article, story, section_slug, publish, published_at):
        return "unchanged"
    outcome = "updated" if article else "created"
    article = article or Article(source_id=source_id, published_at=timezone.now())
    article.headline = story.headline
    article.standfirst = story.standfirst
    article.body = "\n\n".join(story.paragraphs)
    article.language = story.language
    article.source_text = story.text
    article.import_notes = "\n\n".join(_notes(story))
    # The agency credit stands in for a byline only while nobody has added one.
    if article.pk is None or not article.bylines.exists():
        article.agency = story.agency
    if publish:
        article.status = Article.Status.PUBLISHED
    if published_at is not None:
        article.published_at = published_at
    if section_slug:
        article.section = _section(section_slug)
    _validate(article)
    article.save()
    _link_photos(article, story, source_id)
    return outcome


def _is_unchanged(
    article: Article,
    story: ParsedStory,
    section_slug: str | None,
    publish: bool,
    published_at: datetime | None,
) -> bool:
    """Tell whether importing again would change nothing, so nothing is written."""
    return (
        article.source_text == story.text
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
    return notes


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


def _validate(instance: Article | Section) -> None:
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

    Only caption and credit come from the file: an image, alt text or placement an
    editor added later survives re-imports.
    """
    photo_ids = []
    for n, parsed in enumerate(story.photos, start=1):
        photo, _ = Photo.objects.update_or_create(
            source_id=f"{source_id}#photo-{n}",
            defaults={"caption": parsed.caption, "credit": parsed.credit},
        )
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
