"""The story itself, its version token against lost updates, and its text rules."""

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.search import SearchVectorField
from django.db import models, transaction
from django.db.models import Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language_info
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from .people import Author, Section
from .querysets import NON_EMPTY_SOURCE_ID, ArticleQuerySet

if TYPE_CHECKING:
    from .parts import ArticlePhoto


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    headline = models.CharField("headline", max_length=300)
    slug = models.SlugField(
        "slug",
        max_length=200,
        allow_unicode=True,
        blank=True,
        unique_for_date="published_at",
        help_text=(
            "The story's address; unique for its publication date. Filled "
            "from the headline if left empty."
        ),
    )
    kicker = models.CharField(
        "kicker",
        max_length=100,
        blank=True,
        help_text="A short label above the headline, e.g. “Analysis”.",
    )
    standfirst = models.TextField(
        "standfirst",
        blank=True,
        help_text="The summary under the headline: one or two sentences.",
    )
    body = models.TextField(
        "body",
        blank=True,
        help_text=(
            "Plain text. Leave a blank line between paragraphs; quotes "
            "and line order are kept as typed."
        ),
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name="section",
    )
    tags = TaggableManager(
        blank=True, help_text="Comma-separated topics, people and places."
    )
    status = models.CharField(
        "status",
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published stories are visible to readers.",
    )
    published_at = models.DateTimeField(
        "publication time",
        default=timezone.now,
        db_index=True,
        help_text="When the story went (or goes) live; part of its address.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)
    dateline = models.CharField(
        "dateline",
        max_length=100,
        blank=True,
        help_text="Where the story was filed, e.g. “BAGHDAD”.",
    )
    language = models.CharField(
        "language",
        max_length=12,
        default="en",
        help_text="Language code of the text: en, ar, fr, es…",
    )
    agency = models.CharField(
        "agency credit",
        max_length=100,
        blank=True,
        help_text=(
            "News agency credited for the story, e.g. “AFP” or “Reuters”. "
            "Shown with the bylines."
        ),
    )
    source_id = models.CharField(
        "import reference",
        max_length=255,
        blank=True,
        editable=False,
        help_text=(
            "Stable reference of the imported file, so re-imports update "
            "this story instead of copying it."
        ),
    )
    source_text = models.TextField("imported text", blank=True, editable=False)
    import_notes = models.TextField(
        "import notes",
        blank=True,
        help_text=(
            "Text from the import that fitted nowhere. Never shown to "
            "readers: move it into the story or delete it."
        ),
    )
    embargo_until = models.DateTimeField(
        "embargo until",
        null=True,
        blank=True,
        help_text=(
            "Nothing of the story is public anywhere before this time, even if it "
            "is published. Leave empty for no embargo."
        ),
    )
    updated_significantly_at = models.DateTimeField(
        "updated (shown to readers)",
        null=True,
        blank=True,
        editable=False,
        help_text="Set when an editor marks a change to a published story significant.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="created by",
    )
    version = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        help_text="Changes on every save, so an edit based on an older copy is caught.",
    )
    imported_version = models.UUIDField(
        "version at the last import",
        null=True,
        editable=False,
        help_text=(
            "The version token right after the last import saved the story: if the "
            "version differs now, someone changed the story since, and a re-import "
            "reports a conflict instead of overwriting it."
        ),
    )
    imported_source_version = models.CharField(
        "source version at the last import",
        max_length=100,
        blank=True,
        editable=False,
        help_text=(
            "The document's own version (NewsML version, ninjs version, NITF "
            "revision or content hash) last imported, so an older copy arriving "
            "later never replaces a newer one."
        ),
    )
    suggested_tags = models.JSONField(
        "suggested tags",
        default=list,
        # Rows written by SQL alone (bulk loads, tests) get an empty list too.
        db_default=Value([], output_field=models.JSONField()),
        blank=True,
        editable=False,
        help_text=(
            "Names the importer found often in the text; offered to editors, "
            "never applied by themselves."
        ),
    )
    is_live = models.BooleanField(
        "live coverage open",
        default=False,
        help_text=(
            "Tick while events unfold: reporters add timestamped entries and "
            "readers see them arrive without reloading. Untick to end the coverage."
        ),
    )
    live_started_at = models.DateTimeField(
        "live coverage started", null=True, blank=True, editable=False
    )
    live_ended_at = models.DateTimeField(
        "live coverage ended", null=True, blank=True, editable=False
    )
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name="translation of",
        help_text=(
            "The original story this one translates. Every language version links "
            "to all the others, so readers and search engines find them."
        ),
    )
    tagged_items = GenericRelation(TaggedItem)
    # Filled after every save on PostgreSQL (see articles.search), GIN-indexed by
    # migration 0005; stays empty on SQLite, where search falls back to LIKE.
    search_vector = SearchVectorField("search index", null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("publish_article", "Can publish, schedule and withdraw stories")
        ]
        get_latest_by = "published_at"
        constraints = [
            models.UniqueConstraint(
                fields=["source_id"],
                condition=NON_EMPTY_SOURCE_ID,
                name="unique_article_source_id",
            )
        ]
        indexes = [
            # published() newest first, on both databases. Led by the status that
            # published() compares for equality: without ANALYZE statistics SQLite
            # would otherwise prefer the status index and sort every published row.
            models.Index(
                fields=["status", "-published_at", "-id"],
                condition=Q(status="published"),
                name="article_published_newest",
            )
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs) -> None:
        # Browsers submit textareas with CRLF; store one newline convention so that
        # paragraphs, revisions and exports compare equal whatever the client.
        for field in ("standfirst", "body", "import_notes"):
            setattr(self, field, normalise_newlines(getattr(self, field)))
        if not self.slug:
            self.slug = self.unique_slug()
        expected = kwargs.pop("expected_version", None)
        with transaction.atomic(using=kwargs.get("using")):
            new_version = uuid.uuid4()
            if expected is not None and self.pk is not None:
                # The version check and the claim of the row are one UPDATE: of two
                # concurrent saves from the same copy, exactly one matches.
                claimed = Article.objects.filter(pk=self.pk, version=expected).update(
                    version=new_version
                )
                if not claimed:
                    raise StaleEdit(self)
            self.version = new_version
            if kwargs.get("update_fields") is not None:
                # A partial save changes the story too: its version goes with it.
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            super().save(*args, **kwargs)
            # Imported here because articles.search builds on this module.
            from ..search import refresh_search_vector

            refresh_search_vector(self, update_fields=kwargs.get("update_fields"))

    def get_absolute_url(self) -> str:
        day = timezone.localtime(self.published_at)
        return reverse(
            "articles:detail",
            kwargs={
                "year": day.year,
                "month": f"{day.month:02d}",
                "day": f"{day.day:02d}",
                "slug": self.slug,
            },
        )

    def clean(self) -> None:
        from ..translations import check_translation_link

        check_translation_link(self)

    @property
    def is_published(self) -> bool:
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at <= now
            and (self.embargo_until is None or self.embargo_until <= now)
        )

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.body)

    @property
    def text_direction(self) -> str:
        try:
            return "rtl" if get_language_info(self.language)["bidi"] else "ltr"
        except KeyError:
            return "ltr"

    @property
    def lead_photo(self) -> "ArticlePhoto | None":
        """Return the photo marked as lead, else the first (from prefetched rows)."""
        photos = list(self.article_photos.all())
        return next((p for p in photos if p.is_lead), photos[0] if photos else None)

    @property
    def byline_groups(self) -> list[tuple[str, list["Author"]]]:
        """Group consecutive bylines by role: [("By", [ann, bob]), ("With", [cy])]."""
        groups: list[tuple[str, list[Author]]] = []
        for byline in self.bylines.all():
            if groups and groups[-1][0] == byline.role:
                groups[-1][1].append(byline.author)
            else:
                groups.append((byline.role, [byline.author]))
        return groups

    def unique_slug(self) -> str:
        """Derive a slug from the headline that no other story uses on the same day."""
        base = slugify(self.headline, allow_unicode=True)[:180].strip("-") or "story"
        # A range on the local day, not ``published_at__date``: the latter converts
        # every row's time in SQLite and made batch imports slower with each story.
        start = timezone.localtime(self.published_at).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        day = (start, start + timedelta(days=1))
        taken = set(
            Article.objects.filter(
                published_at__gte=day[0], published_at__lt=day[1], slug__startswith=base
            )
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug


class StaleEdit(Exception):
    """The story was saved by someone else since this copy of it was opened."""

    def __init__(self, article: Article) -> None:
        super().__init__(f"{article} was changed by someone else meanwhile.")
        self.article = article


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines, keeping their order."""
    blocks = normalise_newlines(text).split("\n\n")
    return [block.strip() for block in blocks if block.strip()]
