"""What a story is made of besides its text.

Bylines, the photos placed in it, corrections, and who has it open.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .article import Article
from .people import Author
from .photo import Photo


class Byline(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="bylines", verbose_name="author"
    )
    role = models.CharField(
        "role",
        max_length=100,
        default="By",
        help_text="Shown before the name: “By”, “Additional reporting by”…",
    )
    position = models.PositiveSmallIntegerField("position", default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.role} {self.author}"


class ArticlePhoto(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="article_photos"
    )
    photo = models.ForeignKey(
        Photo, on_delete=models.PROTECT, related_name="uses", verbose_name="photo"
    )
    position = models.PositiveSmallIntegerField("position", default=0)
    caption_override = models.TextField(
        "caption for this story",
        blank=True,
        help_text="Leave empty to use the photo's own caption.",
    )
    is_lead = models.BooleanField(
        "lead photo",
        default=False,
        help_text="Shown at the top of the story and in lists.",
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "photo"], name="unique_photo_per_article"
            )
        ]
        verbose_name = "photo in story"
        verbose_name_plural = "photos in story"

    def __str__(self) -> str:
        return str(self.photo)

    @property
    def caption(self) -> str:
        return self.caption_override or self.photo.caption


class Correction(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.TextField(
        "correction",
        help_text="What was wrong and what is right; shown under the story.",
    )
    created_at = models.DateTimeField("time", default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class EditPresence(models.Model):
    """Who has a story open in the admin, so a second editor is warned in time."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], name="one_presence_per_editor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.article}"


# Revisions: a story's version carries its bylines, photos (with their captions),
# corrections and tags. `version` is left out so a restore gets a fresh one, and
# `imported_version` so that a restore counts as a change made since the import.
