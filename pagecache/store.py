"""Talking to the cache; a cache that is away must never break a page or a save."""

import logging

from django.core.cache import cache

logger = logging.getLogger("pagecache")


def set_versions(versions: dict[str, str]) -> None:
    try:
        cache.set_many(versions, timeout=None)
    except Exception:
        logger.exception("pagecache: could not store new tag versions %s", versions)
