"""While the database is away: a 503 page for readers, a clear word for editors, and
an editor's unsaved text handed back to them in a form they can submit again.

Nothing here may touch the database: pages are rendered without a request context
(context processors query it) and from the request's own data only.
"""

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    connections,
)
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("operations.outage")

RETRY_AFTER_SECONDS = 30
# PEP 249: OperationalError is "not necessarily under the control of the
# programmer" (lost connection, server shut down); InterfaceError is a dead
# connection object. Mistakes in queries stay 500s.
DATABASE_AWAY = (OperationalError, InterfaceError)
QUERY_MISTAKES = (DataError, IntegrityError, ProgrammingError, NotSupportedError)
# The admin's submit buttons: the one that was pressed decides where a save goes next.
SUBMIT_BUTTONS = ("_save", "_continue", "_addanother", "_saveasnew")
MACHINE_VALUE = re.compile(
    r"[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}|[\W\d_]*", re.IGNORECASE
)


def database_is_away(error: BaseException) -> bool:
    """Tell whether ``error`` means the database cannot be reached right now."""
    if isinstance(error, DATABASE_AWAY):
        return True
    if not isinstance(error, DatabaseError) or isinstance(error, QUERY_MISTAKES):
        return False
    return any(
        wrapper.errors_occurred
        and (wrapper.connection is None or not wrapper.is_usable())
        for wrapper in connections.all(initialized_only=True)
    )


class DatabaseOutageMiddleware:
    """Turn "database unavailable" errors raised by views into a friendly 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not database_is_away(exception):
            return None
        logger.error(
            "Database unavailable while serving %s %s",
            request.method,
            request.path,
            exc_info=exception,
        )
        return outage_response(request)


def outage_response(request: HttpRequest) -> HttpResponse:
    """Render the page for whoever asked, with ``Retry-After`` and no caching."""
    context = {
        "site_name": settings.SITE_NAME,
        "site_language": settings.LANGUAGE_CODE,
        "retry_after": RETRY_AFTER_SECONDS,
    }
    if is_editor_save(request):
        context.update(kept_submission(request))
        context["csrf_token"] = get_token(request)
        template = "operations/save_kept.html"
    elif request.path.startswith(reverse("admin:index")):
        template = "operations/admin_unavailable.html"
    else:
        template = "503.html"
    response = HttpResponse(render_to_string(template, context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def is_editor_save(request: HttpRequest) -> bool:
    """A POST to the admin other than logging in or out carries an editor's work."""
    if request.method != "POST":
        return False
    admin_root = reverse("admin:index")
    not_work = (reverse("admin:login"), reverse("admin:logout"))
    return request.path.startswith(admin_root) and request.path not in not_work


@dataclass(frozen=True)
class KeptField:
    name: str
    value: str

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").replace("-", " ")

    @property
    def rows(self) -> int:
        return min(20, max(2, self.value.count("\n") + 1, len(self.value) // 80 + 1))


def kept_submission(request: HttpRequest) -> dict:
    """Split the POST into text to show, fields to carry silently, and lost files.

    Every value is carried back (a repeated name keeps all its values, in order)
    except the CSRF token, which the page renews, and passwords, which are never
    echoed. Values a person wrote are shown; ids, numbers, dates and version
    tokens travel hidden.
    """
    shown, carried, button = [], [], None
    for name, values in request.POST.lists():
        if name == "csrfmiddlewaretoken" or "password" in name.lower():
            continue
        if name in SUBMIT_BUTTONS:
            button = KeptField(name, values[0])
            continue
        for value in values:
            field = KeptField(name, value)
            machine = MACHINE_VALUE.fullmatch(value.strip())
            (carried if machine else shown).append(field)
    lost_files = [
        f"{upload.name} ({name})"
        for name, uploads in request.FILES.lists()
        for upload in uploads
    ]
    return {
        "action": request.get_full_path(),
        "shown": shown,
        "carried": carried,
        "button": button,
        "lost_files": lost_files,
    }
