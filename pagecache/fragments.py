"""Parts of pages kept rendered, for the requests the page cache cannot answer.

Every page depends on ``content``, so one publish makes every stored page stale,
and signed-in readers never get a stored page at all. A story's own text, photos
and metadata did not change when another story was published: kept under a key
made of the story's version and the tags it shows, they survive such a publish, and
the story page that misses the page cache costs one query instead of nine.

Tag versions are read before the rows a fragment is rendered from, as for pages
(``tags.depend_on``): a write committed in between leaves the new copy under a key
nobody asks for again, never old text under a current key.
"""

import hashlib
import math
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest

from . import store
from .schedule import next_change
from .tags import keys_for

T = TypeVar("T")


def tag_versions(request: HttpRequest | None, tags: Iterable[str]) -> dict | None:
    """The versions of ``tags``, read once per request; None if the cache is away."""
    seen = getattr(request, "fragment_versions", None) if request else None
    if seen is None:
        # The page cache's versions were read before the view: as good, and older.
        seen = dict(getattr(request, "pagecache_versions", None) or {})
        if request is not None:
            request.fragment_versions = seen
    keys = keys_for(tags)
    unseen = [key for key in keys if key not in seen]
    if unseen:
        versions = store.read_versions(unseen)
        if versions is None:
            return None
        seen.update(versions)
    return {key: seen[key] for key in keys}


def kept(
    request: HttpRequest | None,
    name: str,
    identity: Iterable[object],
    tags: Iterable[str],
    compute: Callable[[], T],
    changes_with_time: bool = False,
) -> T:
    """Return ``compute()``'s value (picklable: rendered HTML, a list), kept under
    ``name``, ``identity`` and ``tags``.

    ``identity`` is what makes this copy differ from others of the same name (a
    story's primary key and version); ``tags`` name what it shows that can change
    without changing the identity. A value that ``changes_with_time`` (a list
    that a scheduled story joins at its time) is kept only until the next
    scheduled change.
    """
    if not settings.FRAGMENT_CACHE:
        return compute()
    versions = tag_versions(request, tags)
    if versions is None:  # the cache is away: compute, and keep nothing
        return compute()
    key = fragment_key(name, identity, versions)
    found = store.get_many([key])
    if found and key in found:
        return found[key]
    timeout = store.ENTRY_LIFETIME
    if changes_with_time:
        try:
            moment = next_change_after(request, versions)
        except DatabaseError:
            moment, timeout = None, 0
        if moment is not None:
            timeout = min(timeout, math.floor(moment.timestamp() - time.time()))
    value = compute()
    if timeout > 0:
        store.set_entry(key, value, timeout)
    return value


def next_change_after(request: HttpRequest | None, versions: dict):
    """The next scheduled change, read after ``versions``: a story scheduled in
    between is in newer versions (the key is stale on arrival) or in the moment.

    The page cache middleware read one after its own versions; it serves when
    ``versions`` are all among those.
    """
    moment, read = getattr(request, "pagecache_next_change", (None, None))
    if read and all(read.get(key) == version for key, version in versions.items()):
        return moment
    return next_change()


def fragment_key(name: str, identity: Iterable[object], versions: dict) -> str:
    parts = [name, *map(str, identity), *(f"{k}={v}" for k, v in versions.items())]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogateescape"))
    return f"pagecache:fragment:{name}:{digest.hexdigest()}"
