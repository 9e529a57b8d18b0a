"""Serve anonymous readers' pages from the cache, and keep each page computed for them.

Sits first in the middleware: a hit is answered without URL resolution, sessions,
or any database query, and answers conditional requests (304) itself. A stored page
is served only while the versions of every tag it depended on are unchanged and the
next scheduled change has not come.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from . import http, store
from .schedule import next_change
from .tags import ALWAYS, keys_for, request_tags

# Never cached: the admin, signed preview links, and photo renditions (files that
# carry their own long-lived headers).
SKIPPED_PREFIXES = ("/admin/", "/preview/", "/img/")


def page_key(request: HttpRequest) -> str:
    """Key a page by scheme, host, path and query string; GET and HEAD share it."""
    address = request.build_absolute_uri().encode()
    return f"pagecache:page:{hashlib.sha256(address).hexdigest()}"


class PageCacheMiddleware:
    def __init__(self, get_response) -> None:
        if not settings.PAGE_CACHE:
            raise MiddlewareNotUsed("PAGE_CACHE is off.")
        self.get_response = get_response
        served_elsewhere = (settings.STATIC_URL, settings.MEDIA_URL)
        self.skipped = SKIPPED_PREFIXES + tuple(
            "/" + url.lstrip("/") for url in served_elsewhere if url
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or request.path_info.startswith(
            self.skipped
        ):
            return self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            response = self.get_response(request)
            http.mark_private(response)
            return response
        return self.serve_anonymous(request)

    def serve_anonymous(self, request: HttpRequest) -> HttpResponse:
        key, always = page_key(request), keys_for(ALWAYS)
        found = store.get_many([key, *always])
        entry = found.get(key) if found else None
        now = time.time()
        if entry is not None and is_current(entry, found, now):
            response = rebuild(entry)
            http.mark_public(response, valid_until=entry["valid_until"], now=now)
            response["X-Page-Cache"] = "hit"
            return http.conditional(request, response)
        # Versions and the next change by time are read before the page is
        # computed: a write committed meanwhile changes the versions, and a moment
        # passed meanwhile ends the entry's life, so a page that raced either is
        # stale on arrival, never served.
        request.pagecache_versions = (
            None if found is None else store.versions_of(always, found)
        )
        try:
            moment = next_change()
        except DatabaseError:  # the view will say the database is away
            request.pagecache_versions, moment = None, None
        valid_until = moment.timestamp() if moment else None
        response = self.get_response(request)
        if not http.is_storable(response):
            return response
        if request.pagecache_versions is not None and request.method == "GET":
            keep(request, key, response, valid_until, entry, now)
        response["X-Page-Cache"] = "miss"
        http.mark_public(response, valid_until=valid_until, now=now)
        return response


def is_current(entry: dict, found: dict, now: float) -> bool:
    """Whether every tag version the entry saw is unchanged and its time not up."""
    if entry["valid_until"] is not None and now >= entry["valid_until"]:
        return False
    versions = entry["versions"]
    current = dict(found)
    others = [key for key in versions if key not in current]
    if others:
        more = store.get_many(others)
        if more is None:
            return False
        current.update(more)
    return all(current.get(key) == version for key, version in versions.items())


def keep(
    request: HttpRequest,
    key: str,
    response: HttpResponse,
    valid_until: float | None,
    previous: dict | None,
    now: float,
) -> bool:
    """Store ``response`` with the tag versions read before it was computed."""
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
    return store.set_entry(key, entry, timeout)


def rebuild(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    return response
