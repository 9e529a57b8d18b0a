"""Pins put chosen stories in the lead and top slots of a front; a banner carries
one line of breaking news to every page.

Neither decides what readers may see: a pin only ranks stories that
``Article.objects.published()`` already lets through, so a withdrawn, embargoed or
scheduled story leaves the front by itself.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, Section

LEAD_POSITION = 1
TOP_SLOTS = 4
LAST_POSITION = LEAD_POSITION + TOP_SLOTS


class PinQuerySet(models.QuerySet):
    def active(self, now=None) -> "PinQuerySet":
        """Return the pins whose time window contains ``now``."""
        now = now or timezone.now()
        return self.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=now),
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
        )

    def on_front(self, section: Section | None) -> "PinQuerySet":
        """Return the pins of the home page (``None``) or of one section's front."""
        if section is None:
            return self.filter(section__isnull=True)
        return self.filter(section=section)


class Pin(models.Model):
    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pins",
        verbose_name="front",
        help_text="Leave empty for the home page; choose a section for its front.",
    )
    position = models.PositiveSmallIntegerField(
        "position",
        default=LEAD_POSITION,
        validators=[
            MinValueValidator(LEAD_POSITION),
            MaxValueValidator(LAST_POSITION),
        ],
        help_text=(
            f"{LEAD_POSITION} is the lead slot; {LEAD_POSITION + 1}–{LAST_POSITION} "
            "are the top slots. Change the numbers to reorder. Slots without a pin "
            "show the latest stories."
        ),
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="pins",
        verbose_name="story",
        help_text=(
            "Shown only while readers may see it: a draft, withdrawn, embargoed or "
            "scheduled story waits off the front."
        ),
    )
    starts_at = models.DateTimeField(
        "from",
        null=True,
        blank=True,
        help_text="Leave empty to pin at once.",
    )
    ends_at = models.DateTimeField(
        "until",
        null=True,
        blank=True,
        help_text="Leave empty to keep the pin until you remove it.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = PinQuerySet.as_manager()

    class Meta:
        ordering = ["section__position", "section__name", "position", "-starts_at"]
        indexes = [models.Index(fields=["section", "position"])]

    def __str__(self) -> str:
        return f"{self.front_name}, {self.slot_name}: {self.article}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": "The pin must end after it starts."}, code="invalid"
            )
        if self.pk is None and self.ends_at and self.ends_at <= timezone.now():
            raise ValidationError(
                {"ends_at": "This time has already passed: the pin would never show."},
                code="invalid",
            )

    @property
    def front_name(self) -> str:
        return self.section.name if self.section_id else "Home page"

    @property
    def slot_name(self) -> str:
        if self.position == LEAD_POSITION:
            return "lead"
        return f"top {self.position - LEAD_POSITION}"


def validate_link(value: str) -> None:
    """Accept an address on this site ("/2026/…") or a full http(s) address."""
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["http", "https"])(value)


class BannerQuerySet(models.QuerySet):
    def current(self, now=None) -> "Banner | None":
        """Return the banner readers see now: the newest shown one not yet expired."""
        now = now or timezone.now()
        return (
            self.filter(is_shown=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .order_by("-created_at", "-pk")
            .first()
        )


class Banner(models.Model):
    text = models.CharField(
        "text",
        max_length=200,
        help_text="One line, e.g. “Ceasefire announced in Gaza”.",
    )
    link = models.CharField(
        "link",
        max_length=500,
        validators=[validate_link],
        help_text="Where the line leads: an address on this site (/2026/…) or https://…",
    )
    is_shown = models.BooleanField(
        "shown",
        default=True,
        help_text="Untick to clear the banner from every page at once.",
    )
    expires_at = models.DateTimeField(
        "expires",
        null=True,
        blank=True,
        help_text="The banner disappears by itself at this time. Optional.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = BannerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "breaking-news banner"

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if "\n" in self.text or "\r" in self.text:
            raise ValidationError(
                {"text": "The banner is one line: remove the line breaks."},
                code="invalid",
            )
        if self.is_shown and self.expires_at and self.expires_at <= timezone.now():
            raise ValidationError(
                {
                    "expires_at": (
                        "This time has already passed: choose a later one, or "
                        "untick “shown” to clear the banner."
                    )
                },
                code="invalid",
            )
