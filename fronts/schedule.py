"""When the fronts change by time alone: a pin starts or ends, a banner expires.

The page cache asks this (see ``pagecache.schedule``) whenever it stores a page, so
that a cached page is never served past the moment its front or banner would have
changed. One query, whatever the number of pins and banners.
"""

from datetime import datetime

from django.db.models import F
from django.utils import timezone

from .models import Banner, Pin


def next_front_change() -> datetime | None:
    """Return the next future moment a pin starts or ends or a banner expires."""
    now = timezone.now()
    moments = [
        Pin.objects.filter(starts_at__gt=now).annotate(moment=F("starts_at")),
        Pin.objects.filter(ends_at__gt=now).annotate(moment=F("ends_at")),
        Banner.objects.filter(is_shown=True, expires_at__gt=now).annotate(
            moment=F("expires_at")
        ),
    ]
    first, *others = (
        queryset.order_by().values_list("moment", flat=True) for queryset in moments
    )
    return first.union(*others).order_by("moment").first()
