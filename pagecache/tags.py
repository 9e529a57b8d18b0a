"""Versioned tags: each tag has a random version token in the cache.

A cached page remembers the versions of the tags it depended on when it was stored;
it is served only while every one of them is unchanged. Invalidating a tag gives it
a new token, so every page that showed it is recomputed on its next request, with no
need to know which URLs those were.

Standard tags: ``content`` (anything readers can see: stories, sections, authors,
tags, photos, corrections, pins on the fronts and the breaking-news banner) and
``article:<pk>`` (the live entries on one story's page). Every page depends on
``content``, so a hit reads the page and one version, plus one for each other tag
the page declared.
"""

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest

ALWAYS = ("content",)


def tag_key(tag: str) -> str:
    return f"pagecache:tag:{tag}"


def depend_on(request: HttpRequest, *tags: str) -> None:
    """Record that the response to ``request`` shows what ``tags`` name.

    When the page is being computed for the cache, the tags' versions are read now,
    before the view reads what they stand for: a write committed in between then
    makes the stored page stale on arrival instead of stale for good.
    """
    declared = getattr(request, "cache_tags", None)
    if declared is None:
        declared = request.cache_tags = set(ALWAYS)
    declared.update(tags)
    seen = getattr(request, "pagecache_versions", None)
    if seen is not None:
        from .store import read_versions

        unseen = [key for key in keys_for(tags) if key not in seen]
        versions = read_versions(unseen) if unseen else {}
        if versions is None:
            request.pagecache_versions = None  # the cache is away: do not store
        else:
            seen.update(versions)


def request_tags(request: HttpRequest) -> set[str]:
    return set(getattr(request, "cache_tags", ALWAYS))


def invalidate(*tags: str) -> None:
    """Give each tag a new version: every cached page that depended on it is stale.

    Inside a transaction the tags are invalidated now and again once it commits: a
    page recomputed in between, from rows not yet committed, is discarded too.
    """
    from .store import set_versions

    keys = keys_for(tags)
    set_versions(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: set_versions(keys))


class PendingTags:
    """Tags to invalidate once, when the current transaction commits."""

    def __init__(self) -> None:
        self.tags: set[str] = set()

    def __call__(self) -> None:
        from .store import set_versions

        set_versions(keys_for(self.tags))


def invalidate_on_commit(*tags: str) -> None:
    """Invalidate ``tags`` once when the transaction commits, however often called.

    For bulk loads (``loaddata``'s raw saves): other connections cannot see the rows
    before the commit, so one invalidation then is exact, and a load of thousands of
    rows costs one cache write instead of thousands.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        invalidate(*tags)
        return
    pending = getattr(connection, "pagecache_pending", None)
    if pending is None or not any(
        callback is pending for _, callback, _ in connection.run_on_commit
    ):
        pending = connection.pagecache_pending = PendingTags()
        transaction.on_commit(pending)
    pending.tags.update(tags)


def keys_for(tags: Iterable[str]) -> list[str]:
    return [tag_key(tag) for tag in sorted(tags)]
