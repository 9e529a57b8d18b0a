"""Serve anonymous readers' pages from the cache, and keep each page computed for them.

Sits first in the middleware: a hit is answered without URL resolution, sessions,
or any database query, and answers conditional requests (304) itself. A stored page
is served only while the versions of every tag it depended on are unchanged and the
next scheduled change has not come.
"""

import math

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from . import http, store
from .lookup import (
    ALWAYS_KEYS,
    LOOKUP_KEY,
    Lookup,
    hit_headers,
    is_cacheable_read,
    look_up,
    skipped_prefixes,
)
from .schedule import next_change
from .tags import keys_for, request_tags


class PageCacheMiddleware:
    def __init__(self, get_response) -> None:
        if not settings.PAGE_CACHE:
            raise MiddlewareNotUsed("PAGE_CACHE is off.")
        self.get_response = get_response
        self.skipped = skipped_prefixes()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_cacheable_read(request.META, self.skipped):
            return self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            response = self.get_response(request)
            http.mark_private(response)
            return response
        return self.serve_anonymous(request)

    def serve_anonymous(self, request: HttpRequest) -> HttpResponse:
        lookup = request.META.pop(LOOKUP_KEY, None) or look_up(request.META)
        if lookup.is_hit():
            return http.conditional(request, rebuild(lookup))
        # Versions and the next change by time are read before the page is
        # computed: a write committed meanwhile changes the versions, and a moment
        # passed meanwhile ends the entry's life, so a page that raced either is
        # stale on arrival, never served.
        found = lookup.found
        request.pagecache_versions = (
            None if found is None else store.versions_of(ALWAYS_KEYS, found)
        )
        try:
            moment = next_change()
        except DatabaseError:  # the view will say the database is away
            request.pagecache_versions, moment = None, None
        valid_until = moment.timestamp() if moment else None
        if request.pagecache_versions is not None:
            # The moment, and the versions it was read after.
            request.pagecache_next_change = (moment, dict(request.pagecache_versions))
        response = self.get_response(request)
        if not http.is_storable(response):
            return response
        if request.pagecache_versions is not None and request.method == "GET":
            keep(request, lookup, response, valid_until)
        response["X-Page-Cache"] = "miss"
        http.mark_public(response, valid_until=valid_until, now=lookup.now)
        return response


def keep(
    request: HttpRequest,
    lookup: Lookup,
    response: HttpResponse,
    valid_until: float | None,
) -> bool:
    """Store ``response`` with the tag versions read before it was computed."""
    now, previous = lookup.now, lookup.entry
    timeout = store.ENTRY_LIFETIME
    if valid_until is not None:
        timeout = min(timeout, math.ceil(valid_until - now))
    if timeout <= 0:
        return False
    versions = request.pagecache_versions
    # Tags set on the request without depend_on: read their versions now.
    unseen = [tag for tag in keys_for(request_tags(request)) if tag not in versions]
    if unseen:
        more = store.read_versions(unseen)
        if more is None:
            return False
        versions.update(more)
    # Each new copy of a page gets a later Last-Modified than the copy it replaces,
    # even within the same second, so If-Modified-Since never matches stale text.
    last_modified = int(now)
    if previous is not None:
        last_modified = max(last_modified, previous["last_modified"] + 1)
    http.add_validators(response, last_modified=last_modified)
    entry = {
        "status": response.status_code,
        "content": response.content,
        "headers": list(response.items()),
        "versions": versions,
        "valid_until": valid_until,
        "last_modified": last_modified,
    }
    return store.set_entry(lookup.key, entry, timeout)


def rebuild(lookup: Lookup) -> HttpResponse:
    entry = lookup.entry
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in hit_headers(entry, lookup.now):
        response.headers[name] = value
    return response
