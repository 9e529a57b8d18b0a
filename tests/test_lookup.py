"""A story address finds what the ORM's query finds, in one query, on both databases."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from articles.lookup import (
    PreparedCursor,
    find_story,
    start_of,
    story_cursor,
    story_query,
)
from articles.models import Article
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db


def address_of(article: Article) -> tuple[str, date]:
    return article.slug, timezone.localtime(article.published_at).date()


def values_of(article: Article) -> dict:
    fields = Article._meta.concrete_fields
    return {
        f.attname: getattr(article, f.attname)
        for f in fields
        if f.name != "search_vector"
    }


def orm_answer(slug: str, day: date) -> Article | None:
    since, until = start_of(day), start_of(day + timedelta(days=1))
    return story_query(slug, since, until).first()


def test_a_published_story_is_found_with_its_fields_and_section(
    django_assert_num_queries,
):
    story = make_article(
        headline="Harbour reopens",
        section=make_section(name="City"),
        suggested_tags=["Harbour", "Ferries"],
    )
    with django_assert_num_queries(1):
        found = find_story(*address_of(story))
        assert found.section.name == "City"
    assert found.pk == story.pk and found.headline == "Harbour reopens"
    assert found.suggested_tags == ["Harbour", "Ferries"]  # JSON, converted
    assert found.published_at == story.published_at
    assert found.has_translations is False
    assert found.get_deferred_fields() == {"search_vector"}
    assert found._state.adding is False


def test_a_story_with_a_translation_says_so():
    story = make_article()
    make_article(translation_of=story, language="ar", slug="ar-" + story.slug)
    assert find_story(*address_of(story)).has_translations is True


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"status": Article.Status.WITHDRAWN},
        {"published_at": timezone.now() + timedelta(minutes=5)},
        {"embargo_until": timezone.now() + timedelta(minutes=5)},
    ],
    ids=["draft", "review", "withdrawn", "scheduled", "embargoed"],
)
def test_a_story_readers_may_not_see_is_not_found(fields):
    story = make_article(**fields)
    assert find_story(*address_of(story)) is None
    assert orm_answer(*address_of(story)) is None


def test_a_past_embargo_does_not_hide_the_story():
    story = make_article(embargo_until=timezone.now() - timedelta(minutes=1))
    assert find_story(*address_of(story)).pk == story.pk


def test_another_day_or_slug_finds_nothing():
    story = make_article()
    slug, day = address_of(story)
    assert find_story(slug, day + timedelta(days=1)) is None
    assert find_story(slug, day - timedelta(days=1)) is None
    assert find_story(slug + "-x", day) is None


def test_the_day_is_the_sites_local_day(settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    local = datetime(2026, 3, 2, 0, 30, tzinfo=ZoneInfo("Pacific/Auckland"))
    story = make_article(slug="late-night", published_at=local)  # 1 March in UTC
    assert find_story("late-night", date(2026, 3, 2)).pk == story.pk
    assert find_story("late-night", date(2026, 3, 1)) is None


def test_every_story_is_found_as_the_orm_finds_it():
    section = make_section()
    now = timezone.now()
    stories = [
        make_article(published_at=now - timedelta(hours=hours), section=section)
        for hours in (1, 20, 30, 49, 24 * 40)
    ] + [make_article(section=None, status=Article.Status.DRAFT)]
    for story in stories:
        orm, found = orm_answer(*address_of(story)), find_story(*address_of(story))
        assert (found and found.pk) == (orm and orm.pk)
        if orm:
            assert values_of(found) == values_of(orm)


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's own behaviour (CI runs its PostgreSQL pass)")


def is_story_query(statement: str) -> bool:
    return '"articles_article"."slug" = $' in statement


def test_on_postgresql_the_story_query_is_prepared(
    postgresql, django_assert_num_queries
):
    story = make_article()
    with django_assert_num_queries(2):  # still counted as Django's own
        find_story(*address_of(story))
        assert find_story(*address_of(story)).pk == story.pk
    assert sum(map(is_story_query, prepared_statements())) == 1  # planned once


def test_prepared_statements_can_be_turned_off(postgresql, settings):
    settings.PREPARED_STATEMENTS = False
    with story_cursor(connection) as cursor:
        assert not isinstance(cursor.cursor, PreparedCursor)
    story = make_article()
    assert find_story(*address_of(story)).pk == story.pk


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_replaced_without_an_error(postgresql):
    """The story query is the request's connection check: a kept connection that a
    database restart dropped costs a reconnection, not an error page."""
    story = make_article()
    find_story(*address_of(story))
    connection.close_if_unusable_or_obsolete()  # what the end of a request does
    dropped = connection.connection.info.backend_pid
    settings_dict = connection.settings_dict
    with psycopg.connect(
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [dropped])
    assert find_story(*address_of(story)).pk == story.pk
    assert connection.connection.info.backend_pid != dropped
