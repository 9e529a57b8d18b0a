"""Who else has a story open: recorded when the admin form opens, shown to the next."""

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from .models import Article, EditPresence

RECENT = timedelta(minutes=10)


def others_editing(article: Article, user: AbstractBaseUser) -> list[EditPresence]:
    """Record that ``user`` opened the story; return the others seen recently."""
    now = timezone.now()
    presence, created = EditPresence.objects.get_or_create(
        article=article, user=user, defaults={"opened_at": now, "seen_at": now}
    )
    if not created:
        if presence.seen_at < now - RECENT:
            presence.opened_at = now
        presence.seen_at = now
        presence.save(update_fields=["opened_at", "seen_at"])
    return list(
        EditPresence.objects.filter(article=article, seen_at__gte=now - RECENT)
        .exclude(user=user)
        .select_related("user")
        .order_by("opened_at")
    )


def leave(article: Article, user: AbstractBaseUser) -> None:
    EditPresence.objects.filter(article=article, user=user).delete()
