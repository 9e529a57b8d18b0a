"""Around a story: related stories by shared tags, the latest of its section, and
the date archives (/YYYY/, /YYYY/MM/, /YYYY/MM/DD/)."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_section

pytestmark = pytest.mark.django_db


def at(*parts: int) -> datetime:
    """An aware time in the site's time zone: at(2025, 11, 24, 9) is 09:00 then."""
    return timezone.make_aware(datetime(*parts))


def ago(hours: float) -> datetime:
    return timezone.now() - timedelta(hours=hours)


def headlines(html: str, heading_id: str) -> list[str]:
    """The headlines linked in the story lists of one ``<section>`` of the page."""
    match = re.search(
        rf'<h2 id="{heading_id}">.*?</h2>\s*<ul class="story-links">(.*?)</ul>',
        html,
        re.S,
    )
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', match.group(1)) if match else []


# --- Related stories --------------------------------------------------------------


def test_related_stories_are_ordered_by_shared_tags_in_one_query(
    django_assert_num_queries,
):
    """Most shared tags first, newest first among equals; never the story itself,
    nor a draft, a scheduled or an embargoed story, nor one sharing nothing."""
    story = make_article(tags=["Iraq", "Syria", "Oil", "Kurds"])
    three = make_article(
        headline="Three", tags=["Iraq", "Syria", "Oil"], published_at=ago(30)
    )
    two_old = make_article(
        headline="Two old", tags=["Syria", "Kurds"], published_at=ago(20)
    )
    two_new = make_article(
        headline="Two new", tags=["Oil", "Iraq", "Sport"], published_at=ago(2)
    )
    one = make_article(headline="One", tags=["Kurds", "Budget"], published_at=ago(3))
    make_article(headline="Unrelated", tags=["Budget"])
    make_article(headline="Untagged")
    make_article(
        headline="Draft",
        tags=["Iraq", "Syria", "Oil", "Kurds"],
        status=Article.Status.DRAFT,
    )
    make_article(headline="Scheduled", tags=["Iraq", "Syria"], published_at=ago(-5))
    make_article(headline="Embargoed", tags=["Iraq", "Syria"], embargo_until=ago(-5))

    with django_assert_num_queries(1):
        related = list(Article.objects.published().related_to(story))
    assert related == [three, two_new, two_old, one]
    assert [r.shared_tags for r in related] == [3, 2, 2, 1]


def test_a_story_without_tags_has_no_related_stories_for_the_same_one_query(
    django_assert_num_queries,
):
    story = make_article()
    make_article(tags=["Iraq"])
    with django_assert_num_queries(1):
        assert list(Article.objects.published().related_to(story)) == []


def test_story_page_lists_the_four_most_related_stories(client):
    story = make_article(tags=["Iraq", "Syria", "Oil"])
    for n in range(6):
        make_article(
            headline=f"Related {n}", tags=["Iraq", "Syria", "Oil"][: 1 + n % 3]
        )
    html = client.get(story.get_absolute_url()).content.decode()
    shown = headlines(html, "related-heading")
    assert len(shown) == 4
    # Three shared tags (stories 2 and 5) come first, newest first.
    assert shown[:2] == ["Related 5", "Related 2"]
    assert story.headline not in shown


# --- Latest in the same section -----------------------------------------------------


def test_latest_in_section_is_newest_first_without_the_story_itself():
    world, sport = make_section(name="World"), make_section(name="Sport")
    story = make_article(section=world, published_at=ago(5))
    older = make_article(section=world, published_at=ago(10))
    newer = make_article(section=world, published_at=ago(1))
    make_article(section=sport)
    make_article(section=world, status=Article.Status.DRAFT)
    make_article(section=world, published_at=ago(-1))
    alongside = Article.objects.published().in_section_of(story)
    assert list(alongside) == [newer, older]


def test_story_page_shows_its_section_latest_without_repeating_related_ones(client):
    world = make_section(name="World")
    story = make_article(section=world, tags=["Iraq"], published_at=ago(9))
    related = make_article(headline="Related one", section=world, tags=["Iraq"])
    for n in range(5):
        make_article(headline=f"World {n}", section=world, published_at=ago(n + 1))
    make_article(headline="Elsewhere", section=make_section(name="Sport"))
    html = client.get(story.get_absolute_url()).content.decode()
    assert headlines(html, "related-heading") == [related.headline]
    assert "Latest in World" in html
    assert headlines(html, "alongside-heading") == [f"World {n}" for n in range(4)]
    assert f'href="{world.get_absolute_url()}"' in html


def test_a_story_without_section_shows_the_latest_stories(client):
    story = make_article(published_at=ago(3))
    make_article(headline="Newest elsewhere", section=make_section())
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<h2 id="alongside-heading">Latest stories</h2>' in html
    assert headlines(html, "alongside-heading") == ["Newest elsewhere"]


def test_a_lone_story_has_no_empty_lists(client):
    story = make_article()
    html = client.get(story.get_absolute_url()).content.decode()
    assert 'class="related"' not in html


# --- Date archives ------------------------------------------------------------------


