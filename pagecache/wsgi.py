"""The page cache in front of Django: a hit answered from the WSGI environ.

A hit costs a cache read of the page and of its tags' versions, and nothing else:
no request object, no middleware, no signals, no response object. What it sends is
what ``PageCacheMiddleware`` would send (both build it with ``pagecache.lookup``).
Everything that is not a plain hit goes to Django untouched: misses, writes,
signed-in users, the admin, conditional requests (the middleware answers their 304s)
and any request met while the cache is away.
"""

import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from django.conf import settings

from .lookup import (
    LOOKUP_KEY,
    hit_headers,
    is_anonymous_read,
    look_up,
    skipped_prefixes,
)

logger = logging.getLogger("pagecache")

CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)

WSGIApplication = Callable[[dict[str, Any], Callable], Iterable[bytes]]


class CachedPages:
    """Wrap a WSGI application; answer anonymous readers' hits before it runs."""

    def __init__(self, application: WSGIApplication) -> None:
        self.application = application
        self.enabled = settings.PAGE_CACHE
        self.skipped = skipped_prefixes()

    def __call__(self, environ: dict[str, Any], start_response) -> Iterable[bytes]:
        if self.enabled and self.may_answer(environ):
            try:
                lookup = look_up(environ)
                hit = lookup.is_hit()
            except Exception:  # never let the front break a page Django can serve
                logger.exception("pagecache: the WSGI front failed; Django answers")
                return self.application(environ, start_response)
            if hit:
                entry = lookup.entry
                status = HTTPStatus(entry["status"])
                start_response(
                    f"{status.value} {status.phrase}", hit_headers(entry, lookup.now)
                )
                return (
                    [b""] if environ["REQUEST_METHOD"] == "HEAD" else [entry["content"]]
                )
            # The middleware computes the page from this lookup: the versions it
            # read are the ones the page is stored with.
            environ[LOOKUP_KEY] = lookup
        return self.application(environ, start_response)

    def may_answer(self, environ: dict[str, Any]) -> bool:
        if not is_anonymous_read(environ, self.skipped):
            return False
        return not any(name in environ for name in CONDITIONAL_HEADERS)
