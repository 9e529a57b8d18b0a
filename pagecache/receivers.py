"""What of the newsroom's content readers see, and when it changes.

Every save or deletion of something a public page can show invalidates ``content``:
story, bylines, photos in it, corrections, tags, a photo's caption or credit, a
section, an author. What many stories show (photos, tags, sections, authors) also
invalidates ``library``, and a story's own rows (bylines, photo uses, corrections,
tags given) ``article:<pk>``: the story fragments (``fragments.py``) are kept by
those and the story's version, so they survive every other story's publication.
Bulk actions, revision restores and the importer all save
through the models, so these receivers see every write path.
A story that is a draft or in review before and after a save shows nowhere public:
saving it invalidates nothing, so a busy newsroom's drafts leave the cache warm.
"""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Min, Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    ArticlePhoto,
    Author,
    Byline,
    Correction,
    Photo,
    Section,
)

from .tags import invalidate, invalidate_on_commit

HIDDEN_STATES = {Article.Status.DRAFT, Article.Status.REVIEW}


def changed(*tags: str, raw: bool = False) -> None:
    """Invalidate now and at commit; a fixture load's raw saves once, at commit.

    A story's save invalidates ``content`` only: its fragments are kept by its
    version, which every save changes, and a fixture load of 10,000 stories would
    otherwise write 10,000 tags when it commits.
    """
    (invalidate_on_commit if raw else invalidate)(*tags)


@receiver(pre_save, sender=Article)
def note_whether_public_before(sender, instance: Article, **kwargs) -> None:
    """Ask the database, not the instance: a restore builds its copy afresh."""
    if kwargs.get("raw"):
        instance._pagecache_was_public = True  # a fixture load: assume it was shown
        return
    instance._pagecache_was_public = (
        instance.pk is not None
        and instance.status in HIDDEN_STATES
        and Article.objects.filter(pk=instance.pk)
        .exclude(status__in=HIDDEN_STATES)
        .exists()
    )


@receiver(post_save, sender=Article)
def article_saved(sender, instance: Article, **kwargs) -> None:
    was_public = getattr(instance, "_pagecache_was_public", True)
    if kwargs.get("raw"):
        # A fixture's story may bring back a version with other words: once, at
        # commit, forget every story fragment too.
        changed("content", "library", raw=True)
    elif instance.status not in HIDDEN_STATES or was_public:
        changed("content")


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance: Article, **kwargs) -> None:
    if instance.status not in HIDDEN_STATES:
        changed("content")


@receiver(post_save, sender=Photo)
def photo_saved(sender, instance: Photo, created: bool, **kwargs) -> None:
    """A new photo is in no story yet; an edited one may be in many."""
    if not created:
        changed("content", "library", raw=kwargs.get("raw", False))


@receiver([post_save, post_delete], sender=Byline)
@receiver([post_save, post_delete], sender=ArticlePhoto)
@receiver([post_save, post_delete], sender=Correction)
def story_part_changed(sender, instance, **kwargs) -> None:
    """A story's own row: its page's fragments (``article:<pk>``) and every list.

    A fixture load's raw saves invalidate ``library`` instead: one cache write at
    commit, however many stories it brings.
    """
    raw = kwargs.get("raw", False)
    changed("content", "library" if raw else f"article:{instance.article_id}", raw=raw)


@receiver([post_save, post_delete], sender=TaggedItem)
def tagging_changed(sender, instance: TaggedItem, **kwargs) -> None:
    raw = kwargs.get("raw", False)
    if raw or instance.content_type_id != ContentType.objects.get_for_model(Article).pk:
        changed("content", "library", raw=raw)
    else:
        changed("content", f"article:{instance.object_id}")


@receiver(post_delete, sender=Photo)
@receiver([post_save, post_delete], sender=Tag)
@receiver([post_save, post_delete], sender=Section)
@receiver([post_save, post_delete], sender=Author)
def shared_by_stories_changed(sender, **kwargs) -> None:
    """Photos, tags, sections and authors are shown by many stories: ``library``."""
    changed("content", "library", raw=kwargs.get("raw", False))


def next_scheduled_story() -> datetime | None:
    """Return when the next scheduled story goes live or embargo lifts (one query)."""
    now = timezone.now()
    upcoming = Article.objects.filter(status=Article.Status.PUBLISHED).aggregate(
        publication=Min("published_at", filter=Q(published_at__gt=now)),
        embargo=Min("embargo_until", filter=Q(embargo_until__gt=now)),
    )
    return min((moment for moment in upcoming.values() if moment), default=None)
