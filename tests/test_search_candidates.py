"""Search ranks a bounded set: the newest ``CANDIDATES`` matches, found window by
window (``articles.search.newest_matches``). Small limits stand in for the real ones."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import search as search_module
from articles.models import Article
from articles.search import search

from .factories import make_article

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="relevance ranking runs on PostgreSQL (CI runs the PostgreSQL pass)",
)


@pytest.fixture
def small_limits(monkeypatch):
    """Rank at most 3 stories; look among the newest 2 stories first."""
    monkeypatch.setattr(search_module, "CANDIDATES", 3)
    monkeypatch.setattr(search_module, "FIRST_WINDOW", 2)


def hours_ago(hours: float):
    return timezone.now() - timedelta(hours=hours)


def found(query: str) -> list[str]:
    return [article.headline for article in search(query)]


def test_only_the_newest_matches_are_listed_when_more_match(small_limits):
    for n in range(1, 6):
        make_article(headline=f"Walrus {n}", published_at=hours_ago(n))
    make_article(headline="Unrelated news", published_at=hours_ago(0.5))
    assert found("walrus") == ["Walrus 1", "Walrus 2", "Walrus 3"]


def test_an_old_match_is_found_beyond_the_newest_stories(small_limits):
    for n in range(1, 25):
        make_article(headline=f"Other news {n}", published_at=hours_ago(n))
    make_article(headline="Narwhal seen", published_at=hours_ago(24 * 365))
    assert found("narwhal") == ["Narwhal seen"]


def test_a_window_with_too_few_matches_gives_way_to_one_ten_times_larger(
    small_limits,
):
    walruses = {0: "Walrus 1", 5: "Walrus 2", 15: "Walrus 3", 24: "Walrus 4"}
    for n in range(25):
        make_article(headline=walruses.get(n, f"Other {n}"), published_at=hours_ago(n))
    # The newest 2 stories hold one walrus, too few; the newest 20 hold three.
    assert found("walrus") == ["Walrus 1", "Walrus 2", "Walrus 3"]


def test_newer_stories_readers_cannot_see_take_no_place(small_limits):
    for status in ("draft", "review", "withdrawn"):
        make_article(headline=f"Walrus {status}", status=status)
    make_article(headline="Walrus scheduled", published_at=hours_ago(-1))
    make_article(headline="Walrus embargoed", embargo_until=hours_ago(-1))
    for n in range(2, 6):
        make_article(headline=f"Walrus {n}", published_at=hours_ago(n))
    assert found("walrus") == ["Walrus 2", "Walrus 3", "Walrus 4"]
    assert Article.objects.filter(headline__startswith="Walrus").count() == 9


def test_the_page_says_when_only_the_newest_matches_are_listed(client, small_limits):
    for n in range(1, 5):
        make_article(headline=f"Walrus {n}", published_at=hours_ago(n))
    make_article(headline="Two herons", published_at=hours_ago(1))
    make_article(headline="Heron again", published_at=hours_ago(2))
    url = reverse("articles:search")
    many = client.get(url, {"q": "walrus"}).content.decode()
    assert (
        "At least 3 stories match “<bdi>walrus</bdi>”: here are the 3 newest."
        " Add a word to narrow the search." in many
    )
    assert many.count('class="teaser"') == 3
    few = client.get(url, {"q": "heron"}).content.decode()
    assert "2 stories match “<bdi>heron</bdi>”." in few
    assert "At least" not in few


@postgresql_only
def test_the_newest_matches_are_ranked_by_relevance(small_limits):
    make_article(
        headline="City news", body="A tapir was seen.", published_at=hours_ago(1)
    )
    make_article(headline="More news", standfirst="A tapir.", published_at=hours_ago(2))
    make_article(headline="Tapir born at the zoo", published_at=hours_ago(3))
    make_article(headline="Tapir moves house", published_at=hours_ago(48))
    assert found("tapir") == ["Tapir born at the zoo", "More news", "City news"]
