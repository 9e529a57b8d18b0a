"""The import's multi-row inserts (``articles.interchange.inserts``)."""

from datetime import UTC, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Upper
from django.utils import timezone
from reversion.models import Revision, Version

from articles.interchange.bulk_revisions import VERSION_COLUMNS
from articles.interchange.inserts import insert_new, insert_rows
from articles.models import Article, Byline, Correction
from articles.search import document_vector_sql, refresh_search_vector
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

LONG_AGO = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)


def new_story(n: int, **fields) -> Article:
    return Article(
        headline=f"Harbour ferry {n}",
        slug=f"harbour-ferry-{n}",
        body=f"The ferry sailed at {n}.",
        published_at=LONG_AGO,
        **fields,
    )


def test_inserted_rows_get_their_ids_and_keep_every_value():
    article, author = make_article(), make_author()
    bylines = [
        Byline(article=article, author=author, position=n, role=f"role {n}")
        for n in range(3)
    ]

    insert_new(Byline, bylines)

    assert all(byline.pk and not byline._state.adding for byline in bylines)
    stored = Byline.objects.filter(article=article).order_by("position")
    assert [(b.pk, b.author_id, b.role) for b in stored] == [
        (b.pk, author.pk, b.role) for b in bylines
    ]


def test_more_rows_than_one_statement_holds_are_all_inserted():
    article = make_article()
    corrections = [Correction(article=article, text=f"Fix {n}") for n in range(1234)]

    insert_new(Correction, corrections)

    assert len({c.pk for c in corrections}) == 1234
    assert article.corrections.count() == 1234
    assert Correction.objects.get(pk=corrections[1000].pk).text == "Fix 1000"


def test_times_are_stamped_unless_kept_as_given():
    stamped, kept = new_story(1), new_story(2)
    kept.created_at = kept.updated_at = LONG_AGO

    insert_new(Article, [stamped])
    insert_new(Article, [kept], as_given=True)

    assert Article.objects.get(pk=stamped.pk).created_at > LONG_AGO
    assert Article.objects.get(pk=kept.pk).updated_at == LONG_AGO


def test_rows_holding_expressions_go_through_bulk_create():
    story = new_story(3)
    story.headline = Upper(Value("harbour ferry"))

    insert_new(Article, [story])

    assert Article.objects.get(pk=story.pk).headline == "HARBOUR FERRY"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="computed columns are PostgreSQL's"
)
def test_a_computed_column_is_written_with_its_row():
    stories = [
        new_story(n, created_at=LONG_AGO, updated_at=LONG_AGO) for n in range(4, 7)
    ]

    insert_new(
        Article,
        stories,
        as_given=True,
        computed={"search_vector": document_vector_sql("english")},
    )

    inserted = dict(Article.objects.values_list("pk", "search_vector"))
    for story in stories:
        refresh_search_vector(Article.objects.get(pk=story.pk))
    assert all(inserted[story.pk] for story in stories)
    assert inserted == dict(Article.objects.values_list("pk", "search_vector"))


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the refusal is for other databases"
)
def test_computed_columns_are_refused_where_the_database_cannot_compute_them():
    with pytest.raises(ValueError, match="PostgreSQL"):
        insert_new(Article, [new_story(7)], computed={"search_vector": ("1", [])})
    assert not Article.objects.exists()


def test_plain_rows_are_inserted_as_given():
    article = make_article()
    revision = Revision.objects.create(date_created=timezone.now(), comment="test")
    kind = ContentType.objects.get_for_model(Article).pk
    rows = [
        (revision.pk, kind, str(article.pk + n), "default", "json", f"[{n}]", f"n{n}")
        for n in range(3)
    ]

    insert_rows(Version, VERSION_COLUMNS, rows)

    assert list(
        Version.objects.order_by("pk").values_list("serialized_data", "object_repr")
    ) == [("[0]", "n0"), ("[1]", "n1"), ("[2]", "n2")]
