"""Entries of a live story, and the corrections made to them.

An entry is plain text like a story's body: templates escape it, so nothing a
reporter types is ever read as HTML.
"""

import reversion
from django.db import models
from django.utils import timezone

from articles.models import Article, Author, Photo, normalise_newlines, split_paragraphs


class LiveEntryQuerySet(models.QuerySet):
    def for_page(self) -> "LiveEntryQuerySet":
        """Fetch what an entry renders (author, photo, corrections) in three queries."""
        return self.select_related("author", "photo").prefetch_related("corrections")


class LiveEntry(models.Model):
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="live_entries",
        verbose_name="story",
        limit_choices_to={"is_live": True},
        help_text="Only stories whose live coverage is open take new entries.",
    )
    title = models.CharField(
        "title",
        max_length=200,
        blank=True,
        help_text="Optional: a few words that sum the entry up, e.g. “Bridge reopens”.",
    )
    body = models.TextField(
        "text",
        help_text=(
            "Plain text. Leave a blank line between paragraphs; no HTML: what you "
            "type is what readers see."
        ),
    )
    photo = models.ForeignKey(
        Photo,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="live_entries",
        verbose_name="photo",
    )
    photo_caption = models.TextField(
        "caption for this entry",
        blank=True,
        help_text="Leave empty to use the photo's own caption.",
    )
    photo_credit = models.CharField(
        "credit for this entry",
        max_length=200,
        blank=True,
        help_text="Leave empty to use the photo's own credit.",
    )
    author = models.ForeignKey(
        Author,
        on_delete=models.PROTECT,
        related_name="live_entries",
        verbose_name="author",
    )
    is_key_moment = models.BooleanField(
        "key moment",
        default=False,
        help_text="Listed in the summary at the top of the live page.",
    )
    created_at = models.DateTimeField(
        "time",
        default=timezone.now,
        db_index=True,
        help_text="Shown on the entry; entries are listed newest first.",
    )
    updated_at = models.DateTimeField(
        "changed",
        auto_now=True,
        db_index=True,
        help_text="Last edit or correction: open pages fetch the entry again.",
    )

    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "live entry"
        verbose_name_plural = "live entries"

    def __str__(self) -> str:
        return self.title or self.body[:80]

    def save(self, *args, **kwargs) -> None:
        self.body = normalise_newlines(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"entry-{self.pk}"

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.body)

    @property
    def caption(self) -> str:
        return self.photo_caption or (self.photo.caption if self.photo else "")

    @property
    def credit(self) -> str:
        return self.photo_credit or (self.photo.credit if self.photo else "")

    @property
    def summary(self) -> str:
        """Name the entry in lists: its title, else the start of its text."""
        text = self.title or " ".join(self.body.split())
        return text if len(text) <= 110 else text[:109].rstrip() + "…"


class LiveEntryCorrection(models.Model):
    entry = models.ForeignKey(
        LiveEntry, on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.TextField(
        "correction",
        help_text="What was wrong and what is right; shown under the entry.",
    )
    created_at = models.DateTimeField("time", default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "correction"
        verbose_name_plural = "corrections"

    def __str__(self) -> str:
        return self.text[:80]


reversion.register(LiveEntryCorrection)
reversion.register(LiveEntry, follow=["corrections"])
