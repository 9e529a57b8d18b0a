"""Error pages are friendly and tell an outsider nothing about the system.

With DEBUG off, as in production: each error page says what happened in plain
words, and carries no traceback, exception message, setting, database name or
file path. The 500 and 503 pages render with no database and no request context,
since either may be what failed.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from articles import workflow
from newsroom.errors import render_error_page, service_unavailable

from .error_urls import SECRET_DETAIL
from .factories import make_article, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False


@pytest.fixture
def reader() -> Client:
    return Client(raise_request_exception=False)


def assert_leaks_nothing(response) -> str:
    page = response.content.decode()
    forbidden = [
        "Traceback",
        "RuntimeError",
        "Exception",
        SECRET_DETAIL,
        "internal detail",
        settings.SECRET_KEY,
        str(settings.BASE_DIR),
        "/srv/",
        ".py",
        "DATABASES",
        "settings",
        "sqlite",
        "postgres",
    ]
    assert [word for word in forbidden if word in page] == []
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>" in page and 'href="/"' in page
    return page


def test_a_view_that_raises_gives_the_friendly_500_page(reader, caplog):
    response = reader.get("/fail/explode/")
    assert response.status_code == 500
    assert "Something went wrong" in assert_leaks_nothing(response)
    # The details go to the log, for the people running the site.
    assert any(SECRET_DETAIL in str(record.exc_info) for record in caplog.records)


def test_an_unknown_address_gives_the_friendly_404_page(reader):
    response = reader.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in assert_leaks_nothing(response)


def test_a_forbidden_action_gives_the_friendly_403_page(reader):
    response = reader.get("/fail/forbid/")
    assert response.status_code == 403
    assert "You cannot open this page" in assert_leaks_nothing(response)


def test_a_form_without_its_csrf_token_gives_the_friendly_403_page():
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post(reverse("admin:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = assert_leaks_nothing(response)
    assert "This form could not be sent" in page
    assert "CSRF" not in page


def test_a_suspicious_request_gives_the_friendly_400_page(reader):
    response = reader.get("/fail/suspicious/")
    assert response.status_code == 400
    assert "could not understand that request" in assert_leaks_nothing(response)


def test_an_unknown_host_name_gives_the_friendly_400_page(reader):
    response = reader.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    page = assert_leaks_nothing(response)
    assert "attacker.example" not in page and "ALLOWED_HOSTS" not in page


def test_a_withdrawn_story_gives_the_friendly_410_page(reader):
    story = make_article(headline="Story later withdrawn")
    workflow.withdraw(story, make_user("desk"))
    response = reader.get(story.get_absolute_url())
    assert response.status_code == 410
    page = assert_leaks_nothing(response)
    assert "This story has been withdrawn" in page
    assert "Story later withdrawn" not in page


def test_the_503_page_tells_readers_and_clients_to_come_back(reader):
    response = reader.get("/fail/unavailable/")
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    assert "temporarily unavailable" in assert_leaks_nothing(response)


@pytest.mark.parametrize("template", ["400.html", "500.html", "503.html"])
def test_bare_error_pages_render_without_the_database(
    template, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = render_error_page(template, 500)
    page = response.content.decode()
    assert "<title>" in page and settings.SITE_NAME in page
    assert "{%" not in page and "{{" not in page


def test_service_unavailable_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = service_unavailable()
    assert response.status_code == 503 and response["Retry-After"] == "30"
