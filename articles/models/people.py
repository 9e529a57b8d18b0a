"""Sections and authors: the names readers browse by."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class SlugManager(models.Manager):
    """Find rows by their slug, so fixtures and exports name them, not their ids."""

    def get_by_natural_key(self, slug: str) -> models.Model:
        return self.get(slug=slug)


class Section(models.Model):
    name = models.CharField("name", max_length=100, unique=True)
    slug = models.SlugField(
        "slug", max_length=100, unique=True, help_text="Used in the section's address."
    )
    position = models.PositiveSmallIntegerField(
        "position",
        default=0,
        help_text="Sections are listed in this order in the site's navigation.",
    )

    objects = SlugManager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:section", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Author(models.Model):
    name = models.CharField("name", max_length=200)
    slug = models.SlugField("slug", max_length=200, unique=True, allow_unicode=True)
    job_title = models.CharField(
        "job title",
        max_length=200,
        blank=True,
        help_text="For example “Middle East correspondent”.",
    )
    bio = models.TextField(
        "short bio",
        blank=True,
        help_text="Two or three sentences, shown on the author's page.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The login account of this author, if they have one.",
    )

    objects = SlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)
