"""Versioned tags: each tag has a random version token in the cache.

A cached page remembers the versions of the tags it depended on when it was stored;
it is served only while every one of them is unchanged. Invalidating a tag gives it
a new token, so every page that showed it is recomputed on its next request, with no
need to know which URLs those were.

Standard tags: ``content`` (anything readers can see: stories, sections, authors,
tags, photos, corrections), ``article:<pk>`` (one story's own page and its live
entries), ``fronts`` (pinned slots on home and section fronts) and ``banner`` (the
breaking-news line shown on every page).
"""

import uuid
from collections.abc import Iterable

from django.http import HttpRequest

ALWAYS = ("content", "banner")


def tag_key(tag: str) -> str:
    return f"pagecache:tag:{tag}"


def depend_on(request: HttpRequest, *tags: str) -> None:
    """Record that the response to ``request`` shows what ``tags`` name."""
    declared = getattr(request, "cache_tags", None)
    if declared is None:
        declared = request.cache_tags = set(ALWAYS)
    declared.update(tags)


def request_tags(request: HttpRequest) -> set[str]:
    return set(getattr(request, "cache_tags", ALWAYS))


def invalidate(*tags: str) -> None:
    """Give each tag a new version: every cached page that depended on it is stale."""
    from .store import set_versions

    set_versions({tag_key(tag): uuid.uuid4().hex for tag in tags})


def keys_for(tags: Iterable[str]) -> list[str]:
    return [tag_key(tag) for tag in sorted(tags)]
