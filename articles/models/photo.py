"""Photos in the library: an image with its caption, credit and rights."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ..storage import originals_storage
from .querysets import NON_EMPTY_SOURCE_ID


def original_storage():
    """Uploaded originals keep camera and location data: they stay off public URLs."""
    return originals_storage


class PhotoManager(models.Manager):
    def get_by_natural_key(self, uid: str) -> "Photo":
        return self.get(uid=uid)


class Photo(models.Model):
    image = models.ImageField(
        "image",
        upload_to="photos/%Y/%m/",
        storage=original_storage,
        blank=True,
        help_text=(
            "JPEG, PNG, WebP or GIF. The original stays private to the admin; "
            "readers get resized copies without location or camera data. May stay "
            "empty when a caption arrived without its picture: attach it later."
        ),
    )
    caption = models.TextField(
        "caption",
        blank=True,
        help_text="What the picture shows, as readers will see it.",
    )
    credit = models.CharField(
        "credit",
        max_length=200,
        blank=True,
        help_text="Photographer and/or agency, e.g. “John Smith/AFP”.",
    )
    alt_text = models.CharField(
        "alt text",
        max_length=500,
        blank=True,
        help_text=(
            "Describes the picture for people who cannot see it. Required "
            "for every image."
        ),
    )
    copyright = models.CharField(
        "copyright",
        max_length=300,
        blank=True,
        help_text="Copyright notice, e.g. “© 2026 AFP”. Filled from the file if empty.",
    )
    focal_x = models.FloatField(
        "focal point x",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the left edge, 1 the right: crops keep this point in view.",
    )
    focal_y = models.FloatField(
        "focal point y",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the top edge, 1 the bottom.",
    )
    original_filename = models.CharField(
        "file name", max_length=255, blank=True, editable=False
    )
    embedded_metadata = models.JSONField(
        "read from the file",
        default=dict,
        blank=True,
        editable=False,
        help_text="Caption, credit and copyright found inside the uploaded file.",
    )
    width = models.PositiveIntegerField("width", null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(
        "height", null=True, blank=True, editable=False
    )
    source_id = models.CharField(
        "import reference",
        max_length=255,
        blank=True,
        editable=False,
        help_text="Stable reference of the imported caption, so re-imports update it.",
    )
    uid = models.UUIDField(
        "identifier",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Names the photo in exports and fixtures, in every database.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = PhotoManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_id"],
                condition=NON_EMPTY_SOURCE_ID,
                name="unique_photo_source_id",
            )
        ]

    def __str__(self) -> str:
        text = self.caption or self.alt_text or (self.image.name if self.image else "")
        return (text[:77] + "…") if len(text) > 80 else (text or f"Photo {self.pk}")

    def natural_key(self) -> tuple[str]:
        return (str(self.uid),)
