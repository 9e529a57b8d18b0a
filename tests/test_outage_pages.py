"""What the database-outage middleware answers, rendered without any database access.

These tests are deliberately not marked ``django_db``: pytest-django turns any query
into an error, so they also prove the pages never touch the database. The whole
outage, with a real PostgreSQL stopped and started, is tests/test_database_outage.py.
"""

import re
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from django.test import RequestFactory
from django.urls import reverse

from operations.outage import database_is_away, outage_response

CHANGE_URL = reverse("admin:articles_article_change", args=[7])
BODY = "First paragraph, typed in a hurry.\n\nSecond one: <script>alert(1)</script>"


def test_only_errors_of_a_missing_database_count_as_an_outage():
    assert database_is_away(OperationalError("server closed the connection"))
    assert database_is_away(InterfaceError("connection already closed"))
    assert not database_is_away(IntegrityError("duplicate key"))
    assert not database_is_away(ProgrammingError("syntax error"))
    assert not database_is_away(DatabaseError("no connection was ever used"))
    assert not database_is_away(ValueError("not a database error"))


def test_readers_get_the_503_page_with_retry_after():
    answer = outage_response(RequestFactory().get("/2026/11/25/some-story/"))
    assert answer.status_code == 503
    assert int(answer["Retry-After"]) > 0
    assert "no-store" in answer["Cache-Control"]
    assert "Traceback" not in answer.content.decode()


def test_editors_browsing_the_admin_are_told_the_database_is_away():
    answer = outage_response(RequestFactory().get(reverse("admin:index")))
    assert answer.status_code == 503
    assert "The database is unavailable" in answer.content.decode()


def test_a_refused_save_gives_back_every_field_and_names_lost_files():
    version = str(uuid.uuid4())
    request = RequestFactory().post(
        CHANGE_URL + "?_changelist_filters=status%3Ddraft",
        {
            "headline": "Floods reach the capital",
            "body": BODY,
            "tags": ["floods", "weather"],
            "version_seen": version,
            "published_at_0": "2026-11-25",
            "bylines-TOTAL_FORMS": "1",
            "password": "never-echoed",
            "_continue": "Save and continue editing",
            "upload": SimpleUploadedFile("flood.jpg", b"\xff\xd8\xff"),
        },
    )
    page = outage_response(request).content.decode()

    assert "Your changes are not saved yet" in page
    assert f'action="{CHANGE_URL}?_changelist_filters=status%3Ddraft"' in page
    assert "Floods reach the capital" in page
    escaped = "Second one: &lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"First paragraph, typed in a hurry.\n\n{escaped}" in page
    assert "<script>" not in page
    for value in ("floods", "weather", version, "2026-11-25"):
        assert re.search(rf"<textarea [^>]*>\n{re.escape(value)}</textarea>", page)
    assert "never-echoed" not in page
    assert "flood.jpg (upload) could not be kept" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="_continue"' in page


def test_logging_in_is_not_treated_as_work_to_keep():
    request = RequestFactory().post(
        reverse("admin:login"), {"username": "editor", "password": "secret-one"}
    )
    page = outage_response(request).content.decode()
    assert "The database is unavailable" in page
    assert "secret-one" not in page
