"""Read API: published stories as IPTC ninjs 2.1 JSON, with ETags for cheap polling.

Plain Django views rather than Django REST framework: a read-only API in an external,
fully specified format needs no serializers, routers or browsable pages, and Django
itself brings what it does need (``Paginator``, conditional responses for ETag and
``If-None-Match``, cache headers).

Responses are ``application/json``: ninjs has no registered media type of its own.
"""

import hashlib
import json
import re
from datetime import datetime, time

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe

from .interchange.ninjs import to_ninjs
from .models import Article, ArticleQuerySet

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_AGE = 60  # seconds shared caches and clients may reuse a response unasked
# A "+" in a query string arrives as a space: "…T10:00:00 02:00" meant "+02:00".
OFFSET_AS_SPACE = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d(?::?\d\d)?)$")


class BadParameter(ValueError):
    """A query parameter the client must fix; answered with 400 naming it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    """List published stories, newest first, a page at a time.

    Filters: ``section`` and ``tag`` (slugs), ``updated_since`` (ISO 8601: stories
    published, changed or out of embargo since then). Paging: ``page`` (from 1) and
    ``page_size`` (default 20, at most 100).
    """
    try:
        stories = _filter(Article.objects.published(), request)
        page_size = _number(request, "page_size", PAGE_SIZE, maximum=MAX_PAGE_SIZE)
        number = _number(request, "page", 1)
    except BadParameter as error:
        return _error(400, str(error), parameter=error.parameter)
    paginator = Paginator(stories.with_relations(), page_size)
    if number > paginator.num_pages:
        return _error(
            404, f"There is no page {number}: the last is {paginator.num_pages}."
        )
    page = paginator.page(number)
    base_url = _base_url(request)
    payload = {
        "items": [to_ninjs(article, base_url=base_url) for article in page],
        "count": paginator.count,
        "page": number,
        "pages": paginator.num_pages,
        "page_size": page_size,
        "next": _page_url(request, number + 1) if page.has_next() else None,
        "previous": _page_url(request, number - 1) if page.has_previous() else None,
    }
    return _conditional_json(request, payload)


@require_safe
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Return one published story; anything else is not found."""
    article = Article.objects.published().with_relations().filter(pk=pk).first()
    if article is None:
        return _error(404, f"No published story has the id {pk}.")
    return _conditional_json(request, to_ninjs(article, base_url=_base_url(request)))


def _filter(stories: ArticleQuerySet, request: HttpRequest) -> ArticleQuerySet:
    """Apply the ``section``, ``tag`` and ``updated_since`` filters of the request."""
    if section := request.GET.get("section"):
        stories = stories.filter(section__slug=section)
    if tag := request.GET.get("tag"):
        stories = stories.filter(tags__slug=tag)
    if (value := request.GET.get("updated_since")) is not None:
        since = _when(value)
        # A scheduled story or one under embargo appears long after its last save:
        # for a client polling with updated_since, that is when it changed.
        stories = stories.filter(
            Q(updated_at__gte=since)
            | Q(published_at__gte=since)
            | Q(embargo_until__gte=since)
        )
    return stories


def _when(value: str) -> datetime:
    """Read ``updated_since``: a date-time or a date (midnight), local time if naive."""
    text = OFFSET_AS_SPACE.sub(r"\1+\2", value.strip())
    try:
        when = parse_datetime(text)
        if when is None and (day := parse_date(text)) is not None:
            when = datetime.combine(day, time.min)
    except ValueError:
        when = None
    if when is None:
        raise BadParameter(
            "updated_since",
            f"updated_since={value!r} is not an ISO 8601 date or date-time, "
            "e.g. 2026-11-24 or 2026-11-24T09:30:00Z",
        )
    return timezone.make_aware(when) if timezone.is_naive(when) else when


def _number(
    request: HttpRequest, name: str, default: int, *, maximum: int | None = None
) -> int:
    """Read a positive whole number (at most ``maximum``) from the query string."""
    value = request.GET.get(name)
    if value is None:
        return default
    digits = value.isascii() and value.isdigit() and len(value) < 10
    number = int(value) if digits else 0
    if number < 1 or (maximum is not None and number > maximum):
        limit = f"1 to {maximum}" if maximum else "1 up"
        raise BadParameter(name, f"{name}={value!r}: give a whole number from {limit}")
    return number


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _conditional_json(request: HttpRequest, payload: dict) -> HttpResponse:
    """Answer with ``payload``, or 304 when the client's ETag still matches.

    The ETag is a hash of the body itself, so it changes with anything shown: a
    photo's caption or an author's name as well as the story's own fields.
    """
    content = json.dumps(payload, ensure_ascii=False).encode()
    etag = f'"{hashlib.sha256(content).hexdigest()[:40]}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(content, content_type="application/json")
    response.headers["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _error(status: int, message: str, **details) -> JsonResponse:
    return JsonResponse({"error": message, **details}, status=status)
