"""The breaking-news banner as pages read it: from the cache, so that showing it on
every page costs no database query; any change to a banner forgets the cached copy.

A cache or database that is away never breaks a page: the page shows no banner and
the failure is logged.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone

from .models import Banner

logger = logging.getLogger("fronts")

CACHE_KEY = "fronts:banner"
# Bounds how long a process with its own local cache may miss a change made in
# another; with a shared cache (Redis) a change shows at once.
CACHE_SECONDS = 60
NO_BANNER = "none"


@dataclass(frozen=True)
class BreakingNews:
    text: str
    link: str
    expires_at: datetime | None

    def is_current(self) -> bool:
        return self.expires_at is None or self.expires_at > timezone.now()


def current_banner() -> BreakingNews | None:
    """Return the banner readers see now, or ``None``."""
    cached = _cache_get()
    if isinstance(cached, BreakingNews) and cached.is_current():
        return cached
    if cached == NO_BANNER:
        return None
    try:
        banner = Banner.objects.current()
    except DatabaseError:
        logger.exception("fronts: could not read the breaking-news banner")
        return None
    news = (
        BreakingNews(text=banner.text, link=banner.link, expires_at=banner.expires_at)
        if banner
        else None
    )
    _cache_set(news)
    return news


def forget_banner() -> None:
    """Drop the cached banner now and again once the change is committed, so that a
    page rendered in between cannot keep the old one."""
    _cache_delete()
    transaction.on_commit(_cache_delete)


def _cache_get():
    try:
        return cache.get(CACHE_KEY)
    except Exception:
        logger.exception("fronts: could not read the cached banner")
        return None


def _cache_set(news: BreakingNews | None) -> None:
    timeout = CACHE_SECONDS
    if news is not None and news.expires_at is not None:
        left = (news.expires_at - timezone.now()).total_seconds()
        timeout = max(1, min(timeout, int(left) + 1))
    try:
        cache.set(CACHE_KEY, news or NO_BANNER, timeout)
    except Exception:
        logger.exception("fronts: could not cache the banner")


def _cache_delete() -> None:
    try:
        cache.delete(CACHE_KEY)
    except Exception:
        logger.exception("fronts: could not forget the cached banner")
