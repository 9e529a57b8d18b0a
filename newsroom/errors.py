"""Error pages that need nothing but the template files.

A 500 or 503 is rendered when the database, a context processor or a template may be
what broke, so these pages get a fixed context (the site's name) and no request
context processors; they never show the exception, settings or paths. The 400 page
is rendered the same way because Django gives it no request context either.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader


def render_error_page(template_name: str, status: int) -> HttpResponse:
    """Render an error template with the site's name only: no database, no request."""
    html = loader.get_template(template_name).render({"site_name": settings.SITE_NAME})
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer a malformed or suspicious request (``handler400``)."""
    return render_error_page("400.html", 400)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer an unexpected exception (``handler500``); the traceback is only logged."""
    return render_error_page("500.html", 500)


def service_unavailable(retry_after: int = 30) -> HttpResponse:
    """Tell readers the site is down for a moment, and clients when to come back.

    For callers that find the database (or another backend) unreachable: the page
    renders without either.
    """
    response = render_error_page("503.html", 503)
    response["Retry-After"] = str(retry_after)
    return response
