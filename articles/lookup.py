"""The one query of a story page, compiled once per database.

Building and compiling the ORM query behind a story address (``published()``, the
day's bounds, the slug) took about 2.5 ms of the page's 5 ms on this machine, for a
query PostgreSQL answers in 0.3 ms (#7, docs/benchmarks.md). The SQL stays the
ORM's: :func:`story_query` builds it from ``Article.objects.published()``. It is
compiled once per database with sample values, and every request runs that SQL with
its own values where the samples were (on PostgreSQL as a prepared statement), and
makes the story from the row as the ORM's own iterator does. tests/test_lookup.py
holds the answers to the ORM's on both databases.
"""

import datetime
from dataclasses import dataclass
from functools import cache

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections, router
from django.db.backends.utils import CursorWrapper
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.query import get_related_populators
from django.utils import timezone

from .models import Article

# Sample values, and others: where a parameter changes when one value is swapped for
# its other is where a request's own value goes.
SAMPLES = {
    "slug": ("sample-one", "sample-two"),
    "since": (
        datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(2002, 2, 2, tzinfo=datetime.UTC),
    ),
    "until": (
        datetime.datetime(2001, 1, 3, tzinfo=datetime.UTC),
        datetime.datetime(2002, 2, 4, tzinfo=datetime.UTC),
    ),
    "now": (
        datetime.datetime(2001, 1, 5, tzinfo=datetime.UTC),
        datetime.datetime(2002, 2, 6, tzinfo=datetime.UTC),
    ),
}
# The field each value is compared with, which prepares it for the database.
FIELDS = {
    "slug": "slug",
    "since": "published_at",
    "until": "published_at",
    "now": "published_at",
}


def story_query(
    slug: str, since: datetime.datetime, until: datetime.datetime, now=None
) -> QuerySet[Article]:
    """The story published under ``slug`` between ``since`` and ``until``, with its
    section and whether it has translations, without its search index."""
    translations = Article.objects.filter(translation_of=OuterRef("pk"))
    return (
        Article.objects.published(at=now)
        .filter(slug=slug, published_at__gte=since, published_at__lt=until)
        .defer("search_vector")
        .select_related("section")
        .annotate(has_translations=Exists(translations))[:1]
    )


def find_story(slug: str, date: datetime.date) -> Article | None:
    """Return the published story at ``/<date>/<slug>/``, or ``None``: the answer
    of :func:`story_query` in one query, without building it."""
    alias = router.db_for_read(Article)
    connection = connections[alias]
    query = compiled(alias, connection.vendor)
    values = {
        "slug": slug,
        "since": start_of(date),
        "until": start_of(date + datetime.timedelta(days=1)),
        "now": timezone.now(),
    }
    params = list(query.params)
    for name, value in values.items():
        field = Article._meta.get_field(FIELDS[name])
        prepared = field.get_db_prep_value(value, connection)
        for place in query.places[name]:
            params[place] = prepared
    row = fetch_row(connection, query.sql, params)
    return None if row is None else query.story(row, alias, connection)


def fetch_row(connection, sql: str, params: list) -> tuple | None:
    """Run the story query; return its row, if any.

    Django checks a kept connection with a round trip of its own before a request's
    first query (``CONN_HEALTH_CHECKS``). Here the story query is that check: on a
    connection the server dropped (a restart) it fails, and runs again on a new
    one, as the check would have had it.
    """
    checks_itself = (
        connection.health_check_enabled
        and not connection.health_check_done
        and connection.connection is not None
        and not connection.in_atomic_block
    )
    if checks_itself:
        connection.health_check_done = True
    try:
        return _fetch_row(connection, sql, params)
    except (OperationalError, InterfaceError):
        if not checks_itself or connection.is_usable():
            raise
        connection.close()
        return _fetch_row(connection, sql, params)


def _fetch_row(connection, sql: str, params: list) -> tuple | None:
    with story_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@dataclass(frozen=True)
class CompiledQuery:
    """The SQL of a story query, and how its row becomes a story: as Django's own
    ``ModelIterable`` makes one, with its section from the same row."""

    sql: str
    params: tuple
    places: dict[str, list[int]]  # where each value goes in ``params``
    fields: list[str]  # the attribute names of the row's first columns
    annotations: dict[str, int]  # other attributes, by column
    converters: dict[int, tuple]  # (converters, expression), by column
    related: list  # Django's RelatedPopulator of each select_related()

    def story(self, row: tuple, alias: str, connection) -> Article:
        row = list(row)
        for place, (converters, expression) in self.converters.items():
            for converter in converters:
                row[place] = converter(row[place], expression, connection)
        story = Article.from_db(alias, self.fields, row[: len(self.fields)])
        for populator in self.related:
            populator.populate(row, story)
        for name, place in self.annotations.items():
            setattr(story, name, row[place])
        return story


class PreparedCursor(psycopg.Cursor):
    """A psycopg cursor that binds values on the server and prepares what it runs:
    the server plans the statement once per connection."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def story_cursor(connection) -> CursorWrapper:
    """Django's cursor, or on PostgreSQL (``PREPARED_STATEMENTS``) Django's wrapper
    around a :class:`PreparedCursor`: checked, counted and logged the same way.

    Only this query: Django 5.2 binding every query on the server would not split a
    ``bulk_create`` past PostgreSQL's 65,535 parameters.
    """
    if connection.vendor != "postgresql" or not settings.PREPARED_STATEMENTS:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:  # Django's "never"
        connection.connection.prepare_threshold = 5  # only server-binding cursors
    cursor = PreparedCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


def start_of(date: datetime.date) -> datetime.datetime:
    """Midnight of ``date`` in the current time zone, as DateDetailView counts."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))


@cache
def compiled(alias: str, vendor: str) -> CompiledQuery:
    """:func:`story_query` compiled for ``alias``, with where each value goes. By
    vendor too: tests point an alias at another database."""
    samples = {name: pair[0] for name, pair in SAMPLES.items()}
    compiler, (sql, params) = _compile(alias, samples)
    places = {}
    for name, (_, other) in SAMPLES.items():
        other_sql, other_params = _compile(alias, {**samples, name: other})[1]
        if other_sql != sql:
            raise RuntimeError(f"the story query's SQL depends on its {name}")
        pairs = enumerate(zip(params, other_params, strict=True))
        places[name] = [place for place, (one, two) in pairs if one != two]
        if not places[name]:
            raise RuntimeError(f"the story query does not use its {name}")
    columns = compiler.klass_info["select_fields"]
    if columns != list(range(len(columns))):
        raise RuntimeError("the story query's row does not start with the story")
    return CompiledQuery(
        sql=sql,
        params=tuple(params),
        places=places,
        fields=[
            column.target.attname for column, *_ in compiler.select[: len(columns)]
        ],
        annotations=dict(compiler.annotation_col_map),
        converters=compiler.get_converters([column for column, *_ in compiler.select]),
        related=get_related_populators(compiler.klass_info, compiler.select, alias),
    )


def _compile(alias: str, values: dict):
    compiler = story_query(**values).query.get_compiler(using=alias)
    return compiler, compiler.as_sql()
