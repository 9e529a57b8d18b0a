"""The page cache's WSGI front: hits answered before Django, the same as Django's."""

import io
import sys

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse

from pagecache import invalidate
from pagecache.wsgi import CachedPages

from .factories import make_article, make_live_entry, make_user

pytestmark = pytest.mark.django_db


class Served:
    """One answer of a WSGI application: status line, headers and body."""

    def __init__(self, application, path: str, method: str = "GET", **headers):
        query = ""
        if "?" in path:
            path, query = path.split("?", 1)
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            **headers,
        }
        chunks = application(environ, self.start_response)
        self.body = b"".join(chunks)
        getattr(chunks, "close", lambda: None)()

    def start_response(self, status: str, headers: list, exc_info=None) -> None:
        self.status, self.headers = status, dict(headers)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Let Django's handler run without closing the test's database connection at
    each request's end, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def front(settings):
    settings.PAGE_CACHE = True  # before the handler loads its middleware
    return CachedPages(WSGIHandler())


@pytest.fixture
def story():
    return make_article(headline="Dam opens on the river")


def test_a_hit_is_answered_in_front_with_django_s_bytes_and_headers(
    front, story, settings, django_assert_num_queries
):
    url = story.get_absolute_url()
    first = Served(front, url)
    assert first.headers["X-Page-Cache"] == "miss"
    from_django = Served(WSGIHandler(), url)  # the middleware's hit
    with django_assert_num_queries(0):
        in_front = Served(front, url)
    assert from_django.headers["X-Page-Cache"] == in_front.headers["X-Page-Cache"]
    assert in_front.status == from_django.status == "200 OK"
    assert in_front.body == from_django.body == first.body
    assert in_front.headers == from_django.headers
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "ETag"):
        assert name in in_front.headers
    assert in_front.headers["Vary"] == "Cookie"
    assert in_front.headers["Cache-Control"].startswith("public, max-age=")


def test_the_front_never_answers_from_django_s_handler(front, story, monkeypatch):
    """A hit really skips Django: a handler that would fail is never called."""
    url = story.get_absolute_url()
    Served(front, url)

    def refuse(environ, start_response):
        raise AssertionError("Django was asked for a page the front had")

    monkeypatch.setattr(front, "application", refuse)
    assert Served(front, url).headers["X-Page-Cache"] == "hit"
    assert Served(front, url, method="HEAD").body == b""


def test_a_publish_is_current_in_front_at_the_very_next_request(front, story):
    home = reverse("articles:home")
    Served(front, home)
    assert Served(front, home).headers["X-Page-Cache"] == "hit"
    make_article(headline="Flood warning lifted")
    fresh = Served(front, home)
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert b"Flood warning lifted" in fresh.body


@pytest.mark.parametrize(
    "request_headers",
    [
        {"HTTP_IF_NONE_MATCH": '"x"'},
        {"HTTP_IF_MODIFIED_SINCE": "Sun, 06 Dec 2026 12:00:00 GMT"},
        {"HTTP_COOKIE": "sessionid=abc"},
    ],
    ids=["if-none-match", "if-modified-since", "session-cookie"],
)
def test_conditional_and_signed_in_requests_go_to_django(
    front, story, monkeypatch, request_headers
):
    url = story.get_absolute_url()
    Served(front, url)
    asked = []
    django_app = front.application

    def record(environ, start_response):
        asked.append(environ["PATH_INFO"])
        return django_app(environ, start_response)

    monkeypatch.setattr(front, "application", record)
    Served(front, url, **request_headers)
    assert asked == [url]


def test_a_304_still_comes_from_the_cache_through_django(
    front, story, django_assert_num_queries
):
    url = story.get_absolute_url()
    etag = Served(front, url).headers["ETag"]
    with django_assert_num_queries(0):
        answer = Served(front, url, HTTP_IF_NONE_MATCH=etag)
    assert answer.status.startswith("304")
    assert answer.body == b""


def test_an_editor_never_gets_a_stored_page(front, story, client):
    url = story.get_absolute_url()
    Served(front, url)
    client.force_login(make_user("editor"))
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    answer = Served(front, url, HTTP_COOKIE=cookie)
    assert "X-Page-Cache" not in answer.headers
    assert "private" in answer.headers["Cache-Control"]


def test_a_live_entry_makes_the_live_page_current_in_front(
    front, django_capture_on_commit_callbacks
):
    live = make_article(is_live=True)
    url = live.get_absolute_url()
    Served(front, url)
    assert Served(front, url).headers["X-Page-Cache"] == "hit"
    invalidate(f"article:{live.pk}")
    assert Served(front, url).headers["X-Page-Cache"] == "miss"
    Served(front, url)
    with django_capture_on_commit_callbacks(execute=True):
        make_live_entry(live, body="The bridge has reopened.")
    assert b"The bridge has reopened." in Served(front, url).body


def test_with_the_page_cache_off_the_front_passes_everything(settings, story):
    settings.PAGE_CACHE = False
    front = CachedPages(WSGIHandler())
    url = story.get_absolute_url()
    Served(front, url)
    assert "X-Page-Cache" not in Served(front, url).headers


def test_a_miss_in_front_is_computed_from_the_same_lookup(front, story, monkeypatch):
    """The middleware goes on with the front's lookup: the page is read once."""
    from pagecache import lookup as lookup_module

    looked_up = []
    real = lookup_module.look_up

    def counting(environ):
        looked_up.append(environ["PATH_INFO"])
        return real(environ)

    monkeypatch.setattr("pagecache.wsgi.look_up", counting)
    monkeypatch.setattr("pagecache.middleware.look_up", counting)
    url = story.get_absolute_url()
    assert Served(front, url).headers["X-Page-Cache"] == "miss"
    assert looked_up == [url]
    assert Served(front, url).headers["X-Page-Cache"] == "hit"
