"""HTTP headers of public pages: who may keep a copy, for how long, and validators.

Anonymous readers get ``public`` pages that a CDN and the browser may reuse for
``PAGE_CACHE_MAX_AGE`` seconds (and serve while revalidating for as long again), but
never past the next scheduled change. Signed-in users get ``private, no-cache``:
their pages show editing links and must never land in a shared cache.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

CACHEABLE_STATUSES = {200, 404, 410}
REFUSING_DIRECTIVES = ("private", "no-store", "no-cache")


def mark_public(
    response: HttpResponse, *, valid_until: float | None, now: float
) -> None:
    """Let shared caches keep ``response`` until the next change by time, at most."""
    patch_vary_headers(response, ("Cookie",))
    if not response.has_header("Cache-Control"):
        response.headers["Cache-Control"] = public_cache_control(valid_until, now)


def public_cache_control(valid_until: float | None, now: float) -> str:
    """``public`` for ``PAGE_CACHE_MAX_AGE`` (and as long again while revalidating),
    shortened to end at ``valid_until``, the next change by time."""
    max_age = settings.PAGE_CACHE_MAX_AGE
    seconds_left = None if valid_until is None else int(valid_until - now)
    if seconds_left is not None and seconds_left < 2 * max_age:
        return f"public, max-age={max(seconds_left, 0)}"
    return f"public, max-age={max_age}, stale-while-revalidate={max_age}"


def mark_private(response: HttpResponse) -> None:
    patch_cache_control(response, private=True, no_cache=True)


def add_validators(response: HttpResponse, *, last_modified: int) -> None:
    """Give a page about to be cached its ETag and Last-Modified, unless it has them."""
    if not response.has_header("ETag"):
        set_response_etag(response)
    if not response.has_header("Last-Modified"):
        response.headers["Last-Modified"] = http_date(last_modified)


def conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Answer ``If-None-Match``/``If-Modified-Since`` for a stored page (as
    ``ConditionalGetMiddleware`` does for computed ones): 304 when unchanged."""
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=last_modified,
        response=response,
    )


def is_storable(response: HttpResponse) -> bool:
    """Whether ``response`` is the same for every anonymous reader and may be kept."""
    if response.status_code not in CACHEABLE_STATUSES or response.streaming:
        return False
    if response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(directive in cache_control for directive in REFUSING_DIRECTIVES):
        return False
    vary = {h.strip().lower() for h in response.get("Vary", "").split(",") if h}
    # Anonymous requests carry no session cookie; any other Vary would need its
    # header in the key.
    return vary <= {"cookie"}