@pytest.fixture
def november():
    """Stories on 20 and 24 November 2025, one in December, one in 2024, and a
    draft and a withdrawn story on the 24th."""
    return {
        "early": make_article(
            headline="Early in the day", published_at=at(2025, 11, 24, 1)
        ),
        "late": make_article(
            headline="Late in the day", published_at=at(2025, 11, 24, 23, 30)
        ),
        "before": make_article(
            headline="Four days before", published_at=at(2025, 11, 20, 12)
        ),
        "december": make_article(
            headline="In December", published_at=at(2025, 12, 2, 8)
        ),
        "last_year": make_article(headline="Last year", published_at=at(2024, 6, 1, 8)),
        "draft": make_article(
            headline="A draft",
            published_at=at(2025, 11, 24, 12),
            status=Article.Status.DRAFT,
        ),
        "withdrawn": make_article(
            headline="Withdrawn",
            published_at=at(2025, 11, 24, 13),
            status=Article.Status.WITHDRAWN,
        ),
    }


def listed(response) -> list[str]:
    return [article.headline for article in response.context["page_obj"]]


def test_day_archive_lists_that_days_published_stories(client, november):
    response = client.get("/2025/11/24/")
    assert response.status_code == 200
    assert listed(response) == ["Late in the day", "Early in the day"]
    html = response.content.decode()
    assert "<h1>Stories of 24 November 2025</h1>" in html
    assert "<title>Stories of 24 November 2025 ·" in html
    # Earlier and later days with stories, skipping the empty ones between.
    assert 'href="/2025/11/20/">Earlier: 20 November 2025' in html
    assert 'href="/2025/12/02/">Later: 2 December 2025' in html


def test_month_archive_lists_the_month_and_links_its_days(client, november):
    response = client.get("/2025/11/")
    assert response.status_code == 200
    assert listed(response) == [
        "Late in the day",
        "Early in the day",
        "Four days before",
    ]
    html = response.content.decode()
    assert "<h1>Stories of November 2025</h1>" in html
    assert '<a href="/2025/11/20/">20</a>' in html
    assert '<a href="/2025/11/24/">24</a>' in html
    assert 'href="/2025/12/">Later: December 2025' in html


def test_year_archive_lists_the_year_and_links_its_months(client, november):
    response = client.get("/2025/")
    assert response.status_code == 200
    assert listed(response) == [
        "In December",
        "Late in the day",
        "Early in the day",
        "Four days before",
    ]
    html = response.content.decode()
    assert "<h1>Stories of 2025</h1>" in html
    assert '<a href="/2025/11/">November</a>' in html
    assert '<a href="/2025/12/">December</a>' in html
    assert 'href="/2024/">Earlier: 2024' in html


@pytest.mark.parametrize(
    "url",
    [
        "/2025/11/23/",  # no story that day
        "/2025/10/",  # nor that month
        "/2023/",  # nor that year
        "/2025/13/",  # no such month
        "/2025/02/30/",  # no such day
        "/2025/11/24/not-a-story/",
    ],
)
def test_empty_or_impossible_dates_are_not_found(client, november, url):
    assert client.get(url).status_code == 404


def test_future_days_are_not_listed_before_their_stories_are_out(client):
    tomorrow = timezone.localtime() + timedelta(days=1)
    make_article(published_at=tomorrow)
    assert client.get(f"/{tomorrow:%Y/%m/%d}/").status_code == 404


def test_story_and_archive_addresses_both_resolve(client, november):
    story = november["early"]
    assert story.get_absolute_url() == f"/2025/11/24/{story.slug}/"
    assert resolve(story.get_absolute_url()).url_name == "detail"
    assert resolve("/2025/11/24/").url_name == "archive_day"
    assert resolve("/2025/11/").url_name == "archive_month"
    assert resolve("/2025/").url_name == "archive_year"
    assert client.get(story.get_absolute_url()).status_code == 200
    kwargs = {"year": "2025", "month": "01", "day": "05"}
    assert reverse("articles:archive_day", kwargs=kwargs) == "/2025/01/05/"


def test_archives_are_paginated(client):
    for n in range(25):
        make_article(headline=f"Busy day {n}", published_at=at(2025, 3, 3, 8, n))
    first = client.get("/2025/03/03/")
    assert first.context["is_paginated"]
    assert len(listed(first)) == 20
    second = client.get("/2025/03/03/?page=2")
    assert listed(second) == [f"Busy day {n}" for n in range(4, -1, -1)]
    assert client.get("/2025/03/03/?page=3").status_code == 404


def test_archive_pages_cost_the_same_queries_however_many_stories(
    client, django_assert_max_num_queries, django_assert_num_queries
):
    """A year, month and day with one story each cost what busy ones cost."""
    for n in range(15):
        make_article(
            published_at=at(2025, 4, 1 + n % 5, 8, n),
            section=make_section(),
            tags=[f"t{n}", "shared"],
        )
    make_article(published_at=at(2023, 4, 2, 8), section=make_section(), tags=["t"])
    client.get("/2025/")  # warm the content-type cache
    for busy, quiet in [
        ("/2025/", "/2023/"),
        ("/2025/04/", "/2023/04/"),
        ("/2025/04/02/", "/2023/04/02/"),
    ]:
        with django_assert_max_num_queries(11) as busy_queries:
            assert client.get(busy).status_code == 200
        with django_assert_num_queries(len(busy_queries)):
            assert client.get(quiet).status_code == 200
