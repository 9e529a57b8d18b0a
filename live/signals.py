"""Keep coverage times and cached pages in step with what editors and reporters do.

The times are set here, on every save path (admin, workflow, scripts), rather than
in one form. A new or corrected entry invalidates only its story's own tag, so the
rest of the site stays cached while a live page moves.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from articles.models import Article
from pagecache import invalidate

from .models import LiveEntry, LiveEntryCorrection


@receiver(pre_save, sender=Article, dispatch_uid="live.coverage_times")
def set_coverage_times(sender, instance: Article, **kwargs) -> None:
    """Stamp when coverage opens and closes; reopening clears the end time."""
    now = timezone.now()
    if instance.is_live:
        if instance.live_started_at is None:
            instance.live_started_at = now
        instance.live_ended_at = None
    elif instance.live_started_at is not None and instance.live_ended_at is None:
        instance.live_ended_at = now


def invalidate_story(article_id: int) -> None:
    """Refresh the story's page and entries.json once the change is committed."""
    transaction.on_commit(lambda: invalidate(f"article:{article_id}"))


@receiver(post_save, sender=LiveEntry, dispatch_uid="live.entry_saved")
@receiver(post_delete, sender=LiveEntry, dispatch_uid="live.entry_deleted")
def entry_changed(sender, instance: LiveEntry, **kwargs) -> None:
    invalidate_story(instance.article_id)


@receiver(post_save, sender=LiveEntryCorrection, dispatch_uid="live.correction_saved")
@receiver(
    post_delete, sender=LiveEntryCorrection, dispatch_uid="live.correction_deleted"
)
def correction_changed(sender, instance: LiveEntryCorrection, **kwargs) -> None:
    """Mark the entry changed, so open pages fetch it again with its correction."""
    entry = LiveEntry.objects.filter(pk=instance.entry_id)
    entry.update(updated_at=timezone.now())
    article_id = entry.values_list("article_id", flat=True).first()
    if article_id is not None:
        invalidate_story(article_id)
