"""DATABASE_REPLICA_URL: readers' pages from the replica, the admin and saves on the
primary (newsroom/routers.py).

Two real PostgreSQL databases of this module's own play the primary and the
replica, whatever database the rest of the suite runs on: the primary is migrated
and filled, the replica is copied from it (``CREATE DATABASE … TEMPLATE``, the
schema and rows a replica would have received), then the primary moves on. Each
test can tell which copy answered: the replica still has the older headline.
"""

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

import dj_database_url
import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from articles.models import Article, Author, Correction
from newsroom.routers import REPLICA, ReplicaReadsMiddleware, replica_reads
from tests.factories import make_article, make_author, make_section, make_user

SERVER = "postgres://postgres@127.0.0.1:5432"
OLD_HEADLINE = "Storm closes the harbour"
NEW_HEADLINE = "Harbour reopens, ferries running"


@dataclass
class Copies:
    story: Article
    author: Author


def own_cache(name: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"replica-tests-{name}",
        }
    }


def server_or_skip() -> None:
    try:
        psycopg.connect(f"{SERVER}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError as error:
        reason = f"PostgreSQL is not reachable at {SERVER} ({error})"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the replica tests")
        pytest.skip(reason)


def admin_sql(*statements: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@pytest.fixture(scope="module")
def copies(django_db_blocker) -> Iterator[Copies]:
    """Point ``default`` at a fresh primary and add the ``replica`` alias; restore
    the suite's own database afterwards."""
    server_or_skip()
    names = {
        DEFAULT_DB_ALIAS: f"test_newsroom_primary_{os.getpid()}",
        REPLICA: f"test_newsroom_replica_{os.getpid()}",
    }
    drop = [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names.values()]
    admin_sql(*drop, f'CREATE DATABASE "{names[DEFAULT_DB_ALIAS]}"')
    configured = connections.configure_settings(
        {
            alias: dj_database_url.parse(f"{SERVER}/{name}")
            for alias, name in names.items()
        }
    )
    suite_connection = connections[DEFAULT_DB_ALIAS]
    suite_settings = connections.settings[DEFAULT_DB_ALIAS]
    # Writes leave a mark in the cache: not in the one the rest of the suite uses.
    with django_db_blocker.unblock(), override_settings(CACHES=own_cache("setup")):
        try:
            connections.settings[DEFAULT_DB_ALIAS] = configured[DEFAULT_DB_ALIAS]
            connections[DEFAULT_DB_ALIAS] = connections.create_connection(
                DEFAULT_DB_ALIAS
            )
            ContentType.objects.clear_cache()  # ids of the suite's database
            call_command("migrate", interactive=False, verbosity=0)
            story = make_article(
                headline=OLD_HEADLINE,
                section=make_section(slug="world", name="World"),
                tags=["harbour"],
            )
            author = make_author(name="Ann Writer", slug="ann-writer")
            connections[DEFAULT_DB_ALIAS].close()
            admin_sql(
                f'CREATE DATABASE "{names[REPLICA]}" '
                f'TEMPLATE "{names[DEFAULT_DB_ALIAS]}"'
            )
            connections.settings[REPLICA] = configured[REPLICA]
            # The primary moves on; the replica has not caught up yet.
            Article.objects.filter(pk=story.pk).update(headline=NEW_HEADLINE)
            yield Copies(story=story, author=author)
        finally:
            for alias in (DEFAULT_DB_ALIAS, REPLICA):
                if alias in connections.settings:
                    connections[alias].close()
            if REPLICA in connections.settings:
                del connections[REPLICA]
                del connections.settings[REPLICA]
            connections.settings[DEFAULT_DB_ALIAS] = suite_settings
            connections[DEFAULT_DB_ALIAS] = suite_connection
            ContentType.objects.clear_cache()
            admin_sql(*drop)


@pytest.fixture
def site(copies, django_db_blocker, settings, request) -> Iterator[Copies]:
    """The two databases, and a cache of this test's own: no page, no recent write."""
    settings.CACHES = own_cache(request.node.name)
    with django_db_blocker.unblock():
        yield copies


@pytest.fixture
def editor(site):
    user = get_user_model().objects.filter(username="desk-editor").first()
    if user is None:
        user = make_user("desk-editor", superuser=False)
        user.groups.add(Group.objects.get(name="Editor"))
    return user


def test_a_readers_page_is_read_from_the_replica(site, client):
    response = client.get(site.story.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert OLD_HEADLINE in page
    assert NEW_HEADLINE not in page
    assert NEW_HEADLINE not in client.get(reverse("articles:home")).content.decode()


def test_the_admin_reads_the_primary(site, client, editor):
    client.force_login(editor)
    change = reverse("admin:articles_article_change", args=[site.story.pk])
    page = client.get(change).content.decode()
    assert NEW_HEADLINE in page
    assert OLD_HEADLINE not in page


def test_a_signed_in_editor_sees_public_pages_from_the_primary(site, client, editor):
    """An editor checking the story they just saved must see it as saved."""
    client.force_login(editor)
    page = client.get(site.story.get_absolute_url()).content.decode()
    assert NEW_HEADLINE in page
    assert OLD_HEADLINE not in page


def test_a_save_in_the_admin_goes_to_the_primary(site, client, editor):
    client.force_login(editor)
    author = site.author
    response = client.post(
        reverse("admin:articles_author_change", args=[author.pk]),
        {
            "name": "Ann Writer-Jones",
            "slug": author.slug,
            "job_title": "Harbour correspondent",
            "bio": "",
            "user": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Author.objects.using(DEFAULT_DB_ALIAS).get(pk=author.pk).name == (
        "Ann Writer-Jones"
    )
    assert Author.objects.using(REPLICA).get(pk=author.pk).name == "Ann Writer"


def test_after_a_write_the_same_request_reads_the_primary(site):
    """Reads follow the write that preceded them: never an older copy than written."""
    with replica_reads():
        assert Article.objects.get(pk=site.story.pk).headline == OLD_HEADLINE
        Correction.objects.create(article_id=site.story.pk, text="A ferry time.")
        assert router.db_for_read(Article) == DEFAULT_DB_ALIAS
        assert Article.objects.get(pk=site.story.pk).headline == NEW_HEADLINE
        assert Correction.objects.filter(article_id=site.story.pk).exists()


@pytest.mark.parametrize(
    ("method", "path", "signed_in", "database"),
    [
        ("get", "/", False, REPLICA),
        ("head", "/section/world/", False, REPLICA),
        ("get", "/admin/articles/article/", False, DEFAULT_DB_ALIAS),
        ("get", "/preview/abc/", False, DEFAULT_DB_ALIAS),
        ("get", "/", True, DEFAULT_DB_ALIAS),
        ("post", "/search/", False, DEFAULT_DB_ALIAS),
        ("put", "/api/v1/articles/", False, DEFAULT_DB_ALIAS),
    ],
)
def test_only_anonymous_reads_of_public_pages_use_the_replica(
    site, settings, method, path, signed_in, database
):
    request = getattr(RequestFactory(), method)(path)
    if signed_in:
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"
    middleware = ReplicaReadsMiddleware(
        lambda request: HttpResponse(router.db_for_read(Article))
    )
    assert middleware(request).content.decode() == database


def test_for_a_while_after_any_write_readers_read_the_primary(site, client, settings):
    """A write elsewhere (here: a command, outside any request) may not have reached
    the replica yet: until DATABASE_REPLICA_MAX_LAG has passed, pages computed now
    (and cached) come from the primary."""
    settings.DATABASE_REPLICA_MAX_LAG = 1.0
    assert OLD_HEADLINE in client.get(reverse("articles:home")).content.decode()
    Author.objects.filter(pk=site.author.pk).update(job_title="Harbour correspondent")
    section = client.get(reverse("articles:section", args=["world"]))
    assert NEW_HEADLINE in section.content.decode()
    assert OLD_HEADLINE not in section.content.decode()
    time.sleep(1.6)  # the mark is held for one and a half lags
    tag = client.get(reverse("articles:tag", args=["harbour"]))
    assert NEW_HEADLINE not in tag.content.decode()
    assert OLD_HEADLINE in tag.content.decode()


def test_writes_no_reader_sees_leave_readers_on_the_replica(site, client, editor):
    """An editor logging in and opening a story writes a session and a presence
    row: no reason to take readers off the replica."""
    desk = Client()
    desk.force_login(editor)
    change = reverse("admin:articles_article_change", args=[site.story.pk])
    assert desk.get(change).status_code == 200
    home = client.get(reverse("articles:home")).content.decode()
    assert OLD_HEADLINE in home
    assert NEW_HEADLINE not in home


def test_outside_a_request_everything_uses_the_primary(site):
    """Commands and imports decide from current rows, never from a lagging copy."""
    assert router.db_for_read(Article) == DEFAULT_DB_ALIAS
    assert Article.objects.get(pk=site.story.pk).headline == NEW_HEADLINE


def test_migrations_run_on_the_primary_only(site):
    assert router.allow_migrate_model(DEFAULT_DB_ALIAS, Article)
    assert not router.allow_migrate_model(REPLICA, Article)
    assert not router.allow_migrate(REPLICA, "auth")
