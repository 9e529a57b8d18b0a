"""Reader search, ``/search/?q=``: PostgreSQL full-text search, SQLite fallback."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.search import (
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    SearchView,
    clean_query,
    search,
    search_config,
)

from .factories import make_article, make_section

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text search runs on PostgreSQL (CI runs the PostgreSQL pass)",
)

SEARCH = reverse("articles:search")


def found(query: str) -> list[str]:
    return [article.headline for article in search(query)]


def page(client, query: str, **params) -> str:
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_finds_a_word_in_the_headline_the_standfirst_or_the_body():
    make_article(headline="Zeppelin lands in the park")
    make_article(headline="Quiet day", standfirst="A quokka was seen downtown.")
    make_article(headline="Bakery news", body="The marzipan ran out by noon.")
    make_article(headline="Unrelated")
    assert found("zeppelin") == ["Zeppelin lands in the park"]
    assert found("quokka") == ["Quiet day"]
    assert found("Marzipan") == ["Bakery news"]


def test_every_word_must_match():
    make_article(headline="Harbour strike ends", body="Dockers return to work.")
    make_article(headline="Harbour festival", body="Boats and music.")
    assert found("harbour dockers") == ["Harbour strike ends"]


def test_only_published_stories_are_found(client):
    now = timezone.now()
    make_article(headline="Published walrus")
    make_article(headline="Draft walrus", status=Article.Status.DRAFT)
    make_article(headline="Review walrus", status=Article.Status.REVIEW)
    make_article(headline="Withdrawn walrus", status=Article.Status.WITHDRAWN)
    make_article(headline="Scheduled walrus", published_at=now + timedelta(hours=1))
    make_article(headline="Embargoed walrus", embargo_until=now + timedelta(hours=1))
    assert found("walrus") == ["Published walrus"]
    html = page(client, "walrus")
    assert "Published walrus" in html
    for hidden in ("Draft", "Review", "Withdrawn", "Scheduled", "Embargoed"):
        assert f"{hidden} walrus" not in html


def test_a_narrower_queryset_still_returns_only_published_stories():
    make_article(headline="Draft heron", status=Article.Status.DRAFT)
    assert found("heron") == []
    assert list(search("heron", queryset=Article.objects.all())) == []


def test_results_page_lists_stories_with_a_highlighted_snippet(client):
    section = make_section(name="Science")
    story = make_article(
        headline="Comet visible tonight",
        standfirst="Astronomers expect a bright display.",
        body="The comet will be visible to the naked eye after sunset.",
        section=section,
    )
    html = page(client, "comet")
    assert f'href="{story.get_absolute_url()}"' in html
    assert "1 story match “<bdi>comet</bdi>”" in html
    assert re.search(r'<p class="snippet">.*<mark>comet</mark>', html, re.S)
    assert "Science" in html


def test_search_page_has_title_heading_form_and_noindex(client):
    make_article(headline="Lighthouse restored")
    html = page(client, "lighthouse")
    assert "<title>Search: lighthouse · " in html
    assert "<h1>Search</h1>" in html
    assert '<meta name="robots" content="noindex, follow">' in html
    assert '<label for="search-q">' in html
    assert re.search(
        r'<input type="search" id="search-q" name="q" value="lighthouse"', html
    )


@pytest.mark.parametrize("query", ["", "   ", "\x00"])
def test_an_empty_query_shows_the_form_and_nothing_else(client, query):
    make_article(headline="Anything at all")
    html = page(client, query)
    assert '<input type="search" id="search-q" name="q" value=""' in html
    assert "No stories match" not in html
    assert "Anything at all" not in html
    assert "<title>Search · " in html


def test_no_results_page_says_so_clearly(client):
    make_article(headline="Something else")
    html = page(client, "xylophone")
    assert "No stories match “<bdi>xylophone</bdi>”." in html
    assert 'class="snippet"' not in html


def test_pagination_keeps_the_query(client, monkeypatch):
    monkeypatch.setattr(SearchView, "paginate_by", 2)
    for n in range(3):
        make_article(
            headline=f"Tram line {n}",
            published_at=timezone.now() - timedelta(hours=n + 1),
        )
    make_article(headline="Bus timetable")
    first = page(client, "tram line")
    assert "3 stories match" in first
    assert 'href="?q=tram%20line&amp;page=2" rel="next"' in first
    second = page(client, "tram line", page=2)
    assert second.count('class="teaser"') == 1
    assert 'href="?q=tram%20line&amp;page=1" rel="prev"' in second
    assert client.get(SEARCH, {"q": "tram line", "page": 3}).status_code == 404


ODD_QUERIES = [
    '"',
    '""',
    '"unbalanced quote',
    "&|!():*",
    "a & b | !c <-> d",
    "harbour:*",
    "-",
    "--harbour",
    "-harbour",
    "or",
    "OR OR or",
    "'; DROP TABLE articles_article; --",
    "%_%\\",
    "\x00harbour\x00",
    "harbour\x1b[31m",
    "🙂🚢",
    "المقاتلين",
    "مدينة " * 1500,
    "x" * 10240,
    "harbour " * 2000,
    "ab" + "\u0301" * 500,
]


@pytest.mark.parametrize("query", ODD_QUERIES, ids=range(len(ODD_QUERIES)))
def test_odd_and_long_queries_are_answered(client, query):
    make_article(headline="Harbour strike ends")
    html = page(client, query)
    assert "\x00" not in html
    assert "<h1>Search</h1>" in html


def test_a_script_in_the_query_is_escaped(client):
    html = page(client, "<script>alert(1)</script>")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_script_in_the_story_never_comes_back_unescaped(client):
    make_article(
        headline="Pelican <script>alert('h')</script>",
        standfirst="<b>Bold</b> pelican claims",
        body='<script>alert("x")</script> the pelican <img src=x onerror=alert(2)>',
    )
    html = page(client, "pelican")
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>Bold</b>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>pelican</mark>" in html


def test_text_that_looks_like_a_match_marker_is_not_marked(client):
    make_article(headline="Owl", body="The owl \ue000hooted\ue001 at night.")
    html = page(client, "owl")
    assert html.count("<mark>") == html.count("</mark>") >= 1
    assert "<mark>hooted</mark>" not in html


def test_a_long_query_is_shortened_and_the_page_says_so(client):
    html = page(client, "harbour " * (MAX_QUERY_WORDS + 50))
    assert "Your search was too long" in html
    assert "Your search was too long" not in page(client, "harbour")


def test_clean_query_strips_control_characters_and_caps_the_length():
    assert clean_query("  a\x00b\tc\n\n d ") == ("a b c d", False)
    words, shortened = clean_query("word " * (MAX_QUERY_WORDS + 1))
    assert shortened and len(words.split()) == MAX_QUERY_WORDS
    text, shortened = clean_query("abcdefghi " * 1000)
    assert shortened and len(text) <= MAX_QUERY_CHARS
    assert text.split() == ["abcdefghi"] * len(text.split())  # cut between words
    text, shortened = clean_query("x" * 10240)
    assert shortened and text == "x" * MAX_QUERY_CHARS


def test_an_arabic_story_is_found_by_an_arabic_word(client):
    story = make_article(
        headline="المقاتلون ينسحبون من المدينة",
        body="قال المسؤولون إن المقاتلين انسحبوا من المدينة ليلا.",
        language="ar",
    )
    make_article(headline="English story")
    assert found("المقاتلين") == [story.headline]
    html = page(client, "المقاتلين")
    assert 'lang="ar" dir="rtl"' in html
    assert "<mark>" in html


def test_an_edited_story_is_found_by_its_new_words_only():
    story = make_article(headline="Old giraffe headline")
    story.headline = "New okapi headline"
    story.save()
    assert found("okapi") == ["New okapi headline"]
    assert found("giraffe") == []


def test_search_config_follows_the_language():
    assert search_config("en") == "english"
    assert search_config("en-GB") == "english"
    assert search_config("ar") == "arabic"
    assert search_config("pt_BR") == "portuguese"
    assert search_config("fr") == "french"
    assert search_config("sw") == "simple"
    assert search_config("") == "simple"


@pytest.mark.parametrize("name", ["home", "story", "section", "search", "missing"])
def test_the_header_search_form_is_on_every_page(client, name):
    section = make_section()
    story = make_article(section=section)
    url = {
        "home": reverse("articles:home"),
        "story": story.get_absolute_url(),
        "section": section.get_absolute_url(),
        "search": SEARCH + "?q=headline",
        "missing": "/no-such-page/",
    }[name]
    html = client.get(url).content.decode()
    assert f'<form class="site-search" role="search" action="{SEARCH}">' in html
    assert '<label for="site-search-q">Search stories</label>' in html
    assert '<input type="search" id="site-search-q" name="q"' in html


# PostgreSQL: the stored vector, its index, stemming, ranking and ts_headline.


@postgresql_only
def test_the_seed_story_is_found_by_hatra_with_a_highlighted_snippet(client, seed_path):
    call_command("import_articles", str(seed_path), "--publish", verbosity=0)
    html = page(client, "Hatra")
    seed = Article.objects.get()
    assert f'href="{seed.get_absolute_url()}"' in html
    assert "<mark>Hatra</mark>" in html
    assert re.search(r'<p class="snippet">[^<]*<mark>Hatra</mark>', html)


@postgresql_only
def test_a_headline_match_ranks_above_standfirst_above_body():
    make_article(headline="Budget talks", body="The mayor spoke of the tapir.")
    make_article(headline="Tapir born at the zoo")
    make_article(headline="City news", standfirst="A tapir escaped.")
    assert found("tapir") == ["Tapir born at the zoo", "City news", "Budget talks"]
    assert [a.rank for a in search("tapir")] == sorted(
        (a.rank for a in search("tapir")), reverse=True
    )


@postgresql_only
def test_english_stemming_finds_other_forms_of_a_word():
    make_article(headline="Troops", body="The army began to retreat at dawn.")
    assert found("retreating") == ["Troops"]
    assert found("retreats") == ["Troops"]


@postgresql_only
def test_a_left_out_word_excludes_the_story_whatever_its_form():
    make_article(headline="Troops", body="The army began to retreat at dawn.")
    assert found("dawn") == ["Troops"]
    # "dawn" reads the same in every configuration; "retreating" does not.
    assert found("dawn -retreating") == []
    assert found('"began to retreat"') == ["Troops"]
    assert found("army or zebra") == ["Troops"]


@postgresql_only
def test_an_arabic_story_is_found_by_another_form_of_the_word():
    story = make_article(
        headline="انسحاب من المدينة",
        body="قال المسؤولون إن المقاتلين انسحبوا من المدينة ليلا.",
        language="ar",
    )
    assert found("مقاتلون") == [story.headline]  # "fighters", another case ending
    assert found("مدينة") == [story.headline]  # "city", without the article


@postgresql_only
def test_the_vector_follows_the_story_language():
    story = make_article(headline="Les soldats reculaient", language="fr")
    assert found("reculer") == [story.headline]
    story.language = "sw"  # no Swahili configuration: words as written
    story.save()
    assert found("reculer") == []
    assert found("reculaient") == [story.headline]


@postgresql_only
def test_a_save_of_some_fields_refreshes_the_vector_when_they_are_indexed():
    story = make_article(headline="Marmot census")
    story.kicker = "Wildlife"
    story.save(update_fields=["kicker"])
    assert found("marmot") == ["Marmot census"]
    story.headline = "Beaver census"
    story.save(update_fields=["headline"])
    assert found("beaver") == ["Beaver census"]
    assert found("marmot") == []


@postgresql_only
def test_the_search_vector_has_a_gin_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'articles_article'"
            " AND indexname = 'articles_article_search_gin'"
        )
        (indexdef,) = cursor.fetchone()
    assert "USING gin (search_vector)" in indexdef


@postgresql_only
def test_the_search_query_uses_the_gin_index_on_a_large_table():
    """With thousands of stories the planner looks the words up in the index."""
    make_article(headline="Ibex sighted")
    with connection.cursor() as cursor:
        Article.objects.bulk_create(
            Article(
                headline=f"Filler {n}", slug=f"filler-{n}", body=f"Words {n}",
                status="published", published_at=timezone.now() - timedelta(days=1),
            )
            for n in range(5000)
        )  # fmt: skip
        # bulk_create skips save(), so fill the filler rows' vectors in one UPDATE.
        cursor.execute(
            "UPDATE articles_article"
            " SET search_vector = to_tsvector('english', headline)"
            " WHERE search_vector IS NULL"
        )
        # Rows of earlier (rolled back) tests wait in the index's pending list, which
        # the planner counts as cost; autovacuum empties it in production.
        cursor.execute(
            "SELECT gin_clean_pending_list('articles_article_search_gin'::regclass)"
        )
        cursor.execute("ANALYZE articles_article")
        with CaptureQueriesContext(connection) as queries:
            assert found("ibex") == ["Ibex sighted"]
        plans = []
        for query in queries.captured_queries:
            if "@@" in query["sql"]:
                cursor.execute(f"EXPLAIN {query['sql']}")
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    # The last lookup of the newest matches is the one over every story.
    assert "Bitmap Index Scan on articles_article_search_gin" in plans[-1]
