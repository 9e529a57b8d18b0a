"""Renditions: the resized, metadata-free copies of photos that readers get."""

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver


class Rendition(models.Model):
    """One public file made from a photo: a crop, a width and a format.

    The row is created (and locked) before the file is written and only gets its
    ``file`` once the file is complete, so readers trust rows with a file only.
    """

    photo = models.ForeignKey(
        "articles.Photo",
        on_delete=models.CASCADE,
        related_name="renditions",
        verbose_name="photo",
    )
    spec = models.CharField(
        "specification",
        max_length=40,
        help_text="Crop ratio, width and format, e.g. “16x9-640.webp”.",
    )
    source_key = models.CharField(
        "source key",
        max_length=32,
        help_text=(
            "Fingerprint of the original file and focal point: a new file or focal "
            "point makes new renditions at new addresses."
        ),
    )
    file = models.CharField(
        "file",
        max_length=255,
        blank=True,
        help_text="Name in the public media storage; empty until the file is written.",
    )
    width = models.PositiveIntegerField("width", null=True, blank=True)
    height = models.PositiveIntegerField("height", null=True, blank=True)
    bytes = models.PositiveIntegerField("size in bytes", null=True, blank=True)
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        ordering = ["photo", "spec"]
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "spec", "source_key"], name="unique_rendition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.spec} of photo {self.photo_id}"

    @property
    def is_ready(self) -> bool:
        return bool(self.file)


@receiver(post_delete, sender=Rendition)
def delete_rendition_file(sender, instance: Rendition, **kwargs) -> None:
    """Remove the file once the row's deletion is committed (never before)."""
    if instance.file:
        name = instance.file
        transaction.on_commit(lambda: default_storage.delete(name))
