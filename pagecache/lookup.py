"""Find a reader's stored page from the WSGI environ alone, and the headers it goes
out with.

The middleware and the WSGI front (``pagecache.wsgi``) both call this module, so a
hit is the same bytes and headers whichever of the two answers it. It reads only
the environ (``request.META`` in the middleware): no request object is needed.
"""

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http.cookie import parse_cookie

from . import http, store
from .tags import ALWAYS, keys_for

# Where the WSGI front leaves a lookup that missed, for the middleware to go on with.
LOOKUP_KEY = "pagecache.lookup"

# The cache keys of the tags every page depends on.
ALWAYS_KEYS = keys_for(ALWAYS)

# Never cached: the admin, signed preview links, and photo renditions (files that
# carry their own long-lived headers).
SKIPPED_PREFIXES = ("/admin/", "/preview/", "/img/")


def skipped_prefixes() -> tuple[str, ...]:
    served_elsewhere = (settings.STATIC_URL, settings.MEDIA_URL)
    return SKIPPED_PREFIXES + tuple(
        "/" + url.lstrip("/") for url in served_elsewhere if url
    )


def is_cacheable_read(environ: dict[str, Any], skipped: tuple[str, ...]) -> bool:
    """A GET or HEAD of an address whose page may be cached."""
    return environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not environ.get(
        "PATH_INFO", "/"
    ).startswith(skipped)


def is_anonymous_read(environ: dict[str, Any], skipped: tuple[str, ...]) -> bool:
    """A GET or HEAD of a cacheable address without a session cookie."""
    return is_cacheable_read(environ, skipped) and not has_session_cookie(environ)


def has_session_cookie(environ: dict[str, Any]) -> bool:
    cookies = environ.get("HTTP_COOKIE")
    return bool(cookies) and settings.SESSION_COOKIE_NAME in parse_cookie(cookies)


def page_key(environ: dict[str, Any]) -> str:
    """Key a page by scheme, host, path and query string; GET and HEAD share it.

    The host is the header as sent: a host the site does not serve is refused by
    Django (400) before anything is stored under it.
    """
    scheme = environ.get("wsgi.url_scheme", "http")
    if settings.SECURE_PROXY_SSL_HEADER:
        header, value = settings.SECURE_PROXY_SSL_HEADER
        if environ.get(header, "").split(",")[0].strip() == value:
            scheme = "https"
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "/")
    query = environ.get("QUERY_STRING", "")
    address = f"{scheme}://{host}{path}?{query}".encode("utf-8", "surrogateescape")
    return f"pagecache:page:{hashlib.sha256(address).hexdigest()}"


@dataclass
class Lookup:
    key: str
    found: dict[str, Any] | None  # None: the cache is away or cannot be trusted
    now: float

    @property
    def entry(self) -> dict | None:
        return self.found.get(self.key) if self.found else None

    def is_hit(self) -> bool:
        entry = self.entry
        return entry is not None and is_current(entry, self.found, self.now)


def look_up(environ: dict[str, Any]) -> Lookup:
    """Read the page stored for this address and the versions of ``ALWAYS``."""
    key = page_key(environ)
    return Lookup(key, store.get_many([key, *ALWAYS_KEYS]), time.time())


def is_current(entry: dict, found: dict, now: float) -> bool:
    """Whether every tag version the entry saw is unchanged and its time not up."""
    if entry["valid_until"] is not None and now >= entry["valid_until"]:
        return False
    versions = entry["versions"]
    others = [key for key in versions if key not in found]
    current = found
    if others:
        more = store.get_many(others)
        if more is None:
            return False
        current = {**found, **more}
    return all(current.get(key) == version for key, version in versions.items())


def hit_headers(entry: dict, now: float) -> list[tuple[str, str]]:
    """The stored headers plus what a public page carries (``http.mark_public``)."""
    headers = list(entry["headers"])
    names = {name.lower() for name, _ in headers}
    if "vary" not in names:  # a stored page varies on Cookie at most
        headers.append(("Vary", "Cookie"))
    if "cache-control" not in names:
        headers.append(
            ("Cache-Control", http.public_cache_control(entry["valid_until"], now))
        )
    headers.append(("X-Page-Cache", "hit"))
    return headers
