"""``/healthz``: whether this process can reach its database and its cache.

For load balancers and monitors: a small JSON answer, never cached, that touches no
session and asks for no login, so it says the same to everyone and costs one query
and one cache round trip.
"""

import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def database_status() -> str:
    """Run one trivial query on the default database: ``"ok"`` or why not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "not reachable" to a monitor
        return f"unavailable: {type(error).__name__}"
    return "ok"


def cache_status() -> str:
    """Write and read back a key of our own: ``"ok"`` or why not."""
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=10)
        found = cache.get(key)
        cache.delete(key)
    except Exception as error:
        return f"unavailable: {type(error).__name__}"
    return "ok" if found == "1" else "unavailable: the value written was not read back"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database and the cache both work, else 503 naming which."""
    checks = {"database": database_status(), "cache": cache_status()}
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )
