"""Talking to the cache; a cache that is away must never break a page or a save.

While the cache (Redis) is unreachable every page is computed afresh and one warning
is logged. Tags that could not be invalidated meanwhile are remembered; when the
cache answers again, this process invalidates them and the ``ALWAYS`` tags (another
process may have failed to invalidate something too), so no page stored before the
outage is served after it. Entries also never outlive ``ENTRY_LIFETIME``, which
bounds what a process that exited during the outage could leave behind.
"""

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache

from .tags import ALWAYS, tag_key

logger = logging.getLogger("pagecache")

try:
    from redis.exceptions import RedisError

    CACHE_ERRORS: tuple[type[Exception], ...] = (OSError, RedisError)
except ImportError:  # pragma: no cover - redis is in requirements.txt
    CACHE_ERRORS = (OSError,)

ENTRY_LIFETIME = 600  # seconds: the longest any page stays in the cache


class _Health:
    """Whether this process last found the cache reachable, and what it owes it."""

    away = False
    unsent: set[str] = set()


def _went_away(error: Exception, doing: str) -> None:
    if not _Health.away:
        _Health.away = True
        logger.warning(
            "Page cache unreachable while %s (%s): serving pages uncached until it "
            "is back.",
            doing,
            error,
        )


def _came_back() -> bool:
    """After an outage, invalidate what may have been missed; True if that ran."""
    if not _Health.away:
        return False
    keys = {tag_key(tag) for tag in ALWAYS} | _Health.unsent
    try:
        cache.set_many(_new_tokens(keys), timeout=None)
    except CACHE_ERRORS:
        return True  # still away: try again on the next call
    _Health.away, _Health.unsent = False, set()
    logger.warning("Page cache reachable again: pages cached before are discarded.")
    return True


def _new_tokens(keys: Iterable[str]) -> dict[str, str]:
    return {key: uuid.uuid4().hex for key in keys}


def get_many(keys: list[str]) -> dict[str, Any] | None:
    """Return the values found for ``keys``; None if the cache cannot be trusted."""
    try:
        found = cache.get_many(keys)
    except CACHE_ERRORS as error:
        _went_away(error, "reading")
        return None
    return None if _came_back() else found


def versions_of(keys: list[str], found: dict[str, Any]) -> dict[str, str] | None:
    """Return the version of every tag key, giving a version to those without one.

    ``found`` holds versions already read. ``add`` never replaces a version another
    process set meanwhile; reading back afterwards returns whichever won.
    """
    missing = [key for key in keys if found.get(key) is None]
    if not missing:
        return {key: found[key] for key in keys}
    try:
        for key, token in _new_tokens(missing).items():
            cache.add(key, token, timeout=None)
        fresh = cache.get_many(missing)
    except CACHE_ERRORS as error:
        _went_away(error, "reading tag versions")
        return None
    if _came_back() or len(fresh) < len(missing):
        return None
    return {key: found.get(key) or fresh[key] for key in keys}


def read_versions(keys: list[str]) -> dict[str, str] | None:
    """Return the versions of ``keys`` (giving new tags one); None if unavailable."""
    found = get_many(keys)
    return None if found is None else versions_of(keys, found)


def set_entry(key: str, entry: dict, timeout: int) -> bool:
    """Store one page; False if the cache did not take it (or was just back)."""
    try:
        cache.set(key, entry, timeout=timeout)
    except CACHE_ERRORS as error:
        _went_away(error, "storing a page")
        return False
    return not _came_back()


def set_versions(keys: Iterable[str]) -> None:
    """Give each tag key a new version; remember those the cache did not take."""
    keys = set(keys)
    try:
        cache.set_many(_new_tokens(keys), timeout=None)
    except CACHE_ERRORS as error:
        _Health.unsent |= keys
        _went_away(error, "invalidating")
        return
    _came_back()
