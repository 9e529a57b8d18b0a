"""Read API: published stories as ninjs 2.1, paginated and filtered, with ETags."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from articles.interchange.ninjs import article_uri
from articles.models import Article

from . import images
from .factories import make_article, make_author, make_photo, make_section
from .test_ninjs import assert_valid, schema_validator

pytestmark = pytest.mark.django_db

LIST = reverse("articles:api_articles")
BASE = "http://testserver"


def detail(article: Article) -> str:
    return reverse("articles:api_article", args=[article.pk])


@pytest.fixture
def validator(shared_samples):
    return schema_validator(shared_samples)


def hidden_stories() -> list[Article]:
    """One story in each state readers must not see."""
    now = timezone.now()
    return [
        make_article(status=Article.Status.DRAFT),
        make_article(status=Article.Status.REVIEW),
        make_article(status=Article.Status.WITHDRAWN),
        make_article(published_at=now + timedelta(hours=2)),  # scheduled
        make_article(embargo_until=now + timedelta(hours=2)),
    ]


def headlines(response) -> list[str]:
    return [item["headlines"][0]["value"] for item in response.json()["items"]]


def test_the_routes_are_the_ones_the_issue_names():
    assert LIST == "/api/v1/articles/"
    assert reverse("articles:api_article", args=[7]) == "/api/v1/articles/7"


def test_the_list_is_ninjs_with_paging_links(client, validator):
    section = make_section(slug="world")
    photo = make_photo(caption="Crowds in the square.", credit="AFP")
    photo.image.save("square.jpg", ContentFile(images.jpeg((800, 600))))
    older = make_article(published_at=timezone.now() - timedelta(days=1))
    newer = make_article(
        section=section,
        tags=["Elections"],
        authors=[make_author()],
        photos=[photo, make_photo()],
        agency="AFP",
    )
    response = client.get(LIST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body == {
        "items": body["items"],
        "count": 2,
        "page": 1,
        "pages": 1,
        "page_size": 20,
        "next": None,
        "previous": None,
    }
    assert [item["uri"] for item in body["items"]] == [
        article_uri(newer, base_url=BASE),
        article_uri(older, base_url=BASE),
    ]
    for item in body["items"]:
        assert_valid(validator, item)


def test_a_story_is_one_ninjs_document(client, validator):
    article = make_article(headline="Parliament votes", language="en")
    response = client.get(detail(article))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert_valid(validator, document)
    assert document["uri"] == article_uri(article, base_url=BASE)
    assert document["headlines"] == [{"role": "main", "value": "Parliament votes"}]
    assert document["renditions"][0]["href"] == BASE + article.get_absolute_url()


def test_arabic_text_travels_as_utf8_not_escapes(client):
    article = make_article(headline="افتتاح معرض الكتاب", language="ar")
    response = client.get(detail(article))
    assert "افتتاح معرض الكتاب".encode() in response.content
    assert response.json()["language"] == "ar"


def test_stories_readers_cannot_see_are_not_in_the_api(client):
    visible = make_article()
    hidden = hidden_stories()
    listed = {item["uri"] for item in client.get(LIST).json()["items"]}
    assert listed == {article_uri(visible, base_url=BASE)}
    for article in hidden:
        response = client.get(detail(article))
        assert response.status_code == 404, article.status
        assert "error" in response.json()


def test_an_unknown_id_is_not_found(client):
    response = client.get(reverse("articles:api_article", args=[999999]))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_the_api_only_reads(client):
    article = make_article()
    assert client.post(LIST).status_code == 405
    assert client.delete(detail(article)).status_code == 405
    assert client.head(detail(article)).status_code == 200


# Filters ------------------------------------------------------------------------------


def test_filter_by_section_and_tag(client):
    world = make_section(slug="world")
    sport = make_section(slug="sport")
    make_article(headline="Summit", section=world, tags=["Diplomacy"])
    make_article(headline="Final", section=sport, tags=["Football"])
    make_article(headline="Derby", section=sport, tags=["Football", "Derby"])
    assert headlines(client.get(LIST, {"section": "sport"})) == ["Derby", "Final"]
    assert headlines(client.get(LIST, {"tag": "football"})) == ["Derby", "Final"]
    assert headlines(client.get(LIST, {"section": "sport", "tag": "derby"})) == [
        "Derby"
    ]
    assert headlines(client.get(LIST, {"section": "nowhere"})) == []


def test_updated_since_lists_what_changed_or_went_live_since(client):
    now = timezone.now()
    old = make_article(headline="Old", published_at=now - timedelta(days=10))
    Article.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=9))
    edited = make_article(headline="Edited", published_at=now - timedelta(days=10))
    scheduled = make_article(
        headline="Went live", published_at=now - timedelta(hours=1)
    )
    Article.objects.filter(pk=scheduled.pk).update(updated_at=now - timedelta(days=5))
    assert edited.updated_at > now - timedelta(minutes=1)
    since = (now - timedelta(days=2)).isoformat()
    assert headlines(client.get(LIST, {"updated_since": since})) == [
        "Went live",
        "Edited",
    ]


@pytest.mark.parametrize(
    "value",
    [
        "2020-01-01",
        "2020-01-01T00:00:00Z",
        "2020-01-01T02:00:00+02:00",
        "2020-01-01T02:00:00 02:00",  # an unencoded "+" arrives as a space
    ],
)
def test_updated_since_takes_dates_and_date_times(client, value):
    make_article()
    response = client.get(f"{LIST}?updated_since={value}")
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"updated_since": "last week"}, "updated_since"),
        ({"updated_since": "2020-13-45"}, "updated_since"),
        ({"updated_since": ""}, "updated_since"),
        ({"page": "two"}, "page"),
        ({"page": "0"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "-5"}, "page_size"),
        ({"page_size": "9" * 5000}, "page_size"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, query, parameter):
    response = client.get(LIST, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["parameter"] == parameter
    assert response.json()["error"]


# Pagination ---------------------------------------------------------------------------


def test_pages_of_twenty_by_default_and_up_to_a_hundred(client):
    start = timezone.now() - timedelta(hours=1)
    for n in range(25):
        make_article(
            headline=f"Story {n:02d}", published_at=start - timedelta(minutes=n)
        )
    first = client.get(LIST).json()
    assert (first["count"], first["pages"], len(first["items"])) == (25, 2, 20)
    assert first["previous"] is None
    assert first["next"] == f"{BASE}{LIST}?page=2"
    second = client.get(first["next"]).json()
    assert [item["headlines"][0]["value"] for item in second["items"]] == [
        f"Story {n:02d}" for n in range(20, 25)
    ]
    assert second["next"] is None
    assert second["previous"] == f"{BASE}{LIST}?page=1"
    small = client.get(LIST, {"page_size": 10}).json()
    assert (small["pages"], len(small["items"])) == (3, 10)
    assert "page_size=10" in small["next"]
    assert len(client.get(LIST, {"page_size": 100}).json()["items"]) == 25


def test_a_page_past_the_last_is_not_found(client):
    make_article()
    response = client.get(LIST, {"page": 2})
    assert response.status_code == 404
    assert client.get(LIST).json()["pages"] == 1


def test_an_empty_list_is_one_empty_page(client):
    body = client.get(LIST).json()
    assert (body["items"], body["count"], body["pages"]) == ([], 0, 1)


# Caching ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["list", "detail"])
def test_an_unchanged_response_is_a_304(client, url):
    article = make_article()
    address = LIST if url == "list" else detail(article)
    response = client.get(address)
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert response["Cache-Control"] in ("public, max-age=60", "max-age=60, public")
    again = client.get(address, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert "max-age=60" in again["Cache-Control"]
    other = client.get(address, headers={"if-none-match": '"something-else"'})
    assert other.status_code == 200


@pytest.mark.parametrize("url", ["list", "detail"])
def test_any_change_shown_changes_the_etag(client, url):
    """The ETag follows the body: a story edit, and also a photo's caption edited
    on the photo alone, which does not touch the story's row."""
    photo = make_photo(caption="Before.")
    article = make_article(photos=[photo])
    address = LIST if url == "list" else detail(article)
    first = client.get(address)["ETag"]
    article.headline = "Changed headline"
    article.save()
    second = client.get(address, headers={"if-none-match": first})
    assert second.status_code == 200
    assert second["ETag"] != first
    photo.caption = "After."
    photo.save()
    third = client.get(address, headers={"if-none-match": second["ETag"]})
    assert third.status_code == 200
    assert third["ETag"] != second["ETag"]


def test_a_new_story_changes_the_list_etag(client):
    make_article()
    etag = client.get(LIST)["ETag"]
    make_article()
    assert client.get(LIST, headers={"if-none-match": etag}).status_code == 200


# Queries ------------------------------------------------------------------------------


def story_with_everything(n: int) -> Article:
    photo = make_photo()
    photo.image.save(f"p{n}.jpg", ContentFile(images.jpeg((400, 300))))
    return make_article(
        section=make_section(),
        tags=[f"tag {n}", "shared"],
        authors=[make_author(), make_author()],
        photos=[photo, make_photo()],
        agency="AFP",
    )


def test_the_list_costs_the_same_queries_for_one_story_or_twenty(
    client, django_assert_max_num_queries
):
    story_with_everything(0)
    with django_assert_max_num_queries(5) as one:
        assert len(client.get(LIST).json()["items"]) == 1
    for n in range(1, 20):
        story_with_everything(n)
    with django_assert_max_num_queries(len(one)):
        assert len(client.get(LIST).json()["items"]) == 20


def test_a_story_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    article = story_with_everything(0)
    with django_assert_max_num_queries(4):
        assert client.get(detail(article)).status_code == 200
