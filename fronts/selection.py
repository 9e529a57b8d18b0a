"""Choose what a front shows: pinned stories in their slots, the latest elsewhere.

Every story comes through ``Article.objects.published()``: a pin ranks stories, it
never lets one through. The pinned stories cost one query (plus the relations'
prefetches) however many pins there are.
"""

from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article, Section

from .models import LAST_POSITION, LEAD_POSITION, Pin


@dataclass(frozen=True)
class Front:
    """A front's first page: the lead story, the top stories, then the latest."""

    lead: Article | None = None
    top: list[Article] = field(default_factory=list)
    latest: list[Article] = field(default_factory=list)


def pinned_stories(section: Section | None) -> dict[int, Article]:
    """Return the story that holds each pinned slot of a front, by position.

    When two live pins claim one slot, the one that started last wins: an editor
    can schedule the next lead while the current one is still up.
    """
    pins = Pin.objects.active(timezone.now()).on_front(section)
    winning_pin = (
        pins.filter(article=OuterRef("pk"))
        .annotate(since=Coalesce("starts_at", "created_at"))
        .order_by("position", "-since", "-pk")
    )
    stories = (
        Article.objects.published()
        .filter(pk__in=pins.values("article"))
        .annotate(
            pin_position=Subquery(winning_pin.values("position")[:1]),
            pin_since=Subquery(winning_pin.values("since")[:1]),
        )
        .order_by("pin_position", F("pin_since").desc(), "-pk")
        .with_relations()
    )
    slots: dict[int, Article] = {}
    for story in stories:
        slots.setdefault(story.pin_position, story)
    return slots


def arrange(pinned: dict[int, Article], latest: list[Article]) -> Front:
    """Fill the lead and top slots, each with its pinned story or the next latest.

    ``latest`` must already leave out the pinned stories, so none appears twice.
    """
    remaining = iter(latest)
    slots = []
    for position in range(LEAD_POSITION, LAST_POSITION + 1):
        story = pinned.get(position) or next(remaining, None)
        if story is not None:
            slots.append(story)
    return Front(
        lead=slots[0] if slots else None, top=slots[1:], latest=list(remaining)
    )
