"""The home page's query, ``published()`` newest first, reads the partial index of
migration 0010 on both databases (SQLite needs the equality it can match)."""

import pytest
from django.db import connection, transaction

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_newest_published_stories_are_read_from_the_partial_index():
    for n in range(30):
        make_article(status="draft" if n % 3 else "published")
    newest = Article.objects.published().defer("search_vector")[:20]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Tiny tables are read whole; ask which index the planner would use.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        plan = newest.explain()
    assert "article_published_newest" in plan, plan
