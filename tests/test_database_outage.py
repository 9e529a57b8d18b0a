"""The site survives its database going away and coming back, and an editor's save
made meanwhile is kept and lands afterwards.

Against a PostgreSQL cluster of its own (tests/pgcluster.py), never the shared
server, and the site served as ``make serve`` serves it (tests/appserver.py).
"""

import json
import os

import lxml.html
import pytest
import requests
from django.urls import reverse

from tests.appserver import ServedSite
from tests.pgcluster import PgCluster, unavailable_reason

PASSWORD = "a-long-password-for-the-outage-test"
CREATE_CONTENT = f"""
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from articles.models import Article, Section
section = Section.objects.create(name="World", slug="world")
made = [
    Article.objects.create(
        headline=f"Outage story {{n}}", standfirst="Before.", body="Before the outage.",
        section=section, status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=n),
    )
    for n in (1, 2, 3)
]
get_user_model().objects.create_superuser("editor", "e@example.org", "{PASSWORD}")
print(json.dumps([{{"id": a.pk, "url": a.get_absolute_url()}} for a in made]))
"""
TYPED_BODY = "Written while the database was away.\n\nSecond paragraph: ‘quotes’ & <b>."


@pytest.fixture(scope="module")
def cluster():
    reason = unavailable_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason + ", and CI must run the database outage test")
        pytest.skip(reason)
    with PgCluster() as started:
        yield started


@pytest.fixture(scope="module")
def site(cluster):
    with ServedSite(cluster.create_database("newsroom"), workers=2) as served:
        yield served


def log_in(site: ServedSite) -> requests.Session:
    session = requests.Session()
    login = site.url(reverse("admin:login") + "?next=" + reverse("admin:index"))
    fields = dict(
        form_fields(session.get(login, timeout=10).text, "//form[@id='login-form']")
    )
    fields.update(username="editor", password=PASSWORD)
    answer = session.post(login, data=fields, timeout=10)
    assert answer.url == site.url(reverse("admin:index")), answer.text[:500]
    return session


def form_fields(html: str, form_xpath: str) -> list[tuple[str, str]]:
    """What a browser would send for the form.

    libxml2 keeps the newline that follows ``<textarea>``; HTML parsers drop it.
    """
    form = lxml.html.fromstring(html).xpath(form_xpath)[0]
    textareas = set(form.xpath(".//textarea/@name"))
    return [
        (name, value[1:] if name in textareas and value[:1] == "\n" else value)
        for name, value in form.form_values()
    ]


def assert_friendly_503(answer: requests.Response) -> None:
    assert answer.status_code == 503
    assert int(answer.headers["Retry-After"]) > 0
    assert "no-store" in answer.headers["Cache-Control"]
    assert "Traceback" not in answer.text
    assert "OperationalError" not in answer.text


def test_readers_and_editors_ride_out_a_database_restart(site, cluster):
    """Readers get a 503 page, an editor's save is kept, and all recovers unaided."""
    stories = json.loads(site.manage("shell", "--no-imports", "-c", CREATE_CONTENT))
    first, second, third = (site.url(story["url"]) for story in stories)
    reader = requests.Session()
    assert reader.get(site.url("/"), timeout=10).status_code == 200
    assert reader.get(first, timeout=10).status_code == 200
    health = reader.get(site.url("/healthz"), timeout=10)
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok", "cache": "ok"}

    editor = log_in(site)
    change = site.url(reverse("admin:articles_article_change", args=[stories[0]["id"]]))
    fields = dict(
        form_fields(editor.get(change, timeout=10).text, "//form[@id='article_form']")
    )
    fields.update(headline="Edited in the outage", body=TYPED_BODY, _continue="1")

    cluster.stop("fast")

    never_seen = reader.get(second, timeout=10)
    assert_friendly_503(never_seen)
    assert "We will be back" in never_seen.text or "try again" in never_seen.text
    assert_friendly_503(reader.get(site.url("/search/?q=outage"), timeout=10))
    health = reader.get(site.url("/healthz"), timeout=10)
    assert health.status_code == 503
    assert health.json()["database"].startswith("unavailable")
    assert health.json()["cache"] == "ok"

    admin_page = editor.get(site.url(reverse("admin:index")), timeout=10)
    assert_friendly_503(admin_page)
    assert "The database is unavailable" in admin_page.text

    refused = editor.post(change, data=fields, timeout=10)
    assert_friendly_503(refused)
    assert "Your changes are not saved yet" in refused.text
    kept_fields = form_fields(refused.text, "//form")
    kept = dict(kept_fields)
    assert kept["body"].replace("\r\n", "\n") == TYPED_BODY
    assert kept["headline"] == "Edited in the outage"
    assert "&lt;b&gt;" in refused.text and "<b>." not in refused.text
    assert lxml.html.fromstring(refused.text).forms[0].action == (
        reverse("admin:articles_article_change", args=[stories[0]["id"]])
    )

    cluster.start()

    for page in (second, third, site.url("/"), site.url("/search/?q=outage")) * 2:
        assert reader.get(page, timeout=10).status_code == 200, page
    assert reader.get(site.url("/healthz"), timeout=10).status_code == 200

    button = lxml.html.fromstring(refused.text).xpath("//form//button")[0]
    saved = editor.post(
        change,
        data=[*kept_fields, (button.get("name"), button.get("value"))],
        timeout=10,
    )
    assert saved.status_code == 200 and saved.url == change, saved.text[:500]
    public = reader.get(first, timeout=10)
    assert "Edited in the outage" in public.text
    assert "Written while the database was away." in public.text
    assert "Internal Server Error" not in site.server_log()
    assert "Database unavailable while serving POST" in site.server_log()
